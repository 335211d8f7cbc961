"""The rest of a new page laid out in short slices, so that scrolling never runs into Qt's.

Qt lays a long document out lazily: what is in sight at once, then the rest on a zero timer in
steps that double from 1,000 characters to 200,000. On the novel (2.6 MB) the last of those steps
take 60 to 150 ms each: for a second or so after every new page (a document opened, View ›
Pinyin, a theme, a text size, a new window width) the window stalls whenever the reader
scrolls. Asking the layout for a block's rectangle lays the text out up to that block in steps
of the first size, so here the page is laid out block by block, at most `SLICE_MS` at a time,
one slice per turn of the event loop; Qt's own timer events on the layout are held back
meanwhile (they would take their big steps) and let through once the page is laid out to its
end, when all that is left for them is to report its size. Until then the scroll bar's range
grows with each slice.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtGui import QAbstractTextDocumentLayout, QTextBlock, QTextDocument
from PySide6.QtWidgets import QTextEdit
from shiboken6 import isValid

SLICE_MS = 6


class LayoutAhead(QObject):
    """Lays out each new page of `view` to its end in slices (the page is found at its first
    paint: the view needs no call)."""

    def __init__(self, view: QTextEdit) -> None:
        super().__init__(view)
        self._view = view
        self._page: QTextDocument | None = None
        self._layout: QAbstractTextDocumentLayout | None = None
        self._next = QTextBlock()
        self.slices = 0
        """Slices taken for the current page (tests and benchmarks look)."""
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._slice)
        view.viewport().installEventFilter(self)

    @property
    def page(self) -> QTextDocument | None:
        """The page being laid out, or laid out last."""
        return self._page

    @property
    def busy(self) -> bool:
        """Whether the current page is still being laid out."""
        return self._layout is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A paint with a new page starts its layout, and so does a new width (Qt lays the
        whole page out again for it); Qt's layout timers wait meanwhile."""
        kind = event.type()
        if watched is self._layout:
            return kind == QEvent.Type.Timer
        if kind == QEvent.Type.Paint and self._view.document() is not self._page:
            self._start(self._view.document())
        elif kind == QEvent.Type.Resize and self._page is not None and isValid(self._page):
            self._start(self._page)  # its first slice comes after the new width is set
        return False

    def _start(self, page: QTextDocument) -> None:
        self._release()
        self._page, self._layout = page, page.documentLayout()
        self._layout.installEventFilter(self)
        self._next, self.slices = page.begin(), 0
        self._timer.start()

    def _slice(self) -> None:
        layout, block = self._layout, self._next
        if layout is None or not isValid(layout):  # the page was replaced and deleted
            self._layout = None
            return
        clock = QElapsedTimer()
        clock.start()
        bottom = 0.0
        while block.isValid() and not clock.hasExpired(SLICE_MS):
            bottom = layout.blockBoundingRect(block).bottom()
            block = block.next()
        self._next, self.slices = block, self.slices + 1
        bar = self._view.verticalScrollBar()
        reach = round(bottom) - self._view.viewport().height()
        if reach > bar.maximum():
            bar.setMaximum(reach)
        if block.isValid():
            self._timer.start()
        else:
            self._release()  # Qt's timers report the page's full size now

    def _release(self) -> None:
        self._timer.stop()
        if self._layout is not None and isValid(self._layout):
            self._layout.removeEventFilter(self)
        self._layout, self._next = None, QTextBlock()
