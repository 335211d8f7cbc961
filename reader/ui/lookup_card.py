"""The dictionary card: a small, non-modal panel over the page with a word, its reading and its
CC-CEDICT entries, buttons to step to a shorter or longer word, copy it, or add it to a note.

It only shows what it is given and says which button was pressed; `reader.ui.lookup` decides
what the word is. Every piece of dictionary or document text is escaped: it is never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.ui.plain_text import escaped, plain_label
from reader.ui.theme import THEMES, Theme

if TYPE_CHECKING:  # the dictionary itself loads on the first look-up, not with the window
    from reader.chinese.dictionary import Entry

CARD_WIDTH = 360
MAX_WORD_POINT_SIZE = 26.0
"""The word is shown large, but a long idiom at a large text size must still fit the card."""
MAX_ENTRIES_HEIGHT = 220
MIN_ENTRIES_HEIGHT = 48
"""About two lines of definitions: shorter, the box would hardly show anything."""
MIN_CARD_WIDTH = 240
"""The buttons' row needs this much; a page narrower still is no place to read."""
MARGIN = 8


class LookupCard(QFrame):
    """Shows one look-up; `reader.ui.lookup.Lookup` fills it."""

    shorter = Signal()
    longer = Signal()
    copy_requested = Signal()
    note_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lookupCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFixedWidth(CARD_WIDTH)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._muted = THEMES["light"].muted
        self.word = plain_label(self)
        self.word.setObjectName("lookupWord")
        self.word.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reading = plain_label(self)
        self.reading.setObjectName("lookupReading")
        self.shorter_button = self._tool("‹", "Shorter word", self.shorter.emit)
        self.longer_button = self._tool("›", "Longer word", self.longer.emit)
        close = self._tool("×", "Close (Esc)", self.hide)
        self.reading.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(self.word, 1)
        for button in (self.shorter_button, self.longer_button, close):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.entries = QLabel(self)
        self.entries.setObjectName("lookupEntries")
        self.entries.setTextFormat(Qt.TextFormat.RichText)
        self.entries.setWordWrap(True)
        self.entries.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.entries.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._scroll = QScrollArea(self)
        self._scroll.setWidget(self.entries)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.clicked.connect(self.copy_requested.emit)
        self.note_button = QPushButton("Add to &Note", self)
        self.note_button.setToolTip("Append the word, its pinyin and meaning to the note")
        self.note_button.clicked.connect(self.note_requested.emit)
        self.status = plain_label(self)
        self.status.setObjectName("lookupStatus")
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.copy_button)
        footer.addWidget(self.note_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(header)
        layout.addWidget(self.reading)
        layout.addWidget(self._scroll)
        layout.addLayout(footer)
        self.hide()

    def _tool(self, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def set_theme(self, theme: Theme, font: QFont) -> None:
        """The theme's secondary colour for readings; the page's font for the word."""
        self._muted = theme.muted
        word_font = QFont(font)
        word_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 100)
        word_font.setPointSizeF(min(font.pointSizeF() * 1.5, MAX_WORD_POINT_SIZE))
        self.word.setFont(word_font)
        self.reading.setStyleSheet(f"color: {theme.muted};")
        self.status.setStyleSheet(f"color: {theme.muted};")

    # -- what it shows -------------------------------------------------------------------------

    def show_message(self, word: str, message: str) -> None:
        """No entries to show: `message` says why (loading, nothing found)."""
        self.word.setText(word)
        self.reading.setText("")
        self.entries.setText("")
        self._scroll.hide()
        self.status.setText(message)
        for button in (self.shorter_button, self.longer_button, self.copy_button):
            button.setEnabled(False)
        self.note_button.setEnabled(False)
        self._fit()

    def show_word(
        self, word: str, reading: str, entries: Sequence[Entry], shorter: bool, longer: bool
    ) -> None:
        """`word` (as the page shows it) read `reading` here, with its entries."""
        self.word.setText(word)
        self.reading.setText(reading)
        self.entries.setText(entries_html(entries, self._muted))
        self._scroll.show()
        self.status.setText("")
        self.shorter_button.setEnabled(shorter)
        self.longer_button.setEnabled(longer)
        self.copy_button.setEnabled(True)
        self.note_button.setEnabled(True)
        self._fit()

    def _fit(self, entries_room: int = MAX_ENTRIES_HEIGHT) -> None:
        inner = self.width() - 40
        self.entries.setFixedWidth(inner)
        height = self.entries.heightForWidth(inner)
        self._scroll.setFixedHeight(min(max(height, 0), entries_room))
        self.adjustSize()

    def place_beside(self, word: QRect, area: QRect) -> None:
        """Show below the word's line, or above it when there is no room below; always inside
        `area` (the page's viewport, in the parent's coordinates: never over its scroll bar,
        never out of the window). In a small window the card narrows and its entries scroll
        in a shorter box, so that all of it stays in sight."""
        self.setFixedWidth(max(min(CARD_WIDTH, area.width() - 2 * MARGIN), MIN_CARD_WIDTH))
        self._fit()
        excess = self.height() - (area.height() - 2 * MARGIN)
        if excess > 0 and not self._scroll.isHidden():
            self._fit(max(self._scroll.height() - excess, MIN_ENTRIES_HEIGHT))
        left, right = area.left() + MARGIN, area.right() + 1 - MARGIN - self.width()
        top, bottom = area.top() + MARGIN, area.bottom() + 1 - MARGIN - self.height()
        x = max(min(word.left(), right), left)
        y = word.bottom() + MARGIN
        if y > bottom:  # no room below the word: above it, or as low as the area allows
            y = max(word.top() - self.height() - MARGIN, top)
            y = min(y, max(bottom, top))
        self.move(QPoint(x, y))
        self.show()
        self.raise_()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc closes the card."""
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


def entries_html(entries: Sequence[Entry], muted: str) -> str:
    """The entries as rich text built on purpose: every piece of data escaped."""
    parts = []
    for entry in entries:
        forms = escaped(entry.traditional)
        if entry.simplified != entry.traditional:
            forms += f" / {escaped(entry.simplified)}"
        senses = "; ".join(escaped(definition) for definition in entry.definitions)
        parts.append(
            f"<p style='margin:0 0 6px 0'><b>{forms}</b> "
            f"<span style='color:{muted}'>{escaped(entry.pinyin)}</span><br>{senses}</p>"
        )
    return "".join(parts)
