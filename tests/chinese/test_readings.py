"""Pinyin readings: one per code point, chosen by phrase, the same for both character forms."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.chinese.readings import numbered_to_marks, readings


def test_the_phrase_decides_the_reading() -> None:
    assert readings("重要")[0] == "zhòng"
    assert readings("重新")[0] == "chóng"


def test_traditional_text_is_read_by_phrase_too() -> None:
    assert readings("銀行行長") == readings("银行行长") == ["yín", "háng", "háng", "zhǎng"]


def test_only_han_characters_have_readings() -> None:
    assert readings("GPT-4，中文𠀀") == [None] * 6 + ["zhōng", "wén", "hē"]


@settings(max_examples=60, deadline=None)
@given(st.text(st.sampled_from("中文重要銀行行長 ,。a9𠀀\n"), max_size=40))
def test_readings_line_up_with_the_text(text: str) -> None:
    found = readings(text)
    assert len(found) == len(text)
    assert all((r is None) == (c in " ,。a9\n") for c, r in zip(text, found, strict=True))


def test_numbered_pinyin_takes_tone_marks() -> None:
    assert numbered_to_marks("zhong4 yao4") == "zhòng yào"
    assert numbered_to_marks("lu:e4 nu:3") == "lüè nǚ"
    assert numbered_to_marks("Bei3 jing1") == "Běi jīng"
    assert numbered_to_marks("liu2 r5 de5") == "liú r de"
    assert numbered_to_marks("gou3 xiu4") == "gǒu xiù"
