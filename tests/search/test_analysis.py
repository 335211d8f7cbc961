"""Folding: length-preserving, so folded offsets are canonical offsets; and the indexed terms."""

from __future__ import annotations

import sys
from functools import cache

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reader.search.analysis import (
    bigram_positions,
    character_counts,
    indexable_fragments,
)
from reader.search.folding import fold

ALL_CHARACTERS = "".join(
    chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF
)
"""Every code point a decoded text can hold (lone surrogates cannot come out of a decoder)."""


@cache
def all_characters_folded() -> str:
    """Folding 1.1 million characters takes seconds: once per session."""
    return fold(ALL_CHARACTERS)


HOSTILE_ALPHABET = st.sampled_from(
    [
        *"ßẞİﬁ㍿㈱℡Å\u3000\u00a0\t\r\nＧＰＴａ１２３漢字體哈爾濱應用薴苧",
        "𠀀",
        "𪚥",
        "😀",
        "\U0001d400",
    ]
)


def test_every_character_folds_to_exactly_one_character() -> None:
    """Exhaustive: folding is a per-character table, so this proves it for every text."""
    folded = all_characters_folded()
    assert len(folded) == len(ALL_CHARACTERS)


@given(st.text())
@example("ß㍿ﬁİ")
@example("ＧＰＴ\u3000１２３")
@example("𠀀𪚥😀 astral")
def test_folding_keeps_the_length_of_any_text(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(st.text(alphabet=HOSTILE_ALPHABET, max_size=50))
def test_folding_keeps_the_length_of_hostile_mixtures(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    # Per character: folding a slice gives the slice of the folded text.
    assert all(fold(text[i]) == folded[i] for i in range(len(text)))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("哈爾濱", "哈尔滨"),
        ("應用", "应用"),
        ("ＧＰＴ", "gpt"),
        ("GPT", "gpt"),
        ("ＡＩ算力１２３", "ai算力123"),
        ("中\u3000文\u00a0字\t符", "中 文 字 符"),  # every space becomes a plain space
        ("ß", "ß"),  # "ss" would be two characters
        ("㍿", "㍿"),  # "株式会社" would be four
        ("ﬁ", "ﬁ"),  # "fi" would be two
        ("İ", "İ"),  # its lower case, "i̇", would be two
        ("𠀀𪚥", "𠀀𪚥"),  # astral ideographs stay themselves
        ("Ω", "ω"),
    ],
)
def test_folding_examples(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_folding_is_idempotent_for_every_character() -> None:
    """A folded query must find what the text folds to; exhaustive over all code points."""
    folded = all_characters_folded()
    results = {b for a, b in zip(ALL_CHARACTERS, folded, strict=True) if a != b}
    refolded = {result: fold(result) for result in results}
    assert {r: f for r, f in refolded.items() if r != f} == {}


def test_a_traditional_form_two_steps_from_the_simplified_one_finds_it() -> None:
    """OpenCC's t2s maps 薴 -> 苧 and 苧 -> 苎: folding follows the chain to its end."""
    assert fold("薴") == fold("苧") == fold("苎") == "苎"


def test_lone_surrogates_fold_to_themselves() -> None:
    """They cannot come from a file, but can from a command-line argument (surrogateescape)."""
    assert fold("a\udcff\ud800Ｂ") == "a\udcff\ud800b"


def test_indexable_fragments_are_the_runs_of_word_characters() -> None:
    assert indexable_fragments(fold("智算中心,GPT-4 與 𠀀𠀁。")) == [
        "智算中心",
        "gpt",
        "4",
        "与",
        "𠀀𠀁",
    ]
    assert indexable_fragments("，。！...") == []


def test_bigrams_carry_their_offsets_and_skip_punctuation() -> None:
    positions = bigram_positions("智算,智算中心")
    assert positions == {"智算": [0, 3], "算中": [4], "中心": [5]}
    assert bigram_positions("a") == {}


def test_character_counts_only_word_characters() -> None:
    assert character_counts("算,算 力！") == {"算": 2, "力": 1}
