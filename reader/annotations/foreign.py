"""Highlights from other readers, brought into documents: ids, anchoring, one transaction.

A book's highlights become annotations of the document the user (or `matching`) chose. Each gets
an id derived from what identifies it in its source (the source's own id, else the book, the
quote and the place), so importing a file twice adds nothing, and the store's import rules
(`AnnotationStore.import_annotations`) keep a local edit from being overwritten by an older or
timeless copy. Each is anchored by its quote and context near where the source's position hints
put it, forgiving Traditional/Simplified and width differences (`tolerant`); what cannot be
placed is kept as an orphan, never dropped. All the books of one file go in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from reader.annotations.exchange.foreign_export import bytes_per_character
from reader.annotations.exchange.kindle import KINDLE_LOCATION_BYTES, is_clipping_limit
from reader.annotations.exchange.records import ForeignBook, ForeignHighlight, PositionHints
from reader.annotations.model import Annotation, TextPosition, TextQuote
from reader.annotations.store import AnnotationStore, DocumentRecord, ImportCount
from reader.annotations.tolerant import Fold, place_tolerantly
from reader.document.model import Document

ID_PREFIX = "urn:reader:import:"


@dataclass(frozen=True)
class ImportTarget:
    """One book of the file and the document it goes into."""

    book: ForeignBook
    record: DocumentRecord
    document: Document


@dataclass(frozen=True)
class ForeignImportReport:
    """What an import did, for the user."""

    count: ImportCount
    placed: int
    not_placed: int
    duplicates: int
    """Repeated in the file, or already here as they are in the file."""

    def summary(self) -> str:
        """``312 placed, 4 not placed, 2 duplicates skipped`` (and what local edits kept)."""
        parts = [
            f"{self.placed} placed",
            f"{self.not_placed} not placed",
            f"{self.duplicates} duplicates skipped",
        ]
        if self.count.kept:
            parts.append(f"{self.count.kept} kept (changed here since)")
        return ", ".join(parts)


def annotations_for(
    format_name: str, target: ImportTarget, fold: Fold, folded_text: str | None = None
) -> tuple[list[Annotation], int]:
    """The book's highlights as annotations of the target document, anchored in its text; and
    how many were repeats of another in the file (the newest copy of each is kept)."""
    document = target.document
    by_id: dict[str, Annotation] = {}
    for highlight in target.book.highlights:
        annotation = _annotation(format_name, target, highlight, document)
        earlier = by_id.get(annotation.id)
        if earlier is None or annotation.modified >= earlier.modified:
            by_id[annotation.id] = annotation
    duplicates = len(target.book.highlights) - len(by_id)
    annotations = list(by_id.values())
    placeable = [a for a in annotations if a.quote.exact and not is_clipping_limit(a.quote.exact)]
    placed = {a.id: a for a in place_tolerantly(placeable, document, fold, folded_text)}
    fingerprint = document.fingerprint
    return [placed.get(a.id) or _orphan(a, fingerprint) for a in annotations], duplicates


def import_foreign(
    store: AnnotationStore, format_name: str, targets: Sequence[ImportTarget], fold: Fold
) -> ForeignImportReport:
    """Anchor every target's highlights (quotes and text compared through `fold`), then
    store them all in one transaction."""
    incoming: list[Annotation] = []
    duplicates = 0
    folded: dict[str, str] = {}
    for target in targets:
        fingerprint = target.document.fingerprint
        if fingerprint not in folded:
            folded[fingerprint] = fold(target.document.text)
        annotations, repeated = annotations_for(format_name, target, fold, folded[fingerprint])
        incoming.extend(annotations)
        duplicates += repeated
    count = store.import_annotations(incoming)
    changed = set(count.changed_ids)
    orphans = sum(1 for a in incoming if a.id in changed and a.orphan)
    return ForeignImportReport(count, len(changed) - orphans, orphans, duplicates + count.unchanged)


def stable_id(format_name: str, book: ForeignBook, highlight: ForeignHighlight) -> str:
    """The same id for the same highlight in every import of the same file (or a later export
    of the same source)."""
    if highlight.source_id:
        key = [format_name, highlight.source_id]
    else:
        hints = highlight.hints
        key = [format_name, book.title, book.author, highlight.quote, _where(hints)]
        if not highlight.quote:
            key.append(highlight.note)
    digest = hashlib.sha256("\x1f".join(key).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{ID_PREFIX}{format_name}:{digest[:32]}"


def expected_start(hints: PositionHints, document: Document) -> int:
    """Where the source's hints suggest the highlight starts in our text (0 when they say
    nothing useful): anchoring prefers, among equally good matches, the nearest."""
    length = len(document.text)
    if hints.text_position is not None:
        return min(hints.text_position[0], length)
    if hints.kindle_location is not None:
        return min(
            length,
            int(hints.kindle_location[0] * KINDLE_LOCATION_BYTES / bytes_per_character(document)),
        )
    if hints.page is not None and hints.pages:
        return min(length, length * max(0, hints.page - 1) // hints.pages)
    return 0


def _where(hints: PositionHints) -> str:
    if hints.kindle_location is not None:
        return f"loc:{hints.kindle_location[0]}-{hints.kindle_location[1]}"
    if hints.xpointer[0]:
        return f"xp:{hints.xpointer[0]}|{hints.xpointer[1]}"
    if hints.cfi:
        return f"cfi:{hints.cfi}"
    if hints.text_position is not None:
        return f"pos:{hints.text_position[0]}-{hints.text_position[1]}"
    return f"page:{hints.page}" if hints.page is not None else ""


def _annotation(
    format_name: str, target: ImportTarget, highlight: ForeignHighlight, document: Document
) -> Annotation:
    start = expected_start(highlight.hints, document)
    return Annotation(
        id=stable_id(format_name, target.book, highlight),
        document_id=target.record.id,
        fingerprint=document.fingerprint,
        quote=TextQuote(highlight.quote, highlight.prefix, highlight.suffix),
        position=TextPosition(start, start),
        colour=highlight.colour,
        note=highlight.note,
        tags=highlight.tags,
        created=highlight.created,
        modified=highlight.modified or highlight.created,
    )


def _orphan(annotation: Annotation, fingerprint: str) -> Annotation:
    return replace(annotation, fingerprint=fingerprint, orphan=True)
