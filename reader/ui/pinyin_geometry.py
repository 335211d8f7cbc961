"""Where a reading of pinyin goes: centred over its character's advance on its line, just
above the character's ink, in a font half the character's size, condensed (`QFont.stretch`)
when the reading is wider than the character, as ruby is condensed in print."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QTextBlock, QTextLine

PINYIN_SCALE = 0.5
"""Reading size, relative to the size of the characters it reads."""
MIN_STRETCH = 55
"""A long reading is condensed to its character's width, but never below this stretch (%)."""
STRETCH_STEP = 5
GAP = 0.06
"""Space between a reading and the top of its character, in ems of the character."""


def utf16_starts(text: str) -> list[int]:
    """The UTF-16 offset of each code point of `text` within it, and of its end."""
    starts, at = [], 0
    for character in text:
        starts.append(at)
        at += 2 if ord(character) > 0xFFFF else 1
    starts.append(at)
    return starts


def x_of(line: QTextLine, position: int) -> float:
    """The x of UTF-16 `position` on `line` (PySide answers with a pair, typed as object)."""
    answer = line.cursorToX(position)
    return float(answer[0] if isinstance(answer, tuple) else answer)  # type: ignore[arg-type]


def block_font(block: QTextBlock) -> QFont:
    """The font of `block`'s text (a heading's is larger), resolved against the page's."""
    fragment = block.begin().fragment()
    char_format = fragment.charFormat() if fragment.isValid() else block.charFormat()
    return char_format.font().resolve(block.document().defaultFont())


class ReadingStyle:
    """Reading fonts and metrics for characters of one font; a condensed font for each
    step of `STRETCH_STEP` percent that a long reading needs."""

    def __init__(self, character_font: QFont) -> None:
        self._base = QFont(character_font)
        self._base.setPointSizeF(max(character_font.pointSizeF() * PINYIN_SCALE, 5.0))
        self._character = QFontMetricsF(character_font)
        self._fonts: dict[int, tuple[QFont, QFontMetricsF]] = {}
        self._fits: dict[tuple[str, int], tuple[QFont, float, float]] = {}

    def _font(self, stretch: int) -> tuple[QFont, QFontMetricsF]:
        if stretch not in self._fonts:
            font = QFont(self._base)
            font.setStretch(stretch)
            self._fonts[stretch] = (font, QFontMetricsF(font))
        return self._fonts[stretch]

    def _fitted(self, text: str, room: float) -> tuple[QFont, float, float]:
        """The font, width and height of `text` condensed to fit `room` (remembered: the same
        few hundred syllables come back on every page)."""
        key = (text, round(room))
        if key not in self._fits:
            font, metrics = self._font(100)
            width = metrics.horizontalAdvance(text)
            if width > room:
                wanted = max(int(100 * room / width) // STRETCH_STEP * STRETCH_STEP, MIN_STRETCH)
                font, metrics = self._font(wanted)
                width = metrics.horizontalAdvance(text)
            self._fits[key] = (font, width, metrics.height())
        return self._fits[key]

    def place(self, line: QTextLine, left: float, right: float, text: str) -> tuple[QRectF, QFont]:
        """The box (relative to the block) and font of reading `text` for the character
        from x `left` to `right` on `line`."""
        font, width, height = self._fitted(text, abs(right - left) * 0.96)
        # CJK glyphs fill most of the em box: their top is close to the font's ascent.
        glyph_top = line.y() + line.ascent() - self._character.ascent() * 0.92
        bottom = glyph_top - GAP * self._character.height()
        centre = (left + right) / 2
        return QRectF(centre - width / 2, bottom - height, width, height), font
