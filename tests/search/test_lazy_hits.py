"""An answer makes its hits only when they are read: every way of reading them (by number, in
slices, walking, numbering the hit at an offset, the hits on a page, the sections) must agree
with the brute-force list of every hit, made the plain way (`ranked_hits`)."""

from __future__ import annotations

from bisect import bisect_left
from itertools import groupby

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.document.loader import document_from_text
from reader.document.model import Document
from reader.search.results import SearchResult, SectionHits, overlap
from reader.search.searcher import DocumentSearcher
from tests.search.reference import Reference, ranked_hits
from tests.search.test_recall import HOSTILE_TEXT

LAZY = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
NOVEL_QUERIES = (
    "了",
    "宝玉",
    "宝玉 玉",
    "宝玉 黛玉",
    "贾母 王夫人 -宝玉",
    '"一语未了"',
    "鄂",
    "电脑",
)
"""Common and rare, overlapping terms (宝玉 holds 玉), exclusions, phrases, nothing found."""

Row = tuple[int, int, int, str, int, bool, int]


@pytest.fixture(scope="module")
def novel_answers(
    novel_searcher: DocumentSearcher, novel_reference: Reference
) -> dict[str, tuple[SearchResult, list[Row]]]:
    return {q: (novel_searcher.search(q), ranked_hits(novel_reference, q)) for q in NOVEL_QUERIES}


def in_reading_order(ranked: list[Row]) -> list[Row]:
    return sorted(ranked, key=lambda hit: hit[0])


def expected_sections(reading: list[Row]) -> list[SectionHits]:
    sections, number = [], 0
    for (title, start), run in groupby(reading, key=lambda hit: (hit[3], hit[4])):
        hits = list(run)
        best = min(hit[6] for hit in hits)
        sections.append(SectionHits(title, start, number, len(hits), best))
        number += len(hits)
    return sections


def check_every_reading(result: SearchResult, ranked: list[Row], data: st.DataObject) -> None:
    """Compare each view of `result` with the plain list, at drawn numbers and offsets."""
    reading = in_reading_order(ranked)
    assert [tuple(hit) for hit in result.hits] == ranked
    assert [tuple(hit) for hit in result.in_reading_order()] == reading
    assert len(result.hits) == len(result.in_reading_order()) == len(ranked)
    assert result.sections() == expected_sections(reading)
    if ranked:
        number = data.draw(st.integers(-len(ranked), len(ranked) - 1), label="number")
        assert tuple(result.hits[number]) == ranked[number]
        assert tuple(result.in_reading_order()[number]) == reading[number]
        low = data.draw(st.integers(0, len(ranked)), label="low")
        high = data.draw(st.integers(low, len(ranked) + 3), label="high")
        assert [tuple(hit) for hit in result.hits[low:high]] == ranked[low:high]
    for absent in (len(ranked), -len(ranked) - 1):
        with pytest.raises(IndexError):
            result.hits[absent]
    length = len(result.document.text)
    offset = data.draw(st.integers(0, length + 1), label="offset")
    assert result.number_at(offset) == bisect_left([hit[0] for hit in reading], offset)
    low = data.draw(st.integers(0, length), label="page start")
    high = data.draw(st.integers(low, min(low + 5000, length + 1)), label="page end")
    limit = data.draw(st.integers(1, 900), label="limit")
    on_page = [(hit[0], hit[1]) for hit in reading if hit[1] > low and hit[0] < high]
    assert result.hits.spans_between(low, high, limit) == on_page[:limit]


@settings(LAZY, max_examples=25)
@given(data=st.data())
def test_every_reading_of_the_novels_hits_agrees_with_the_plain_list(
    novel_answers: dict[str, tuple[SearchResult, list[Row]]], data: st.DataObject
) -> None:
    result, ranked = novel_answers[data.draw(st.sampled_from(NOVEL_QUERIES), label="query")]
    check_every_reading(result, ranked, data)


def test_a_common_character_keeps_counts_not_hits(novel_searcher: DocumentSearcher) -> None:
    result = novel_searcher.search("了")
    table = result.in_reading_order().table
    assert len(result.hits) > 20_000
    assert len(table.totals) == result.paragraphs + 1  # one running total per paragraph
    assert table.hits_of.cache_info().currsize == 0, "no hit is made before one is read"


@pytest.fixture(scope="module")
def hostile() -> tuple[DocumentSearcher, Reference]:
    document: Document = document_from_text(HOSTILE_TEXT)
    return DocumentSearcher(document), Reference(document)


@LAZY
@given(
    query=st.text(alphabet=st.sampled_from(sorted(set(HOSTILE_TEXT + ' "-＂ABC'))), max_size=8),
    data=st.data(),
)
def test_every_reading_of_hostile_hits_agrees_with_the_plain_list(
    hostile: tuple[DocumentSearcher, Reference], query: str, data: st.DataObject
) -> None:
    searcher, reference = hostile
    check_every_reading(searcher.search(query), ranked_hits(reference, query), data)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("宝玉", "玉", True),  # one inside the other
        ("玉", "宝玉", True),
        ("宝玉", "玉石", True),  # the end of one is the start of the other
        ("玉石", "宝玉", True),
        ("宝玉", "黛玉", False),
        ("了", "，", False),
        ("aba", "ab", True),
        ("abc", "cab", True),
        ("abc", "bd", False),
    ],
)
def test_terms_that_can_share_characters_are_told_apart(
    first: str, second: str, expected: bool
) -> None:
    assert overlap(first, second) is expected


@LAZY
@given(
    paragraphs=st.lists(st.text(alphabet="ab", min_size=1, max_size=30), min_size=1, max_size=6),
    terms=st.lists(st.text(alphabet="ab", min_size=1, max_size=3), min_size=1, max_size=3),
    data=st.data(),
)
def test_hits_are_counted_right_where_terms_overlap_or_repeat_themselves(
    paragraphs: list[str], terms: list[str], data: st.DataObject
) -> None:
    """Two letters make every kind of overlap (aa in aaa, ab and ba, a inside ab): whether the
    terms' own counts are the hit counts or the occurrence pattern must say."""
    document = document_from_text("\n\n".join(paragraphs))
    query = " ".join(terms)
    check_every_reading(
        DocumentSearcher(document).search(query), ranked_hits(Reference(document), query), data
    )
