"""Recall is exact: for any query, the paragraphs found are those a brute-force scan of the
folded text finds (both corpus texts, and a text of hostile characters)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reader.document.loader import document_from_text
from reader.document.model import Document
from reader.search.query import parse_query
from reader.search.results import SearchResult
from reader.search.searcher import DocumentSearcher
from tests.search.reference import Reference, check_result

RECALL = settings(
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
SYNTAX = set('"＂-－')


@dataclass(frozen=True)
class Sampled:
    """A query, and the paragraph it was cut from when that paragraph must be among the hits."""

    text: str
    source: int | None


@st.composite
def pieces(draw: st.DrawFn, reference: Reference) -> tuple[str, int]:
    """A substring of 1..8 characters of a paragraph, folded or as written, and its paragraph."""
    index = draw(st.integers(0, len(reference.folded) - 1))
    text = draw(
        st.sampled_from([reference.folded[index], reference.document.paragraph_text(index)])
    )
    length = draw(st.integers(1, min(8, len(text))))
    start = draw(st.integers(0, len(text) - length))
    return text[start : start + length], index


def queries(reference: Reference) -> st.SearchStrategy[Sampled]:
    """Single substrings, 2-3 of them (from one paragraph or several), "quoted", -excluded."""

    def one(piece: tuple[str, int]) -> Sampled:
        return Sampled(piece[0], source_if_plain(piece[1], piece[0]))

    def quoted(piece: tuple[str, int]) -> Sampled:
        return Sampled(f'"{piece[0]}"', source_if_plain(piece[1], piece[0]))

    def several(found: list[tuple[str, int]]) -> Sampled:
        return Sampled(" ".join(text for text, _ in found), None)

    def excluding(pair: tuple[tuple[str, int], tuple[str, int]]) -> Sampled:
        (kept, _), (dropped, _) = pair
        return Sampled(f"{kept} -{dropped}", None)

    def quoted_excluding(pair: tuple[tuple[str, int], tuple[str, int]]) -> Sampled:
        (kept, _), (dropped, _) = pair
        return Sampled(f'-"{dropped}" "{kept}"', None)

    piece = pieces(reference)
    return st.one_of(
        piece.map(one),
        piece.map(quoted),
        st.lists(piece, min_size=2, max_size=3).map(several),
        piece.flatmap(lambda first: same_paragraph(reference, first)),
        st.tuples(piece, piece).map(excluding),
        st.tuples(piece, piece).map(quoted_excluding),
    )


def same_paragraph(reference: Reference, first: tuple[str, int]) -> st.SearchStrategy[Sampled]:
    """2-3 substrings of one paragraph in any order: that paragraph must be found."""
    text = reference.document.paragraph_text(first[1])
    substring = st.integers(0, len(text) - 1).flatmap(
        lambda start: st.integers(start + 1, min(start + 8, len(text))).map(
            lambda end: text[start:end]
        )
    )
    return st.lists(substring, min_size=1, max_size=2).map(
        lambda more: Sampled(
            " ".join([first[0], *more]), source_if_plain(first[1], first[0], *more)
        )
    )


def source_if_plain(source: int, *pieces: str) -> int | None:
    """The paragraph the pieces were cut from, unless they hold query syntax (a leading minus
    or a quote changes their meaning, so the source paragraph need not match)."""
    return None if any(SYNTAX & set(piece) for piece in pieces) else source


def check_sampled(
    searcher: DocumentSearcher, reference: Reference, sampled: Sampled
) -> SearchResult:
    result = searcher.search(sampled.text)
    check_result(result, reference, sampled.text)
    query = parse_query(sampled.text)
    event("no hits" if not result.hits else "hits")
    if sampled.source is not None and not query.is_empty:
        # Cut from that paragraph, free of syntax: the paragraph itself must be found.
        assert sampled.source in {hit.paragraph for hit in result.hits}
    return result


@RECALL
@given(data=st.data())
def test_article_hits_equal_the_brute_force_scan(
    article_searcher: DocumentSearcher, article_reference: Reference, data: st.DataObject
) -> None:
    sampled = data.draw(queries(article_reference))
    check_sampled(article_searcher, article_reference, sampled)


@RECALL
@given(data=st.data())
def test_novel_hits_equal_the_brute_force_scan(
    novel_searcher: DocumentSearcher, novel_reference: Reference, data: st.DataObject
) -> None:
    sampled = data.draw(queries(novel_reference))
    check_sampled(novel_searcher, novel_reference, sampled)


# ---- the issue's own examples, on the bundled article ------------------------------------


def texts(result: SearchResult) -> set[str]:
    return {result.document.text[hit.start : hit.end] for hit in result.hits}


def test_a_word_inside_a_longer_word(
    article_searcher: DocumentSearcher, article_reference: Reference
) -> None:
    result = article_searcher.search("智算")
    check_result(result, article_reference, "智算")
    assert any(result.document.text[hit.start : hit.start + 4] == "智算中心" for hit in result.hits)


@pytest.mark.parametrize("query", ["哈爾濱", "哈尔滨"])
def test_traditional_and_simplified_both_find_the_traditional_text(
    article_searcher: DocumentSearcher, article_reference: Reference, query: str
) -> None:
    result = article_searcher.search(query)
    check_result(result, article_reference, query)
    assert texts(result) == {"哈爾濱"}
    assert len(result.hits) == article_searcher.document.text.count("哈爾濱")


@pytest.mark.parametrize("query", ["GPT", "gpt", "ＧＰＴ", "Gpt"])
def test_latin_letters_ignore_case_and_width(
    article_searcher: DocumentSearcher, article_reference: Reference, query: str
) -> None:
    result = article_searcher.search(query)
    check_result(result, article_reference, query)
    assert texts(result) == {"GPT"}
    assert len(result.hits) == article_searcher.document.text.count("GPT")


@pytest.mark.parametrize("query", ["應用", "应用"])
def test_a_word_whose_pinyin_gloss_was_removed(
    article_searcher: DocumentSearcher, article_path: Path, query: str
) -> None:
    raw = article_path.read_text(encoding="utf-8")
    assert "應用" not in raw  # every occurrence carries a gloss in the file: 應(yīng)用
    result = article_searcher.search(query)
    assert texts(result) == {"應用"}
    assert len(result.hits) == raw.count("應(yīng)用") == 8
    assert any("探索AI的應用" in result.snippet(hit).text for hit in result.hits)


@pytest.mark.parametrize("query", ["算", "A", "的", "2", "𠀀", ":"])
def test_single_characters(
    article_searcher: DocumentSearcher, article_reference: Reference, query: str
) -> None:
    result = article_searcher.search(query)
    check_result(result, article_reference, query)
    if query in "算A的2:":
        assert result.hits


def test_headings_rank_first(article_searcher: DocumentSearcher) -> None:
    result = article_searcher.search("智算")
    assert result.hits[0].in_heading
    assert result.hits[0].section == "智算自主:全球運營商最大單集群智算中心在哈爾濱建成投用"
    assert not result.hits[-1].in_heading


def test_paragraphs_holding_the_whole_query_rank_next(
    article_searcher: DocumentSearcher, article_reference: Reference
) -> None:
    """`智算 中心`: paragraphs with 智算中心 come before those with the two words apart."""
    result = article_searcher.search("智算 中心")
    check_result(result, article_reference, "智算 中心")
    body = [hit for hit in result.hits if not hit.in_heading]
    firsts = ["智算中心" in article_searcher.folded.paragraph(hit.paragraph) for hit in body]
    assert firsts == sorted(firsts, reverse=True)
    assert True in firsts


# ---- a text with the characters that break naive implementations -------------------------

HOSTILE_TEXT = "\n\n".join(
    [
        "第一回  𠀀𠀁𪚥與龍",
        "𠀀𠀁是擴展B區的字,𪚥也是。😀表情不是字。Straße 與 STRASSE 不同。",
        "㍿株式会社、㈱和℡都保持原樣;ＧＰＴ-４與gpt-4相同。",
        "哈爾濱\u3000哈尔滨 全形空格;Ωmega 與 ωMEGA。",
        "AND OR NOT ( ) * ? ~ ^ : [ ] { } 都是字面上的文字。",
        '"引號" 和 -減號- 也是。',
    ]
)


@pytest.fixture(scope="module")
def hostile() -> tuple[DocumentSearcher, Reference]:
    document: Document = document_from_text(HOSTILE_TEXT)
    return DocumentSearcher(document), Reference(document)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("𠀀𠀁", ["𠀀𠀁", "𠀀𠀁"]),
        ("𪚥", ["𪚥", "𪚥"]),
        ("gpt-4", ["ＧＰＴ-４", "gpt-4"]),
        ("哈尔滨", ["哈爾濱", "哈尔滨"]),
        ("ωmega", ["Ωmega", "ωMEGA"]),
        ("strasse", ["STRASSE"]),  # ß is not folded to ss: that would shift every offset
        ("株式会社", ["株式会社"]),  # nor ㍿ to 株式会社
        ("NOT", ["NOT"]),  # an operator only in Whoosh's query language, a word here
        ('"引號"', ["引號"]),
    ],
)
def test_astral_and_folded_examples(
    hostile: tuple[DocumentSearcher, Reference], query: str, found: list[str]
) -> None:
    searcher, reference = hostile
    result = searcher.search(query)
    check_result(result, reference, query)
    assert [result.document.text[hit.start : hit.end] for hit in result.in_reading_order()] == found


@RECALL
@given(data=st.data())
def test_recall_on_astral_and_width_folded_text(
    hostile: tuple[DocumentSearcher, Reference], data: st.DataObject
) -> None:
    searcher, reference = hostile
    check_sampled(searcher, reference, data.draw(queries(reference)))


@RECALL
@given(st.text(alphabet=st.sampled_from(sorted(set(HOSTILE_TEXT + ' "-－＂ABCabc'))), max_size=12))
def test_recall_for_arbitrary_query_strings(
    hostile: tuple[DocumentSearcher, Reference], query: str
) -> None:
    searcher, reference = hostile
    check_result(searcher.search(query), reference, query)
