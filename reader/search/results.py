"""Search results: hits with canonical offsets, their snippets, and the order they are shown in.

Ranking is deliberately simple and predictable: matches in headings first, then paragraphs that
contain the whole query as one phrase, then by relevance (how often the terms occur), then in
reading order.

A common character in a novel has tens of thousands of hits, so snippets are made on demand for
the hits actually shown, not for all of them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from itertools import chain
from operator import add, attrgetter
from typing import NamedTuple

from reader.document.model import PARAGRAPH_SEPARATOR, Document
from reader.search.folded import FoldedDocument
from reader.search.query import ParsedQuery

_BY_START = attrgetter("start")
SNIPPET_BEFORE = 18
SNIPPET_AFTER = 36
ELLIPSIS = "…"


class Hit(NamedTuple):
    """One occurrence of a searched term in the document (a tuple: a common character in a
    novel has tens of thousands of hits, and tuples are the cheapest records to make)."""

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
    hits: tuple[Hit, ...]
    """All hits, best first (see the module docstring)."""
    paragraphs: int
    """How many paragraphs matched."""
    note: str = ""
    """Something the user should know about the answer (e.g. "Nothing to search.")."""

    def in_reading_order(self) -> list[Hit]:
        """The hits sorted by position, for walking through them with F3."""
        return sorted(self.hits, key=_BY_START)

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
    scores: dict[int, float],
    note: str = "",
) -> SearchResult:
    """Turn matching paragraphs (with relevance scores) into ranked hits."""
    headings, find, bounds = folded.headings, folded.text.find, folded.bounds
    phrases = query.phrases
    one_term = len(query.required) == 1  # then every matching paragraph holds the phrase
    ranked: list[tuple[int, float, int]] = []
    for index, score in scores.items():
        start, end = bounds[index]
        if headings[index]:
            tier = 0
        elif one_term or any(find(phrase, start, end) >= 0 for phrase in phrases):
            tier = 1
        else:
            tier = 2
        ranked.append((tier, -score, index))
    ranked.sort()
    hits = _hits(folded, query.required, ranked)
    return SearchResult(folded.document, query, tuple(hits), len(scores), note)


def _hits(
    folded: FoldedDocument, terms: tuple[str, ...], ranked: list[tuple[int, float, int]]
) -> list[Hit]:
    """The hits of the ranked paragraphs, paragraph by paragraph in rank order.

    A common character has 20,000 hits in a novel, so no Python step is taken per hit: one
    pass of the pattern finds the matches (over the whole text, as no match can span the
    separator between two paragraphs unless a term holds it, as folded: a space; else
    paragraph by paragraph),
    bisection tells each match's paragraph, and each hit is made in C from its span and its
    paragraph's fields. Then each ranked paragraph's run of hits is taken in rank order.
    """
    text, bounds, toc, sections = folded.text, folded.bounds, folded.document.toc(), folded.sections
    finditer = occurrence_pattern(terms).finditer
    separator = folded.text[folded.starts[1] - 1] if len(folded.starts) > 1 else PARAGRAPH_SEPARATOR
    if any(separator in term for term in terms):  # folding makes the separator a space
        in_order = sorted(index for _tier, _score, index in ranked)
        found = list(chain.from_iterable([finditer(text, *bounds[i]) for i in in_order]))
    else:
        found = list(finditer(text))
    tails: list[tuple[object, ...]] = [()] * (len(bounds) + 1)
    for tier, _score, index in ranked:  # by paragraph number + 1, as `bisect_right` counts
        entry = toc[sections[index]]
        tails[index + 1] = (index, entry.title, entry.start, tier == 0, tier)
    counted = list(map(partial(bisect_right, folded.starts), map(_START, found)))
    made = list(map(_make_hit, map(add, map(_SPAN, found), map(tails.__getitem__, counted))))
    hits: list[Hit] = []
    for _tier, _score, index in ranked:
        hits.extend(made[bisect_left(counted, index + 1) : bisect_left(counted, index + 2)])
    return hits


def occurrence_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """A pattern whose matches, left to right, are exactly `occurrences` of the terms: the
    alternatives are tried longest first at each place, and the search goes on after each
    match (so where occurrences overlap, the earlier and longer one wins)."""
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in ordered))


_make_hit = partial(tuple.__new__, Hit)
"""A `Hit` from its seven fields, made in C (``Hit._make`` is a Python function)."""
_START, _SPAN = re.Match.start, re.Match.span
