"""The one place where canonical offsets meet Qt positions.

The core counts Unicode code points; `QTextDocument` counts UTF-16 code units, so every
character outside the Basic Multilingual Plane (CJK Extension B and beyond, such as ``𠀀``)
shifts every later Qt position by one. Paragraph separators are one unit in both (a ``\\n``
in the canonical text is a block boundary in Qt).
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Converts between canonical offsets and Qt document positions for one text."""

    def __init__(self, text: str) -> None:
        # Canonical offsets of the astral characters, ascending: each adds one UTF-16 unit.
        # (A regular expression scans in C: a Python loop over a novel costs over 100 ms.)
        self._astral_offsets = [match.start() for match in _ASTRAL.finditer(text)]
        self._length = len(text)

    def to_qt(self, offset: int) -> int:
        """Qt position of canonical `offset` (clamped to the text)."""
        offset = min(max(offset, 0), self._length)
        return offset + bisect_left(self._astral_offsets, offset)

    def to_canonical(self, position: int) -> int:
        """Canonical offset of Qt `position`; a position between the two halves of a surrogate
        pair belongs to the character it splits."""
        low, high = 0, len(self._astral_offsets)
        # Find how many astral characters lie wholly before `position`.
        while low < high:
            middle = (low + high) // 2
            if self._astral_offsets[middle] + middle + 2 <= position:
                low = middle + 1
            else:
                high = middle
        offset = position - low
        if low < len(self._astral_offsets) and self._astral_offsets[low] < offset:
            offset = self._astral_offsets[low]
        return min(max(offset, 0), self._length)
