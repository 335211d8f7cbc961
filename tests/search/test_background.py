"""The index-building child: it reports through its pipe, and ends quietly when orphaned."""

from __future__ import annotations

import queue
import subprocess
import sys
from pathlib import Path

from reader.document.loader import document_from_text
from reader.search.background import start_build

ROOT = Path(__file__).resolve().parents[2]
HANG_TIMEOUT_S = 600  # a hang detector, not a budget

ORPHAN = """
import os, sys
from pathlib import Path

if __name__ == "__main__":
    from reader.document.loader import document_from_text
    from reader.search.background import start_build

    start_build(document_from_text("第一段文字。\\n" * 2000), Path(sys.argv[1]))
    os._exit(0)  # gone before the child has even read its arguments
"""


def test_a_child_whose_parent_quits_at_once_ends_without_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN, encoding="utf-8")
    # stderr stays open until the child has ended too, so this waits for both.
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0
    assert "Traceback" not in result.stderr, result.stderr


def test_a_build_reports_progress_and_then_done(tmp_path: Path) -> None:
    process, messages = start_build(document_from_text("天地玄黃，宇宙洪荒。\n" * 500), tmp_path)
    process.join(HANG_TIMEOUT_S)  # what it said waits in the pipe
    heard: list[tuple[str, object]] = []
    while True:
        try:
            heard.append(messages.get_nowait())
        except queue.Empty:
            break
    messages.close()
    assert process.exitcode == 0 and heard[-1] == ("done", "")
    assert all(kind == "progress" for kind, _value in heard[:-1])
