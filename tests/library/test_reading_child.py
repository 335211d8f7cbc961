"""Files read for the library in a child process: the same results as on the caller's thread,
in order, every hostile file a clear skip; stopping midway stops the child."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

from reader.library.adding import Skipped, read_here
from reader.library.reading_child import read_in_child
from tests.conftest import CORPUS_DIR


def hostile_folder(folder: Path) -> list[Path]:
    folder.mkdir()
    shutil.copy(CORPUS_DIR / "library" / "道德经.txt", folder / "道德经.txt")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "gbk.txt").write_bytes("第一回 山寺\n\n寺里有和尚。".encode("gb18030"))
    return [
        folder / "道德经.txt",
        folder / "binary.txt",
        folder / "vanished.txt",
        folder / "empty.txt",
        folder / "gbk.txt",
    ]


def test_the_child_reads_what_this_thread_reads_in_order(tmp_path: Path) -> None:
    files = hostile_folder(tmp_path / "books")
    here = list(read_here(files))
    assert list(read_in_child(files)) == here
    reasons = [r.reason if isinstance(r, Skipped) else "read" for r in here]
    assert reasons == ["read", "not text", "vanished", "empty", "read"]
    gbk = here[4]
    assert not isinstance(gbk, Skipped) and gbk[1] == "gbk"  # decoded from GB18030


def test_stopping_midway_stops_the_child(tmp_path: Path) -> None:
    files = hostile_folder(tmp_path / "books") * 20
    before = set(multiprocessing.active_children())
    reading = read_in_child(files)
    assert next(reading) == next(read_here(files))
    reading.close()  # what adding does when the user stops it: no error, nothing left running
    assert set(multiprocessing.active_children()) <= before
