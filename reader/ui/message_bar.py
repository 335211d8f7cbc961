"""An inline message strip above the page, for news that must not block reading.

A modal dialog would stop the reader (and a test) until dismissed; a bar says what happened,
stays until closed or replaced, and leaves the document readable underneath.

Its colours come from the window's palette (which the theme sets): the text is the theme's own
text colour, the background the panel colour faintly tinted by the kind of message, and a
stripe of the full tint on the left says the kind again. So every theme, present or future,
keeps the text as readable as the panels, and the kind never rests on a colour alone
("Error:" is not needed: the message says what went wrong).
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from reader.ui.plain_text import plain_label, readable
from reader.ui.theme import over

STRIPE_WIDTH = 4
TINT_ALPHA = 0.16
"""How much of the kind's colour goes into the background: enough to tell kinds apart, too
little to move the background's luminance far from the panel's."""


class MessageKind(Enum):
    """What a message is; the value is its accent colour."""

    INFO = "#3b82f6"
    ERROR = "#dc2626"


class MessageBar(QWidget):
    """A dismissible one-line message: an error, a warning or an informational note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAccessibleName("Message")
        self.kind = MessageKind.INFO
        self._label = plain_label(self)
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setAccessibleName("Dismiss message")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12 + STRIPE_WIDTH, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_error(self, message: str) -> None:
        """Show `message` as an error (plain text, never interpreted as markup)."""
        self._show(message, MessageKind.ERROR)

    def show_info(self, message: str) -> None:
        """Show `message` as a neutral note."""
        self._show(message, MessageKind.INFO)

    @property
    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return self._label.text() if self.isVisible() else ""

    def background(self) -> QColor:
        """The bar's background now: the palette's panel colour under a faint tint."""
        tint = QColor(self.kind.value)
        tint.setAlphaF(TINT_ALPHA)
        return over(tint, self.palette().color(QPalette.ColorRole.Window))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the tinted background and the kind's stripe (the label draws the text)."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.background())
        painter.fillRect(QRect(0, 0, STRIPE_WIDTH, self.height()), QColor(self.kind.value))
        painter.end()

    def _show(self, message: str, kind: MessageKind) -> None:
        self.kind = kind
        self._label.setText(readable(message))
        self.show()
        self.update()


def above(bar: MessageBar, page: QWidget) -> QWidget:
    """The message bar over the page, flush: the window's central widget."""
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(bar)
    layout.addWidget(page, 1)
    return central
