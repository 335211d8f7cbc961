"""Opening the annotation database at start-up: check, repair, upgrade, connect.

Where the folder, the file or the disk refuses writes, the database is opened read-only
instead (a backup, or an empty list in memory, if the file itself cannot be read), and the
messages say so. A damaged or missing database is repaired first (`recovery`). An older schema
is upgraded only after a verified backup of it was made.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from reader.annotations.backups import (
    backup_due,
    describe_time,
    good_backups,
    list_backups,
    made_at,
    make_backup,
)
from reader.annotations.errors import DamagedError, NewerSchemaError, writing_problem
from reader.annotations.files import (
    create,
    folder_in_the_way,
    remove_stale_temporaries,
    stray_side_files,
)
from reader.annotations.integrity import connect_read_only
from reader.annotations.recovery import describe_contents, diagnose, never_used, recover
from reader.annotations.schema import CURRENT_VERSION, migrate, user_version


@dataclass(frozen=True)
class OpenReport:
    """What happened when the store was opened, for the user."""

    messages: tuple[str, ...]
    restored_backup: Path | None
    read_only: bool


@dataclass(frozen=True)
class Opened:
    """A connection ready for the store, and what happened on the way."""

    conn: sqlite3.Connection
    messages: tuple[str, ...]
    restored: Path | None
    read_only_reason: str | None


class _CannotWriteError(Exception):
    """The folder, the file or the disk refuses writes; the message says which."""


def open_database(database: Path, *, read_only: bool) -> Opened:
    """Check, repair, upgrade and connect; read-only where writing is impossible.

    Raises `NewerSchemaError` (the file untouched), or `sqlite3.Error`/`OSError` when the
    database cannot even be read (`describe_failure` words those for the user).
    """
    if database.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(database))
    messages: list[str] = []
    reason = "the store was opened read-only" if read_only else _unwritable(database)
    if reason is None:
        try:
            return _open_writable(database, messages)
        except _CannotWriteError as error:
            reason = str(error)
    if not read_only:
        messages.append(
            f"Annotations cannot be saved: {reason}. They are shown read-only;"
            " nothing already saved was changed."
        )
    conn, restored = _open_read_only(database, messages)
    return Opened(conn, tuple(messages), restored, reason)


def _unwritable(database: Path) -> str | None:
    folder = database.parent
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, where reader keeps the folder of its annotations"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"the folder {folder} cannot be created ({error.strerror or error})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    if database.exists() and not os.access(database, os.W_OK):
        return f"the file {database} is not writable"
    _make_side_files_writable_like(database)
    in_the_way = folder_in_the_way(database)
    if in_the_way is not None:
        return (
            f"{in_the_way} is a folder where SQLite needs to keep a file; move or rename that"
            " folder and start reader again"
        )
    return None


def _make_side_files_writable_like(database: Path) -> None:
    """Give `-wal`/`-shm` files the database's own permissions when they lack write access it
    has. SQLite creates them with the database's mode, so a read-only look at a 0444 database
    leaves them read-only, and once the user made the database writable again every write
    failed ("attempt to write a readonly database")."""
    try:
        mode = database.stat().st_mode & 0o777
    except OSError:
        return
    for suffix in ("-wal", "-shm"):
        side = database.with_name(database.name + suffix)
        if side.exists() and not os.access(side, os.W_OK):
            with contextlib.suppress(OSError):  # not ours to change: SQLite will say so
                side.chmod(mode)


def _connect(database: Path) -> sqlite3.Connection:
    """The read-write connection, configured as DESIGN.md's reliability rules say."""
    conn = sqlite3.connect(database, timeout=5, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        if str(_switch_to_wal(conn)).lower() != "wal":
            raise _CannotWriteError(f"SQLite cannot keep a write-ahead log in {database.parent}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn
    except BaseException:
        conn.close()
        raise


def _switch_to_wal(conn: sqlite3.Connection) -> object:
    """`PRAGMA journal_mode = WAL`, retried: SQLite answers "locked" at once, without waiting
    for its busy timeout, while another process is creating the same new database."""
    deadline = time.monotonic() + 5
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as error:
            busy = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF == 5
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _open_writable(database: Path, messages: list[str]) -> Opened:
    folder, recovery = database.parent, None
    try:
        if database.exists():
            problem = diagnose(database)
            if problem is not None:
                recovery = recover(database, problem, messages)
        elif stray_side_files(database) or list_backups(folder / "backups"):
            recovery = recover(database, None, messages)
        if not database.exists():
            create(database)
        conn = _connect(database)
    except OSError as error:
        raise _CannotWriteError(f"{folder} cannot be written ({error})") from error
    except sqlite3.Error as error:
        raise _CannotWriteError(writing_problem(error) or str(error)) from error
    try:
        _upgrade(conn, folder / "backups", messages)
        if recovery is not None and recovery.aside is not None:
            from reader.annotations.rescue import salvage_into  # only for a damaged database

            merged = salvage_into(conn, recovery.aside / database.name)
            messages[recovery.message] = recovery.describe(merged)
        try:
            if backup_due(conn, folder / "backups"):
                make_backup(conn, folder / "backups")
        except (OSError, sqlite3.Error, DamagedError) as error:
            messages.append(f"Could not make a backup of the annotations: {error}.")
        remove_stale_temporaries(folder)
    except BaseException as error:
        conn.close()
        problem = writing_problem(error) if isinstance(error, sqlite3.Error) else None
        if problem is not None:
            raise _CannotWriteError(problem) from error
        raise
    backup = recovery.backup if recovery is not None else None
    return Opened(conn, tuple(messages), backup, None)


def _upgrade(conn: sqlite3.Connection, backups_dir: Path, messages: list[str]) -> None:
    """Migrate to the current schema; an existing database gets a verified backup first."""
    version = user_version(conn)
    if version > CURRENT_VERSION:
        raise NewerSchemaError(version)
    if 0 < version < CURRENT_VERSION:
        try:
            path, _ = make_backup(conn, backups_dir)
        except (OSError, sqlite3.Error, DamagedError) as error:
            raise _CannotWriteError(
                f"no verified backup could be made before upgrading the database ({error})"
            ) from error
        messages.append(
            f"The annotation database was upgraded from schema {version} to {CURRENT_VERSION};"
            f" a verified backup of it was made first: {path}."
        )
    migrate(conn)


def _open_read_only(database: Path, messages: list[str]) -> tuple[sqlite3.Connection, Path | None]:
    """The database as it is, without writing; a backup or an empty list in memory otherwise."""
    if database.exists():
        problem = diagnose(database)
        if problem is None:
            conn = connect_read_only(database)
            if user_version(conn) == CURRENT_VERSION:
                return conn, None
            return _migrated_copy(conn), None
        messages.append(
            f"The annotation database is damaged ({problem}) and cannot be repaired here."
        )
    for path, found in good_backups(database.parent / "backups"):
        if never_used(found):
            continue
        messages.append(
            f"Showing the backup of {describe_time(made_at(path))}"
            f" with {describe_contents(found)}, read-only."
        )
        return _migrated_copy(connect_read_only(path)), path
    return _migrated_copy(None), None


def _migrated_copy(source: sqlite3.Connection | None) -> sqlite3.Connection:
    """An in-memory copy of `source` (or an empty database), at the current schema."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    if source is not None:
        try:
            source.backup(conn)
        finally:
            source.close()
    migrate(conn)
    return conn
