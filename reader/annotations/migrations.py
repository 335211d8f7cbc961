"""The annotation database's schema: how it is built, step by step, and how its rows are read.

The schema only ever grows by numbered migrations, each one transaction, its number kept in
`PRAGMA user_version`. Version 2 gave every row a checksum over its values, so the full read at
start-up notices damage SQLite's own integrity check cannot see (a byte changed inside a note,
a flag flipped) instead of showing the user a silently altered annotation.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reader.annotations.model import Annotation, Colour, TextPosition, TextQuote

V1_COLUMNS = (
    "id",
    "document",
    "exact",
    "prefix",
    "suffix",
    "position_start",
    "position_end",
    "colour",
    "note",
    "tags",
    "created",
    "modified",
    "revision",
    "deleted",
    "deleted_revision",
)
V2_COLUMNS = (*V1_COLUMNS, "orphan", "checksum")
COLUMNS = (
    "id",
    "document_id",
    "fingerprint",
    *V1_COLUMNS[2:],
    "orphan",
    "checksum",
)
"""The annotation columns of the current schema, in the order `encode` and `decode` use."""


def columns_of(version: int) -> tuple[str, ...]:
    """The annotation columns a schema `version` has, in `encode`/`decode` order."""
    return V1_COLUMNS if version < 2 else V2_COLUMNS if version == 2 else COLUMNS


class DamagedError(Exception):
    """The database (or a backup) cannot be trusted; the message says what was found."""


class NewerSchemaError(Exception):
    """The database was made by a newer program; it is left exactly as it is."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema {version}")
        self.version = version


@dataclass(frozen=True, slots=True)
class StoredRow:
    """An annotation with what only the store knows about it: its place in the trash."""

    annotation: Annotation
    deleted: bool = False
    deleted_revision: int | None = None


@dataclass(frozen=True, slots=True)
class Inspection:
    """What a complete check of a database found, when it found nothing wrong."""

    version: int
    annotations: int
    trashed: int
    revision: int


_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def checksum(values: Sequence[object]) -> str:
    """A digest of a row's values (every column but the checksum itself).

    JSON keeps text, numbers and null apart, so a value that changed type changes the digest.
    """
    text = _CANONICAL.encode(list(values))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def encode(row: StoredRow) -> tuple[object, ...]:
    """The values of `row` in `COLUMNS` order, checksum last."""
    a = row.annotation
    named: dict[str, object] = {
        "id": a.id,
        "document_id": a.document_id,
        "fingerprint": a.fingerprint,
        "exact": a.quote.exact,
        "prefix": a.quote.prefix,
        "suffix": a.quote.suffix,
        "position_start": a.position.start,
        "position_end": a.position.end,
        "colour": a.colour.value,
        "note": a.note,
        "tags": json.dumps(list(a.tags), ensure_ascii=False),
        "created": a.created,
        "modified": a.modified,
        "revision": a.revision,
        "deleted": int(row.deleted),
        "deleted_revision": row.deleted_revision,
        "orphan": int(a.orphan),
    }
    values = tuple(named[column] for column in COLUMNS[:-1])
    return (*values, checksum(values))


def intact(values: Sequence[object]) -> bool:
    """Whether a row (schema 2 or later) matches its checksum: then every value is exactly as
    `encode` wrote it from an annotation that passed the store's checks."""
    return len(values) > 1 and values[-1] == checksum(values[:-1])


def decode(
    values: Sequence[object], version: int | None = None, *, verify: bool = True
) -> StoredRow:
    """The row (of schema `version`, the current one by default) read back; raises
    `DamagedError` if it cannot be. With `verify`, every value is checked (by the checksum, or
    one by one for a schema without)."""
    version = CURRENT_VERSION if version is None else version
    columns = columns_of(version)
    if len(values) != len(columns):
        raise DamagedError("an annotation row has the wrong number of values")
    row = dict(zip(columns, values, strict=True))
    where = f"annotation {row['id']!r}" if isinstance(row["id"], str) else "an annotation row"
    if verify and version >= 2 and not intact(values):
        raise DamagedError(f"{where} does not match its checksum")
    if verify and version < 2:
        _check_values(row, where)
    document_id = row.get("document_id", row.get("document"))
    try:
        annotation = Annotation(
            id=str(row["id"]),
            document_id=str(document_id),
            fingerprint=str(row.get("fingerprint", document_id)),
            quote=TextQuote(str(row["exact"]), str(row["prefix"]), str(row["suffix"])),
            position=TextPosition(int(row["position_start"]), int(row["position_end"])),  # type: ignore[call-overload]
            colour=Colour(row["colour"]),
            note=str(row["note"]),
            tags=tuple(str(tag) for tag in json.loads(str(row["tags"]))),
            created=str(row["created"]),
            modified=str(row["modified"]),
            revision=int(row["revision"]),  # type: ignore[call-overload]
            orphan=bool(row.get("orphan", False)),
        )
    except (ValueError, TypeError) as error:
        raise DamagedError(f"{where} has an unreadable value") from error
    deleted_revision = row["deleted_revision"]
    return StoredRow(
        annotation,
        deleted=bool(row["deleted"]),
        deleted_revision=deleted_revision if isinstance(deleted_revision, int) else None,
    )


