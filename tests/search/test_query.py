"""The query syntax: words, "phrases", -exclusions; everything else is literal text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.search.folding import fold
from reader.search.query import parse_query

WHOOSH_SYNTAX = "AND OR NOT ( ) * ? ~ ^ : [ ] { }"


@pytest.mark.parametrize(
    ("text", "required", "excluded"),
    [
        ("智算", ("智算",), ()),
        ("智算 中心", ("智算", "中心"), ()),
        ("  智算\u3000\t中心\n ", ("智算", "中心"), ()),
        ('"智算 中心"', ("智算 中心",), ()),
        ('"  大 模型 "', ("  大 模型 ",), ()),  # a phrase keeps its spaces as typed
        ("＂智算 中心＂", ("智算 中心",), ()),  # full-width quotes
        ("智算 -中心", ("智算",), ("中心",)),
        ("－中心 智算", ("智算",), ("中心",)),  # full-width minus
        ('-"大 模型" GPT', ("gpt",), ("大 模型",)),
        ("a-b", ("a-b",), ()),  # only a leading minus excludes
        ('"智算 中心', ("智算 中心",), ()),  # an unbalanced quote quotes the rest
        ('a "b c', ("a", "b c"), ()),
        ('ab"c d', ('ab"c', "d"), ()),  # a quote inside a word is a character
        ("-", ("-",), ()),  # a lone minus is searched for
        ("- a", ("-", "a"), ()),
        ("a -", ("a", "-"), ()),
        ('"-"', ("-",), ()),
        ("哈爾濱 ＧＰＴ", ("哈尔滨", "gpt"), ()),  # terms are folded
        ("a A ａ", ("a",), ()),  # and deduplicated after folding
        ('"a" a', ("a",), ()),
        ("title:智算 a*", ("title:智算", "a*"), ()),
        (WHOOSH_SYNTAX, tuple(fold(WHOOSH_SYNTAX).split()), ()),
        ("，。！", (",。!",), ()),  # punctuation is searched for, folded like the text
        ("...", ("...",), ()),
    ],
)
def test_parsing(text: str, required: tuple[str, ...], excluded: tuple[str, ...]) -> None:
    query = parse_query(text)
    assert (query.required, query.excluded) == (required, excluded)
    assert query.text == text
    assert not query.is_empty


def test_whoosh_operators_are_plain_lower_case_words() -> None:
    assert parse_query(WHOOSH_SYNTAX).required[:3] == ("and", "or", "not")


@pytest.mark.parametrize("text", ["", " ", "\u3000\t\n", '"', '""', '" \u3000 "', '-"'])
def test_blank_queries_are_empty(text: str) -> None:
    query = parse_query(text)
    assert query.is_empty
    assert query.required == query.excluded == ()


@pytest.mark.parametrize(
    ("text", "excluded"), [("-a -b", ("a", "b")), ("--", ("-",)), ('-"x y"', ("x y",))]
)
def test_only_exclusions_leave_nothing_to_search(text: str, excluded: tuple[str, ...]) -> None:
    query = parse_query(text)
    assert query.is_empty
    assert query.excluded == excluded


@given(st.text())
def test_any_text_parses_into_folded_pieces_of_itself(text: str) -> None:
    query = parse_query(text)
    folded = fold(text)
    for term in query.required + query.excluded:
        assert term
        assert term in folded
    assert len(set(query.required)) == len(query.required)
    assert query.is_empty == (not query.required)


_WORD = st.text(
    alphabet=st.sampled_from(list("智算中心哈爾濱aB1，。*?:()")), min_size=1, max_size=6
)


@given(st.lists(_WORD, min_size=1, max_size=5))
def test_plain_words_are_required_in_order_without_duplicates(words: list[str]) -> None:
    expected = tuple(dict.fromkeys(fold(word) for word in words))
    assert parse_query(" ".join(words)).required == expected
    assert parse_query(" ".join(f"-{word}" for word in words)).excluded == expected


def test_a_lone_surrogate_is_a_literal_character() -> None:
    assert parse_query("\udcff").required == ("\udcff",)
