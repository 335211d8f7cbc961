"""Opening the annotation database at start-up, and recovering it from damage.

Before the store gets a connection, the database is checked completely. A damaged file (or the
side files of a missing one) is moved aside to ``damaged/`` before anything takes its place, the
newest backup that passes the same check is restored, and every row still readable in the
damaged file that is newer than the backup is salvaged into it: nothing that can be read is
lost. Where the folder, the file or the disk refuses writes, the database is opened read-only
instead (a backup, or an empty list in memory, if the file itself cannot be read), and the
messages say so. An older schema is upgraded only after a verified backup of it was made.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from reader.annotations.backups import (
    backup_due,
    backups,
    check_file,
    describe_time,
    fsync,
    good_backups,
    make_backup,
    stamp,
    when,
)
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

SIDE_FILES = ("-wal", "-shm", "-journal")
WAL_MAGIC = (0x377F0682, 0x377F0683)
STALE = 3600.0
"""Seconds after which a temporary file left by a killed process is removed."""


def restore(backup: Path, database: Path) -> None:
    """Put a copy of `backup` at `database`, checked again, atomically (no file or a whole one)."""
    temporary = database.with_name(f".{database.name}.restoring-{os.getpid()}")
    try:
        shutil.copyfile(backup, temporary)
        fsync(temporary)
        check_file(temporary)
        temporary.replace(database)
        fsync(database.parent)
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
