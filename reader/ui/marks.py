"""Spans of text painted over the page: search hits and annotation highlights.

A Qt extra selection per span costs about a tenth of a millisecond to build, and a novel can
carry ten thousand highlights and twenty thousand hits, so the view asks a layer only for the
spans near the page (see `ReaderView`), and a layer answers with two binary searches. A layer
also takes single marks in and out in place, so one new highlight costs one insertion, not a
sort of ten thousand.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
    order: tuple[str, ...] = ()
    """Orders marks of the same span: the later one is drawn on top (an annotation's creation
    time and id, so the newest highlight of a span is the topmost)."""


def _place(mark: Mark) -> tuple[int, int, tuple[str, ...]]:
    return mark.start, mark.end, mark.order


class MarkLayer:
    """Marks sorted by start (then end, then order), searchable by range."""

    def __init__(self, marks: Sequence[Mark] = ()) -> None:
        self._marks = sorted(marks, key=_place)
        self._starts = [mark.start for mark in self._marks]
        self._longest = max((mark.end - mark.start for mark in self._marks), default=0)

    def __len__(self) -> int:
        return len(self._marks)

    def __iter__(self) -> Iterator[Mark]:
        return iter(self._marks)

    def add(self, mark: Mark) -> None:
        """Put one mark in its place (after those of the same place, as a sort would)."""
        at = bisect_right(self._marks, _place(mark), key=_place)
        self._marks.insert(at, mark)
        self._starts.insert(at, mark.start)
        self._longest = max(self._longest, mark.end - mark.start)

    def remove(self, mark: Mark) -> None:
        """Take out one mark (one equal to `mark`); a mark not in the layer is ignored."""
        at = bisect_left(self._marks, _place(mark), key=_place)
        while at < len(self._marks) and _place(self._marks[at]) == _place(mark):
            if self._marks[at] == mark:
                del self._marks[at]
                del self._starts[at]
                if mark.end - mark.start == self._longest:
                    self._longest = max((m.end - m.start for m in self._marks), default=0)
                return
            at += 1

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
