"""Simplified or Traditional characters for the display, one code point for one.

OpenCC converts by phrase (头发 -> 頭髮, not 頭發), which is what a reader wants, but a phrase
table may in principle map a phrase to one of another length. So each run of Han characters is
converted as a whole and the result kept only when it keeps the run's length and the UTF-16
width of every character (a BMP character never becomes an astral one, or Qt positions would
shift); otherwise each character of the run is converted alone, under the same check, and kept
as written when the check fails. Everything outside Han runs is left as it is.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache
from typing import Protocol

from reader.chinese.han import HAN_RUN


class CharacterForm(Enum):
    """How the reader wants the characters shown."""

    AS_WRITTEN = "as-written"
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@cache
def _converter(form: CharacterForm) -> _Converter:
    import opencc  # loaded on first use: nothing of this is needed before the first page

    converter: _Converter = opencc.OpenCC("t2s" if form is CharacterForm.SIMPLIFIED else "s2t")
    return converter


def _same_widths(original: str, converted: str) -> bool:
    """One code point for one, each as wide in UTF-16 as the one it replaces."""
    return len(original) == len(converted) and all(
        (ord(a) > 0xFFFF) == (ord(b) > 0xFFFF) for a, b in zip(original, converted, strict=True)
    )


def convert_characters(text: str, form: CharacterForm) -> str:
    """`text` shown in `form`: same length, same UTF-16 length, same offsets."""
    if form is CharacterForm.AS_WRITTEN:
        return text
    converter = _converter(form)
    single: dict[str, str] = {}

    def one_character(character: str) -> str:
        if character not in single:
            converted = converter.convert(character)
            single[character] = converted if _same_widths(character, converted) else character
        return single[character]

    def run(match: re.Match[str]) -> str:
        original = match.group()
        converted = converter.convert(original)
        if _same_widths(original, converted):
            return converted
        return "".join(one_character(character) for character in original)

    return HAN_RUN.sub(run, text)
