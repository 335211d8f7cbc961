"""A document in folded form, and the brute-force scan that is every search's reference.

Scanning folded paragraphs with ``str.find`` runs in C and answers any query exactly: in one
document that beats any index (the library's index verifies its candidates here too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import add, gt

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
        """The matching paragraphs, in reading order."""
        return self.scan_counting(query)[0]

    def scan_counting(self, query: ParsedQuery) -> tuple[list[int], list[int]]:
        """The matching paragraphs in reading order, and how often the required terms occur
        in each (each term counted on its own, as ``str.count`` counts).

        Each term is counted in every paragraph still in the running with ``str.count``
        bounded to the paragraph: one C call per paragraph and term, mapped in C, no copies."""
        if query.is_empty:
            return [], []
        text = self.text
        indices: list[int] = list(range(len(self.bounds)))
        starts, ends = list(self.starts), [end for _start, end in self.bounds]
        scores = [0] * len(indices)
        for term in query.required:
            counts = list(map(text.count, repeat(term), starts, ends))
            indices, starts, ends, scores, counts = (
                list(compress(column, counts)) for column in (indices, starts, ends, scores, counts)
            )
            scores = list(map(add, scores, counts))
        for term in query.excluded:
            absent = list(map(gt, repeat(0), map(text.find, repeat(term), starts, ends)))
            indices, starts, ends, scores = (
                list(compress(column, absent)) for column in (indices, starts, ends, scores)
            )
        return indices, scores


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
