"""Opening the annotation database at start-up, and recovering it from damage.

Before the store gets a connection, the database is checked completely. A file that is there
is never taken for a new database (new ones are put in place whole): an empty one, one whose
tables do not match its schema number, or one without annotations while its backups hold
some, is damaged. A damaged file (or the side files of a missing one) is moved aside to
``damaged/`` before anything takes its place, the newest backup that passes the same check is
restored, and every row still readable in the damaged file that is newer than the backup is
salvaged into it (`rescue`): nothing that can be read is lost. Where the folder, the file or
the disk refuses writes, the database is opened read-only instead (a backup, or an empty list
in memory, if the file itself cannot be read), and the messages say so. An older schema is
upgraded only after a verified backup of it was made.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass, replace
from pathlib import Path

from reader.annotations.backups import (
    backup_due,
    backups,
    check,
    check_file,
    describe_time,
    fsync,
    good_backups,
    make_backup,
    stamp,
    when,
)
from reader.annotations.migrations import (
    CURRENT_VERSION,
    DamagedError,
    Inspection,
    NewerSchemaError,
    connect_read_only,
    is_damage,
    migrate,
    user_version,
    writing_problem,
)
from reader.annotations.rescue import salvage_into

SIDE_FILES = ("-wal", "-shm", "-journal")
WAL_MAGIC = (0x377F0682, 0x377F0683)
STALE = 3600.0
"""Seconds after which a temporary file left by a killed process is removed."""


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


def _unique() -> str:
    """A suffix for temporary names that no other process or thread is using."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


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
    return Opened(conn, tuple(messages), restored, reason, not _is_file_backed(conn))


def describe_failure(database: Path, error: BaseException) -> str:
    """What to tell the user when the database cannot be opened at all, not even read-only:
    what is wrong, where, and what they can do about it."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    in_the_way = _folder_in_the_way(database)
    unchanged = "reader did not change the file"
    if in_the_way == database:
        return (
            f"The annotation database {database} is a folder, not a file. Move or rename that"
            " folder (reader keeps its annotations in a file of that name), then start reader"
            " again; if it holds an annotations.sqlite3 of your own, move that file there instead."
        )
    if in_the_way is not None:
        return (
            f"{in_the_way} is a folder, but SQLite keeps a file of that name next to the"
            f" annotation database {database}. Move or rename that folder, then start reader"
            f" again; {unchanged}."
        )
    if isinstance(error, PermissionError) or (
        database.exists() and not os.access(database, os.R_OK)
    ):
        return (
            f"The annotation database {database} cannot be read: you do not have permission to"
            f" read it. Give your user read and write access to it (for example"
            f' chmod u+rw "{database}"), then start reader again; {unchanged}.'
        )
    if code == 10 or getattr(error, "errno", None) == errno.EIO:
        return (
            f"The annotation database {database} could not be read: the disk reported an error"
            f" ({error}). Check that the disk is connected and not failing (copy the folder"
            f" {database.parent} somewhere safe first), then start reader again; {unchanged}."
        )
    if code == 14 or isinstance(error, OSError):
        return (
            f"The annotation database {database} cannot be opened ({error}). Check that the"
            f" folder {database.parent} exists and that you may read and write it and the files"
            " in it, then start reader again."
        )
    return (
        f"Cannot open the annotation database {database}: {error}. Close other copies of reader"
        " and try again; if it keeps happening, move the file out of that folder and reader"
        " will start from its newest backup (the file you moved stays yours to look into)."
    )


def _folder_in_the_way(database: Path) -> Path | None:
    """The database path, or one of its side files' paths, if a folder is there instead."""
    for suffix in ("", *SIDE_FILES):
        path = database.with_name(database.name + suffix)
        if path.is_dir():
            return path
    return None


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
    in_the_way = _folder_in_the_way(database)
    if in_the_way is not None:
        return (
            f"{in_the_way} is a folder where SQLite needs to keep a file; move or rename that"
            " folder and start reader again"
        )
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
    folder, recovery = database.parent, None
    try:
        if database.exists():
            problem = _diagnose(database)
            if problem is not None:
                recovery = _recover(database, problem, messages)
        elif stray_side_files(database) or backups(folder / "backups"):
            recovery = _recover(database, None, messages)
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
    """What is wrong with the database, or None; raises NewerSchemaError before checking.

    A file that is there is never taken for a new database: new ones are created whole
    (`create`), so an empty file, or one without annotations while its backups have some, was
    emptied or replaced.
    """
    if wal_is_garbage(database):
        return "its write-ahead log is not a SQLite log"
    if database.stat().st_size == 0:
        return "it is empty: 0 bytes"
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
        found = check(conn)
    except DamagedError as error:
        return str(error)
    except sqlite3.Error as error:
        if is_damage(error):
            return str(error)
        raise
    finally:
        conn.close()
    if found.version == 0:
        return "it is empty: it holds no tables"
    if _never_used(found) and any(
        not _never_used(kept) for _, kept in good_backups(database.parent / "backups")
    ):
        return "it holds no annotations, but its backups do"
    return None


