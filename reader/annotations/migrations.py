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
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
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
COLUMNS = (*V1_COLUMNS, "orphan", "checksum")
"""The annotation columns of the current schema, in the order `encode` and `decode` use."""


class DamagedError(Exception):
    """The database (or a backup) cannot be trusted; the message says what was found."""


class NewerSchemaError(Exception):
    """The database was made by a newer program; it is left exactly as it is."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema {version}")
        self.version = version


@dataclass(frozen=True, slots=True)
class StoredRow:
    """An annotation with what only the store knows about it."""

    annotation: Annotation
    deleted: bool = False
    deleted_revision: int | None = None
    orphan: bool = False


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
    values: tuple[object, ...] = (
        a.id,
        a.document,
        a.quote.exact,
        a.quote.prefix,
        a.quote.suffix,
        a.position.start,
        a.position.end,
        a.colour.value,
        a.note,
        json.dumps(list(a.tags), ensure_ascii=False),
        a.created,
        a.modified,
        a.revision,
        int(row.deleted),
        row.deleted_revision,
        int(row.orphan),
    )
    return (*values, checksum(values))


def intact(values: Sequence[object]) -> bool:
    """Whether a current-schema row matches its checksum: then every value is exactly as
    `encode` wrote it from an annotation that passed the store's checks."""
    return len(values) == len(COLUMNS) and values[-1] == checksum(values[:-1])


def decode(values: Sequence[object], version: int = 2, *, verify: bool = True) -> StoredRow:
    """The row read back; raises `DamagedError` if it cannot be. With `verify`, every value is
    checked (by the checksum, or one by one for a schema without checksums)."""
    where = f"annotation {values[0]!r}" if isinstance(values[0], str) else "an annotation row"
    if verify and version >= 2 and not intact(values):
        raise DamagedError(f"{where} does not match its checksum")
    if verify and version < 2:
        _check_values(values, where)
    (ident, document, exact, prefix, suffix, start, end, colour, note, tags, created, modified) = (
        values[:12]
    )
    revision, deleted, deleted_revision = values[12:15]
    try:
        annotation = Annotation(
            id=str(ident),
            document=str(document),
            quote=TextQuote(exact=str(exact), prefix=str(prefix), suffix=str(suffix)),
            position=TextPosition(int(start), int(end)),  # type: ignore[call-overload]
            colour=Colour(colour),
            note=str(note),
            tags=tuple(str(tag) for tag in json.loads(str(tags))),
            created=str(created),
            modified=str(modified),
            revision=int(revision),  # type: ignore[call-overload]
        )
    except (ValueError, TypeError) as error:
        raise DamagedError(f"{where} has an unreadable value") from error
    return StoredRow(
        annotation,
        deleted=bool(deleted),
        deleted_revision=deleted_revision if isinstance(deleted_revision, int) else None,
        orphan=version >= 2 and bool(values[15]),
    )


def _check_values(values: Sequence[object], where: str) -> None:
    """Every value of a row without a checksum, checked for its type and range."""
    text = [values[i] for i in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)]
    numbers = [values[i] for i in (5, 6, 12, 13)]
    if not all(isinstance(v, str) for v in text):
        raise DamagedError(f"{where} has a value that is not text where text belongs")
    if not all(type(v) is int for v in numbers) or type(values[14]) not in (int, type(None)):
        raise DamagedError(f"{where} has a value that is not a number where a number belongs")
    start, end, revision, deleted = (v if isinstance(v, int) else -1 for v in numbers)
    if not 0 <= start <= end or revision < 0 or deleted not in (0, 1):
        raise DamagedError(f"{where} has impossible numbers")
    try:
        Colour(values[7])
        tags = json.loads(str(values[9]))
    except ValueError as error:
        raise DamagedError(f"{where} has an unreadable colour or tag list") from error
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise DamagedError(f"{where} has an unreadable tag list")


def select_rows(version: int = 2) -> str:
    """The SELECT of every annotation column a schema `version` has (no WHERE clause)."""
    columns = COLUMNS if version >= 2 else V1_COLUMNS
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
        [(encode(row)[-1], row.annotation.id) for row in rows],
    )


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_tables,
    _add_orphan_flag_and_checksums,
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
        for document in conn.execute("SELECT fingerprint, title, path, seen FROM documents"):
            if not all(isinstance(v, str) for v in document[:2]) or type(document[3]) is not int:
                raise DamagedError("a document row has unreadable values")
        total = trashed = 0
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
            trashed += values[13] == 1
        return Inspection(version, total, trashed, int(counter[0]))
    except sqlite3.Error as error:
        if is_damage(error):
            raise DamagedError(str(error)) from error
        raise


def salvage(conn: sqlite3.Connection) -> Iterator[StoredRow]:
    """Every row of a damaged database that still reads back intact, checksum included.

    Reads in rowid order; past a row or page that cannot be read, it seeks further ahead (one
    rowid, then twice as far each time) until rows read again. Older schemas have no checksums
    to vouch for a row, so nothing is salvaged from them.
    """
    if user_version(conn) < 2:
        return
    query = select_rows().replace("SELECT ", "SELECT rowid, ", 1)
    query += " WHERE rowid > ? ORDER BY rowid"
    after, jump = 0, 1
    while jump < 1 << 40:
        try:
            for values in conn.execute(query, (after + jump - 1,)):
                after, jump = int(values[0]), 1
                with contextlib.suppress(DamagedError):
                    yield decode(values[1:])
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
