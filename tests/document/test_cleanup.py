"""Cleanup: glosses go, real text stays, lines become paragraphs, huge lines get wrapped."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reader.document.cleanup import (
    _LINE_BREAKS,
    MAX_PARAGRAPH_LENGTH,
    clean_paragraphs,
    soft_wrap,
    strip_pinyin_glosses,
)
from reader.document.pinyin import is_tone_marked_pinyin

_ANY_GLOSS = re.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")


def test_the_article_loses_exactly_its_594_glosses(article_path: Path) -> None:
    raw = article_path.read_text(encoding="utf-8")
    assert len(_ANY_GLOSS.findall(raw)) == 594
    cleaned = "\n".join(clean_paragraphs(raw))
    assert _ANY_GLOSS.findall(cleaned) == []
    lines = (strip_pinyin_glosses(line).strip() for line in raw.splitlines())
    assert len("\n".join(line for line in lines if line)) == 4239  # the corpus README's count
    assert len(cleaned) == 4189  # and the garbled runs repaired: 50 characters of debris gone
    assert "飛象原創(孫迎新/文)回顧" in cleaned
    for real in ("(AGI)", "(3.34萬億)", "(生成式預訓練變換器)"):
        assert real in cleaned
    assert "應用" in cleaned


def test_glosses_after_latin_letters_and_garbled_text_go_too() -> None:
    assert strip_pinyin_glosses("面的巨大飛躍,F(xiàn)在") == "面的巨大飛躍,F在"
    assert strip_pinyin_glosses("I(lǐng)域") == "I域"


def test_parentheses_that_are_not_single_tone_marked_syllables_stay() -> None:
    for text in ("見(a)項", "咖啡(café)", "(chuàng)開頭", "多(chuàngxīn)", "值(jiàn ).", "x (à)"):
        assert strip_pinyin_glosses(text) == text


def test_pinyin_syllables_are_recognised_with_their_tone_marks() -> None:
    for syllable in ("chuàng", "lǚ", "nǚ", "ér", "wú", "yīng", "xiàn", "ǹg"):
        assert is_tone_marked_pinyin(syllable), syllable
    for word in ("chuang", "café", "abc", "hǎoxiǎng"):
        assert not is_tone_marked_pinyin(word), word


def test_every_line_ending_becomes_one_paragraph_break_and_blank_lines_vanish() -> None:
    text = "第一段\r\n\r\n　　第二段\r第三段\u2028第四段\n\n\n  \n第五段"
    assert clean_paragraphs(text) == ["第一段", "第二段", "第三段", "第四段", "第五段"]


def test_control_characters_are_removed_but_tabs_inside_lines_stay() -> None:
    assert clean_paragraphs("甲\x00乙\x07丙\ufeff丁\t戊") == ["甲乙丙丁\t戊"]


def test_a_huge_line_is_wrapped_at_sentence_ends() -> None:
    sentence = "這是一個句子。"
    line = sentence * 2000
    pieces = clean_paragraphs(line)
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_PARAGRAPH_LENGTH for piece in pieces)
    assert all(piece.endswith("。") for piece in pieces)
    assert "".join(pieces) == line


def test_a_huge_line_without_punctuation_is_cut_at_the_limit() -> None:
    pieces = list(soft_wrap("字" * 10_001))
    assert [len(piece) for piece in pieces] == [4000, 4000, 2001]


_HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_SYLLABLES = st.sampled_from(["chuàng", "yīng", "xué", "lǜ", "wàn", "shuō", "ér"])


@given(st.lists(st.tuples(_HANZI, st.one_of(st.none(), _SYLLABLES)), min_size=1, max_size=60))
def test_glossed_text_cleans_to_exactly_the_unglossed_text(
    pairs: list[tuple[str, str | None]],
) -> None:
    glossed = "".join(c + (f"({s})" if s else "") for c, s in pairs)
    plain = "".join(c for c, _s in pairs)
    assert strip_pinyin_glosses(glossed) == plain


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_cleanup_only_removes_never_invents(text: str) -> None:
    paragraphs = clean_paragraphs(text)
    assert all(paragraph and "\n" not in paragraph for paragraph in paragraphs)
    assert all(paragraph == paragraph.strip() for paragraph in paragraphs)
    assert len("".join(paragraphs)) <= len(text)


ALL_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


@given(
    st.text(alphabet=st.sampled_from([*"天a \r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"]), max_size=40)
)
def test_lines_split_where_every_line_break_is_and_crlf_is_one(text: str) -> None:
    """The quicker pattern splits exactly as `\\r\\n|[…]` does."""
    assert _LINE_BREAKS.split(text) == ALL_LINE_BREAKS.split(text)
