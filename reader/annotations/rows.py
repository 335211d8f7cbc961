"""An annotation row as the database keeps it: its columns, its checksum, and how it is written
and read back.

Since schema 2 every row carries a checksum over its values, so the full read at start-up
notices damage SQLite's own integrity check cannot see (a byte changed inside a note, a flag
flipped) instead of showing the user a silently altered annotation. Rows of older schemas are
read too (`version`), for the migrations and for backups made before an upgrade.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from reader.annotations.errors import DamagedError, StoreError
from reader.annotations.model import Annotation, Colour, TextPosition, TextQuote, normalise_tags

COLUMNS_VERSION = 3
"""The schema version whose annotation columns `COLUMNS` are: the last one that changed them
(later schemas changed only other tables)."""

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


@dataclass(frozen=True, slots=True)
class StoredRow:
    """An annotation with what only the store knows about it: its place in the trash."""

    annotation: Annotation
    deleted: bool = False
    deleted_revision: int | None = None


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
    version = COLUMNS_VERSION if version is None else version
    shape = _ROW_SHAPES[min(version, COLUMNS_VERSION)]
    if len(values) != len(shape._fields):
        raise DamagedError("an annotation row has the wrong number of values")
    row = shape._make(values)
    where = f"annotation {row.id!r}" if isinstance(row.id, str) else "an annotation row"
    if verify and version >= 2 and not intact(values):
        raise DamagedError(f"{where} does not match its checksum")
    if verify and version < 2:
        _check_values(row, where)
    document_id = row.document_id if version >= 3 else row.document
    try:
        annotation = Annotation(
            id=str(row.id),
            document_id=str(document_id),
            fingerprint=str(row.fingerprint if version >= 3 else document_id),
            quote=TextQuote(str(row.exact), str(row.prefix), str(row.suffix)),
            position=TextPosition(int(row.position_start), int(row.position_end)),
            colour=Colour(row.colour),
            note=str(row.note),
            tags=tuple(str(tag) for tag in json.loads(str(row.tags))),
            created=str(row.created),
            modified=str(row.modified),
            revision=int(row.revision),
            orphan=bool(row.orphan) if version >= 2 else False,
        )
    except (ValueError, TypeError) as error:
        raise DamagedError(f"{where} has an unreadable value") from error
    deleted_revision = row.deleted_revision
    return StoredRow(
        annotation,
        deleted=bool(row.deleted),
        deleted_revision=deleted_revision if isinstance(deleted_revision, int) else None,
    )


_ROW_SHAPES: dict[int, Any] = {
    version: namedtuple(f"SchemaRow{version}", columns_of(version))
    for version in range(1, COLUMNS_VERSION + 1)
}
"""Each schema's row as a named tuple: its values read by column name, at tuple speed."""


def _check_values(row: Any, where: str) -> None:
    """Every value of a row without a checksum, checked for its type and range."""
    text = ("id", "document", "exact", "prefix", "suffix", "colour", "note", "tags", "created")
    numbers = ("position_start", "position_end", "revision", "deleted")
    value = row._asdict()
    if not all(isinstance(value[name], str) for name in (*text, "modified")):
        raise DamagedError(f"{where} has a value that is not text where text belongs")
    integers = all(type(value[name]) is int for name in numbers)
    if not integers or type(row.deleted_revision) not in (int, type(None)):
        raise DamagedError(f"{where} has a value that is not a number where a number belongs")
    start, end, revision, deleted = (int(value[name]) for name in numbers)
    if not 0 <= start <= end or revision < 0 or deleted not in (0, 1):
        raise DamagedError(f"{where} has impossible numbers")
    try:
        Colour(row.colour)
        tags = json.loads(str(row.tags))
    except ValueError as error:
        raise DamagedError(f"{where} has an unreadable colour or tag list") from error
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise DamagedError(f"{where} has an unreadable tag list")


def select_rows(version: int | None = None) -> str:
    """The SELECT of every annotation column a schema `version` (default: the current one)
    has, without a WHERE clause."""
    columns = columns_of(COLUMNS_VERSION if version is None else version)
    return f"SELECT {', '.join(columns)} FROM annotations"


def prepared(annotation: Annotation) -> Annotation:
    """A new annotation as the store keeps it: checked, tags normalised."""
    return replace(storable(annotation), tags=normalise_tags(annotation.tags))


def storable(annotation: Annotation) -> Annotation:
    """The annotation if SQLite can hold it faithfully; else StoreError saying why not."""
    a = annotation
    if not isinstance(a.tags, tuple | list):
        raise StoreError(f"Annotation {a.id}: its tags are not a list.")
    texts: tuple[str, ...] = (a.id, a.document_id, a.fingerprint, a.quote.exact)
    texts += (a.quote.prefix, a.quote.suffix)
    texts += (a.note, a.created, a.modified, *a.tags)
    if not all(isinstance(t, str) for t in texts) or not a.id:
        raise StoreError("An annotation needs an id, and text in its text fields.")
    numbers = (a.position.start, a.position.end)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise StoreError(f"Annotation {a.id}: its position is not a pair of numbers.")
    if not 0 <= a.position.start <= a.position.end or not isinstance(a.colour, Colour):
        raise StoreError(f"Annotation {a.id}: its position or colour is impossible.")
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise StoreError(
            f"Annotation {a.id}: its text holds characters that cannot be stored"
            " (half of a surrogate pair)."
        ) from error
    return annotation


# --- rows of the current schema, inside the caller's transaction -----------------------------

SELECT = select_rows()
_INSERT = f"INSERT INTO annotations ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_UPDATE = f"UPDATE annotations SET {', '.join(f'{c} = ?' for c in COLUMNS[1:])} WHERE id = ?"


def fetch(conn: sqlite3.Connection, annotation_id: str) -> StoredRow | None:
    """The row with this id, checked against its checksum; None if there is none."""
    values = conn.execute(f"{SELECT} WHERE id = ?", (annotation_id,)).fetchone()
    return None if values is None else decode(values)


def require(conn: sqlite3.Connection, annotation_id: str) -> StoredRow:
    """The row with this id; StoreError if there is none."""
    row = fetch(conn, annotation_id)
    if row is None:
        raise StoreError(f"There is no annotation with the id {annotation_id}.")
    return row


def insert(conn: sqlite3.Connection, row: StoredRow) -> None:
    """Add a row whose id is new."""
    conn.execute(_INSERT, encode(row))


def save(conn: sqlite3.Connection, row: StoredRow) -> None:
    """Replace every value of the row with this id."""
    values = encode(row)
    conn.execute(_UPDATE, (*values[1:], values[0]))


def save_if_unchanged(conn: sqlite3.Connection, row: StoredRow, revision: int) -> bool:
    """Replace every value of the row with this id if it is still at `revision`; whether it
    was (a row another process changed meanwhile is left alone)."""
    values = encode(row)
    cursor = conn.execute(f"{_UPDATE} AND revision = ?", (*values[1:], values[0], revision))
    return cursor.rowcount == 1


def next_revision(conn: sqlite3.Connection) -> int:
    """The next value of the revision counter, taken inside the current write transaction."""
    conn.execute("UPDATE counter SET revision = revision + 1 WHERE id = 1")
    return int(conn.execute("SELECT revision FROM counter WHERE id = 1").fetchone()[0])
