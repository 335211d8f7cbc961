"""Turning decoded text into clean paragraphs: the single place where raw text is edited.

What is removed here never reaches the screen, the index or an annotation, so the rules are
deliberately narrow:

* line endings of every kind become paragraph breaks, and blank lines disappear (paragraph
  spacing is the view's job, not the text's);
* leading and trailing whitespace of a paragraph goes (novels indent with U+3000; the view
  indents consistently instead);
* control characters that would show as boxes go;
* inline pinyin glosses such as ``創(chuàng)`` lose the ``(chuàng)``. A gloss is a parenthesised
  *single* Hanyu Pinyin syllable carrying a tone mark, attached to the character before it, so
  ``(AGI)``, ``(3.34萬億)``, ``(孫迎新/文)`` and ``(a)`` stay;
* lines longer than `MAX_PARAGRAPH_LENGTH` are soft-wrapped at sentence ends, because Qt needs
  tens of seconds to lay out one huge line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

MAX_PARAGRAPH_LENGTH = 4000
"""Longest paragraph handed on; longer lines are split, preferably after a sentence end."""

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufeff\ufffe]")
_TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"  # vowels, and the syllabic n/m of 嗯, 呣
_GLOSS = re.compile(rf"(?<=[^\s(（])\(([a-zü{_TONE_MARKED}]{{1,7}})\)")
_SENTENCE_END = re.compile(r"[。！？!?；;…」』”]+")

_INITIALS = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINALS = (
    "(?:a|o|e|ai|ei|ao|ou|an|en|ang|eng|ong|er|i|ia|ie|iao|iu|ian|in|iang|ing|iong"
    "|u|ua|uo|uai|ui|uan|un|uang|ueng|ü|üe|üan|ün|ue|n|ng|m)"
)
_PINYIN_SYLLABLE = re.compile(f"{_INITIALS}{_FINALS}")


def clean_paragraphs(text: str) -> list[str]:
    """Split decoded text into the clean, non-empty paragraphs of the canonical text."""
    text = _CONTROL_CHARACTERS.sub("", text)
    paragraphs: list[str] = []
    for line in _LINE_BREAKS.split(text):
        line = strip_pinyin_glosses(line).strip()
        if line:
            paragraphs.extend(soft_wrap(line))
    return paragraphs


def strip_pinyin_glosses(line: str) -> str:
    """Remove ``(syllable)`` glosses that follow a character, leaving all other brackets."""
    if "(" not in line:
        return line
    return _GLOSS.sub(_drop_if_pinyin, line)


def _drop_if_pinyin(match: re.Match[str]) -> str:
    syllable = match.group(1)
    return "" if is_tone_marked_pinyin(syllable) else match.group(0)


def is_tone_marked_pinyin(word: str) -> bool:
    """True for one Hanyu Pinyin syllable written with a tone mark, such as ``chuàng``."""
    if not any(letter in _TONE_MARKED for letter in word):
        return False
    return _PINYIN_SYLLABLE.fullmatch(remove_tone_marks(word)) is not None


def remove_tone_marks(word: str) -> str:
    """``lǚ`` -> ``lü``: drop the combining tone marks but keep the diaeresis of ü."""
    decomposed = unicodedata.normalize("NFD", word)
    plain = "".join(c for c in decomposed if c not in "\u0300\u0301\u0304\u030c")
    return unicodedata.normalize("NFC", plain)


def soft_wrap(line: str, limit: int = MAX_PARAGRAPH_LENGTH) -> Iterator[str]:
    """Cut `line` into pieces of at most `limit` characters, after a sentence end if one lies in
    the second half of the window, else at the limit."""
    start = 0
    while len(line) - start > limit:
        window = line[start : start + limit]
        cut = limit
        for match in _SENTENCE_END.finditer(window, limit // 2):
            cut = match.end()
        piece = window[:cut].strip()
        if piece:
            yield piece
        start += cut
    rest = line[start:].strip()
    if rest:
        yield rest
