"""Is a text written in Traditional or Simplified characters?

The reader uses the answer to pick a font whose glyphs follow the right regional standard
(Noto Serif CJK TC vs SC). Characters that exist in only one of the two legacy repertoires
(such as 這 vs 这) decide; a sample of the text is enough.
"""

from __future__ import annotations

from enum import Enum
from functools import cache

from reader.document.charsets import big5_hanzi, gb2312_hanzi

SAMPLE_LENGTH = 6_000


class Script(Enum):
    """The writing standard of a Chinese text."""

    SIMPLIFIED = "Hans"
    TRADITIONAL = "Hant"
    UNKNOWN = "unknown"


@cache
def _simplified_only() -> frozenset[str]:
    return gb2312_hanzi() - big5_hanzi()


@cache
def _traditional_only() -> frozenset[str]:
    return big5_hanzi() - gb2312_hanzi()


def guess_script(text: str) -> Script:
    """The script the sample of `text` is mostly written in, or UNKNOWN if it shows neither."""
    sample = text[:SAMPLE_LENGTH]
    simplified_only, traditional_only = _simplified_only(), _traditional_only()
    simplified = sum(1 for c in sample if c in simplified_only)
    traditional = sum(1 for c in sample if c in traditional_only)
    if simplified == traditional == 0:
        return Script.UNKNOWN
    return Script.TRADITIONAL if traditional > simplified else Script.SIMPLIFIED
