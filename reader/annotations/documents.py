"""Which document a file is: the store's records of the files the user opened.

A document is a file the user opened, whatever its text is now; its annotations behave as if
they were inside the file (see `look_up` and `record`, used by `AnnotationStore.open_document`).
Paths are kept as bytes, since a Linux file name need not be UTF-8. Every function works on a
connection the caller holds, inside the caller's transaction.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from reader.annotations import rows
from reader.annotations.model import DocumentRecord, new_id, now
from reader.annotations.rows import StoredRow, decode
from reader.document.metadata import Details

LAST_READ_RESOLUTION = timedelta(hours=1)
"""How stale "last read" may grow before reopening the document read last writes it again: a
start-up that reopens it costs no synchronous write, and the time shown stays true to the hour."""


@dataclass(frozen=True)
class _FoundDocument:
    record: DocumentRecord
    path: bytes | None
    seen: int
    in_library: bool
    details: Details | None
    last_read: str | None


def new_document_id() -> str:
    """An id for a document never seen before (local to this machine's store)."""
    return uuid.uuid4().hex


def look_up(
    conn: sqlite3.Connection,
    fingerprint: str,
    title: str,
    path: Path | None,
    exists: Callable[[Path], bool],
    details: Details | None = None,
) -> tuple[DocumentRecord, bool]:
    """The document the file at `path` with text `fingerprint` is, without writing; and whether
    the stored record already says all there is to say (so nothing needs to be written).

    A file never seen before gets a new id (which only `record` stores)."""
    where, title = encode_path(path), _storable_text(title)
    found = _resolve(conn, fingerprint, where, exists)
    if found is None:
        return DocumentRecord(new_document_id(), fingerprint, title, path), False
    newest = conn.execute("SELECT max(seen) FROM documents").fetchone()[0]
    if _is_current(found, fingerprint, title, where, newest, details):
        return found.record, True
    return DocumentRecord(found.record.id, fingerprint, title, path), False


def record(
    conn: sqlite3.Connection,
    fingerprint: str,
    title: str,
    path: Path | None,
    exists: Callable[[Path], bool],
    details: Details | None = None,
    *,
    reading: bool = True,
) -> DocumentRecord:
    """Store that the file at `path` now has the text `fingerprint` (inside the caller's write
    transaction); its document.

    This is where a file joins the library (a document without a file never does), however
    it came: opened in a window or by a command (`reading`: it becomes the one read last, at
    this time) or added to the library (`reading=False`: when it was read stays as it was).
    `details` are what the library shows of the file, when the caller read it. A new copy of
    a file starts with copies of the original's annotations."""
    where, title = encode_path(path), _storable_text(title)
    found = _resolve(conn, fingerprint, where, exists)
    identifier = found.record.id if found is not None else new_document_id()
    known = details is not None
    author, kind, size, length = (
        (details.author, details.format, details.size, details.length)
        if details
        else ("", "", None, None)
    )
    time = now()
    conn.execute(
        "INSERT INTO documents (id, fingerprint, title, path, seen, in_library, author, format,"
        " size, length, added, last_read) VALUES (?, ?, ?, ?,"
        " CASE WHEN ? THEN (SELECT coalesce(max(seen), 0) + 1 FROM documents) ELSE 0 END,"
        " ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,"
        " title = excluded.title, path = excluded.path,"
        " seen = CASE WHEN ? THEN excluded.seen ELSE seen END,"
        " added = CASE WHEN in_library = 1 THEN added ELSE excluded.added END,"
        " in_library = max(in_library, excluded.in_library),"
        " author = CASE WHEN ? THEN excluded.author ELSE author END,"
        " format = CASE WHEN ? THEN excluded.format ELSE format END,"
        " size = CASE WHEN ? THEN excluded.size ELSE size END,"
        " length = CASE WHEN ? THEN excluded.length ELSE length END,"
        " last_read = coalesce(excluded.last_read, last_read)",
        (
            identifier, fingerprint, title, where, reading, int(where is not None), author, kind,
            size, length, time if where is not None else None, time if reading else None,
            reading, known, known, known, known,
        ),
    )  # fmt: skip
    if found is None:
        _copy_annotations_of_original(conn, fingerprint, identifier)
    return DocumentRecord(identifier, fingerprint, title, path)


def all_records(conn: sqlite3.Connection) -> list[DocumentRecord]:
    """Every known document, the most recently read first."""
    found = conn.execute(f"{_COLUMNS} ORDER BY seen DESC")
    return [_found(row).record for row in found.fetchall()]


def encode_path(path: Path | None) -> bytes | None:
    """A path as the store keeps it: the file's real path (a symlink is the file it names) as
    bytes, since a Linux file name need not be UTF-8."""
    return None if path is None else os.fsencode(os.path.realpath(path))


def _storable_text(text: str) -> str:
    """`text` as SQLite can keep it: an undecodable byte of a file name (a lone surrogate)
    becomes U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode_path(value: bytes | None) -> Path | None:
    return None if value is None else Path(os.fsdecode(value))


_COLUMNS = (
    "SELECT id, fingerprint, title, path, seen, in_library, author, format, size, length,"
    " last_read FROM documents"
)


def _resolve(
    conn: sqlite3.Connection,
    fingerprint: str,
    path: bytes | None,
    exists: Callable[[Path], bool],
) -> _FoundDocument | None:
    """The known document the file at `path` with text `fingerprint` is (see
    `AnnotationStore.open_document`)."""
    if path is not None:
        row = conn.execute(f"{_COLUMNS} WHERE path = ?", (path,)).fetchone()
        if row is not None:
            return _found(row)
    candidates = conn.execute(
        f"{_COLUMNS} WHERE fingerprint = ? ORDER BY seen DESC", (fingerprint,)
    )
    for row in candidates.fetchall():
        known = _decode_path(row[3])
        if path is None and known is None:
            return _found(row)
        if path is not None and (known is None or not exists(known)):
            return _found(row)
    return None


def _copy_annotations_of_original(
    conn: sqlite3.Connection, fingerprint: str, document_id: str
) -> None:
    """Give a new copy of a file copies of the live annotations of the most recently read other
    file with the same text (inside the caller's transaction)."""
    original = conn.execute(
        "SELECT id FROM documents WHERE fingerprint = ? AND id <> ? ORDER BY seen DESC LIMIT 1",
        (fingerprint, document_id),
    ).fetchone()
    if original is None:
        return
    found = conn.execute(f"{rows.SELECT} WHERE document_id = ? AND deleted = 0", (original[0],))
    originals = [decode(values).annotation for values in found.fetchall()]
    if not originals:
        return
    revision = rows.next_revision(conn)
    for annotation in originals:
        copy = replace(annotation, id=new_id(), document_id=document_id, revision=revision)
        rows.insert(conn, StoredRow(copy))


def _is_current(
    found: _FoundDocument,
    fingerprint: str,
    title: str,
    path: bytes | None,
    newest: int,
    details: Details | None,
) -> bool:
    """Whether the stored document says all there is to say: it was the last one read, lately,
    and is in the library with these details (a document without a file only needs the same
    text and title)."""
    known = found.record
    same = (found.path, known.fingerprint, known.title) == (path, fingerprint, title)
    if path is None or not same:
        return same
    return (
        found.seen == newest
        and found.in_library
        and (details is None or found.details == details)
        and _read_lately(found.last_read)
    )


def _read_lately(last_read: str | None) -> bool:
    if last_read is None:
        return False
    try:
        then = datetime.fromisoformat(last_read)
    except ValueError:
        return False
    return datetime.fromisoformat(now()) - then < LAST_READ_RESOLUTION


def _found(row: Sequence[object]) -> _FoundDocument:
    identifier, fingerprint, title, path, seen, in_library, author, kind, size, length = row[:10]
    last_read = row[10]
    assert isinstance(path, bytes | None) and isinstance(seen, int)
    assert isinstance(size, int | None) and isinstance(last_read, str | None)
    known = DocumentRecord(str(identifier), str(fingerprint), str(title), _decode_path(path))
    details = Details(str(author), str(kind), size, length) if isinstance(length, int) else None
    return _FoundDocument(known, path, seen, bool(in_library), details, last_read)
