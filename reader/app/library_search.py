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
    documents = _documents(store)
    return documents, _in_library(_notes(store), documents)


class LibraryContents:
    """`library_contents` for a query as it is typed: the notes are read again only after the
    store changed.

    Search Everything reads the library for every query, so that a note saved a moment ago is
    found. Reading every annotation makes thousands of objects; even on a worker thread, in the
    window's process those allocations set off garbage collections that stop the window as
    well. The store's revision moves with every change to an annotation (from any window or
    process), so the notes are kept until it moves; the documents (a few rows) are read each
    time. Used from one thread at a time.
    """

    def __init__(self) -> None:
        self._revision: int | None = None
        self._notes: list[IndexedNote] = []

    def read(
        self, store: AnnotationStore | None
    ) -> tuple[list[IndexedDocument], list[IndexedNote]]:
        """The documents and the notes of the library now."""
        if store is None:
            return [], []
        documents = _documents(store)
        revision = store.revision()
        if revision != self._revision:
            self._notes, self._revision = _notes(store), revision
        return documents, _in_library(self._notes, documents)


def _documents(store: AnnotationStore) -> list[IndexedDocument]:
    return [
        IndexedDocument(row.id, row.fingerprint, row.title, row.path)
        for row in store.library()
        if row.path is not None and _exists(row.path)
    ]


def _notes(store: AnnotationStore) -> list[IndexedNote]:
    """Every placed annotation, of any document."""
    return [
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
        if not annotation.orphan
    ]


def _in_library(notes: list[IndexedNote], documents: list[IndexedDocument]) -> list[IndexedNote]:
    in_library = {document.document_id for document in documents}
    return [note for note in notes if note.document_id in in_library]


def load_indexed(document: IndexedDocument) -> Document:
    """A library document's text (module-level: a build in a child process is handed it)."""
    return load_document(document.path, None, document.title)


def _exists(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False
