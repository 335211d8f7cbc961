"""A document in folded form, and the brute-force scan that is every search's reference.

Scanning folded paragraphs with ``str.find`` runs in C and answers any query exactly: in one
document that beats any index (the library's index verifies its candidates here too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.document.model import Document, ParagraphKind
from reader.search.folding import fold
from reader.search.query import ParsedQuery


@dataclass(frozen=True)
class FoldedDocument:
    """A document with its folded text; offsets are identical in both."""

    document: Document
    text: str = field(init=False)
    bounds: tuple[tuple[int, int], ...] = field(init=False)
    """(start, end) of each paragraph: searched in place in `text`, never cut out of it."""
    starts: tuple[int, ...] = field(init=False)
    """Where each paragraph starts, for bisection."""
    headings: tuple[bool, ...] = field(init=False)
    """Whether each paragraph is a heading (its hits rank first)."""
    sections: tuple[int, ...] = field(init=False)
    """The `toc()` entry each paragraph belongs to."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", fold(self.document.text))
        bounds = tuple((p.start, p.end) for p in self.document.paragraphs)
        object.__setattr__(self, "bounds", bounds)
        starts = tuple(start for start, _end in bounds)
        paragraphs, toc_index_at = self.document.paragraphs, self.document.toc_index_at
        headings = tuple(p.kind is ParagraphKind.HEADING for p in paragraphs)
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "headings", headings)
        object.__setattr__(self, "sections", tuple(map(toc_index_at, starts)))

    def paragraph(self, index: int) -> str:
        """Folded text of paragraph `index`."""
        paragraph = self.document.paragraphs[index]
        return self.text[paragraph.start : paragraph.end]

    def matches(self, index: int, query: ParsedQuery) -> bool:
        """Whether paragraph `index` holds every required and no excluded substring."""
        return holds(self.paragraph(index), query)

    def scan(self, query: ParsedQuery) -> list[int]:
        """The matching paragraphs, in reading order.

        Each term is looked for in every paragraph still in the running with ``str.find``
        bounded to the paragraph: one C call per paragraph and term, no copies."""
        if query.is_empty:
            return []
        find, bounds = self.text.find, self.bounds
        found = [(index, start, end) for index, (start, end) in enumerate(bounds)]
        for term in query.required:
            found = [f for f in found if find(term, f[1], f[2]) >= 0]
        for term in query.excluded:
            found = [f for f in found if find(term, f[1], f[2]) < 0]
        return [index for index, _start, _end in found]

    def count(self, index: int, terms: Iterable[str]) -> int:
        """How often the terms occur in paragraph `index` (each counted on its own)."""
        start, end = self.bounds[index]
        return sum(self.text.count(term, start, end) for term in terms)


def holds(folded: str, query: ParsedQuery) -> bool:
    """Whether folded text holds every required and no excluded substring of `query`."""
    return all(term in folded for term in query.required) and not any(
        term in folded for term in query.excluded
    )


def occurrences(folded: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) of each non-overlapping occurrence of each term in `folded`, in reading
    order; where occurrences overlap, the earlier and longer one wins."""
    spans: list[tuple[int, int]] = []
    for term in terms:
        position = folded.find(term)
        while position >= 0:
            spans.append((position, position + len(term)))
            position = folded.find(term, position + 1)
    spans.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int]] = []
    reached = -1
    for start, end in spans:
        if start >= reached:
            reached = end
            kept.append((start, end))
    return kept
