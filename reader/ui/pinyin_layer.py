"""Pinyin over the page: each Han character's reading drawn in the gap above its line.

The layer is a transparent widget over the view's viewport. It paints only the lines in sight,
positioned from the text layout (the line's baseline, the character's x range), so it changes
nothing in the text: selection, search and highlights work on the same characters. Readings
come from `reader.chinese.readings`, by phrase, one paragraph at a time, worked out in a child
process and kept per paragraph text (`reader.ui.pinyin_readings`), so neither a jump nor
scrolling back stalls the window. Where each reading goes is `reader.ui.pinyin_geometry`'s
business.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QStaticText,
    QTextBlock,
    QTransform,
)
from PySide6.QtWidgets import QWidget

from reader.ui.pinyin_geometry import ReadingStyle, block_font, utf16_starts, x_of
from reader.ui.pinyin_readings import ParagraphReadings
from reader.ui.reader_view import ReaderView
from reader.ui.theme import LINE_HEIGHT_PERCENT, THEMES, Theme

PINYIN_LINE_HEIGHT_PERCENT = 165
"""Body line height while pinyin is shown: room for a line of readings above each line."""
PINYIN_LETTER_SPACING = 112.0
"""Character advance while pinyin is shown, in percent: a reading gets room to breathe."""
MAX_CACHED_TEXTS = 20000
LOADING_NOTE = "Loading readings…"
"""Shown quietly in a corner the first time pinyin is turned on, while pypinyin loads."""
LOADING_INSET = 10
MAX_PLACED_READINGS = 12000
"""About fifteen pages of the novel."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one reading is drawn, in viewport coordinates."""

    position: int
    """The Qt document position of the character it reads."""
    reading: str
    box: QRectF
    """The reading as drawn: centred over its character, just above the character's ink."""
    font: QFont
    """The reading's font, condensed (`QFont.stretch`) when the reading is wider than its
    character."""


_Draw = tuple[float, float, float, float, int, QStaticText, QFont]
"""One reading ready to draw: its box (x, y, width, height, relative to its block's top left),
the Qt position of its character, its prepared text and its font. A plain tuple, one object a
reading: a page holds hundreds of them, and every object kept makes full garbage collections
(which stall the window) longer and more frequent."""


@dataclass(frozen=True, slots=True)
class _Line:
    """One line's readings, ready to draw: each text prepared, each place worked out."""

    top: float
    bottom: float
    """The readings' extent, relative to the block's top."""
    draws: tuple[_Draw, ...]


@dataclass(frozen=True, slots=True)
class _Placed:
    """A block's readings as placed for one revision of its text."""

    revision: int
    lines: list[_Line]
    count: int
    """How many readings."""


