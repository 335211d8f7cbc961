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
from pathlib import Path

from reader.annotations import rows
from reader.annotations.model import DocumentRecord, new_id
from reader.annotations.rows import StoredRow, decode


@dataclass(frozen=True)
class _FoundDocument:
    record: DocumentRecord
    path: bytes | None
    seen: int


def new_document_id() -> str:
    """An id for a document never seen before (local to this machine's store)."""
    return uuid.uuid4().hex


def look_up(
    conn: sqlite3.Connection,
    fingerprint: str,
    title: str,
    path: Path | None,
    exists: Callable[[Path], bool],
) -> tuple[DocumentRecord, bool]:
    """The document the file at `path` with text `fingerprint` is, without writing; and whether
    the stored record already says all there is to say (so nothing needs to be written).

    A file never seen before gets a new id (which only `record` stores)."""
    where, title = _encode_path(path), _storable_text(title)
    found = _resolve(conn, fingerprint, where, exists)
    if found is None:
        return DocumentRecord(new_document_id(), fingerprint, title, path), False
    newest = conn.execute("SELECT max(seen) FROM documents").fetchone()[0]
    if _is_current(found, fingerprint, title, where, newest):
        return found.record, True
    return DocumentRecord(found.record.id, fingerprint, title, path), False


def record(
    conn: sqlite3.Connection,
    fingerprint: str,
    title: str,
    path: Path | None,
    exists: Callable[[Path], bool],
) -> DocumentRecord:
    """Store that the file at `path` now has the text `fingerprint` and was read last (inside
    the caller's write transaction); its document.

    A new copy of a file starts with copies of the original's annotations."""
    where, title = _encode_path(path), _storable_text(title)
    found = _resolve(conn, fingerprint, where, exists)
    identifier = found.record.id if found is not None else new_document_id()
    conn.execute(
        "INSERT INTO documents (id, fingerprint, title, path, seen)"
        " VALUES (?, ?, ?, ?, (SELECT coalesce(max(seen), 0) + 1 FROM documents))"
        " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,"
        " title = excluded.title, path = excluded.path, seen = excluded.seen",
        (identifier, fingerprint, title, where),
    )
    if found is None:
        _copy_annotations_of_original(conn, fingerprint, identifier)
    return DocumentRecord(identifier, fingerprint, title, path)


def all_records(conn: sqlite3.Connection) -> list[DocumentRecord]:
    """Every known document, the most recently read first."""
    found = conn.execute(
        "SELECT id, fingerprint, title, path, seen FROM documents ORDER BY seen DESC"
    )
    return [_found(row).record for row in found.fetchall()]


def _encode_path(path: Path | None) -> bytes | None:
    """A path as the store keeps it: the file's real path (a symlink is the file it names) as
    bytes, since a Linux file name need not be UTF-8."""
    return None if path is None else os.fsencode(os.path.realpath(path))


def _storable_text(text: str) -> str:
    """`text` as SQLite can keep it: an undecodable byte of a file name (a lone surrogate)
    becomes U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode_path(value: bytes | None) -> Path | None:
    return None if value is None else Path(os.fsdecode(value))


def _resolve(
    conn: sqlite3.Connection,
    fingerprint: str,
    path: bytes | None,
    exists: Callable[[Path], bool],
) -> _FoundDocument | None:
    """The known document the file at `path` with text `fingerprint` is (see
    `AnnotationStore.open_document`)."""
    columns = "SELECT id, fingerprint, title, path, seen FROM documents"
    if path is not None:
        row = conn.execute(f"{columns} WHERE path = ?", (path,)).fetchone()
        if row is not None:
            return _found(row)
    candidates = conn.execute(f"{columns} WHERE fingerprint = ? ORDER BY seen DESC", (fingerprint,))
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
    found: _FoundDocument, fingerprint: str, title: str, path: bytes | None, newest: int
) -> bool:
    """Whether the stored document says all there is to say (and was the last one read)."""
    known = found.record
    same = (found.path, known.fingerprint, known.title) == (path, fingerprint, title)
    return same and (path is None or found.seen == newest)


def _found(row: Sequence[object]) -> _FoundDocument:
    identifier, fingerprint, title, path, seen = row
    assert isinstance(path, bytes | None) and isinstance(seen, int)
    known = DocumentRecord(str(identifier), str(fingerprint), str(title), _decode_path(path))
    return _FoundDocument(known, path, seen)
