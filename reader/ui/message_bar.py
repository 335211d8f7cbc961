"""An inline message strip above the page, for news that must not block reading.

A modal dialog would stop the reader (and a test) until dismissed; a bar says what happened,
stays until closed or replaced, and leaves the document readable underneath.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from reader.ui.plain_text import plain_label, readable


class MessageBar(QWidget):
    """A dismissible one-line message: an error, a warning or an informational note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAccessibleName("Message")
        self.setAutoFillBackground(True)
        # A plain QWidget paints no style-sheet background without this: in the dark theme
        # the dark-red text would stand on the dark window.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._label = plain_label(self)
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setAccessibleName("Dismiss message")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_error(self, message: str) -> None:
        """Show `message` as an error (plain text, never interpreted as markup)."""
        self._show(message, "#f6d6d3", "#5c1a14")

    def show_info(self, message: str) -> None:
        """Show `message` as a neutral note."""
        self._show(message, "#dde8f5", "#1d3557")

    @property
    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return self._label.text() if self.isVisible() else ""

    def _show(self, message: str, background: str, foreground: str) -> None:
        self._label.setText(readable(message))
        self.setStyleSheet(
            f"#messageBar {{ background: {background}; }} QLabel {{ color: {foreground}; }}"
        )
        self.show()
