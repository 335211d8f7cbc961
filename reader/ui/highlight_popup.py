"""The small bar that appears by a selection: five colours, a note, and remove.

It lives inside the page's viewport rather than in a window of its own, so it never steals the
keyboard focus or the selection, and it moves with the text.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from reader.annotations.model import Colour

SWATCH_SIZE = 18


def colour_icon(colour: QColor, size: int = SWATCH_SIZE) -> QIcon:
    """A round swatch of `colour`, drawn here rather than loaded from a file."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    opaque = QColor(colour)
    opaque.setAlpha(255)
    painter.setBrush(opaque)
    painter.setPen(opaque.darker(130))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


class HighlightPopup(QFrame):
    """Colour buttons, a note button and (over an existing highlight) a remove button."""

    colour_chosen = Signal(object)
    """A `Colour`."""
    note_requested = Signal()
    remove_requested = Signal()

    def __init__(self, swatches: dict[Colour, QColor], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("highlightPopup")
        self.setAccessibleName("Highlight")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        self.colour_buttons: dict[Colour, QToolButton] = {}
        for colour, swatch in swatches.items():
            button = QToolButton(self)
            button.setIcon(colour_icon(swatch))
            button.setIconSize(QSize(SWATCH_SIZE, SWATCH_SIZE))
            button.setAutoRaise(True)
            button.setToolTip(f"Highlight in {colour.value}")
            button.setAccessibleName(f"Highlight {colour.value}")
            button.clicked.connect(lambda _checked=False, c=colour: self.colour_chosen.emit(c))
            layout.addWidget(button)
            self.colour_buttons[colour] = button
        self.note_button = self._text_button("✎", "Add or edit a note", "Note")
        self.note_button.clicked.connect(self.note_requested.emit)
        self.remove_button = self._text_button("✕", "Remove the highlight", "Remove highlight")
        self.remove_button.clicked.connect(self.remove_requested.emit)
        layout.addWidget(self.note_button)
        layout.addWidget(self.remove_button)
        self.hide()

    def _text_button(self, text: str, tip: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        return button

    def show_at(self, point: QPoint, on_existing: bool) -> None:
        """Show with its top-left near `point` (viewport coordinates), kept inside the page."""
        self.remove_button.setVisible(on_existing)
        self.adjustSize()
        parent = self.parentWidget()
        assert parent is not None  # always created inside the page's viewport
        area = parent.rect()
        x = min(max(point.x() - self.width() // 2, 4), area.width() - self.width() - 4)
        y = point.y() + 6
        if y + self.height() > area.height() - 4:
            y = max(point.y() - self.height() - 30, 4)
        self.move(x, y)
        self.show()
        self.raise_()
