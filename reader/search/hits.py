"""The hits of one query, kept paragraph by paragraph and made only when asked for.

A common character has 21,000 hits in a novel (了), and the window shows twenty of them and
marks the hundred on the page. So an answer keeps, per matching paragraph, only how many hits
it holds (counted in C: ``str.count`` for one term, the occurrence pattern's ``findall`` for
more); a hit's offsets are found again, one paragraph at a time, when it is shown, walked to or
marked. Numbering the hits is then a bisection over the paragraphs' running totals.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, groupby
from operator import attrgetter
from typing import NamedTuple, overload

from reader.search.folded import FoldedDocument

HIT_CACHE = 256
"""Paragraphs whose hits are kept once made: a screenful of rows and a page of marks."""


class Hit(NamedTuple):
    """One occurrence of a searched term in the document."""

    start: int
    end: int
    paragraph: int
    section: str
    """Title of the table-of-contents entry the hit lies in (the opening's label before the
    first heading)."""
    section_start: int
    in_heading: bool
    tier: int = 2
    """0: in a heading; 1: in a paragraph holding the whole query as one phrase; 2: other."""


@dataclass(frozen=True, slots=True)
class SectionHits:
    """The hits of one table-of-contents entry: a run of consecutive hit numbers (in reading
    order), as sections follow each other in the text."""

    title: str
    start: int
    first: int
    """Number (from 0, in reading order) of the section's first hit."""
    count: int
    best_tier: int
    """The best (lowest) tier of its hits: the list shows such sections first."""


class HitTable:
    """The matching paragraphs in reading order, each with its hit count and tier."""

    def __init__(
        self,
        folded: FoldedDocument,
        pattern: re.Pattern[str],
        paragraphs: Sequence[int],
        counts: Iterable[int],
        tiers: Sequence[int],
    ) -> None:
        self.folded, self.pattern = folded, pattern
        self.paragraphs, self.tiers = paragraphs, tiers
        self.totals = list(accumulate(counts, initial=0))
        """``totals[i]``: how many hits lie in the matching paragraphs before the i-th."""
        self._starts = [folded.starts[index] for index in paragraphs]
        self.hits_of = lru_cache(maxsize=HIT_CACHE)(self._hits_of)
        self._sections: list[SectionHits] | None = None

    def _hits_of(self, position: int) -> list[Hit]:
        """The hits of the `position`-th matching paragraph, in reading order (found within
        the paragraph: a term holding the folded separator, a space, must not run across)."""
        index, tier = self.paragraphs[position], self.tiers[position]
        start, end = self.folded.bounds[index]
        entry = self.folded.document.toc()[self.folded.sections[index]]
        text, title, section_start = self.folded.text, entry.title, entry.start
        return [
            Hit(begin, finish, index, title, section_start, tier == 0, tier)
            for begin, finish in map(_SPAN, self.pattern.finditer(text, start, end))
        ]

    def number_at(self, offset: int) -> int:
        """How many hits start before canonical `offset` (so: the number of the first hit at
        or after it, in reading order)."""
        position = bisect_right(self._starts, offset) - 1
        if position < 0:
            return 0
        before = bisect_left(self.hits_of(position), offset, key=_START)
        return self.totals[position] + before

    def spans_between(self, low: int, high: int, limit: int) -> list[tuple[int, int]]:
        """(start, end) of the hits overlapping [low, high), in order, at most `limit`."""
        position = max(bisect_right(self._starts, low) - 1, 0)
        last = bisect_left(self._starts, high)
        found: list[tuple[int, int]] = []
        for hits in map(self.hits_of, range(position, last)):
            found.extend((hit.start, hit.end) for hit in hits if hit.end > low and hit.start < high)
            if len(found) >= limit:
                return found[:limit]
        return found

    def sections(self) -> list[SectionHits]:
        """The sections holding hits, in reading order (made once; a few thousand steps)."""
        if self._sections is None:
            toc, sections = self.folded.document.toc(), self.folded.sections
            of_position = [sections[index] for index in self.paragraphs]
            made = []
            for section, run in groupby(range(len(self.paragraphs)), of_position.__getitem__):
                positions = list(run)
                first, last = positions[0], positions[-1]
                entry = toc[section]
                count = self.totals[last + 1] - self.totals[first]
                tier = min(self.tiers[first : last + 1])
                made.append(SectionHits(entry.title, entry.start, self.totals[first], count, tier))
            self._sections = made
        return self._sections


class HitList(Sequence[Hit]):
    """The hits of a table with its paragraphs in a given order (reading order, or best
    first), each paragraph's hits in reading order; a `Hit` is made when it is read."""

    def __init__(self, table: HitTable, order: Sequence[int] | None = None) -> None:
        self.table = table
        self._order: Sequence[int] = range(len(table.paragraphs)) if order is None else order
        self._totals = table.totals
        if order is not None:
            counts = [table.totals[p + 1] - table.totals[p] for p in order]
            self._totals = list(accumulate(counts, initial=0))

    def __len__(self) -> int:
        return self._totals[-1]

    @overload
    def __getitem__(self, number: int) -> Hit: ...

    @overload
    def __getitem__(self, number: slice) -> list[Hit]: ...

    def __getitem__(self, number: int | slice) -> Hit | list[Hit]:
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError("hit number out of range")
        rank = bisect_right(self._totals, number) - 1
        return self.table.hits_of(self._order[rank])[number - self._totals[rank]]

    def __iter__(self) -> Iterator[Hit]:
        return chain.from_iterable(map(self.table.hits_of, self._order))

    def spans_between(self, low: int, high: int, limit: int) -> list[tuple[int, int]]:
        """(start, end) of the hits overlapping [low, high), in reading order whatever the
        list's order, at most `limit` of them: what a page marks."""
        return self.table.spans_between(low, high, limit)

    def __repr__(self) -> str:
        return f"<{len(self)} hits>"


_START = attrgetter("start")
_SPAN = re.Match.span
