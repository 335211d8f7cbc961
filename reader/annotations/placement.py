"""A document's annotations placed on its current text: opening, re-anchoring, importing.

Each operation here is one store transaction, shared by the window and the command line. An
annotation remembers the text its selectors were made on (`Annotation.fingerprint`); opening a
document lists those made on another text of the same file as *stale*, and `place` with
`save_placements` (`session.open_session` does both at once) puts them in the current text, or keeps
them as orphans of it, in one transaction. Whatever interrupted the last attempt, the next
opening finds the stale ones again: nothing is ever painted on text it was not anchored to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from reader.annotations.anchoring import anchor_all
from reader.annotations.errors import ImportFormatError
from reader.annotations.model import Annotation
from reader.annotations.store import AnnotationStore, DocumentRecord, ImportCount
from reader.annotations.tolerant import Fold, place_tolerantly
from reader.document.metadata import details_of
from reader.document.model import Document


@dataclass(frozen=True)
class OpenedAnnotations:
    """A document's live annotations, by where they stand against its current text."""

    record: DocumentRecord
    placed: list[Annotation]
    """Anchored on this text: shown where their positions say."""
    orphans: list[Annotation]
    """Could not be placed in this text: listed, kept, re-attachable."""
    stale: list[Annotation]
    """Made on another text of this file: to re-anchor before they can be shown."""


def open_annotations(store: AnnotationStore, document: Document) -> OpenedAnnotations:
    """Find (or make) the store's document for `document` and list its annotations."""
    record = store.open_document(
        document.fingerprint, document.title, document.source, details=details_of(document)
    )
    return sort_annotations(record, store.annotations(record.id))


def sort_annotations(record: DocumentRecord, annotations: list[Annotation]) -> OpenedAnnotations:
    """Split a document's live annotations into placed, orphans and stale."""
    current = [a for a in annotations if a.fingerprint == record.fingerprint]
    return OpenedAnnotations(
        record,
        placed=[a for a in current if not a.orphan],
        orphans=[a for a in current if a.orphan],
        stale=[a for a in annotations if a.fingerprint != record.fingerprint],
    )


def place(annotations: list[Annotation], document: Document) -> list[Annotation]:
    """The annotations anchored in `document`'s text: each with new selectors on it, or
    flagged as an orphan of it (pure: it may run on any thread)."""
    result = anchor_all(annotations, document.text)
    fingerprint = document.fingerprint
    placed = {
        p.annotation.id: replace(
            p.annotation, fingerprint=fingerprint, position=p.position, quote=p.quote, orphan=False
        )
        for p in result.placed
    }
    return [
        placed.get(a.id) or replace(a, fingerprint=fingerprint, orphan=True) for a in annotations
    ]


def save_placements(store: AnnotationStore, placed: list[Annotation]) -> list[Annotation]:
    """Save the result of `place` in one transaction (unless the store is read-only)."""
    if not store.read_only and placed:
        store.relocate(placed)
    return placed


@dataclass(frozen=True)
class ImportReport:
    """How an import went, for the user."""

    count: ImportCount
    moved: int
    """Of the annotations added or updated: placed by their quote, not their position."""
    unplaced: int
    """Of the annotations added or updated: kept as orphans, their text not found."""
    elsewhere: int = 0
    """Left out: made on the texts of other documents (the file is an export of several)."""

    def summary(self) -> str:
        """One sentence, as the window and the command line say it."""
        c = self.count
        parts = [f"{c.added} new", f"{c.updated} updated", f"{c.unchanged} already present"]
        if c.kept:
            parts.append(f"{c.kept} kept (local is newer)")
        if self.moved:
            parts.append(f"{self.moved} placed by their quote")
        if self.unplaced:
            parts.append(f"{self.unplaced} could not be placed")
        if self.elsewhere:
            parts.append(f"{self.elsewhere} of other documents left out")
        return "imported " + ", ".join(parts)


def import_file(
    store: AnnotationStore,
    record: DocumentRecord,
    document: Document,
    path: Path,
    fold: Fold | None = None,
) -> ImportReport:
    """Import a W3C JSON-LD file into the annotations of `document` (the store's `record`),
    all in one transaction.

    The file is read and checked completely, and every annotation anchored in this text (its
    position where it still fits, else by its quote, else an orphan) before the store sees any
    of it, so an interruption leaves all of it or none, and never an annotation on the wrong
    text. A file made on several texts (an export of every document) gives only those made on
    this one. With `fold`, quotes not found as they are are looked for folded
    (Traditional/Simplified, width). Raises ImportFormatError, StoreError or OSError; nothing
    was imported then.
    """
    from reader.annotations.exchange.w3c_import import MAX_IMPORT_BYTES, load_w3c_file

    identifier = document.metadata.identifier.strip()
    books = {identifier: document.fingerprint} if identifier else {}  # an EPUB's own source
    loaded = load_w3c_file(path, document.fingerprint, MAX_IMPORT_BYTES, books)
    mine = _made_on(loaded, document)
    incoming = [replace(a, document_id=record.id) for a in mine]
    placed = place(incoming, document)
    was = {a.id: a for a in incoming}
    retry = [was[a.id] for a in placed if a.orphan]
    if retry and fold is not None:  # another tool's quote may differ in spelling or width only
        again = {a.id: a for a in place_tolerantly(retry, document, fold)}
        placed = [again.get(a.id, a) for a in placed]
    count = store.import_annotations(placed)
    changed = set(count.changed_ids)
    moved = sum(
        1 for a in placed if a.id in changed and not a.orphan and a.position != was[a.id].position
    )
    unplaced = sum(1 for a in placed if a.id in changed and a.orphan)
    return ImportReport(count, moved, unplaced, elsewhere=len(loaded) - len(mine))


def _made_on(annotations: list[Annotation], document: Document) -> list[Annotation]:
    """The annotations of a file that belong in `document`: all of them when the file names
    one text (an earlier text of this file is re-anchored), else those made on this text."""
    texts = {a.fingerprint for a in annotations}
    if len(texts) <= 1:
        return annotations
    mine = [a for a in annotations if a.fingerprint == document.fingerprint]
    if not mine:
        raise ImportFormatError(
            f"The file holds the annotations of {len(texts)} documents, and none was made on"
            f" this text of “{document.title}”. Open the document they were made on and import"
            " the file there."
        )
    return mine
