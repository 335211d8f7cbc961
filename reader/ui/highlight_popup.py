"""The small bar that appears by a selection: five colours, a note, and remove.

It lives inside the page's viewport rather than in a window of its own, so it never steals the
keyboard focus or the selection, and it moves with the text. It sits above the selected lines
(below them when the page has no room above), never across them: a bar over the text it is
about hides the very glyphs the reader chose. It is drawn in the theme's colours inverted, with
a shadow, so it stands out from the page in every theme.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QToolButton,
    QWidget,
)

from reader.annotations.model import Colour
from reader.ui.theme import Theme

SWATCH_SIZE = 18
GAP = 6
"""Between the bar and the selected lines, and between the bar and the page's edges."""


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

    def __init__(self, swatches: dict[Colour, QColor], theme: Theme, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("highlightPopup")
        self.setAccessibleName("Highlight")
        self._paint(theme)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
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

    def _paint(self, theme: Theme) -> None:
        """The page's colours swapped (text colour as background), and a soft shadow."""
        self.setStyleSheet(
            f"#highlightPopup {{ background: {theme.text}; border: 1px solid {theme.muted};"
            " border-radius: 6px; }"
            f" #highlightPopup QToolButton {{ color: {theme.background}; border: none;"
            " border-radius: 4px; padding: 2px; font-size: 14px; }"
            f" #highlightPopup QToolButton:hover {{ background: {theme.muted}; }}"
        )
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(14)
        shadow.setOffset(0, 2)
        shadow.setColor(QColor(0, 0, 0, 110))
        self.setGraphicsEffect(shadow)

    def _text_button(self, text: str, tip: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        return button

    def show_beside(self, selected: QRect, anchor_x: int, on_existing: bool) -> None:
        """Show just above the `selected` lines (viewport coordinates), or just below them when
        there is no room above, centred on `anchor_x` and kept inside the page."""
        self.remove_button.setVisible(on_existing)
        self.adjustSize()
        parent = self.parentWidget()
        assert parent is not None  # always created inside the page's viewport
        area = parent.rect().adjusted(GAP, GAP, -GAP, -GAP)
        x = min(max(anchor_x - self.width() // 2, area.left()), area.right() + 1 - self.width())
        above = selected.top() - GAP - self.height()
        below = selected.bottom() + 1 + GAP
        if above >= area.top():
            y = above
        elif below + self.height() <= area.bottom() + 1:
            y = below
        else:  # the selection fills the page: keep the bar where the eye is least busy
            y = area.bottom() + 1 - self.height()
        self.move(x, y)
        self.show()
        self.raise_()
