"""Pinyin over the page: each Han character's reading drawn in the gap above its line.

The layer is a transparent widget over the view's viewport. It paints only the lines in sight,
positioned from the text layout (the line's baseline, the character's x range), so it changes
nothing in the text: selection, search and highlights work on the same characters. Readings
come from `reader.chinese.readings`, by phrase, one paragraph at a time, and are kept per
paragraph text so scrolling back costs nothing. A reading wider than its character is
condensed to fit, as ruby is in print.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QTextBlock,
    QTextLine,
)
from PySide6.QtWidgets import QWidget

from reader.ui.reader_view import ReaderView
from reader.ui.theme import LINE_HEIGHT_PERCENT, THEMES, Theme

PINYIN_LINE_HEIGHT_PERCENT = 165
"""Body line height while pinyin is shown: room for a line of readings above each line."""
PINYIN_LETTER_SPACING = 112.0
"""Character advance while pinyin is shown, in percent: a reading gets room to breathe."""
PINYIN_SCALE = 0.5
"""Reading size, relative to the size of the characters it reads."""
MIN_CONDENSE = 0.55
"""A long reading is condensed to its character's width, but never narrower than this."""
GAP = 0.06
"""Space between a reading and the top of its character, in ems of the character."""
MAX_CACHED_PARAGRAPHS = 4000


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one reading goes, in viewport coordinates."""

    position: int
    """The Qt document position of the character it reads."""
    reading: str
    box: QRectF
    """The reading's box before condensing: centred over the character, above its glyph."""
    condense: float
    """Horizontal scale that makes the reading fit its character (1.0: no need)."""
    font: QFont


class PinyinLayer(QWidget):
    """Draws readings over the visible lines of `view` while it is shown."""

    def __init__(self, view: ReaderView, readings: Callable[[str], list[str | None]]) -> None:
        super().__init__(view)
        self.setObjectName("pinyinLayer")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._view, self._readings = view, readings
        self._cache: dict[str, list[str | None]] = {}
        self._colour = QColor(THEMES["light"].muted)
        view.viewport().installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(self.update)
        view.horizontalScrollBar().valueChanged.connect(self.update)
        self.hide()

    def set_shown(self, shown: bool) -> None:
        """Show or hide the readings; the view's line height makes room for them."""
        height = PINYIN_LINE_HEIGHT_PERCENT if shown else LINE_HEIGHT_PERCENT
        spacing = PINYIN_LETTER_SPACING if shown else 100.0
        self._view.display = replace(self._view.display, line_height=height, letter_spacing=spacing)
        self.setVisible(shown)
        self._fit()
        self._view.relayout()
        self.update()

    def set_theme(self, theme: Theme) -> None:
        """Readings in the theme's secondary text colour."""
        self._colour = QColor(theme.muted)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the viewport's size. (Scrolling repaints through the scroll bars; a new
        page, theme or size through `update`, called by whoever changed it.)"""
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        self.setGeometry(self._view.viewport().geometry())  # above the page, below the card

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the readings of the lines in `event`'s rectangle."""
        painter = QPainter(self)
        painter.setPen(self._colour)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        area = QRectF(event.rect())
        for placement in self.placements():
            if not placement.box.intersects(area):
                continue
            painter.setFont(placement.font)
            centre = placement.box.center()
            painter.save()
            painter.translate(centre)
            painter.scale(placement.condense, 1.0)
            box = placement.box.translated(-centre)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, placement.reading)
            painter.restore()
        painter.end()

    # -- where each reading goes (the painter's code, and the tests') ---------------------------

    def placements(self) -> list[Placement]:
        """The readings of every line in sight of the viewport, where they are drawn."""
        view, height = self._view, self._view.viewport().height()
        if view.document().isEmpty():
            return []
        scroll = QPointF(view.horizontalScrollBar().value(), view.verticalScrollBar().value())
        layout = view.document().documentLayout()
        block = view.document().findBlock(view.qt_position(view.offset_at_y(0)))
        found: list[Placement] = []
        while block.isValid():
            origin = layout.blockBoundingRect(block).topLeft() - scroll
            if origin.y() > height:
                break
            found.extend(self._block_placements(block, origin, height))
            block = block.next()
        return found

    def _block_placements(
        self, block: QTextBlock, origin: QPointF, height: float
    ) -> Iterator[Placement]:
        text = block.text()
        readings = self._readings_of(text)
        if not any(readings):
            return
        lines = block.layout()
        utf16 = _utf16_starts(text)
        style = _Style(_block_font(block))
        for number in range(lines.lineCount()):
            line = lines.lineAt(number)
            top = origin.y() + line.y()
            if top + line.height() < 0 or top - line.height() > height:
                continue
            first = bisect_left(utf16, line.textStart())
            last = bisect_left(utf16, line.textStart() + line.textLength())
            for index in range(first, min(last, len(readings))):
                reading = readings[index]
                if reading is not None:
                    span = (utf16[index], utf16[index + 1])
                    yield style.place(line, origin, block.position(), span, reading)

    def _readings_of(self, text: str) -> list[str | None]:
        found = self._cache.get(text)
        if found is None:
            if len(self._cache) > MAX_CACHED_PARAGRAPHS:
                self._cache.clear()
            found = self._cache[text] = self._readings(text)
        return found


def _utf16_starts(text: str) -> list[int]:
    """The UTF-16 offset of each code point of `text` within it, and of its end."""
    starts, at = [], 0
    for character in text:
        starts.append(at)
        at += 2 if ord(character) > 0xFFFF else 1
    starts.append(at)
    return starts


def _x(line: QTextLine, position: int) -> float:
    """The x of UTF-16 `position` on `line` (PySide answers with a pair, typed as object)."""
    answer = line.cursorToX(position)
    return float(answer[0] if isinstance(answer, tuple) else answer)  # type: ignore[arg-type]


def _block_font(block: QTextBlock) -> QFont:
    """The font of `block`'s text (a heading's is larger), resolved against the page's."""
    fragment = block.begin().fragment()
    char_format = fragment.charFormat() if fragment.isValid() else block.charFormat()
    return char_format.font().resolve(block.document().defaultFont())


class _Style:
    """The reading font and metrics for characters of one font."""

    def __init__(self, character_font: QFont) -> None:
        self.font = QFont(character_font)
        self.font.setPointSizeF(max(character_font.pointSizeF() * PINYIN_SCALE, 5.0))
        self._metrics, self._character = QFontMetricsF(self.font), QFontMetricsF(character_font)

    def place(
        self, line: QTextLine, origin: QPointF, block_start: int, span: tuple[int, int], text: str
    ) -> Placement:
        """The reading `text` of the character at `span` (UTF-16, in its block) on `line`."""
        left, right = _x(line, span[0]), _x(line, span[1])
        width, height = self._metrics.horizontalAdvance(text), self._metrics.height()
        # CJK glyphs fill most of the em box: their top is close to the font's ascent.
        glyph_top = origin.y() + line.y() + line.ascent() - self._character.ascent() * 0.92
        bottom = glyph_top - GAP * self._character.height()
        centre = origin.x() + (left + right) / 2
        box = QRectF(centre - width / 2, bottom - height, width, height)
        room = abs(right - left) * 0.96
        condense = 1.0 if width <= room else max(room / width, MIN_CONDENSE)
        return Placement(block_start + span[0], text, box, condense, self.font)