class PinyinLayer(QWidget):
    """Draws readings over the visible lines of `view` while it is shown."""

    def __init__(self, view: ReaderView, readings: ParagraphReadings | None = None) -> None:
        super().__init__(view)
        self.setObjectName("pinyinLayer")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._view = view
        self.readings = readings or ParagraphReadings(self)
        self.readings.arrived.connect(self.update)
        self._blocks: dict[int, _Placed] = {}
        self.blocks_placed = 0
        """How many times a block's readings were placed (a paint of lines already placed
        only draws)."""
        self._layout_key: tuple[object, float, float] | None = None
        self._styles: dict[str, ReadingStyle] = {}
        self._static: dict[tuple[str, int], QStaticText] = {}
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
        if shown:
            self.readings.start()  # pypinyin's tables load now, in the child, not mid-scroll
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
        """Draw the readings of the lines in `event`'s rectangle. Everything is worked out
        when a block's readings are placed; a paint only moves to each block and draws its
        lines' prepared texts, so scrolling costs no Python work per character placed."""
        painter = QPainter(self)
        painter.setPen(self._colour)
        area = QRectF(event.rect())
        current_font: QFont | None = None
        for origin, placed in self._visible_blocks():
            painter.setTransform(QTransform.fromTranslate(origin.x(), origin.y()))
            top, bottom = area.top() - origin.y(), area.bottom() - origin.y()
            for line in placed.lines:
                if line.bottom < top or line.top > bottom:
                    continue
                for x, y, _width, _height, _position, static, font in line.draws:
                    if font is not current_font:
                        painter.setFont(font)
                        current_font = font
                    painter.drawStaticText(QPointF(x, y), static)
        if self.readings.loading:
            painter.resetTransform()
            painter.setFont(self.font())
            corner = self.rect().adjusted(0, LOADING_INSET, -LOADING_INSET, 0)
            painter.drawText(corner, Qt.AlignmentFlag.AlignRight, LOADING_NOTE)
        painter.end()

    def _static_text(self, reading: str, font: QFont) -> QStaticText:
        key = (reading, id(font))
        static = self._static.get(key)
        if static is None:
            if len(self._static) > MAX_CACHED_TEXTS:
                self._static.clear()
            static = self._static[key] = QStaticText(reading)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), font)
        return static

    # -- where each reading goes (the painter's code, and the tests') ---------------------------

    def placements(self) -> list[Placement]:
        """The readings of every block in sight of the viewport, where they are drawn."""
        return [
            Placement(position, static.text(), QRectF(x, y, width, height).translated(origin), font)
            for origin, placed in self._visible_blocks()
            for line in placed.lines
            for x, y, width, height, position, static, font in line.draws
        ]

    def _visible_blocks(self) -> Iterator[tuple[QPointF, _Placed]]:
        """The blocks in sight with their readings placed (placing those not placed yet, or
        whose text changed since: a character form changed in place)."""
        view, height = self._view, self._view.viewport().height()
        page = view.document()
        if page.isEmpty():
            return
        key = (page, page.textWidth(), page.rootFrame().frameFormat().leftMargin())
        if key != self._layout_key:  # laid out again: the readings go elsewhere
            self._layout_key, self._blocks = key, {}
            # The readings placed while scrolling set off a full garbage collection now and
            # then, which walks every object of the process: tens of milliseconds with a book
            # open, a stall. What is alive now (modules, widgets, the document, pypinyin's or
            # the dictionary's tables if loaded) lives on anyway: frozen, it is never walked
            # again, and a collection walks only the readings and what came after.
            gc.freeze()
        scroll = QPointF(view.horizontalScrollBar().value(), view.verticalScrollBar().value())
        layout = page.documentLayout()
        block = page.findBlock(view.qt_position(view.offset_at_y(0)))
        in_sight = []
        while block.isValid():
            origin = layout.blockBoundingRect(block).topLeft() - scroll
            if origin.y() > height:
                break
            number = block.blockNumber()
            placed = self._blocks.get(number)
            if placed is None or placed.revision != block.revision():
                placed = self._place(block)
                if placed is not None:
                    self._blocks[number] = placed
            in_sight.append(number)
            if placed is not None:
                yield origin, placed
            block = block.next()
        self.readings.ask()
        self._forget_far_blocks(in_sight)

    @property
    def readings_kept(self) -> int:
        """How many readings are kept placed, in sight or not."""
        return sum(placed.count for placed in self._blocks.values())

    def _forget_far_blocks(self, in_sight: list[int]) -> None:
        """Keep the readings of some pages placed (scrolling back draws them at once), not of
        the whole book: each kept object makes the garbage collector's full walks longer."""
        if self.readings_kept > MAX_PLACED_READINGS:
            self._blocks = {n: self._blocks[n] for n in in_sight if n in self._blocks}

    def _place(self, block: QTextBlock) -> _Placed | None:
        """The readings of `block`, placed relative to its top left (kept until the page is
        laid out again or the block's text changes); None while they are being read."""
        text = block.text()
        readings = self.readings.get(text)
        if readings is None:
            return None
        self.blocks_placed += 1
        if not any(readings):
            return _Placed(block.revision(), [], 0)
        lines = block.layout()
        utf16 = utf16_starts(text)
        style = self._style(block_font(block))
        placed_lines, count = [], 0
        for number in range(lines.lineCount()):
            line = lines.lineAt(number)
            first = bisect_left(utf16, line.textStart())
            last = bisect_left(utf16, line.textStart() + line.textLength())
            last = min(last, len(readings))
            xs = [x_of(line, utf16[index]) for index in range(first, last + 1)]
            draws: list[_Draw] = []
            for index in range(first, last):
                reading = readings[index]
                if reading is not None:
                    left, right = xs[index - first], xs[index - first + 1]
                    box, font = style.place(line, left, right, reading)
                    static = self._static_text(reading, font)
                    position = block.position() + utf16[index]
                    draws.append(
                        (box.x(), box.y(), box.width(), box.height(), position, static, font)
                    )
            if draws:
                top = min(draw[1] for draw in draws)
                bottom = max(draw[1] + draw[3] for draw in draws)
                placed_lines.append(_Line(top, bottom, tuple(draws)))
                count += len(draws)
        return _Placed(block.revision(), placed_lines, count)

    def _style(self, font: QFont) -> ReadingStyle:
        key = font.key()
        if key not in self._styles:
            self._styles[key] = ReadingStyle(font)
        return self._styles[key]

    @property
    def busy(self) -> bool:
        """Whether readings of paragraphs in sight are still being worked out."""
        return self.readings.busy
