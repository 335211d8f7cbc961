"""Atomic replacement writes only regular files: never a device, FIFO, socket or folder.

Exports (the window's and the command line's) and the settings go through it.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.app.atomic import NotARegularFileError, write_atomically


def test_a_new_path_is_created_with_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "notes.md"
    write_atomically(target, "新")
    assert target.read_text(encoding="utf-8") == "新"


def test_a_regular_file_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    target.write_text("舊", encoding="utf-8")
    write_atomically(target, "新")
    assert target.read_text(encoding="utf-8") == "新"


def test_a_symlink_to_a_regular_file_keeps_the_link_and_replaces_its_target(
    tmp_path: Path,
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "notes.md"
    target.write_text("舊", encoding="utf-8")
    link = tmp_path / "notes-link.md"
    link.symlink_to(target)
    write_atomically(link, "新\n")
    assert link.is_symlink() and link.readlink() == target
    assert target.read_text(encoding="utf-8") == "新\n"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["notes.md"]  # no leftovers


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "later.md")
    write_atomically(link, "新\n")
    assert link.is_symlink()
    assert (tmp_path / "later.md").read_text(encoding="utf-8") == "新\n"


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _link_to_a_device(path: Path) -> Path:
    path.symlink_to("/dev/null")
    return path


@pytest.mark.parametrize(
    ("make", "kind"),
    [(_fifo, "named pipe"), (_folder, "folder"), (_link_to_a_device, "device")],
    ids=["fifo", "folder", "symlink-to-dev-null"],
)
def test_what_is_not_a_regular_file_is_refused_and_left_alone(
    tmp_path: Path, make: Callable[[Path], Path], kind: str
) -> None:
    target = make(tmp_path / "target")
    before = os.lstat(target)
    with pytest.raises(NotARegularFileError, match=kind) as refusal:
        write_atomically(target, "新\n")
    assert isinstance(refusal.value, OSError)  # the callers' one except clause catches it
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (
        stat.S_IFMT(before.st_mode),
        before.st_ino,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]  # no temporary file left


def test_a_socket_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(NotARegularFileError, match="socket"):
            write_atomically(path, "新")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
