"""The brute-force reference every search answer is compared with, written independently of
`reader.search` (only `fold` and `parse_query` are shared, as the design asks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.document.model import Document, ParagraphKind
from reader.search.folding import fold
from reader.search.query import ParsedQuery, parse_query
from reader.search.results import SearchResult

NOTHING_TO_SEARCH = "Nothing to search."


@dataclass(frozen=True)
class Reference:
    """A document's paragraphs folded one by one, and a plain-Python scan over them."""

    document: Document
    folded: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        folded = tuple(
            fold(self.document.paragraph_text(i)) for i in range(len(self.document.paragraphs))
        )
        object.__setattr__(self, "folded", folded)

    def matching(self, query: ParsedQuery | str) -> set[int]:
        """Indices of the paragraphs that hold every required and no excluded substring."""
        parsed = parse_query(query) if isinstance(query, str) else query
        if not parsed.required:
            return set()
        return {
            index
            for index, text in enumerate(self.folded)
            if all(term in text for term in parsed.required)
            and not any(term in text for term in parsed.excluded)
        }


def check_result(result: SearchResult, reference: Reference, query: str) -> None:
    """Assert that `result` answers `query` exactly as the brute-force scan does."""
    parsed = parse_query(query)
    expected = reference.matching(parsed)
    document = reference.document
    assert result.query == parsed
    if parsed.is_empty:
        assert (list(result.hits), result.paragraphs) == ([], 0)
        assert result.note == NOTHING_TO_SEARCH
        return
    assert {hit.paragraph for hit in result.hits} == expected, query
    assert result.paragraphs == len(expected)
    assert len(set(result.hits)) == len(result.hits), "a hit is listed twice"
    for hit in result.hits:
        paragraph = document.paragraphs[hit.paragraph]
        assert paragraph.start <= hit.start < hit.end <= paragraph.end
        assert fold(document.text[hit.start : hit.end]) in parsed.required
        assert hit.in_heading == (paragraph.kind is ParagraphKind.HEADING)
        assert hit.in_heading == (hit.tier == 0)
    # Headings first, then paragraphs holding the whole query as one phrase, then the rest.
    tiers = [hit.tier for hit in result.hits]
    assert tiers == sorted(tiers)


def same_hits(first: SearchResult, second: SearchResult) -> bool:
    """Whether two answers list the same hits, whatever their order."""
    return sorted(first.hits) == sorted(second.hits)


def ranked_hits(
    reference: Reference, query: str
) -> list[tuple[int, int, int, str, int, bool, int]]:
    """Every hit, best first, as the searcher must list them, computed the plain way: a
    paragraph at a time, its occurrences found term by term with `str.find` (overlaps: the
    earlier, then the longer wins), ranked by tier, then how often the terms occur, then
    reading order."""
    parsed = parse_query(query)
    document = reference.document
    toc = document.toc()
    ranked = []
    for index in sorted(reference.matching(parsed)):
        text = reference.folded[index]
        heading = document.paragraphs[index].kind is ParagraphKind.HEADING
        phrase = any(p in text for p in parsed.phrases)
        tier = 0 if heading else 1 if phrase else 2
        ranked.append((tier, -sum(text.count(t) for t in parsed.required), index))
    hits = []
    for tier, _score, index in sorted(ranked):
        text, base = reference.folded[index], document.paragraphs[index].start
        spans = []
        for term in parsed.required:
            position = text.find(term)
            while position >= 0:
                spans.append((position, position + len(term)))
                position = text.find(term, position + 1)
        reached = -1
        entry = toc[document.toc_index_at(base)]
        for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
            if start >= reached:
                reached = end
                hit = (base + start, base + end, index, entry.title, entry.start, tier == 0, tier)
                hits.append(hit)
    return hits
