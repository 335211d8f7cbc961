"""The status bar: the section being read, how far in, the encoding, and a busy indicator."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QStatusBar

from reader.document.model import Document
from reader.ui.plain_text import plain_label, readable


class StatusLine:
    """The window's permanent status widgets (plain labels: headings may look like markup)."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.section_label = plain_label()
        self.progress_label = plain_label()
        self.encoding_label = plain_label()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setAccessibleName("Loading")
        self.busy.hide()
        bar.addWidget(self.section_label, 1)
        bar.addPermanentWidget(self.busy)
        bar.addPermanentWidget(self.encoding_label)
        bar.addPermanentWidget(self.progress_label)

    def loading(self, name: str) -> None:
        """A file is being opened."""
        self.busy.show()
        self.bar.showMessage(f"Opening {readable(name)}…")

    def idle(self) -> None:
        """The load is over, one way or the other."""
        self.busy.hide()
        self.bar.clearMessage()

    def show_document(self, document: Document) -> None:
        """A new document is on the page."""
        self.encoding_label.setText(document.encoding.upper())
        self._settle()

    def show_position(self, document: Document, offset: int) -> None:
        """The section at `offset` and how far through the document it is."""
        section = document.section_at(offset)
        self.section_label.setText(readable(section.title if section else document.title))
        percent = 100 * offset / max(len(document.text), 1)
        self.progress_label.setText(f"{percent:.0f}%")
        self._settle()

    def _settle(self) -> None:
        """Give the labels their new widths now: left to a later turn of the event loop, the
        page is shown first with the labels clipped, and they are finished only after the
        work that waits for the page (a whole step of the window's start)."""
        layout = self.bar.layout()
        if layout is not None:
            layout.activate()
