"""The table of contents: the document's sections, the one being read marked as it scrolls."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from reader.document.model import TocEntry
from reader.ui.plain_text import plain_tooltip

_ENTRY_ROLE = Qt.ItemDataRole.UserRole
INDENT_PER_LEVEL = "    "


class TocPanel(QListWidget):
    """A flat list indented by level; activating an entry asks the window to go there."""

    entry_activated = Signal(object)
    """Emitted with the `TocEntry` the user clicked or pressed Enter on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tocPanel")
        self.setAccessibleName("Table of contents")
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setSpacing(3)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.setFont(font)
        self.itemClicked.connect(self._activate)
        self.itemActivated.connect(self._activate)
        self._entries: tuple[TocEntry, ...] = ()
        self._shown: Callable[[str], str] = str

    def set_entries(self, entries: tuple[TocEntry, ...]) -> None:
        """Show a new document's contents."""
        self.clear()
        self._entries = entries
        for entry in entries:
            item = QListWidgetItem()
            item.setData(_ENTRY_ROLE, entry)
            self._show_title(item, entry)
            if entry.is_opening:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.addItem(item)

    def show_titles_as(self, shown: Callable[[str], str]) -> None:
        """Show each title as `shown` gives it (the page's characters: Simplified, Traditional,
        full-width punctuation), now and for the documents to come."""
        self._shown = shown
        for row, entry in enumerate(self._entries):
            self._show_title(self.item(row), entry)

    def _show_title(self, item: QListWidgetItem, entry: TocEntry) -> None:
        title = self._shown(entry.title)
        item.setText(INDENT_PER_LEVEL * (entry.level - 1) + title)
        item.setToolTip(plain_tooltip(title))

    @property
    def entries(self) -> tuple[TocEntry, ...]:
        """The entries shown, in reading order."""
        return self._entries

    def mark_position(self, offset: int) -> None:
        """Mark the entry of the section containing canonical `offset` as the current one."""
        current = None
        for row, entry in enumerate(self._entries):
            if entry.start <= offset:
                current = row
            else:
                break
        for row in range(self.count()):
            item = self.item(row)
            font: QFont = item.font()
            font.setBold(row == current)
            item.setFont(font)
        if current is not None:
            self.blockSignals(True)
            self.setCurrentRow(current)
            self.blockSignals(False)
            self.scrollToItem(self.item(current))

    def _activate(self, item: QListWidgetItem) -> None:
        self.entry_activated.emit(item.data(_ENTRY_ROLE))
