"""Search results: hits with canonical offsets, their snippets, and the order they are shown in.

Ranking is deliberately simple and predictable: matches in headings first, then paragraphs that
contain the whole query as one phrase, then by relevance (how often the terms occur), then in
reading order.

A common character in a novel has tens of thousands of hits, so neither the hits nor their
snippets are made until they are shown (`reader.search.hits`): an answer counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations, repeat
from operator import le, or_

from reader.document.model import Document
from reader.search.folded import FoldedDocument
from reader.search.hits import Hit, HitList, HitTable, SectionHits
from reader.search.query import ParsedQuery

__all__ = ["Hit", "SearchResult", "SectionHits", "Snippet", "rank_and_collect"]

SNIPPET_BEFORE = 18
SNIPPET_AFTER = 36
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short excerpt around a hit, and where the matched text lies within it."""

    text: str
    match_start: int
    match_end: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The answer to one query."""

    document: Document
    query: ParsedQuery
    hits: HitList
    """All hits, best first (see the module docstring); each made when read."""
    reading: HitList
    """The same hits in reading order."""
    note: str = ""
    """Something the user should know about the answer (e.g. "Nothing to search.")."""

    @property
    def paragraphs(self) -> int:
        """How many paragraphs matched."""
        return len(self.reading.table.paragraphs)

    def in_reading_order(self) -> HitList:
        """The hits sorted by position, for walking through them with F3."""
        return self.reading

    def number_at(self, offset: int) -> int:
        """The number, in reading order, of the first hit at or after canonical `offset`
        (the number of hits when none is)."""
        return self.reading.table.number_at(offset)

    def sections(self) -> list[SectionHits]:
        """The sections holding hits, in reading order, with their runs of hit numbers."""
        return self.reading.table.sections()

    def snippet(self, hit: Hit) -> Snippet:
        """An excerpt of the hit's paragraph around it, cut with an ellipsis where shortened."""
        paragraph = self.document.paragraphs[hit.paragraph]
        left = max(paragraph.start, hit.start - SNIPPET_BEFORE)
        right = min(paragraph.end, hit.end + SNIPPET_AFTER)
        prefix = ELLIPSIS if left > paragraph.start else ""
        suffix = ELLIPSIS if right < paragraph.end else ""
        match_start = len(prefix) + hit.start - left
        return Snippet(
            prefix + self.document.text[left:right] + suffix,
            match_start,
            match_start + hit.end - hit.start,
        )

    def hit_as_json(self, hit: Hit) -> dict[str, object]:
        """Plain JSON values, as the command line prints them."""
        snippet = self.snippet(hit)
        return {
            "section": hit.section,
            "start": hit.start,
            "end": hit.end,
            "text": self.document.text[hit.start : hit.end],
            "paragraph": hit.paragraph,
            "in_heading": hit.in_heading,
            "snippet": snippet.text,
            "snippet_match": [snippet.match_start, snippet.match_end],
        }


def rank_and_collect(
    folded: FoldedDocument,
    query: ParsedQuery,
    matching: Sequence[int],
    scores: Sequence[int],
    note: str = "",
) -> SearchResult:
    """Rank the matching paragraphs (reading order, with how often the terms occur in each)
    and count their hits; no hit is made here (see `reader.search.hits`)."""
    text, terms, bounds = folded.text, query.required, folded.bounds
    starts, ends = [bounds[i][0] for i in matching], [bounds[i][1] for i in matching]
    pattern = occurrence_pattern(terms)
    if len(terms) == 1:  # one term: its count is its hit count, and every paragraph a phrase
        counts, tiers = scores, [0 if folded.headings[i] else 1 for i in matching]
    else:
        counts = scores  # each term's occurrences are its hits, unless terms overlap:
        if any(overlap(a, b) for a, b in combinations(terms, 2)):  # then the pattern says
            counts = list(map(len, map(pattern.findall, repeat(text), starts, ends)))
        phrase = [False] * len(matching)
        for joined in query.phrases:
            found = map(text.find, repeat(joined), starts, ends)
            phrase = list(map(or_, phrase, map(le, repeat(0), found)))
        tiers = [
            0 if folded.headings[i] else 1 if p else 2
            for i, p in zip(matching, phrase, strict=True)
        ]
    table = HitTable(folded, pattern, matching, counts, tiers)
    # Best first: by tier, then score (higher first), then reading order, in two stable sorts
    # on plain ints (sorting tuples of three compares them in Python: 6 ms for 3,000).
    ranked = sorted(range(len(matching)), key=scores.__getitem__, reverse=True)
    ranked.sort(key=tiers.__getitem__)
    return SearchResult(folded.document, query, HitList(table, ranked), HitList(table), note)


def overlap(first: str, second: str) -> bool:
    """Whether an occurrence of one term can share characters with one of the other (宝玉 and
    玉, 宝玉 and 玉石): then fewer occurrences are hits than the terms' own counts say."""
    if first in second or second in first:
        return True
    return any(
        first.endswith(second[:size]) or second.endswith(first[:size])
        for size in range(1, min(len(first), len(second)))
    )


def occurrence_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """A pattern whose matches, left to right, are exactly `occurrences` of the terms: the
    alternatives are tried longest first at each place, and the search goes on after each
    match (so where occurrences overlap, the earlier and longer one wins)."""
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in ordered))
