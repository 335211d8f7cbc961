"""Pinyin over the page: each Han character's reading drawn in the gap above its line.

The layer is a transparent widget over the view's viewport. It paints only the lines in sight,
positioned from the text layout (the line's baseline, the character's x range), so it changes
nothing in the text: selection, search and highlights work on the same characters. Readings
come from `reader.chinese.readings`, by phrase, one paragraph at a time, worked out on a worker
thread and kept per paragraph text, so neither a jump nor scrolling back stalls the window.
Where each reading goes is `reader.ui.pinyin_geometry`'s business.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
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
from reader.ui.reader_view import ReaderView
from reader.ui.theme import LINE_HEIGHT_PERCENT, THEMES, Theme
from reader.ui.workers import report, run_in_background

PINYIN_LINE_HEIGHT_PERCENT = 165
"""Body line height while pinyin is shown: room for a line of readings above each line."""
PINYIN_LETTER_SPACING = 112.0
"""Character advance while pinyin is shown, in percent: a reading gets room to breathe."""
MAX_CACHED_PARAGRAPHS = 4000
MAX_CACHED_TEXTS = 20000


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


@dataclass(frozen=True, slots=True)
class _Item:
    position: int
    reading: str
    box: QRectF
    """Relative to the block's top left."""
    font: QFont


@dataclass(frozen=True, slots=True)
class _Line:
    """One line's readings, ready to draw: each text prepared, each place worked out."""

    top: float
    bottom: float
    """The readings' extent, relative to the block's top."""
    draws: tuple[tuple[QPointF, QStaticText, QFont], ...]
    """Where (relative to the block's top left), what and in which font."""


@dataclass(frozen=True, slots=True)
class _Placed:
    """A block's readings as placed for one revision of its text."""

    revision: int
    items: list[_Item]
    lines: list[_Line]


class _Signals(QObject):
    read = Signal(object)
    """Readings by paragraph text, from a worker."""


class PinyinLayer(QWidget):
    """Draws readings over the visible lines of `view` while it is shown."""

    def __init__(self, view: ReaderView, readings: Callable[[str], list[str | None]]) -> None:
        super().__init__(view)
        self.setObjectName("pinyinLayer")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._view, self._readings = view, readings
        self._cache: dict[str, list[str | None]] = {}
        self._blocks: dict[int, _Placed] = {}
        self.blocks_placed = 0
        """How many times a block's readings were placed (a paint of lines already placed
        only draws)."""
        self._layout_key: tuple[object, float, float] | None = None
        self._styles: dict[str, ReadingStyle] = {}
        self._static: dict[tuple[str, int], QStaticText] = {}
        self._waiting: list[str] = []
        self._reading: set[str] = set()
        self._signals = _Signals(self)
        self._signals.read.connect(self._on_read)
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
                for point, static, font in line.draws:
                    if font is not current_font:
                        painter.setFont(font)
                        current_font = font
                    painter.drawStaticText(point, static)
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
            Placement(item.position, item.reading, item.box.translated(origin), item.font)
            for origin, placed in self._visible_blocks()
            for item in placed.items
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
        scroll = QPointF(view.horizontalScrollBar().value(), view.verticalScrollBar().value())
        layout = page.documentLayout()
        block = page.findBlock(view.qt_position(view.offset_at_y(0)))
        while block.isValid():
            origin = layout.blockBoundingRect(block).topLeft() - scroll
            if origin.y() > height:
                break
            placed = self._blocks.get(block.blockNumber())
            if placed is None or placed.revision != block.revision():
                placed = self._place(block)
                if placed is not None:
                    self._blocks[block.blockNumber()] = placed
            if placed is not None:
                yield origin, placed
            block = block.next()
        self._read_waiting()

    def _place(self, block: QTextBlock) -> _Placed | None:
        """The readings of `block`, placed relative to its top left (kept until the page is
        laid out again or the block's text changes); None while they are being read."""
        text = block.text()
        readings = self._cache.get(text)
        if readings is None:
            if text not in self._reading:
                self._waiting.append(text)
            return None
        self.blocks_placed += 1
        if not any(readings):
            return _Placed(block.revision(), [], [])
        lines = block.layout()
        utf16 = utf16_starts(text)
        style = self._style(block_font(block))
        items: list[_Item] = []
        placed_lines = []
        for number in range(lines.lineCount()):
            line = lines.lineAt(number)
            first = bisect_left(utf16, line.textStart())
            last = bisect_left(utf16, line.textStart() + line.textLength())
            last = min(last, len(readings))
            xs = [x_of(line, utf16[index]) for index in range(first, last + 1)]
            on_line = []
            for index in range(first, last):
                reading = readings[index]
                if reading is not None:
                    left, right = xs[index - first], xs[index - first + 1]
                    box, font = style.place(line, left, right, reading)
                    on_line.append(_Item(block.position() + utf16[index], reading, box, font))
            if on_line:
                placed_lines.append(self._line(on_line))
                items.extend(on_line)
        return _Placed(block.revision(), items, placed_lines)

    def _line(self, items: list[_Item]) -> _Line:
        draws = tuple(
            (item.box.topLeft(), self._static_text(item.reading, item.font), item.font)
            for item in items
        )
        top = min(item.box.top() for item in items)
        return _Line(top, max(item.box.bottom() for item in items), draws)

    def _style(self, font: QFont) -> ReadingStyle:
        key = font.key()
        if key not in self._styles:
            self._styles[key] = ReadingStyle(font)
        return self._styles[key]

    # -- reading paragraphs off the UI thread ----------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether readings of paragraphs in sight are still being worked out."""
        return bool(self._reading or self._waiting)

    def _read_waiting(self) -> None:
        """Read the paragraphs that came into sight on a worker: pypinyin takes a few
        milliseconds a paragraph, too long to spend inside a paint when a jump brings a page
        of new ones. Their readings are painted as soon as they arrive."""
        if not self._waiting:
            return
        batch, self._waiting = list(dict.fromkeys(self._waiting)), []
        self._reading.update(batch)
        read, signals = self._readings, self._signals

        def work() -> None:
            found = {text: read(text) for text in batch}
            report(lambda: signals.read.emit(found))

        run_in_background(work)

    def _on_read(self, found: dict[str, list[str | None]]) -> None:
        if len(self._cache) > MAX_CACHED_PARAGRAPHS:
            self._cache.clear()
        self._cache.update(found)
        self._reading.difference_update(found)
        self.update()
