"""Verified backups of the annotation database, and recovery from damage.

A backup is written with SQLite's backup API under a temporary name, checked completely (the
same checks as at start-up, and the same number of annotations as the live database had), and
only then renamed into place: a damaged backup never takes the name, or the place in the
rotation, of a good one. Backups are plain rollback-journal files, so each is one
self-contained file that can be copied, opened read-only, or restored as it is.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.annotations.migrations import (
    COLUMNS,
    CURRENT_VERSION,
    DamagedError,
    Inspection,
    NewerSchemaError,
    connect_read_only,
    encode,
    inspect,
    is_damage,
    migrate,
    salvage,
    user_version,
    writing_problem,
)

KEEP = 7
"""Verified backups kept; older ones are removed once a newer one has been verified."""
MAX_AGE = timedelta(hours=24)
"""A backup is made at start-up when the newest is older than this (or out of date)."""
PREFIX, SUFFIX = "annotations-", ".sqlite3"
SIDE_FILES = ("-wal", "-shm", "-journal")
WAL_MAGIC = (0x377F0682, 0x377F0683)
STALE = 3600.0
"""Seconds after which a temporary file left by a killed process is removed."""


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


def _fsync(path: Path) -> None:
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
        _fsync(temporary)
        final = backups_dir / f"{PREFIX}{moment}{SUFFIX}"
        while final.exists():  # never replace a backup, even one made in the same microsecond
            final = backups_dir / f"{PREFIX}{stamp()}{SUFFIX}"
        temporary.replace(final)
        _fsync(backups_dir)
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


def restore(backup: Path, database: Path) -> None:
    """Put a copy of `backup` at `database`, checked again, atomically (no file or a whole one)."""
    temporary = database.with_name(f".{database.name}.restoring-{os.getpid()}")
    try:
        shutil.copyfile(backup, temporary)
        _fsync(temporary)
        check_file(temporary)
        temporary.replace(database)
        _fsync(database.parent)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def move_aside(database: Path, damaged_dir: Path) -> Path:
    """Move the database and its side files to a new folder; that folder.

    The database goes first: a `-wal` left behind by an interruption is moved aside before
    anything is put in the database's place (a stray log must never meet another database).
    """
    folder = damaged_dir / stamp()
    folder.mkdir(parents=True)
    for suffix in ("", *SIDE_FILES):
        source = database.with_name(database.name + suffix)
        if source.exists():
            source.replace(folder / source.name)
    _fsync(folder)
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


def salvage_into(conn: sqlite3.Connection, damaged: Path) -> int:
    """Copy into `conn` every intact row of the damaged file that is newer than what `conn` has.

    Rows are never removed (deletes are soft), so the union of a backup and the readable rows of
    the damaged file, newest revision winning, loses nothing that can still be read. One
    transaction; the number of annotations added or brought up to date.
    """
    try:
        source = connect_read_only(damaged)
        try:
            rows = list(salvage(source))
        finally:
            source.close()
    except sqlite3.Error:
        return 0
    insert = f"INSERT OR REPLACE INTO annotations ({', '.join(COLUMNS)}) VALUES"
    insert += f" ({', '.join('?' * len(COLUMNS))})"
    merged = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        for row in rows:
            mine = conn.execute(
                "SELECT revision FROM annotations WHERE id = ?", (row.annotation.id,)
            ).fetchone()
            if mine is None or mine[0] < row.annotation.revision:
                conn.execute(insert, encode(row))
                merged += 1
        newest = max((row.annotation.revision for row in rows), default=0)
        conn.execute("UPDATE counter SET revision = max(revision, ?) WHERE id = 1", (newest,))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return merged


def remove_stale_temporaries(data_dir: Path) -> None:
    """Remove half-written backups and restores left behind by a killed process."""
    candidates = [*data_dir.glob(".*.restoring-*"), *(data_dir / "backups").glob(".*.tmp")]
    for path in candidates:
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > STALE:
                path.unlink()


# --- opening --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A connection ready for the store, and what happened on the way."""

    conn: sqlite3.Connection
    messages: tuple[str, ...]
    restored: Path | None
    read_only_reason: str | None
    in_memory: bool


class _CannotWriteError(Exception):
    """The folder, the file or the disk refuses writes; the message says which."""


def open_database(database: Path, *, read_only: bool) -> Opened:
    """Check, repair, upgrade and connect; read-only where writing is impossible.

    Raises `NewerSchemaError` (the file untouched), or `sqlite3.Error`/`OSError` when the
    database cannot even be read.
    """
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
    return Opened(conn, tuple(messages), restored, reason, not _is_file_backed(conn))


