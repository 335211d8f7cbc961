"""Queries no search box should choke on: each is searched literally (and answered exactly as the
brute-force scan answers it) or answered with "Nothing to search." No exception, ever."""

from __future__ import annotations

import io
import random

import pytest

from reader.cli.common import EXIT_NOTHING_FOUND
from reader.cli.main import run
from reader.document.model import Document
from reader.search.folding import fold
from reader.search.searcher import DocumentSearcher
from tests.search.reference import NOTHING_TO_SEARCH, Reference, check_result

WHOOSH_SYNTAX = "AND OR NOT ( ) * ? ~ ^ : [ ] { }"
LONG = 10_000


def random_cjk(length: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA6)) for _ in range(length))


def novel_slice(novel: Document, length: int) -> str:
    start = novel.paragraphs[len(novel.paragraphs) // 2].start
    return novel.text[start : start + length]


SHORT_QUERIES = [
    "",
    " ",
    "\u3000\t\n ",
    "，。！",
    "。",
    "...",
    "?",
    '"',
    '""',
    '"""',
    "-",
    "--",
    '"-"',
    "-" * 50,
    '-"',
    '"宝玉',
    '宝玉"',
    '"宝玉 黛玉',
    '宝"玉',
    "\x00",
    "宝玉\x00",
    "😀",
    "𠀀",
    "宝玉 AND 黛玉",
    "宝玉 OR 黛玉",
    "NOT 宝玉",
    "(宝玉)",
    "宝*",
    "宝?",
    "宝玉~2",
    "宝玉^3",
    "content:宝玉",
    "[宝玉 TO 黛玉]",
    "{宝玉}",
    WHOOSH_SYNTAX,
    WHOOSH_SYNTAX.replace(" ", ""),
    "\\",
    "'",
    "%s %d {0}",
    "＂宝玉＂ －黛玉",
    "宝玉 -宝玉",
]


def long_queries(novel: Document) -> dict[str, str]:
    return {
        "random CJK": random_cjk(LONG, seed=3),
        "random CJK words": " ".join(random_cjk(LONG // 2 + 1, seed=4))[:LONG],
        "a slice of the novel": novel_slice(novel, LONG),
        "a quoted slice of the novel": '"' + novel_slice(novel, LONG - 2) + '"',
        "one word repeated": "宝玉\u3000 " * (LONG // 4),
        "a substring repeated": (novel_slice(novel, 7) * LONG)[:LONG],
        "Whoosh syntax repeated": ((WHOOSH_SYNTAX + " ") * LONG)[:LONG],
        "quotes and minus signs": ('"-' * LONG)[:LONG],
        "punctuation": ("，。！？、" * LONG)[:LONG],
    }


def check_hostile(searcher: DocumentSearcher, reference: Reference, query: str) -> None:
    result = searcher.search(query)
    check_result(result, reference, query)
    if result.query.is_empty:
        assert result.note == NOTHING_TO_SEARCH
    else:
        assert result.paragraphs == len(reference.matching(query))


@pytest.mark.parametrize("query", SHORT_QUERIES)
def test_short_hostile_queries(
    novel_searcher: DocumentSearcher,
    novel_reference: Reference,
    article_searcher: DocumentSearcher,
    article_reference: Reference,
    query: str,
) -> None:
    check_hostile(novel_searcher, novel_reference, query)
    check_hostile(article_searcher, article_reference, query)


@pytest.mark.parametrize(
    "name",
    [
        "random CJK",
        "random CJK words",
        "a slice of the novel",
        "a quoted slice of the novel",
        "one word repeated",
        "a substring repeated",
        "Whoosh syntax repeated",
        "quotes and minus signs",
        "punctuation",
    ],
)
def test_ten_thousand_character_queries(
    novel: Document,
    novel_searcher: DocumentSearcher,
    novel_reference: Reference,
    name: str,
) -> None:
    query = long_queries(novel)[name]
    assert len(query) == LONG
    check_hostile(novel_searcher, novel_reference, query)


def test_a_repeated_word_is_searched_once(novel_searcher: DocumentSearcher) -> None:
    repeated = novel_searcher.search(long_queries(novel_searcher.document)["one word repeated"])
    assert list(repeated.hits) == list(novel_searcher.search("宝玉").hits)
    assert len(repeated.hits) > 1000


def test_a_quoted_slice_finds_its_paragraph(
    novel: Document, novel_searcher: DocumentSearcher
) -> None:
    """A long phrase with no line break inside is found exactly where it was cut from."""
    paragraph = max(range(len(novel.paragraphs)), key=lambda i: len(novel.paragraph_text(i)))
    text = novel.paragraph_text(paragraph)
    result = novel_searcher.search(f'"{text}"')
    assert [(hit.start, hit.end) for hit in result.hits] == [
        (novel.paragraphs[paragraph].start, novel.paragraphs[paragraph].end)
    ]


@pytest.mark.parametrize(
    ("query", "literal"),
    [("-", "-"), ('"-"', "-"), ("?", "?"), ("宝*", "宝*"), ("AND", "and")],
)
def test_syntax_characters_are_searched_for_literally(
    article_searcher: DocumentSearcher, query: str, literal: str
) -> None:
    result = article_searcher.search(query)
    assert result.query.required == (literal,)
    text = result.document.text
    assert all(fold(text[hit.start : hit.end]) == literal for hit in result.hits)


@pytest.mark.parametrize("query", ["", "   ", '"', '""', "--", "-宝玉", '-"宝 玉"'])
def test_nothing_to_search(article_searcher: DocumentSearcher, query: str) -> None:
    result = article_searcher.search(query)
    assert result.query.is_empty
    assert list(result.hits) == []
    assert result.note == NOTHING_TO_SEARCH


@pytest.mark.parametrize("query", ["", "\u3000", '""'])
def test_the_command_line_says_there_is_nothing_to_search(query: str) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(["search", query, "--json"], stdout=stdout, stderr=stderr) == EXIT_NOTHING_FOUND
    assert stdout.getvalue().strip() == "[]"
    assert "nothing to search" in stderr.getvalue()


@pytest.mark.parametrize("query", ["\udcff", "宝\udcff", '"\ud800"'])
def test_a_lone_surrogate_is_searched_literally(
    article_searcher: DocumentSearcher, article_reference: Reference, query: str
) -> None:
    """What `reader search $'\\xff'` passes in: Python decodes the argument with
    surrogateescape, and folding must not hand the surrogate to OpenCC (which cannot encode it)."""
    check_hostile(article_searcher, article_reference, query)
    assert article_searcher.search(query).query.required == (fold(query.strip('"')),)


def test_a_command_line_argument_that_is_not_utf8_is_not_a_traceback() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["search", "\udcff", "--json"], stdout=stdout, stderr=stderr)
    assert status == EXIT_NOTHING_FOUND
    assert stdout.getvalue().strip() == "[]"