def _never_used(found: Inspection) -> bool:
    """Whether a database holds nothing at all: no annotation, not one change ever made."""
    return found.annotations == 0 and found.revision == 0


@dataclass(frozen=True)
class _Recovery:
    database: Path
    problem: str | None
    """What was wrong with the database; None if it was missing."""
    message: int
    """Which of the messages tells the user about this recovery."""
    aside: Path | None = None
    """Where the damaged file and its side files were moved."""
    backup: Path | None = None
    restored: str | None = None
    """The sentence about the backup restored; empty if none was usable, None until known."""

    def describe(self, merged: int | None = None) -> str:
        """The message: what was wrong, what was restored, where the old file is, and how many
        annotations were salvaged from it (`merged`; None before salvaging)."""
        what = f"damaged ({self.problem})" if self.problem is not None else "missing"
        parts = [f"The annotation database {self.database} was {what}."]
        if self.restored:
            parts.append(self.restored)
        elif self.restored is not None:
            parts.append(self._new_database(merged))
        if self.aside is not None and self.problem is not None:
            parts.append(f"The damaged file was kept at {self.aside}.")
        elif self.aside is not None:
            parts.append(f"Files left of it were moved to {self.aside}.")
        if self.restored and merged:
            parts.append(
                f"Recovered {_plural(merged)} from the damaged file (changed after that backup)."
            )
        return " ".join(parts)

    def _new_database(self, merged: int | None) -> str:
        started = "No usable backup was found, so a new"
        if self.aside is None or self.problem is None or merged is None:
            return f"{started}, empty database was started."
        if merged == 0:
            return (
                f"{started}, empty database was started: nothing in the damaged file was readable."
            )
        return (
            f"{started} database was started with what could still be read from the damaged"
            f" file: {_plural(merged)}."
        )


def _plural(count: int) -> str:
    return f"{count} annotation" + ("" if count == 1 else "s")


def _recover(database: Path, problem: str | None, messages: list[str]) -> _Recovery:
    """Move a damaged (or half-missing) database aside and restore the newest good backup.

    A backup of a database never used (no row, no change) is passed over: it holds nothing,
    and an older one may hold what was lost.
    """
    folder = database.parent
    recovery = _Recovery(database, problem, len(messages))
    messages.append(recovery.describe())
    if database.exists() or stray_side_files(database):
        recovery = replace(recovery, aside=move_aside(database, folder / "damaged"))
        messages[recovery.message] = recovery.describe()
    for path, found in good_backups(folder / "backups"):
        if _never_used(found):
            continue
        try:
            restore(path, database)
        except DamagedError:
            continue  # the copy did not come out right: try the next backup
        restored = f"Restored the backup of {describe_time(when(path))} with {_count(found)}."
        recovery = replace(recovery, backup=path, restored=restored)
        break
    else:
        recovery = replace(recovery, restored="")
    messages[recovery.message] = recovery.describe()
    return recovery


def _count(found: Inspection) -> str:
    live = found.annotations - found.trashed
    text = f"{live} annotation" + ("" if live == 1 else "s")
    return text + (f" (and {found.trashed} in the trash)" if found.trashed else "")


def _open_read_only(database: Path, messages: list[str]) -> tuple[sqlite3.Connection, Path | None]:
    """The database as it is, without writing; a backup or an empty list in memory otherwise."""
    if database.exists():
        problem = _diagnose(database)
        if problem is None:
            conn = connect_read_only(database)
            if user_version(conn) == CURRENT_VERSION:
                return conn, None
            return _migrated_copy(conn), None
        messages.append(
            f"The annotation database is damaged ({problem}) and cannot be repaired here."
        )
    for path, found in good_backups(database.parent / "backups"):
        if _never_used(found):
            continue
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
