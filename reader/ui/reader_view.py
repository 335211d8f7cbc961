"""The page: a read-only text view that shows one `Document` and reports where the reader is.

One `QTextBlock` per paragraph, so canonical paragraph indices are block numbers; positions
cross the Qt boundary only through `Utf16Map`. The view never loads anything from outside
the document: `loadResource` answers every request with nothing, and links are not followed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QFontMetricsF,
    QKeyEvent,
    QPaintEvent,
    QResizeEvent,
    QTextBlock,
    QTextDocument,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from reader.document.model import Document
from reader.document.script import Script, guess_script
from reader.ui.layout_ahead import LayoutAhead
from reader.ui.marks import Mark, MarkLayer
from reader.ui.page_builder import PageDisplay, build_page
from reader.ui.page_extent import PageExtent
from reader.ui.page_marks import PageMarks
from reader.ui.search_marks import HitSpans
from reader.ui.theme import LINE_HEIGHT_PERCENT, MEASURE_IN_CHARACTERS, THEMES, Theme
from reader.ui.utf16 import Utf16Map

MIN_SIDE_MARGIN = 28
SIDE_MARGIN_TOLERANCE = 12
POSITION_REPORT_DELAY_MS = 120
PAGE_OVERLAP_LINES = 2


class ReaderView(QTextBrowser):
    """Shows a document with the current theme and font size; scrolls to canonical offsets."""

    jumped = Signal(int)
    """A navigation jump is about to leave this canonical offset (for Back/Forward)."""
    position_changed = Signal(int)
    """The canonical offset at the top of the page, reported shortly after scrolling stops."""

    def __init__(self, parent: QWidget | None = None, cache_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerView")
        self.setAccessibleName("Document text")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        # A scroll bar that comes and goes would change the width and relayout the whole text.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # Mouse selection only: keyboard selection would show a caret, and a reader's keys
        # scroll the page instead (see keyPressEvent).
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._document: Document | None = None
        self._utf16 = Utf16Map("")
        self._theme, self._font_size = THEMES["light"], 15.0
        self._script = Script.UNKNOWN
        self.display = PageDisplay()  # set before `show_document`, or `relayout` after
        self._marks = PageMarks(self, self.offset_at_y, self.qt_position)
        self._probe_block = QTextBlock()
        self._page: QTextDocument | None = None
        self.extent = PageExtent(self, cache_dir)  # with one, a book's range is final at once
        self.layout_ahead = LayoutAhead(self)  # the rest of each new page, in short slices
        self._report_timer = QTimer(self, singleShot=True, interval=POSITION_REPORT_DELAY_MS)
        self._report_timer.timeout.connect(self._report_position)
        self.verticalScrollBar().valueChanged.connect(lambda _value: self._report_timer.start())

    # -- what is shown -------------------------------------------------------------------------

    def show_document(self, document: Document, offset: int = 0) -> None:
        """Lay out `document` and scroll so that canonical `offset` is at the top."""
        self._document = document  # the window's: kept to lay the page out again
        self._marks.clear()
        self._utf16 = Utf16Map(document.text)
        self._script = guess_script(document.text)
        self._rebuild(offset)

    def set_appearance(self, theme: Theme, font_size: float) -> None:
        """Change theme and font size, keeping the reader's place."""
        self._theme, self._font_size = theme, font_size
        self.setPalette(theme.palette())
        self.relayout()

    def relayout(self) -> None:
        """Lay the page out again (for a new `display`), keeping the reader's place."""
        if self._document is not None:
            self._rebuild(self.top_offset())

    def _rebuild(self, offset: int) -> None:
        """Lay the page out afresh (new document, theme or size) and return to `offset`."""
        assert self._document is not None
        shown = self.display.with_side_margin(self._side_margin())
        page = build_page(self._document, self._theme, self._font_size, self._script, shown, self)
        self._probe_block = QTextBlock()  # a block of the page about to be replaced
        self._marks.new_page()
        self._replace_page(page)
        self._marks.recolour(self._theme)
        self._marks.refresh(force=True)
        self.scroll_to_offset(offset)
        self.extent.new_page(page, (self._document.fingerprint, *shown.layout_parts(), self._theme))

    def _replace_page(self, page: QTextDocument) -> None:
        """Show `page`; drop the marks and page we built before (Qt deletes only its own)."""
        old_page, self._page = self._page, page
        self.setExtraSelections([])
        self.setDocument(page)
        if old_page is not None:
            old_page.deleteLater()

    # -- positions -----------------------------------------------------------------------------

    def qt_position(self, offset: int) -> int:
        """The Qt document position of canonical `offset`."""
        return self._utf16.to_qt(offset)

    def canonical_offset(self, position: int) -> int:
        """The canonical offset of Qt document `position`."""
        return self._utf16.to_canonical(position)

    def scroll_to_offset(self, offset: int, from_top: float = 0.0) -> None:
        """Bring the line of canonical `offset` to the top, or `from_top` (of a page) below it."""
        if self._document is None:
            return
        block = self.document().findBlock(self.qt_position(offset))
        layout = self.document().documentLayout()
        block_top = layout.blockBoundingRect(block).top()
        line_top = 0.0
        text_layout = block.layout()
        in_block = self.qt_position(offset) - block.position()
        if text_layout is not None and in_block > 0:
            line = text_layout.lineForTextPosition(in_block)
            if line.isValid():
                line_top = line.y()
        target = block_top + line_top - from_top * self.viewport().height()
        if offset == 0 or (block.blockNumber() == 0 and line_top == 0):
            target = 0
        elif block.blockFormat().topMargin() and line_top == 0 and not from_top:
            target -= block.blockFormat().topMargin() / 2
        target = max(target, 0)
        self._extend_scroll_range(round(target))
        self.verticalScrollBar().setValue(round(target))
        self._report_timer.start()

    def _extend_scroll_range(self, target: int) -> None:
        """A long page is laid out lazily (`LayoutAhead`): a jump past the range known so far
        would be clamped, so widen it (the document's size would lay out the whole book)."""
        bar = self.verticalScrollBar()
        if target > bar.maximum():
            bar.setMaximum(target)

    def jump_to(self, offset: int, from_top: float = 0.0) -> None:
        """Scroll to `offset` as a navigation jump: the place left is announced first."""
        if self._document is not None:
            self.jumped.emit(self.top_offset())
        self.scroll_to_offset(offset, from_top)

    def top_offset(self) -> int:
        """The canonical offset of the first character visible at the top of the page."""
        if self._document is None:
            return 0
        if self.verticalScrollBar().value() == 0:
            return 0
        return self.offset_at_y(2)

    def offset_at_y(self, y: int) -> int:
        """The offset where the line at height `y` begins, walking laid-out blocks from the last
        answer (Qt's hit test, before its first layout pass, lays out the whole book)."""
        document = self.document()
        layout = document.documentLayout()
        target = y + self.verticalScrollBar().value()
        block = self._probe_block if self._probe_block.isValid() else document.begin()
        rect = layout.blockBoundingRect(block)
        while rect.top() > target and block.previous().isValid():
            block = block.previous()
            rect = layout.blockBoundingRect(block)
        while rect.bottom() <= target and block.next().isValid():
            block = block.next()
            rect = layout.blockBoundingRect(block)
        self._probe_block = block
        position = block.position()
        lines = block.layout()
        for number in range(lines.lineCount()):
            line = lines.lineAt(number)
            if rect.top() + line.y() + line.height() > target:
                position = block.position() + line.textStart()
                break
        return self.canonical_offset(position)

    def _report_position(self) -> None:
        if self._document is not None:
            self.position_changed.emit(self.top_offset())
            self._marks.refresh()

    # -- marks: search hits over annotation highlights -------------------------------------------

    def set_search_marks(self, hits: HitSpans | None, current: tuple[int, int] | None) -> None:
        """Mark the `hits` near the page as it scrolls (the one at `current` more strongly)."""
        self._marks.set_search(hits, current, self._theme)
        self._marks.refresh(force=True)

    def set_annotation_marks(self, marks: Sequence[Mark]) -> None:
        """Paint these annotation highlights (under the search hits)."""
        self._marks.annotations = MarkLayer(marks)
        self._marks.refresh(force=True)

    def change_annotation_marks(self, removed: Sequence[Mark], added: Sequence[Mark]) -> None:
        """Take a few highlights off and put a few on, leaving the others as they are."""
        self._marks.change_annotations(removed, added)

    def flash(self, span: tuple[int, int] | None) -> None:
        """Mark a span strongly for a moment (the window clears it), so the eye finds it."""
        self._marks.set_flash(span, self._theme)
        self._marks.refresh(force=True)

    def annotation_keys_at(self, offset: int) -> list[str]:
        """Keys (annotation ids) of the highlights covering `offset`, topmost last."""
        return [mark.key for mark in self._marks.annotations.at(offset)]

    # -- layout: a comfortable measure, centred ----------------------------------------------------

    def _side_margin(self) -> int:
        em = self._font_size * 96 / 72
        text_width = MEASURE_IN_CHARACTERS * em
        return max(MIN_SIDE_MARGIN, int((self.viewport().width() - text_width) / 2))

    def _update_side_margins(self) -> None:
        """Re-centre the column after a resize (small changes are ignored: each is a relayout)."""
        margin = self._side_margin()
        root = self.document().rootFrame()
        frame_format: QTextFrameFormat = root.frameFormat()
        if abs(frame_format.leftMargin() - margin) >= SIDE_MARGIN_TOLERANCE:
            frame_format.setLeftMargin(margin)
            frame_format.setRightMargin(margin)
            root.setFrameFormat(frame_format)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint; after a new page's first paint, put on the marks that were waiting for it."""
        super().paintEvent(event)
        self._marks.page_painted()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the text column centred and no wider than the measure."""
        offset = self.top_offset()
        super().resizeEvent(event)
        if self._document is not None:
            self._update_side_margins()
            self.scroll_to_offset(offset)

    # -- keyboard: a reader scrolls, it has no caret to move ---------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Home/End, PgUp/PgDn, Space and the arrows scroll the page."""
        bar = self.verticalScrollBar()
        key, modifiers = event.key(), event.modifiers()
        plain = modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        actions = {
            Qt.Key.Key_Home: lambda: bar.setValue(bar.minimum()),
            Qt.Key.Key_End: lambda: bar.setValue(bar.maximum()),
            Qt.Key.Key_PageDown: lambda: bar.setValue(bar.value() + self._page_step()),
            Qt.Key.Key_PageUp: lambda: bar.setValue(bar.value() - self._page_step()),
            Qt.Key.Key_Space: lambda: bar.setValue(bar.value() + self._page_step()),
            Qt.Key.Key_Down: lambda: bar.setValue(bar.value() + bar.singleStep()),
            Qt.Key.Key_Up: lambda: bar.setValue(bar.value() - bar.singleStep()),
        }
        if key == Qt.Key.Key_Space and modifiers == Qt.KeyboardModifier.ShiftModifier:
            bar.setValue(bar.value() - self._page_step())
            return
        action = actions.get(Qt.Key(key)) if plain else None
        if action is None:
            super().keyPressEvent(event)
            return
        action()

    def _page_step(self) -> int:
        """A page, less two lines so the eye keeps its place."""
        line = QFontMetricsF(self.document().defaultFont()).lineSpacing()
        overlap = int(PAGE_OVERLAP_LINES * line * LINE_HEIGHT_PERCENT / 100)
        return max(self.viewport().height() - overlap, overlap)

    # -- nothing is ever fetched ---------------------------------------------------------------

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        """Refuse every external resource (images, style sheets): the page shows only text."""
        return None

    def doSetSource(
        self,
        name: QUrl | str,
        kind: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
    ) -> None:
        """Never navigate away from the document, whatever link is activated."""
