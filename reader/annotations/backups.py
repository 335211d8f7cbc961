"""Verified backups of the annotation database: making, checking and rotating them.

A backup is written with SQLite's backup API under a temporary name, checked completely (the
same checks as at start-up, and the same number of annotations as the live database had), and
only then renamed into place: a damaged backup never takes the name, or the place in the
rotation, of a good one. Backups are plain rollback-journal files, so each is one
self-contained file that can be copied, opened read-only, or restored as it is (`recovery`
restores them when the database is damaged).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.annotations.migrations import DamagedError, Inspection, connect_read_only, inspect

KEEP = 7
"""Verified backups kept; older ones are removed once a newer one has been verified."""
MAX_AGE = timedelta(hours=24)
"""A backup is made at start-up when the newest is older than this (or out of date)."""
PREFIX, SUFFIX = "annotations-", ".sqlite3"


def stamp(moment: datetime | None = None) -> str:
    """A UTC timestamp for file names: sortable, and free of characters Windows refuses."""
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y%m%dT%H%M%S") + f".{moment.microsecond:06d}Z"


def when(path: Path) -> datetime:
    """The moment a backup was made, from its name (its modification time if the name is odd)."""
    try:
        text = path.name.removeprefix(PREFIX).removesuffix(SUFFIX)
        return datetime.strptime(text, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def describe_time(moment: datetime) -> str:
    """A moment as the user reads it, in local time."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def backups(backups_dir: Path) -> list[Path]:
    """The backups in `backups_dir`, newest first."""
    if not backups_dir.is_dir():
        return []
    found = [p for p in backups_dir.glob(f"{PREFIX}*{SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def check_file(path: Path) -> Inspection:
    """The complete start-up check of a database file, opened read-only."""
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as error:
        raise DamagedError(str(error)) from error
    try:
        return inspect(conn)
    except sqlite3.Error as error:
        raise DamagedError(str(error)) from error
    finally:
        conn.close()


def good_backups(backups_dir: Path) -> Iterator[tuple[Path, Inspection]]:
    """The backups that pass the complete check, newest first."""
    for path in backups(backups_dir):
        with contextlib.suppress(DamagedError, OSError):
            yield path, check_file(path)


def fsync(path: Path) -> None:
    """Make `path` (a file or, where the system allows, a folder) durable."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        descriptor = os.open(path, flags)
    except OSError:
        if path.is_dir():
            return  # Windows cannot open folders; its renames are durable enough
        raise
    try:
        os.fsync(descriptor)
    except OSError:
        if not path.is_dir():
            raise
    finally:
        os.close(descriptor)


def make_backup(conn: sqlite3.Connection, backups_dir: Path) -> tuple[Path, Inspection]:
    """A verified backup of the database behind `conn`, then the rotation; its path and check.

    The count and revision are read in the same read transaction the backup copies, so a writer
    in another process cannot make a good backup look wrong.
    """
    backups_dir.mkdir(parents=True, exist_ok=True)
    moment = stamp()
    temporary = backups_dir / f".{PREFIX}{moment}-{os.getpid()}.tmp"
    try:
        conn.execute("BEGIN")
        try:
            count, revision = conn.execute(
                "SELECT (SELECT count(*) FROM annotations), (SELECT revision FROM counter)"
            ).fetchone()
            copy = sqlite3.connect(temporary, isolation_level=None)
            try:
                conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        finally:
            conn.execute("COMMIT")
        found = check_file(temporary)
        if (found.annotations, found.revision) != (count, revision):
            raise DamagedError(
                f"the copy holds {found.annotations} annotations at revision {found.revision},"
                f" the database {count} at revision {revision}"
            )
        fsync(temporary)
        final = backups_dir / f"{PREFIX}{moment}{SUFFIX}"
        while final.exists():  # never replace a backup, even one made in the same microsecond
            final = backups_dir / f"{PREFIX}{stamp()}{SUFFIX}"
        temporary.replace(final)
        fsync(backups_dir)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    for old in backups(backups_dir)[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return final, found


def backup_due(conn: sqlite3.Connection, backups_dir: Path) -> bool:
    """Whether start-up should make a backup: none yet, the newest is a day old, or out of date.

    Out of date means the live revision or count differs from the newest backup's; reading
    those two numbers from the backup costs a millisecond, unlike a full check.
    """
    count, revision = conn.execute(
        "SELECT (SELECT count(*) FROM annotations), (SELECT revision FROM counter)"
    ).fetchone()
    existing = backups(backups_dir)
    if not existing:
        return bool(count or revision)
    newest = existing[0]
    if datetime.now(UTC) - when(newest) > MAX_AGE:
        return True
    try:
        other = connect_read_only(newest)
        try:
            found = other.execute(
                "SELECT (SELECT count(*) FROM annotations), (SELECT revision FROM counter)"
            ).fetchone()
        finally:
            other.close()
    except sqlite3.Error:
        return True
    return tuple(found) != (count, revision)
