"""Finding the texts in a folder: every file below it, each once, whatever links it holds.

A folder the user adds may hold anything: thousands of files, photos, hidden version-control
folders, symbolic links to other folders, links that point back up the tree (a loop), links to
nothing. The walk follows links to folders, but enters each real folder once (by device and
inode), so a loop ends; it yields each real file once (by its real path), so a file reached
through a link and directly is one file; it never reads a file. Hidden entries (a leading dot)
are passed over, as file managers do.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
"""The names of files the reader opens; any other file in a folder is not read at all."""


@dataclass
class Walk:
    """What a walk found besides the files it yields: what it passed over, and why."""

    not_text: list[Path] = field(default_factory=list)
    """Files whose names say they are not texts (never read)."""
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    """Folders that could not be listed and links to nothing, with why."""
    revisited: list[Path] = field(default_factory=list)
    """Links to a folder the walk had already entered (a symlink loop, or a second way in),
    not entered again."""


def text_files(folder: Path, walk: Walk) -> Iterator[Path]:
    """Each text file under `folder` once, in a stable order (names sorted per folder), noting
    in `walk` what was passed over. The paths are as found (inside `folder`), not resolved."""
    seen_folders: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            status = current.stat()
        except OSError as error:
            walk.unreadable.append((current, error.strerror or str(error)))
            continue
        key = (status.st_dev, status.st_ino)
        if key in seen_folders:
            walk.revisited.append(current)
            continue
        seen_folders.add(key)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as error:
            walk.unreadable.append((current, error.strerror or str(error)))
            continue
        folders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            kind = _kind(entry)
            if kind == "folder":
                folders.append(path)
            elif kind == "broken":
                walk.unreadable.append((path, "a link to nothing (or to itself)"))
            elif path.suffix.lower() not in TEXT_SUFFIXES:
                walk.not_text.append(path)
            else:
                real = os.path.realpath(path)
                if real not in seen_files:
                    seen_files.add(real)
                    yield path
        pending.extend(reversed(folders))  # depth first, in name order


def _kind(entry: os.DirEntry[str]) -> str:
    """ "folder", "file" (anything else that exists) or "broken" (a link that leads nowhere)."""
    try:
        if entry.is_dir():
            return "folder"
        if entry.is_file() or not entry.is_symlink():
            return "file"
    except OSError:
        pass
    return "broken"
