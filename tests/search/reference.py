"""The brute-force reference every search answer is compared with, written independently of
`reader.search` (only `fold` and `parse_query` are shared, as the design asks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.document.model import Document, ParagraphKind
from reader.search.folding import fold
from reader.search.query import ParsedQuery, parse_query
from reader.search.results import Method, SearchResult

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


def indexable(query: ParsedQuery) -> bool:
    """Whether the index can look anything of the query up (letters, digits, ideographs)."""
    return any(character.isalnum() for term in query.required for character in term)


def check_result(result: SearchResult, reference: Reference, query: str) -> None:
    """Assert that `result` answers `query` exactly as the brute-force scan does."""
    parsed = parse_query(query)
    expected = reference.matching(parsed)
    document = reference.document
    assert result.query == parsed
    if parsed.is_empty:
        assert (result.hits, result.paragraphs, result.method) == ((), 0, Method.SCAN)
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
