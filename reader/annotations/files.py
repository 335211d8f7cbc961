"""The database file and its side files on disk: put in place whole, moved aside whole.

A file at the database's name is never half-written: a new database and a restored backup are
made under a temporary name and renamed into place, so another process sees no file or a whole
one. A damaged file leaves with its `-wal`/`-shm`/`-journal`, since a stray log must never meet
another database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import time
from pathlib import Path

from reader.annotations.backups import fsync, timestamp_for_name
from reader.annotations.integrity import check_file
from reader.annotations.schema import migrate

SIDE_FILES = ("-wal", "-shm", "-journal")
WAL_MAGIC = (0x377F0682, 0x377F0683)
STALE = 3600.0
"""Seconds after which a temporary file left by a killed process is removed."""


def create(database: Path) -> None:
    """A new database at the current schema, put in place whole (never an empty file that a
    second process could take for a damaged or a new one); one made meanwhile by another
    process is kept."""
    temporary = database.with_name(f".{database.name}.creating-{_unique()}")
    try:
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            migrate(conn)
        finally:
            conn.close()
        fsync(temporary)
        try:
            os.link(temporary, database)
        except FileExistsError:
            pass  # another process created it first: use theirs
        except OSError:  # a file system without hard links
            if not database.exists():
                temporary.replace(database)
        fsync(database.parent)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def restore(backup: Path, database: Path) -> None:
    """Put a copy of `backup` at `database`, checked again, atomically (no file or a whole one)."""
    temporary = database.with_name(f".{database.name}.restoring-{_unique()}")
    try:
        shutil.copyfile(backup, temporary)
        fsync(temporary)
        check_file(temporary)
        temporary.replace(database)
        fsync(database.parent)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _unique() -> str:
    """A suffix for temporary names that no other process or thread is using."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def move_aside(database: Path, damaged_dir: Path) -> Path:
    """Move the database and its side files to a new folder; that folder.

    The database goes first: a `-wal` left behind by an interruption is moved aside before
    anything is put in the database's place (a stray log must never meet another database).
    """
    folder = damaged_dir / timestamp_for_name()
    folder.mkdir(parents=True)
    for suffix in ("", *SIDE_FILES):
        source = database.with_name(database.name + suffix)
        if source.exists():
            source.replace(folder / source.name)
    fsync(folder)
    return folder


def stray_side_files(database: Path) -> bool:
    """Whether `-wal`/`-shm`/`-journal` files lie next to a database that is not there."""
    return not database.exists() and any(
        database.with_name(database.name + s).exists() for s in SIDE_FILES
    )


def wal_is_garbage(database: Path) -> bool:
    """Whether the database's `-wal` file exists but is not a SQLite write-ahead log.

    SQLite silently ignores such a file; it is still damage the user should hear about.
    """
    wal = database.with_name(database.name + "-wal")
    try:
        with wal.open("rb") as file:
            header = file.read(8)
    except OSError:
        return False
    if not header:
        return False
    magic = int.from_bytes(header[:4], "big") if len(header) >= 4 else 0
    version = int.from_bytes(header[4:8], "big") if len(header) == 8 else 0
    return magic not in WAL_MAGIC or version != 3007000


def folder_in_the_way(database: Path) -> Path | None:
    """The database path, or one of its side files' paths, if a folder is there instead."""
    for suffix in ("", *SIDE_FILES):
        path = database.with_name(database.name + suffix)
        if path.is_dir():
            return path
    return None


def remove_stale_temporaries(data_dir: Path) -> None:
    """Remove half-written backups and restores left behind by a killed process."""
    candidates = [
        *data_dir.glob(".*.restoring-*"),
        *data_dir.glob(".*.creating-*"),
        *(data_dir / "backups").glob(".*.tmp"),
    ]
    for path in candidates:
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > STALE:
                path.unlink()