def _check_values(row: dict[str, object], where: str) -> None:
    """Every value of a row without a checksum, checked for its type and range."""
    text = ("id", "document", "exact", "prefix", "suffix", "colour", "note", "tags", "created")
    numbers = ("position_start", "position_end", "revision", "deleted")
    if not all(isinstance(row[name], str) for name in (*text, "modified")):
        raise DamagedError(f"{where} has a value that is not text where text belongs")
    if not all(type(row[name]) is int for name in numbers) or type(row["deleted_revision"]) not in (
        int,
        type(None),
    ):
        raise DamagedError(f"{where} has a value that is not a number where a number belongs")
    start, end, revision, deleted = (int(row[name]) for name in numbers)  # type: ignore[call-overload]
    if not 0 <= start <= end or revision < 0 or deleted not in (0, 1):
        raise DamagedError(f"{where} has impossible numbers")
    try:
        Colour(row["colour"])
        tags = json.loads(str(row["tags"]))
    except ValueError as error:
        raise DamagedError(f"{where} has an unreadable colour or tag list") from error
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise DamagedError(f"{where} has an unreadable tag list")


def select_rows(version: int | None = None) -> str:
    """The SELECT of every annotation column a schema `version` (default: the current one)
    has, without a WHERE clause."""
    columns = columns_of(CURRENT_VERSION if version is None else version)
    return f"SELECT {', '.join(columns)} FROM annotations"


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database header."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _create_tables(conn: sqlite3.Connection) -> None:
    """Version 1: the revision counter, the documents seen, and the annotations."""
    for statement in (
        "CREATE TABLE counter (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL)",
        "INSERT INTO counter (id, revision) VALUES (1, 0)",
        "CREATE TABLE documents (fingerprint TEXT PRIMARY KEY, title TEXT NOT NULL,"
        " path TEXT, seen INTEGER NOT NULL)",
        "CREATE INDEX documents_by_path ON documents (path, seen)",
        "CREATE TABLE annotations (id TEXT PRIMARY KEY, document TEXT NOT NULL,"
        " exact TEXT NOT NULL, prefix TEXT NOT NULL, suffix TEXT NOT NULL,"
        " position_start INTEGER NOT NULL, position_end INTEGER NOT NULL,"
        " colour TEXT NOT NULL, note TEXT NOT NULL, tags TEXT NOT NULL,"
        " created TEXT NOT NULL, modified TEXT NOT NULL, revision INTEGER NOT NULL,"
        " deleted INTEGER NOT NULL DEFAULT 0, deleted_revision INTEGER)",
        "CREATE INDEX annotations_by_document"
        " ON annotations (document, deleted, position_start, created)",
    ):
        conn.execute(statement)


def _add_orphan_flag_and_checksums(conn: sqlite3.Connection) -> None:
    """Version 2: an orphan flag (re-anchoring failed) and a checksum on every row."""
    conn.execute("ALTER TABLE annotations ADD COLUMN orphan INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE annotations ADD COLUMN checksum TEXT NOT NULL DEFAULT ''")
    rows = [decode(values, version=1) for values in conn.execute(select_rows(1)).fetchall()]
    conn.executemany(
        "UPDATE annotations SET checksum = ? WHERE id = ?",
        [(_v2_checksum(row), row.annotation.id) for row in rows],
    )


def _v2_values(row: StoredRow) -> tuple[object, ...]:
    """A row's values as schema 2 kept them (`document` holding the fingerprint), checksum
    excepted."""
    a = row.annotation
    return (
        a.id, a.fingerprint, a.quote.exact, a.quote.prefix, a.quote.suffix, a.position.start,
        a.position.end, a.colour.value, a.note, json.dumps(list(a.tags), ensure_ascii=False),
        a.created, a.modified, a.revision, int(row.deleted), row.deleted_revision, int(a.orphan),
    )  # fmt: skip


