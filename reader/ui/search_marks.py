"""The search hits as marks on the page, made for the stretch of text being painted.

A common character has 21,000 hits in a novel; the page shows a hundred. So the layer holds
the answer, not its marks: asked for the marks near the page, it asks the answer for the hits
there and makes a `Mark` for each, keeping it, so that the same hit is the same mark at the
next refresh (the page keeps a mark's Qt selections by its identity) and only the marks of the
hits that change strength are made again when the reader walks to another hit.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QColor

from reader.ui.marks import Mark
from reader.ui.theme import Theme

CURRENT, HIT = "current", "hit"
Span = tuple[int, int]


class HitSpans(Protocol):
    """Where the hits of an answer are (a `reader.search.hits.HitList` is one)."""

    def __len__(self) -> int: ...

    def spans_between(self, low: int, high: int, limit: int) -> list[Span]:
        """(start, end) of the hits overlapping [low, high), in order, at most `limit`."""
        ...


class SearchMarks:
    """The hits of one answer painted in a theme's colours, the current one more strongly."""

    def __init__(
        self, hits: HitSpans | None = None, current: Span | None = None, theme: Theme | None = None
    ) -> None:
        self.hits, self.current, self.theme = hits, current, theme
        self._colours = (
            {}
            if theme is None
            else {HIT: QColor(theme.search_hit), CURRENT: QColor(theme.search_current)}
        )
        self._made: dict[tuple[Span, str], Mark] = {}

    def __len__(self) -> int:
        return 0 if self.hits is None else len(self.hits)

    def between(self, low: int, high: int, limit: int) -> list[Mark]:
        """Marks of the hits overlapping [low, high), in order, at most `limit` of them."""
        if self.hits is None:
            return []
        return [self._mark(span) for span in self.hits.spans_between(low, high, limit)]

    def _mark(self, span: Span) -> Mark:
        key = (span, CURRENT if span == self.current else HIT)
        mark = self._made.get(key)
        if mark is None:
            mark = self._made[key] = Mark(span[0], span[1], self._colours[key[1]], key=key[1])
        return mark
