"""Verified backups of the annotation database: making and rotating them.

A backup is written with SQLite's backup API under a temporary name, checked completely (the
same checks as at start-up, `integrity.check_file`, and the same number of annotations as the
live database had), and only then renamed into place: a damaged backup never takes the name,
or the place in the rotation, of a good one. Backups are plain rollback-journal files, so each
is one self-contained file that can be copied, opened read-only, or restored as it is
(`recovery` restores them when the database is damaged).

Rotation keeps the `KEEP` newest, and never removes the only copy of a row: rows are never
removed from the database (deletes are soft, revisions only grow), so a newer backup normally
holds every row of an older one at the same or a later revision. An older backup that holds a
row no kept backup has (the database was replaced by another or an empty one) is kept as well,
until a newer backup holds its rows; only the newest such backup, so they cannot pile up.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.annotations.errors import DamagedError
from reader.annotations.integrity import Inspection, check_file, connect_read_only
from reader.annotations.transaction import read_snapshot

KEEP = 7
"""Verified backups kept; older ones are removed once a newer one has been verified (but see
`rotate`: the newest backup holding rows that no kept backup holds stays as well)."""
MAX_AGE = timedelta(hours=24)
"""A backup is made at start-up when the newest is older than this (or out of date)."""
PREFIX, SUFFIX = "annotations-", ".sqlite3"


def timestamp_for_name(moment: datetime | None = None) -> str:
    """A UTC timestamp for file names: sortable, and free of characters Windows refuses."""
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y%m%dT%H%M%S") + f".{moment.microsecond:06d}Z"


def made_at(path: Path) -> datetime:
    """The moment a backup was made, from its name (its modification time if the name is odd)."""
    try:
        text = path.name.removeprefix(PREFIX).removesuffix(SUFFIX)
        return datetime.strptime(text, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def describe_time(moment: datetime) -> str:
    """A moment as the user reads it, in local time."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def list_backups(backups_dir: Path) -> list[Path]:
    """The backups in `backups_dir`, newest first."""
    if not backups_dir.is_dir():
        return []
    found = [p for p in backups_dir.glob(f"{PREFIX}*{SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def good_backups(backups_dir: Path) -> Iterator[tuple[Path, Inspection]]:
    """The backups that pass the complete check, newest first."""
    for path in list_backups(backups_dir):
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
    moment = timestamp_for_name()
    temporary = backups_dir / f".{PREFIX}{moment}-{os.getpid()}.tmp"
    try:
        with read_snapshot(conn):
            count, revision = conn.execute(
                "SELECT (SELECT count(*) FROM annotations), (SELECT revision FROM counter)"
            ).fetchone()
            copy = sqlite3.connect(temporary, isolation_level=None)
            try:
                conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        found = check_file(temporary)
        if (found.annotations, found.revision) != (count, revision):
            raise DamagedError(
                f"the copy holds {found.annotations} annotations at revision {found.revision},"
                f" the database {count} at revision {revision}"
            )
        fsync(temporary)
        final = backups_dir / f"{PREFIX}{moment}{SUFFIX}"
        while final.exists():  # never replace a backup, even one made in the same microsecond
            final = backups_dir / f"{PREFIX}{timestamp_for_name()}{SUFFIX}"
        temporary.replace(final)
        fsync(backups_dir)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    rotate(backups_dir)
    return final, found


def rotate(backups_dir: Path) -> None:
    """Remove the backups past the `KEEP` newest, except the newest of them holding a row (or
    a later revision of one) that no kept backup holds: it may be the only copy left."""
    found = list_backups(backups_dir)
    if len(found) <= KEEP:
        return
    protectors = [_revisions(path) for path in found[:KEEP]]
    extra_kept = False
    for old in found[KEEP:]:
        rows = {} if extra_kept else _revisions(old)
        if not _covered(rows, protectors):
            protectors.append(rows)
            extra_kept = True
            continue
        with contextlib.suppress(OSError):
            old.unlink()


def _revisions(path: Path) -> dict[str, int]:
    """Each annotation id in a backup with its revision; empty if the backup cannot be read."""
    try:
        conn = connect_read_only(path)
        try:
            rows = conn.execute("SELECT id, revision FROM annotations").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return {}
    return {str(ident): revision for ident, revision in rows if isinstance(revision, int)}


def _covered(rows: dict[str, int], protectors: list[dict[str, int]]) -> bool:
    """Whether every row is in some protector at the same or a later revision."""
    return all(
        any(other.get(ident, -1) >= revision for other in protectors)
        for ident, revision in rows.items()
    )


def backup_due(conn: sqlite3.Connection, backups_dir: Path) -> bool:
    """Whether start-up should make a backup: none yet, the newest is a day old, or out of date.

    Out of date means the live revision or count differs from the newest backup's; reading
    those two numbers from the backup costs a millisecond, unlike a full check.
    """
    count, revision = conn.execute(
        "SELECT (SELECT count(*) FROM annotations), (SELECT revision FROM counter)"
    ).fetchone()
    existing = list_backups(backups_dir)
    if not existing:
        return bool(count or revision)
    newest = existing[0]
    if datetime.now(UTC) - made_at(newest) > MAX_AGE:
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
