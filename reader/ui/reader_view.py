"""The page: a read-only text view that shows one `Document` and reports where the reader is.

One `QTextBlock` per paragraph, so canonical paragraph indices are block numbers; positions
cross the Qt boundary only through `Utf16Map`. The view never loads anything from outside
the document: `loadResource` answers every request with nothing, and links are not followed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QKeyEvent,
    QPaintEvent,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from reader.document.model import Document, ParagraphKind
from reader.document.script import Script, guess_script
from reader.search.results import Hit
from reader.ui.marks import Mark, MarkLayer
from reader.ui.theme import (
    LINE_HEIGHT_PERCENT,
    MEASURE_IN_CHARACTERS,
    THEMES,
    Theme,
    body_block_format,
    body_char_format,
    body_font,
    heading_block_format,
    heading_char_format,
)
from reader.ui.utf16 import Utf16Map

MIN_SIDE_MARGIN = 28
SIDE_MARGIN_TOLERANCE = 12
TOP_MARGIN = 36
POSITION_REPORT_DELAY_MS = 120
PAGE_OVERLAP_LINES = 2
MAX_MARKS = 800
MARK_SLACK = 3000
"""Characters marked beyond the widened page, so small scrolls need no re-marking."""
HIT_POSITION_FROM_TOP = 0.3
"""A hit jumped to is shown a third of the way down the page, with context above it."""


class ReaderView(QTextBrowser):
    """Shows a document with the current theme and font size; scrolls to canonical offsets."""

    jumped = Signal(int)
    """A navigation jump is about to leave this canonical offset (for Back/Forward)."""
    position_changed = Signal(int)
    """The canonical offset at the top of the page, reported shortly after scrolling stops."""

    def __init__(self, parent: QWidget | None = None) -> None:
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
        self._theme = THEMES["light"]
        self._font_size = 15.0
        self._script = Script.UNKNOWN
        self._search_hits: list[Hit] = []
        self._current_hit: int | None = None
        self._search_layer = MarkLayer()
        self._annotation_layer = MarkLayer()
        self._flash_layer = MarkLayer()
        self._marked_range = (0, -1)
        self._probe_block = QTextBlock()
        self._painted = False
        self._marks_waiting = False
        self._report_timer = QTimer(self)
        self._report_timer.setSingleShot(True)
        self._report_timer.setInterval(POSITION_REPORT_DELAY_MS)
        self._report_timer.timeout.connect(self._report_position)
        self.verticalScrollBar().valueChanged.connect(lambda _value: self._report_timer.start())

    # -- what is shown -------------------------------------------------------------------------

    @property
    def shown_document(self) -> Document | None:
        """The document on the page, if any."""
        return self._document

    def show_document(self, document: Document, offset: int = 0) -> None:
        """Lay out `document` and scroll so that canonical `offset` is at the top."""
        self._document = document
        self._search_hits, self._current_hit = [], None
        self._search_layer, self._annotation_layer = MarkLayer(), MarkLayer()
        self._flash_layer = MarkLayer()
        self._utf16 = Utf16Map(document.text)
        self._script = guess_script(document.text)
        self._rebuild(offset)

    def set_appearance(self, theme: Theme, font_size: float) -> None:
        """Change theme and font size, keeping the reader's place."""
        self._theme, self._font_size = theme, font_size
        self.setPalette(theme.palette())
        if self._document is not None:
            self._rebuild(self.top_offset())

    def _rebuild(self, offset: int) -> None:
        """Build a fresh QTextDocument: one block per paragraph, formats from the theme."""
        assert self._document is not None
        document = self._document
        font = body_font(self._script, self._font_size)
        page = QTextDocument(self)
        page.setUndoRedoEnabled(False)
        page.setDefaultFont(font)
        page.setDocumentMargin(0)
        # Margins go in before the text: changing the frame format of a laid-out book would
        # make Qt lay out all of it again, synchronously.
        root = page.rootFrame().frameFormat()
        root.setTopMargin(TOP_MARGIN)
        root.setBottomMargin(TOP_MARGIN * 3)
        root.setLeftMargin(self._side_margin())
        root.setRightMargin(self._side_margin())
        page.rootFrame().setFrameFormat(root)

        body_block, body_char = body_block_format(font), body_char_format(self._theme)
        cursor = QTextCursor(page)
        cursor.beginEditBlock()
        for index, paragraph in enumerate(document.paragraphs):
            if paragraph.kind is ParagraphKind.HEADING:
                level = self._heading_level(index)
                block = heading_block_format(font, level)
                char = heading_char_format(font, level, self._theme)
            else:
                block, char = body_block, body_char
            if index == 0:
                cursor.setBlockFormat(block)
                cursor.setBlockCharFormat(char)
                cursor.setCharFormat(char)
            else:
                cursor.insertBlock(block, char)
            cursor.insertText(document.text[paragraph.start : paragraph.end], char)
        cursor.endEditBlock()

        self._probe_block = QTextBlock()  # a block of the page about to be replaced
        self._painted = False
        self.setDocument(page)  # the previous page, a child of the view, is deleted by Qt
        self._search_layer = self._search_marks()  # the theme's colours may have changed
        self._refresh_marks(force=True)
        self.scroll_to_offset(offset)

    def _heading_level(self, paragraph_index: int) -> int:
        assert self._document is not None
        for section in self._document.sections:
            if section.paragraph_index == paragraph_index:
                return section.level
        return 1

    # -- positions -----------------------------------------------------------------------------

    def qt_position(self, offset: int) -> int:
        """The Qt document position of canonical `offset`."""
        return self._utf16.to_qt(offset)

    def canonical_offset(self, position: int) -> int:
        """The canonical offset of Qt document `position`."""
        return self._utf16.to_canonical(position)

    def scroll_to_offset(self, offset: int, from_top: float = 0.0) -> None:
        """Bring the line holding canonical `offset` to the top of the page, or `from_top`
        (a fraction of the page height) below it."""
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
        """Qt lays a long document out lazily and widens the scroll range only on a later
        event-loop pass, so a jump past the range known so far would be clamped. The block's
        bounding rect (computed above) has laid the text out that far: widen the range to the
        target now, and Qt's own update sets the true maximum soon after. Asking for the
        document size instead would force the whole book to be laid out at once."""
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
        """The canonical offset where the line at height `y` of the page begins.

        Found by walking the laid-out blocks from the last answer, which is cheap; Qt's own
        hit test, asked before its first layout pass, lays out the whole book (a quarter of a
        second for a novel) and answers with the end of the text.
        """
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
            self._refresh_marks()

    # -- marks: search hits over annotation highlights -------------------------------------------

    def set_search_hits(self, hits: Sequence[Hit], current: int | None = None) -> None:
        """Mark `hits` (in reading order) in the text, `hits[current]` more strongly."""
        self._search_hits, self._current_hit = list(hits), current
        self._search_layer = self._search_marks()
        self._refresh_marks(force=True)

    def set_annotation_marks(self, marks: Sequence[Mark]) -> None:
        """Paint these annotation highlights (under the search hits)."""
        self._annotation_layer = MarkLayer(marks)
        self._refresh_marks(force=True)

    def flash(self, span: tuple[int, int] | None) -> None:
        """Mark a span strongly for a moment (the window clears it), so the eye finds it."""
        colour = QColor(self._theme.search_current)
        self._flash_layer = MarkLayer([Mark(span[0], span[1], colour)] if span else [])
        self._refresh_marks(force=True)

    def annotation_keys_at(self, offset: int) -> list[str]:
        """Keys (annotation ids) of the highlights covering `offset`, topmost last."""
        return [mark.key for mark in self._annotation_layer.at(offset)]

    def show_hit(self, number: int) -> None:
        """Make hit `number` the current one and scroll it into view."""
        self._current_hit = number
        self._search_layer = self._search_marks()
        self.jump_to(self._search_hits[number].start, from_top=HIT_POSITION_FROM_TOP)
        self._refresh_marks(force=True)

    def _search_marks(self) -> MarkLayer:
        hit_colour = QColor(self._theme.search_hit)
        current_colour = QColor(self._theme.search_current)
        return MarkLayer(
            [
                Mark(hit.start, hit.end, current_colour if n == self._current_hit else hit_colour)
                for n, hit in enumerate(self._search_hits)
            ]
        )

    def _visible_range(self) -> tuple[int, int]:
        """Canonical offsets of the text on the page, widened by a page's worth each way."""
        top = self.offset_at_y(0)
        bottom = self.offset_at_y(self.viewport().height())
        top, bottom = min(top, bottom), max(top, bottom)
        margin = max(bottom - top, 500)
        return max(top - margin, 0), bottom + margin

    def _refresh_marks(self, force: bool = False) -> None:
        """Paint the marks near the page, unless the page is still within the painted span.

        Only marks on and near the page are turned into Qt selections, and again as the
        reader scrolls: that keeps a novel with thousands of marks as light as an article.
        """
        if not self._painted:
            # Before the page's first paint Qt has not begun its lazy layout, and the first
            # geometry query (setting selections is one) lays out the whole book at once.
            self._marks_waiting = True
            return
        layers = (self._annotation_layer, self._search_layer, self._flash_layer)
        if self._document is None or not any(len(layer) for layer in layers):
            if self.extraSelections():
                self.setExtraSelections([])
            return
        low, high = self._visible_range()
        marked_low, marked_high = self._marked_range
        if not force and marked_low <= low and high <= marked_high:
            return
        low, high = max(low - MARK_SLACK, 0), high + MARK_SLACK
        marks = self._annotation_layer.between(low, high, MAX_MARKS)
        marks += self._search_layer.between(low, high, MAX_MARKS)
        marks += self._flash_layer.between(low, high, 1)
        self.setExtraSelections([self._selection(mark) for mark in marks])
        self._marked_range = (low, high)

    def _selection(self, mark: Mark) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.qt_position(mark.start))
        cursor.setPosition(self.qt_position(mark.end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format.setBackground(mark.background)
        if mark.underline is not None:
            selection.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            selection.format.setUnderlineColor(mark.underline)
        return selection

    # -- layout: a comfortable measure, centred ----------------------------------------------------

    def _side_margin(self) -> int:
        em = self._font_size * 96 / 72
        text_width = MEASURE_IN_CHARACTERS * em
        return max(MIN_SIDE_MARGIN, int((self.viewport().width() - text_width) / 2))

    def _update_side_margins(self) -> None:
        """Re-centre the column after a resize; small changes are ignored because each one
        costs a full relayout."""
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
        if not self._painted:
            self._painted = True
            if self._marks_waiting:
                self._marks_waiting = False
                QTimer.singleShot(0, self, lambda: self._refresh_marks(force=True))

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