def _unwritable(database: Path) -> str | None:
    folder = database.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"the folder {folder} cannot be created ({error.strerror or error})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    if database.exists() and not os.access(database, os.W_OK):
        return f"the file {database} is not writable"
    return None


def _is_file_backed(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("PRAGMA database_list").fetchone()[2])


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
    folder, restored = database.parent, None
    try:
        if database.exists():
            problem = _diagnose(database)
            if problem is not None:
                restored = _recover(database, problem, messages)
        elif stray_side_files(database) or backups(folder / "backups"):
            restored = _recover(database, None, messages)
        conn = _connect(database)
    except OSError as error:
        raise _CannotWriteError(f"{folder} cannot be written ({error})") from error
    except sqlite3.Error as error:
        raise _CannotWriteError(writing_problem(error) or str(error)) from error
    try:
        _upgrade(conn, folder / "backups", messages)
        if restored is not None and restored.aside is not None:
            merged = salvage_into(conn, restored.aside / database.name)
            if merged:
                messages[restored.message] += (
                    f" Recovered {merged} annotations from the damaged file"
                    + (" (changed after that backup)." if restored.backup else ".")
                )
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
    backup = restored.backup if restored is not None else None
    return Opened(conn, tuple(messages), backup, None, False)


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


def _diagnose(database: Path) -> str | None:
    """What is wrong with the database, or None; raises NewerSchemaError before checking."""
    if wal_is_garbage(database):
        return "its write-ahead log is not a SQLite log"
    try:
        conn = connect_read_only(database)
    except sqlite3.Error as error:
        if is_damage(error):
            return str(error)
        raise
    try:
        version = user_version(conn)
        if version > CURRENT_VERSION:
            raise NewerSchemaError(version)
        inspect(conn)
        return None
    except DamagedError as error:
        return str(error)
    except sqlite3.Error as error:
        if is_damage(error):
            return str(error)
        raise
    finally:
        conn.close()


@dataclass(frozen=True)
class _Recovery:
    aside: Path | None
    backup: Path | None
    message: int
    """Which of the messages tells the user about this recovery."""


def _recover(database: Path, problem: str | None, messages: list[str]) -> _Recovery:
    """Move a damaged (or half-missing) database aside and restore the newest good backup."""
    folder, damaged = database.parent, problem is not None
    parts = [f"The annotation database was {f'damaged ({problem})' if damaged else 'missing'}."]
    aside = backup = None
    try:
        if database.exists() or stray_side_files(database):
            aside = move_aside(database, folder / "damaged")
            kept = "The damaged file was kept at" if damaged else "Files left of it were moved to"
            parts.append(f"{kept} {aside}.")
        for path, found in good_backups(folder / "backups"):
            try:
                restore(path, database)
            except DamagedError:
                continue  # the copy did not come out right: try the next backup
            backup = path
            parts.insert(
                1, f"Restored the backup of {describe_time(when(path))} with {_count(found)}."
            )
            break
        else:
            parts.insert(1, "No usable backup was found, so a new, empty database was started.")
    finally:
        messages.append(" ".join(parts))
    return _Recovery(aside, backup, len(messages) - 1)


def _count(found: Inspection) -> str:
    live = found.annotations - found.trashed
    text = f"{live} annotation" + ("" if live == 1 else "s")
    return text + (f" (and {found.trashed} in the trash)" if found.trashed else "")


def _open_read_only(database: Path, messages: list[str]) -> tuple[sqlite3.Connection, Path | None]:
    """The database as it is, without writing; a backup or an empty list in memory otherwise."""
    if database.exists():
        try:
            conn = connect_read_only(database)
            try:
                version = user_version(conn)
                if version > CURRENT_VERSION:
                    raise NewerSchemaError(version)
                inspect(conn)
            except BaseException:
                conn.close()
                raise
            return (conn if version == CURRENT_VERSION else _migrated_copy(conn)), None
        except DamagedError as error:
            problem = str(error)
        except sqlite3.Error as error:
            if not is_damage(error):
                raise
            problem = str(error)
        messages.append(
            f"The annotation database is damaged ({problem}) and cannot be repaired here."
        )
    for path, found in good_backups(database.parent / "backups"):
        messages.append(
            f"Showing the backup of {describe_time(when(path))} with {_count(found)}, read-only."
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
