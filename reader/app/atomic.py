"""Replacing a file all at once, and only a file.

A rename replaces whatever directory entry has the name: a symlink, a device node, a FIFO. Run
as root, ``reader export -o /dev/stdout`` replaced the device itself. So the name is resolved
first: a symlink is followed to what it names (the link stays), and only a regular file or a
name that does not exist yet is replaced.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


class NotARegularFileError(OSError):
    """The path names a folder, device, FIFO or socket, which a write must not replace.

    An `OSError`, so the callers' handling of unwritable places covers it; its `strerror` is
    the end of a sentence for the user ("... cannot be written: it is a folder, ...").
    """


def write_atomically(path: Path, content: str) -> None:
    """Replace `path` with `content` through a temporary file in the same directory and a
    rename, so a reader of `path` sees the old file or the new one, never half of one.

    Raises `NotARegularFileError` when `path` (or what its symlink names) is not a regular file.
    """
    target = replaceable_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(content)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def replaceable_target(path: Path) -> Path:
    """The file a write to `path` replaces: `path` itself, or the file its symlinks lead to
    (a dangling link names the file to create). Refuses anything but a regular file."""
    try:
        mode = path.stat().st_mode  # through every link, /proc's /dev/stdout -> pipe:[...] too
    except FileNotFoundError:
        return Path(os.path.realpath(path))
    if stat.S_ISREG(mode):
        return Path(os.path.realpath(path))
    strerror = f"it is {_kind(mode)}, not a regular file; choose a file name"
    raise NotARegularFileError(errno.EEXIST, strerror, str(path))


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"
