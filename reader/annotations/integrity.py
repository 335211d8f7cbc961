"""Whether a database can be trusted: the complete check, what SQLite's errors mean, and the
rows that can still be read from a damaged file.

`check` is what every database (and every backup) passes before it is used: SQLite's integrity
check misses damage inside values, so every row is read and checked as well (`inspect`), and
the tables must be the ones the migrations build.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.annotations.errors import DamagedError, is_damage
from reader.annotations.rows import StoredRow, columns_of, decode, intact, select_rows
from reader.annotations.schema import CURRENT_VERSION, migrate, user_version


@dataclass(frozen=True, slots=True)
class Inspection:
    """What a complete check of a database found, when it found nothing wrong."""

    version: int
    annotations: int
    trashed: int
    revision: int


def inspect(conn: sqlite3.Connection) -> Inspection:
    """Check a database completely: SQLite's integrity check, then every value of every row.

    The integrity check alone misses damage inside values; reading and checking each one finds it.
    Raises `DamagedError` saying what is wrong; other SQLite errors (busy, unreadable) pass through.
    """
    try:
        version = user_version(conn)
        if version == 0:
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise DamagedError("it is not an annotation database")
            return Inspection(0, 0, 0, 0)
        if version < 0:
            raise DamagedError(f"its schema number is {version}, which no version of reader writes")
        if version > CURRENT_VERSION:
            raise DamagedError(f"it has schema {version}, newer than this program knows")
        if conn.execute("PRAGMA integrity_check(1)").fetchall() != [("ok",)]:
            raise DamagedError("SQLite's integrity check failed")
        counter = conn.execute("SELECT revision FROM counter WHERE id = 1").fetchone()
        if counter is None or type(counter[0]) is not int:
            raise DamagedError("its revision counter is missing")
        _check_documents(conn, version)
        total = trashed = 0
        deleted = columns_of(version).index("deleted")
        for values in conn.execute(select_rows(version)):
            try:
                whole = version < 2 or intact(values)
            except TypeError:  # a blob, which no row `encode` writes holds: damage
                whole = False
            if not whole:
                raise DamagedError(f"annotation {values[0]!r} does not match its checksum")
            if version < 2:
                decode(values, version)
            total += 1
            trashed += values[deleted] == 1
        return Inspection(version, total, trashed, int(counter[0]))
    except sqlite3.Error as error:
        if is_damage(error):
            raise DamagedError(str(error)) from error
        raise


def _check_documents(conn: sqlite3.Connection, version: int) -> None:
    """Every document row has values of the right types (DamagedError otherwise)."""
    columns = (
        "id, fingerprint, title, path, seen" if version >= 3 else "fingerprint, title, path, seen"
    )
    path_type: type = bytes if version >= 3 else str
    for *texts, path, seen in conn.execute(f"SELECT {columns} FROM documents"):
        if (
            not all(isinstance(v, str) for v in texts)
            or not (path is None or isinstance(path, path_type))
            or type(seen) is not int
        ):
            raise DamagedError("a document row has unreadable values")
    if version >= 4:
        _check_library_columns(conn)


def _check_library_columns(conn: sqlite3.Connection) -> None:
    """The library's columns (schema 4) hold what `documents.record` writes."""
    found = conn.execute(
        "SELECT in_library, author, format, size, length, added, last_read FROM documents"
    )
    for flag, author, kind, size, length, added, last_read in found:
        if (
            flag not in (0, 1)
            or not isinstance(author, str)
            or not isinstance(kind, str)
            or not all(n is None or (type(n) is int and n >= 0) for n in (size, length))
            or not all(t is None or isinstance(t, str) for t in (added, last_read))
        ):
            raise DamagedError("a document row has unreadable library values")


def check(conn: sqlite3.Connection) -> Inspection:
    """`inspect`, and the tables must be the ones the migrations build for that version.

    A schema number that does not match the tables (a tool set it, or the header was damaged)
    would otherwise make the next migration fail half-way ("table counter already exists") or
    read columns that mean something else. Only names are compared (tables, their columns in
    order, and no index or trigger a later migration creates), not types or index details.
    """
    found = inspect(conn)
    if found.version > 0:
        tables, others = _schema(conn)
        expected_tables, expected_others = _expected_schema(found.version)
        later_others = _expected_schema(CURRENT_VERSION)[1] - expected_others
        if tables != expected_tables or others & later_others:
            raise DamagedError(f"its tables do not match schema {found.version}")
    return found


Schema = tuple[dict[str, tuple[str, ...]], frozenset[str]]


def _schema(conn: sqlite3.Connection) -> Schema:
    """Each table with its column names, and the names of everything else (indexes, triggers,
    views), leaving out what SQLite makes itself."""
    entries = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE substr(name, 1, 7) <> 'sqlite_'"
    ).fetchall()
    tables = {
        str(name): tuple(
            str(row[0]) for row in conn.execute("SELECT name FROM pragma_table_info(?)", (name,))
        )
        for kind, name in entries
        if kind == "table"
    }
    return tables, frozenset(str(name) for kind, name in entries if kind != "table")


@functools.cache
def _expected_schema(version: int) -> Schema:
    """The schema the migrations build up to `version`, built in memory."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, up_to=version)
        return _schema(conn)
    finally:
        conn.close()


def check_file(path: Path) -> Inspection:
    """The complete start-up check of a database file, opened read-only."""
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as error:
        raise DamagedError(str(error)) from error
    try:
        return check(conn)
    except sqlite3.Error as error:
        raise DamagedError(str(error)) from error
    finally:
        conn.close()


def salvage(conn: sqlite3.Connection) -> Iterator[StoredRow]:
    """Every row of a damaged database that still reads back intact, checksum included.

    Reads in rowid order; past a row or page that cannot be read, it seeks further ahead (one
    rowid, then twice as far each time) until rows read again. Older schemas have no checksums
    to vouch for a row, so nothing is salvaged from them.
    """
    version = user_version(conn)
    if not 2 <= version <= CURRENT_VERSION:
        return
    query = select_rows(version).replace("SELECT ", "SELECT rowid, ", 1)
    query += " WHERE rowid > ? ORDER BY rowid"
    after, jump = 0, 1
    while jump < 1 << 40:
        try:
            for values in conn.execute(query, (after + jump - 1,)):
                after, jump = int(values[0]), 1
                with contextlib.suppress(DamagedError):
                    yield decode(values[1:], version)
            return
        except sqlite3.DatabaseError:
            jump *= 2


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write, even when the folder around `path` is read-only.

    A WAL database needs its `-shm` file; where that cannot be created, the file is opened as
    immutable (nobody else can be writing in a folder nobody may write to).
    """
    uri = path.absolute().as_uri()
    for mode in ("mode=ro", "immutable=1"):
        conn = sqlite3.connect(
            f"{uri}?{mode}", uri=True, timeout=5, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as error:
            conn.close()
            if (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF != 8 or mode != "mode=ro":
                raise
    raise AssertionError("unreachable")
