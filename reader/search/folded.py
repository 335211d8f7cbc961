"""A document in folded form, and the brute-force scan that is every search's reference.

Scanning folded paragraphs with ``str.find`` runs in C and answers any query exactly; the index
exists to avoid touching every paragraph, and its answers are always verified here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from reader.document.model import Document
from reader.search.folding import fold
from reader.search.query import ParsedQuery


@dataclass(frozen=True)
class FoldedDocument:
    """A document with its folded text; offsets are identical in both."""

    document: Document
    text: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", fold(self.document.text))

    def paragraph(self, index: int) -> str:
        """Folded text of paragraph `index`."""
        paragraph = self.document.paragraphs[index]
        return self.text[paragraph.start : paragraph.end]

    def matches(self, index: int, query: ParsedQuery) -> bool:
        """Whether paragraph `index` holds every required and no excluded substring."""
        text = self.paragraph(index)
        return all(term in text for term in query.required) and not any(
            term in text for term in query.excluded
        )

    def scan(self, query: ParsedQuery, candidates: Iterable[int] | None = None) -> list[int]:
        """The matching paragraphs among `candidates` (default: all), in reading order."""
        if query.is_empty:
            return []
        indices = range(len(self.document.paragraphs)) if candidates is None else candidates
        return sorted(index for index in indices if self.matches(index, query))

    def occurrences(self, index: int, terms: Iterable[str]) -> Iterator[tuple[int, int]]:
        """Canonical (start, end) of each non-overlapping occurrence of each term in paragraph
        `index`, in reading order; where terms overlap, the earlier and longer one wins."""
        text = self.paragraph(index)
        base = self.document.paragraphs[index].start
        spans: list[tuple[int, int]] = []
        for term in terms:
            position = text.find(term)
            while position >= 0:
                spans.append((position, position + len(term)))
                position = text.find(term, position + len(term))
        spans.sort(key=lambda span: (span[0], -span[1]))
        reached = -1
        for start, end in spans:
            if start >= reached:
                reached = end
                yield base + start, base + end