def _v2_checksum(row: StoredRow) -> str:
    """The checksum schema 2 gave a row."""
    return checksum(_v2_values(row))


def _documents_by_file(conn: sqlite3.Connection) -> None:
    """Version 3: a document is a file this machine opened, with a local id, and each
    annotation says which text its selectors were made on.

    Schema 2 keyed documents by their text, one path per text, so a copy of a file that was
    then edited took the original's annotations. Now a document row is a file (its path, as
    bytes, since Linux paths need not be UTF-8) with the fingerprint of its current text. Old
    rows keep their fingerprint as their id; an older text last seen at the same path as a newer
    one joins the newer one's document, its annotations keeping their old fingerprint so that
    they are re-anchored when the file is next opened.
    """
    record_of: dict[str, str] = {}
    newest_at: dict[str, str] = {}
    records: list[tuple[str, str, str, bytes | None, int]] = []
    old = conn.execute("SELECT fingerprint, title, path, seen FROM documents ORDER BY seen DESC")
    for fingerprint, title, path, seen in old.fetchall():
        if path is not None and path in newest_at:
            record_of[fingerprint] = newest_at[path]
            continue
        if path is not None:
            newest_at[path] = fingerprint
        record_of[fingerprint] = fingerprint
        encoded = None if path is None else os.fsencode(path)
        records.append((fingerprint, fingerprint, title, encoded, seen))
    rows = [decode(values, 2) for values in conn.execute(select_rows(2)).fetchall()]
    for row in rows:
        fingerprint = row.annotation.fingerprint
        if fingerprint not in record_of:
            record_of[fingerprint] = fingerprint
            records.append((fingerprint, fingerprint, "", None, 0))
    for statement in (
        "DROP TABLE documents",
        "CREATE TABLE documents (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
        " title TEXT NOT NULL, path BLOB UNIQUE, seen INTEGER NOT NULL)",
        "CREATE INDEX documents_by_fingerprint ON documents (fingerprint, seen)",
        "DROP INDEX annotations_by_document",
        "ALTER TABLE annotations RENAME COLUMN document TO document_id",
        "ALTER TABLE annotations ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX annotations_by_document"
        " ON annotations (document_id, deleted, position_start, created)",
    ):
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO documents (id, fingerprint, title, path, seen) VALUES (?, ?, ?, ?, ?)",
        records,
    )
    assignments = ", ".join(f"{column} = ?" for column in COLUMNS[1:])
    update = f"UPDATE annotations SET {assignments} WHERE id = ?"
    for row in rows:
        fingerprint = row.annotation.fingerprint
        moved = replace(row.annotation, document_id=record_of[fingerprint])
        values = encode(replace(row, annotation=moved))
        conn.execute(update, (*values[1:], values[0]))


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_tables,
    _add_orphan_flag_and_checksums,
    _documents_by_file,
)
"""Migration n (counting from 1) takes a database from version n - 1 to version n."""

CURRENT_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, up_to: int = CURRENT_VERSION) -> list[int]:
    """Run the missing migrations, each in its own transaction; the versions reached.

    Each step re-reads the version under the write lock, so two processes opening the same
    new database at once do not both create it.
    """
    reached: list[int] = []
    for target in range(1, up_to + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) >= target:
                conn.execute("ROLLBACK")
                continue
            MIGRATIONS[target - 1](conn)
            conn.execute(f"PRAGMA user_version = {int(target)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        reached.append(target)
    return reached


def is_damage(error: sqlite3.Error) -> bool:
    """Whether SQLite's `error` says the file is damaged, rather than busy, locked or unwritable."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # raised by Python's module itself, e.g. text that is not UTF-8
        return isinstance(error, sqlite3.DatabaseError)
    return code & 0xFF not in {3, 5, 6, 7, 8, 9, 10, 13, 14, 15, 23}


def writing_problem(error: sqlite3.Error) -> str | None:
    """Why SQLite could not write, in the user's words, if `error` says it could not."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code == 13:
        return "the disk is full"
    if code == 10:
        return f"the disk could not be written ({error}); it may be full or failing"
    if code in (3, 8, 14):
        return f"the database file cannot be written ({error})"
    return None


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
