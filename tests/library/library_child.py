"""A child process for the library's concurrency and full-disk tests.

Run as `python -m tests.library.library_child MODE DATA_DIR FOLDER [LIMIT]`; it prints one
JSON line with the report of what it added.

Modes:
  add DATA_DIR FOLDER          wait for "go" on stdin, then add FOLDER to the library
  fill DATA_DIR FOLDER LIMIT   cap file sizes at LIMIT bytes (RLIMIT_FSIZE, SIGXFSZ ignored:
                               a write past it fails as on a full disk), then add FOLDER
"""

from __future__ import annotations

import json
import resource
import signal
import sys
from pathlib import Path

from reader.annotations.store import AnnotationStore
from reader.library.catalogue import Library


def main(mode: str, data_dir: str, folder: str, *rest: str) -> None:
    with AnnotationStore.open(Path(data_dir)) as store:
        if mode == "add":
            sys.stdout.write("ready\n")
            sys.stdout.flush()
            sys.stdin.readline()
        elif mode == "fill":
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            limit = int(rest[0])
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        report = Library(store).add([Path(folder)])
    sys.stdout.write(
        json.dumps({"added": report.added, "already": report.already, "error": report.error}) + "\n"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
