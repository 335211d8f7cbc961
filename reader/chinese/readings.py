"""Pinyin readings, one per code point, chosen by phrase (重 in 重要 is zhòng, in 重新 chóng).

pypinyin segments each run of Han characters by its phrase table and gives one reading per
character; everything outside Han runs has no reading. Its phrase table is written in
Simplified characters, so a Traditional run is read through its Simplified form (one character
for one, see `reader.chinese.characters`): 銀行 is yín háng, not yín xíng. The result lines
up with the text code point for code point, which lets the page draw each reading over its
character.
"""

from __future__ import annotations

from typing import Any

from reader.chinese.characters import CharacterForm, convert_characters
from reader.chinese.han import HAN_RUN


def readings(text: str) -> list[str | None]:
    """The tone-marked reading of each code point of `text` (None where there is none)."""
    from pypinyin import Style, pinyin  # about 0.1 s to import: only once pinyin is wanted

    result: list[str | None] = [None] * len(text)
    simplified = convert_characters(text, CharacterForm.SIMPLIFIED)
    for run in HAN_RUN.finditer(simplified):
        found = pinyin(run.group(), style=Style.TONE, errors=_no_readings)
        if len(found) == len(run.group()):
            result[run.start() : run.end()] = [options[0] or None for options in found]
    return result


def _no_readings(characters: str) -> Any:
    """pypinyin's fallback for characters it cannot read: one empty reading each, so the
    result stays aligned (its stubs allow only a string, but a list is documented)."""
    return [""] * len(characters)


_TONE_MARKS = {
    "a": "āáǎà",
    "e": "ēéěè",
    "i": "īíǐì",
    "o": "ōóǒò",
    "u": "ūúǔù",
    "ü": "ǖǘǚǜ",
}


def numbered_to_marks(syllables: str) -> str:
    """CC-CEDICT's numbered pinyin (``zhong4 yao4``, ``lu:e4``) with tone marks (``zhòng
    yào``, ``lüè``); anything that is not a syllable (a Latin letter, ``·``) is kept."""
    return " ".join(_marked(syllable) for syllable in syllables.split())


def _marked(syllable: str) -> str:
    syllable = syllable.replace("u:", "ü").replace("U:", "Ü")
    if not syllable or syllable[-1] not in "12345" or len(syllable) < 2:
        return syllable
    body, tone = syllable[:-1], int(syllable[-1])
    if tone == 5:
        return body
    lower = body.lower()
    # The standard rule: a or e takes the mark; in ou, the o; otherwise the last vowel.
    if "a" in lower:
        at = lower.index("a")
    elif "e" in lower:
        at = lower.index("e")
    elif "ou" in lower:
        at = lower.index("o")
    else:
        vowels = [i for i, c in enumerate(lower) if c in _TONE_MARKS]
        if not vowels:
            return body  # r5, m2, ng4: no vowel to mark
        at = vowels[-1]
    marked = _TONE_MARKS[lower[at]][tone - 1]
    if body[at].isupper():
        marked = marked.upper()
    return body[:at] + marked + body[at + 1 :]
