"""What the library search is given and what it answers, as plain values.

The search package knows nothing of where the list of documents and notes comes from (the
annotation store today, the library catalogue later): the caller hands it `IndexedDocument` and
`IndexedNote` values and a function that loads a document's text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from reader.document.model import Document


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    """A document of the library, as the index knows it (its text is loaded on demand)."""

    document_id: str
    fingerprint: str
    """The text's fingerprint: a new one means the document is indexed again."""
    title: str
    path: Path


@dataclass(frozen=True, slots=True)
class IndexedNote:
    """An annotation of a library document: its quote, note and tags are searchable."""

    annotation_id: str
    document_id: str
    quote: str
    note: str
    tags: tuple[str, ...]
    colour: str
    start: int
    end: int

    @property
    def searchable(self) -> str:
        """The text a query is matched against: quote, note and tags on separate lines."""
        return "\n".join((self.quote, self.note, " ".join(self.tags)))

    @property
    def digest(self) -> str:
        """Changes whenever anything indexed or shown of the note changes."""
        parts = (self.document_id, self.searchable, self.colour, f"{self.start}:{self.end}")
        return hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()[:24]


LoadDocument = Callable[[IndexedDocument], Document]
"""Loads a library document's text (raises `DocumentError` or `OSError` when it cannot)."""


class HitKind(Enum):
    """Where a hit lies."""

    TITLE = "title"
    HEADING = "heading"
    TEXT = "text"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class LibraryHit:
    """One occurrence of a query in the library.

    For text and heading hits `start`/`end` are canonical offsets of the match in the document;
    for a note hit they are the annotation's range, and `annotation_id`/`note` say which note;
    a title hit has the whole title as its snippet and starts at 0.
    """

    kind: HitKind
    document_id: str
    start: int
    end: int
    section: str
    snippet: str
    match_start: int
    match_end: int
    tier: int
    """0: title or heading; 1: its paragraph holds the whole query as one phrase; 2: other."""
    score: float
    annotation_id: str = ""
    note: str = ""
    colour: str = ""


@dataclass(slots=True)
class DocumentHits:
    """A document's hits, best first."""

    document: IndexedDocument
    hits: list[LibraryHit] = field(default_factory=list)
    more: int = 0
    """Hits found beyond `hits` (left out by `LibraryResult.trimmed`)."""

    @property
    def count(self) -> int:
        """How many hits were found in the document."""
        return len(self.hits) + self.more

    @property
    def rank(self) -> tuple[int, float]:
        """Sort key of the group: its best hit's tier, then its best score."""
        best = min(hit.tier for hit in self.hits)
        return best, -max(hit.score for hit in self.hits if hit.tier == best)


@dataclass(frozen=True, slots=True)
class LibraryResult:
    """The answer to one library query."""

    query_text: str
    groups: tuple[DocumentHits, ...]
    """Documents with hits, best first."""
    complete: bool
    """False when only the best paragraphs were verified (a very common query): the groups
    then hold the best hits, and their counts are lower bounds."""
    from_index: bool
    note: str = ""
    """Why the answer came the way it did, for the user ("index being built…")."""

    @property
    def hit_count(self) -> int:
        """Hits in all groups."""
        return sum(group.count for group in self.groups)

    def trimmed(self, keep: int) -> LibraryResult:
        """The same answer carrying at most `keep` hits per document (the best), the others
        only counted: what a window shows of a query that matches half the library, without
        handing it a hundred thousand hits."""
        groups = tuple(
            DocumentHits(
                group.document, group.hits[:keep], group.count - min(keep, len(group.hits))
            )
            for group in self.groups
        )
        return replace(self, groups=groups)
