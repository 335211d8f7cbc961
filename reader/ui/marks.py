"""Spans of text painted over the page: search hits and annotation highlights.

A Qt extra selection per span costs about a tenth of a millisecond to build, and a novel can
carry ten thousand highlights and twenty thousand hits, so the view asks a layer only for the
spans near the page (see `ReaderView`), and a layer answers with two binary searches.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QColor


@dataclass(frozen=True, slots=True)
class Mark:
    """[start, end) in canonical offsets, painted with `background`; `underline` marks a note."""

    start: int
    end: int
    background: QColor
    underline: QColor | None = None
    key: str = ""
    """What the mark stands for (an annotation id), for hit-testing."""


class MarkLayer:
    """Marks sorted by start, searchable by range."""

    def __init__(self, marks: Sequence[Mark] = ()) -> None:
        self._marks = sorted(marks, key=lambda mark: (mark.start, mark.end))
        self._starts = [mark.start for mark in self._marks]
        self._longest = max((mark.end - mark.start for mark in self._marks), default=0)

    def __len__(self) -> int:
        return len(self._marks)

    def __iter__(self) -> Iterator[Mark]:
        return iter(self._marks)

    def between(self, low: int, high: int, limit: int) -> list[Mark]:
        """Marks overlapping [low, high), in order, at most `limit` of them."""
        first = bisect_left(self._starts, low - self._longest)
        last = bisect_left(self._starts, high)
        found: list[Mark] = []
        for number in range(first, last):
            mark = self._marks[number]
            if mark.end > low:
                found.append(mark)
                if len(found) >= limit:
                    break
        return found

    def at(self, offset: int) -> list[Mark]:
        """Marks covering canonical `offset`, the last-drawn (topmost) last."""
        return [mark for mark in self.between(offset, offset + 1, 64) if mark.start <= offset]
