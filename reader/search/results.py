"""Search results: hits with canonical offsets, their snippets, and the order they are shown in.

Ranking is deliberately simple and predictable: matches in headings first, then paragraphs that
contain the whole query as one phrase, then by relevance (how often the terms occur), then in
reading order.

A common character in a novel has tens of thousands of hits, so snippets are made on demand for
the hits actually shown, not for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from reader.document.model import Document, ParagraphKind
from reader.search.folded import FoldedDocument
from reader.search.query import ParsedQuery

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
        return sorted(self.hits, key=lambda hit: hit.start)

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
    document = folded.document
    toc = document.toc()
    phrases = query.phrases
    ranked: list[tuple[int, float, int]] = []
    for index, score in scores.items():
        in_heading = document.paragraphs[index].kind is ParagraphKind.HEADING
        text = folded.paragraph(index)
        tier = 0 if in_heading else 1 if any(p in text for p in phrases) else 2
        ranked.append((tier, -score, index))
    ranked.sort()
    hits: list[Hit] = []
    for tier, _score, index in ranked:
        entry = toc[document.toc_index_at(document.paragraphs[index].start)]
        hits.extend(
            Hit(start, end, index, entry.title, entry.start, tier == 0, tier)
            for start, end in folded.occurrences(index, query.required)
        )
    return SearchResult(document, query, tuple(hits), len(scores), note)
