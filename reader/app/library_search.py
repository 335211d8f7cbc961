"""What the library search covers, and how it loads a document: the one place that knows.

The library is every document of the catalogue (`reader.library`) whose file is still there,
and the notes are the live, placed annotations of those documents; the index and the searcher
take plain values and do not care where they come from.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.document.loader import load_document
from reader.document.model import Document
from reader.search.library_model import IndexedDocument, IndexedNote

if TYPE_CHECKING:
    from reader.annotations.store import AnnotationStore


def library_contents(
    store: AnnotationStore | None,
) -> tuple[list[IndexedDocument], list[IndexedNote]]:
    """The documents and the notes of the library (nothing without a store)."""
    if store is None:
        return [], []
    documents = [
        IndexedDocument(row.id, row.fingerprint, row.title, row.path)
        for row in store.library()
        if row.path is not None and _exists(row.path)
    ]
    in_library = {document.document_id for document in documents}
    notes = [
        IndexedNote(
            annotation.id,
            annotation.document_id,
            annotation.quote.exact,
            annotation.note,
            annotation.tags,
            annotation.colour.value,
            annotation.start,
            annotation.end,
        )
        for annotation in store.all_annotations()
        if not annotation.orphan and annotation.document_id in in_library
    ]
    return documents, notes


def load_indexed(document: IndexedDocument) -> Document:
    """A library document's text (module-level: a build in a child process is handed it)."""
    return load_document(document.path, None, document.title)


def _exists(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False
