"""The library's rows: the documents the user keeps, as the store lists and changes them.

The library is a view of the store's documents (schema 4, see `schema._library_catalogue`),
so a book's identity, annotations and place in the library live in one database, one writer,
backed up and checked together. Documents join it in `documents.record`; here they are
listed, taken out (the file and the annotations stay) and moved to where a file went. Every
function works on a connection the caller holds, inside the caller's transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.annotations import documents
from reader.annotations.documents import encode_path
from reader.annotations.errors import StoreError
from reader.annotations.model import DocumentRecord
from reader.document.metadata import Details


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """One document of the library as the store keeps it (None: not known yet, the file was
    not read since the library began; `last_read` None: added but never opened)."""

    id: str
    fingerprint: str
    title: str
    path: Path | None
    author: str
    format: str
    size: int | None
    length: int | None
    added: str | None
    last_read: str | None
    seen: int
    annotations: int


_SELECT = (
    "SELECT d.id, d.fingerprint, d.title, d.path, d.author, d.format, d.size, d.length,"
    " d.added, d.last_read, d.seen, (SELECT count(*) FROM annotations a"
    " WHERE a.document_id = d.id AND a.deleted = 0) FROM documents d WHERE d.in_library = 1"
)


def in_library(conn: sqlite3.Connection) -> list[LibraryRow]:
    """Every document in the library, the one read most recently first."""
    found = conn.execute(f"{_SELECT} ORDER BY d.seen DESC, d.added DESC, d.id")
    return [_row(values) for values in found.fetchall()]


def find(conn: sqlite3.Connection, document_id: str) -> LibraryRow | None:
    """The library's row of a document, or None when it is not in the library."""
    values = conn.execute(f"{_SELECT} AND d.id = ?", (document_id,)).fetchone()
    return None if values is None else _row(values)


def remove(conn: sqlite3.Connection, document_id: str) -> bool:
    """Take a document out of the library; False when it was not in it. Its file and its
    annotations are left alone (they come back when the file is added again)."""
    changed = conn.execute(
        "UPDATE documents SET in_library = 0 WHERE id = ? AND in_library = 1", (document_id,)
    )
    return changed.rowcount == 1


def holder_of(conn: sqlite3.Connection, path: Path) -> str | None:
    """The id of the document whose file is at `path` (symlinks resolved), if any."""
    row = conn.execute("SELECT id FROM documents WHERE path = ?", (encode_path(path),)).fetchone()
    return None if row is None else str(row[0])


def catalogue(
    conn: sqlite3.Connection, files: Sequence[tuple[str, str, Path, Details]]
) -> list[tuple[DocumentRecord, bool]]:
    """Add files (fingerprint, title, path, details) to the library, inside the caller's
    transaction; each one's document, and whether it was in the library already (adding is
    not reading: when it was read last stays as it was)."""
    added: list[tuple[DocumentRecord, bool]] = []
    for fingerprint, title, path, details in files:
        known, _ = documents.look_up(conn, fingerprint, title, path, os.path.lexists)
        was_in = find(conn, known.id) is not None
        record = documents.record(
            conn, fingerprint, title, path, os.path.lexists, details, reading=False
        )
        added.append((record, was_in))
    return added


def move_checked(conn: sqlite3.Connection, document_id: str, fingerprint: str, path: Path) -> None:
    """Record that a document's file is now at `path` (text `fingerprint`), refusing with
    `StoreError` another text, or a file that already is another document."""
    row = find(conn, document_id)
    if row is None:
        raise StoreError("That document is no longer in the library.")
    if row.fingerprint != fingerprint:
        raise StoreError(
            f"{path} is not “{row.title}”: its text is different. Choose the file"
            " that holds the same text (it may have been renamed or moved)."
        )
    holder = holder_of(conn, path)
    if holder is not None and holder != document_id:
        other = find(conn, holder)
        shown = f"as “{other.title}”" if other is not None else "as another document"
        raise StoreError(f"{path} is already in the library {shown}.")
    move(conn, document_id, path)


def move(conn: sqlite3.Connection, document_id: str, path: Path) -> None:
    """Record that a document's file is now at `path` (the caller checked it is the same text
    and that no other document is at that path)."""
    conn.execute("UPDATE documents SET path = ? WHERE id = ?", (encode_path(path), document_id))


def _row(values: tuple[object, ...]) -> LibraryRow:
    identifier, fingerprint, title, path, author, kind, size, length = values[:8]
    added, last_read, seen, annotations = values[8:]
    assert isinstance(path, bytes | None) and isinstance(seen, int)
    assert isinstance(size, int | None) and isinstance(length, int | None)
    assert isinstance(added, str | None) and isinstance(last_read, str | None)
    return LibraryRow(
        id=str(identifier),
        fingerprint=str(fingerprint),
        title=str(title),
        path=None if path is None else Path(os.fsdecode(path)),
        author=str(author),
        format=str(kind),
        size=size,
        length=length,
        added=added,
        last_read=last_read,
        seen=seen,
        annotations=int(str(annotations)),
    )
