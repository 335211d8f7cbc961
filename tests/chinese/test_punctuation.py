"""Full-width punctuation in Chinese context, ASCII left alone, one character for one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.chinese.punctuation import full_width_punctuation


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("革命史,無論是", "革命史，無論是"),
        ("智慧的火花:OpenAI的誕生", "智慧的火花：OpenAI的誕生"),
        ("美國還能卡中國的脖子嗎?", "美國還能卡中國的脖子嗎？"),
        ("注意;然後!", "注意；然後！"),
        ("真的嗎?!", "真的嗎？！"),
        ("(孫迎新/文)", "（孫迎新/文）"),
        ("通用人工智能(AGI)的", "通用人工智能（AGI）的"),
        ("參數(3.34萬億)", "參數（3.34萬億）"),
    ],
)
def test_half_width_marks_in_chinese_become_full_width(written: str, shown: str) -> None:
    assert full_width_punctuation(written) == shown


@pytest.mark.parametrize(
    "ascii_run",
    ["GPT-4", "3.34", "f(x)=1", "He said (hello), then left!", "GPT-4,中文", "x:1", "(AGI)"],
)
def test_ascii_runs_are_untouched(ascii_run: str) -> None:
    assert full_width_punctuation(ascii_run) == ascii_run


def test_a_lost_character_before_its_gloss_is_not_disguised_as_a_question_mark() -> None:
    assert full_width_punctuation("也正因?yàn)槿绱") == "也正因?yàn)槿绱"


def test_the_bundled_article_reads_with_full_width_punctuation(article_path: object) -> None:
    from pathlib import Path

    from reader.document.loader import load_document

    assert isinstance(article_path, Path)
    text = load_document(article_path).text
    shown = full_width_punctuation(text)
    assert "革命史，無論是" in shown
    assert "智慧的火花：OpenAI的誕生與GPT的革命" in shown
    assert "GPT-4" in shown and "3.34" in shown


@given(st.text(st.sampled_from("中文,:;?!()aZ9 .\n𠀀-"), max_size=80))
def test_offsets_hold_for_any_text(text: str) -> None:
    shown = full_width_punctuation(text)
    assert len(shown) == len(text)
    for original, displayed in zip(text, shown, strict=True):
        assert displayed == original or (original in ",:;?!()" and ord(displayed) > 0xFF00)
