"""Moving through the open document: sections, its ends, Back/Forward, and to an annotation.

The window owns the document; this asks it for the document when it needs the text's length,
and announces every jump it makes (`moved`) so the window can update the status line at once
instead of waiting for the page's delayed position report.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from reader.annotations.model import Annotation
from reader.document.model import Document, TocEntry
from reader.ui.history import JumpHistory
from reader.ui.reader_view import ReaderView
from reader.ui.toc_panel import TocPanel

FLASH_MS = 700


class Navigation(QObject):
    """The Go menu's commands, and jumps asked for by the panels."""

    moved = Signal(int)
    """A jump landed at this canonical offset."""

    def __init__(
        self,
        view: ReaderView,
        toc: TocPanel,
        current_document: Callable[[], Document | None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.view, self.toc, self._current_document = view, toc, current_document
        self.history = JumpHistory()
        view.jumped.connect(self.history.jumped)
        toc.entry_activated.connect(self._go_to_chosen_entry)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(lambda: self.view.flash(None))

    def go_to_entry(self, entry: TocEntry) -> None:
        """Scroll to a table-of-contents entry."""
        self.view.jump_to(entry.start)
        self.toc.mark_position(entry.start)
        self.moved.emit(entry.start)

    def _go_to_chosen_entry(self, entry: TocEntry) -> None:
        """An entry clicked or chosen with Enter: the page takes the keys back, so PgDn and
        Space read on from there instead of moving through the list."""
        self.go_to_entry(entry)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def next_section(self) -> None:
        """Go to the next heading after the one being read."""
        here = self.view.top_offset()
        following = [e for e in self.toc.entries if e.start > here]
        if following:
            self.go_to_entry(following[0])

    def previous_section(self) -> None:
        """Go to the start of the section being read, or to the one before if already there."""
        here = self.view.top_offset()
        preceding = [e for e in self.toc.entries if e.start < here]
        if preceding:
            self.go_to_entry(preceding[-1])

    def scroll_to_end(self) -> None:
        """Go to the end of the document."""
        document = self._current_document()
        if document is not None:
            self.view.jump_to(len(document.text))
        bar = self.view.verticalScrollBar()
        bar.setValue(bar.maximum())

    def scroll_to_beginning(self) -> None:
        """Go to the beginning of the document."""
        self.view.jump_to(0)

    def go_back(self) -> None:
        """Return to where the last jump left from."""
        target = self.history.back(self.view.top_offset())
        if target is not None:
            self.view.scroll_to_offset(target)

    def go_forward(self) -> None:
        """Undo a Back."""
        target = self.history.forward(self.view.top_offset())
        if target is not None:
            self.view.scroll_to_offset(target)

    def go_to_annotation(self, annotation: Annotation) -> None:
        """Scroll to an annotation and flash it, so the eye finds it."""
        self.view.jump_to(annotation.start, from_top=0.3)
        self.view.flash((annotation.start, annotation.end))
        self._flash_timer.start()

    def document_opened(self) -> None:
        """A new document: the jumps made in the last one lead nowhere now."""
        self.history.clear()


def focus_page_unless_typing(view: ReaderView) -> None:
    """Give the page the keys, unless they are going into a text field (the search box, a
    note): what is typed there while a document opens must all arrive there."""
    focused = QApplication.focusWidget()
    input_method = Qt.WidgetAttribute.WA_InputMethodEnabled  # set on widgets that take text
    if focused is not None and focused is not view and focused.testAttribute(input_method):
        return
    view.setFocus(Qt.FocusReason.OtherFocusReason)
