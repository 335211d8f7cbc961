"""Recognising Hanyu Pinyin syllables, as the site-made glosses of a text write them.

Both the gloss stripping of `cleanup` and the repair of garbled runs in `mojibake` must agree
on what a gloss is: one syllable with a tone mark (``chuàng``), never a word or a bare
``chuang`` that could be English or a name.
"""

from __future__ import annotations

import re
import unicodedata

TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"  # vowels, and the syllabic n/m of 嗯, 呣
SYLLABLE_LETTERS = rf"[a-zü{TONE_MARKED}]{{1,7}}"
"""A regular expression for the letters a gloss may hold; `is_tone_marked_pinyin` decides."""

_INITIALS = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINALS = (
    "(?:a|o|e|ai|ei|ao|ou|an|en|ang|eng|ong|er|i|ia|ie|iao|iu|ian|in|iang|ing|iong"
    "|u|ua|uo|uai|ui|uan|un|uang|ueng|ü|üe|üan|ün|ue|n|ng|m)"
)
_PINYIN_SYLLABLE = re.compile(f"{_INITIALS}{_FINALS}")


def is_tone_marked_pinyin(word: str) -> bool:
    """True for one Hanyu Pinyin syllable written with a tone mark, such as ``chuàng``."""
    if not any(letter in TONE_MARKED for letter in word):
        return False
    return _PINYIN_SYLLABLE.fullmatch(remove_tone_marks(word)) is not None


def remove_tone_marks(word: str) -> str:
    """``lǚ`` -> ``lü``: drop the combining tone marks but keep the diaeresis of ü."""
    decomposed = unicodedata.normalize("NFD", word)
    plain = "".join(c for c in decomposed if c not in "\u0300\u0301\u0304\u030c")
    return unicodedata.normalize("NFC", plain)
