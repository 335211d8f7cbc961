"""Simplified/Traditional display: phrase-aware, and never a code point more or less."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.chinese.characters import CharacterForm, convert_characters

# Han characters from the BMP and beyond it, mixed with Latin, punctuation and newlines.
_TEXT = st.text(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
        st.sampled_from("头发發髮乾干後后里裏體体，。\n aZ9𠀀"),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_conversion_follows_phrases_both_ways() -> None:
    assert convert_characters("头发发展干部", CharacterForm.TRADITIONAL) == "頭髮發展幹部"
    assert convert_characters("頭髮發展乾燥", CharacterForm.SIMPLIFIED) == "头发发展干燥"


def test_as_written_is_the_text_itself() -> None:
    assert convert_characters("頭髮 头发", CharacterForm.AS_WRITTEN) == "頭髮 头发"


def test_only_han_characters_change() -> None:
    text = "「這是GPT-4，3.34萬億」\n𠀀裏"
    shown = convert_characters(text, CharacterForm.SIMPLIFIED)
    assert shown == "「这是GPT-4，3.34万亿」\n𠀀里"


@given(_TEXT, st.sampled_from(list(CharacterForm)))
def test_every_offset_holds_for_any_text(text: str, form: CharacterForm) -> None:
    shown = convert_characters(text, form)
    assert len(shown) == len(text), "a code point was added or lost"
    assert _utf16_length(shown) == _utf16_length(text), "Qt positions would shift"
    for original, displayed in zip(text, shown, strict=True):
        if original in "\n，。 aZ9":
            assert displayed == original, "only Han characters may change"
