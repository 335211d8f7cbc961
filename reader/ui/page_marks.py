"""What is painted over the page: annotation highlights, search hits over them, and a flash.

Only marks on and near the page are turned into Qt extra selections, and again as the reader
scrolls: that keeps a novel with thousands of marks as light as an article. The layers hold
paint, not meaning: the search controller keeps the hits, the annotation session the
annotations; a hit's mark only knows whether it is the current one (to recolour it).

Each mark's extra selection is built once per page and kept while the mark is near the page:
Qt compares the selections it is given with the ones it has and repaints only what differs,
so a new highlight costs one selection built and one line repainted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from reader.ui.marks import Mark, MarkLayer
from reader.ui.search_marks import HitSpans, SearchMarks, Span
from reader.ui.theme import Theme

MAX_MARKS = 800
MARK_SLACK = 3000
"""Characters marked beyond the widened page, so small scrolls need no re-marking."""


class PageMarks:
    """The three layers of one page and the span of text they were last painted for."""

    def __init__(
        self,
        view: QTextEdit,
        offset_at_y: Callable[[int], int],
        qt_position: Callable[[int], int],
    ) -> None:
        self._view, self._offset_at_y, self._qt_position = view, offset_at_y, qt_position
        self.annotations = MarkLayer()
        self.search = SearchMarks()
        self.flash = MarkLayer()
        self._marked_range = (0, -1)
        self.painted = False
        """Whether the page has been painted since it was laid out (see `refresh`)."""
        self.waiting = False
        """Whether a refresh was asked for before the first paint."""
        self._selections: dict[int, tuple[Mark, list[QTextEdit.ExtraSelection]]] = {}
        """The selections last given to Qt, by the identity of their mark (see `refresh`)."""

    def new_page(self) -> None:
        """The view shows a page not yet painted: selections made for the old one are void."""
        self.painted = False
        self._selections = {}

    def page_painted(self) -> None:
        """After a new page's first paint, put on the marks that were waiting for it."""
        if not self.painted:
            self.painted = True
            if self.waiting:
                self.waiting = False
                QTimer.singleShot(0, self._view, lambda: self.refresh(force=True))

    def clear(self) -> None:
        """A new document: nothing is marked."""
        self.annotations, self.search, self.flash = MarkLayer(), SearchMarks(), MarkLayer()

    def change_annotations(self, removed: Sequence[Mark], added: Sequence[Mark]) -> None:
        """Take a few annotation marks out and put a few in, and paint what changed."""
        for mark in removed:
            self.annotations.remove(mark)
        for mark in added:
            self.annotations.add(mark)
        self.refresh(force=True)

    def set_search(self, hits: HitSpans | None, current: Span | None, theme: Theme) -> None:
        """Mark `hits` (None: none), the one at `current` more strongly. Walking the same hits
        (Enter, F3) keeps the marks already made: only the two whose strength changes are
        made again (see `SearchMarks`)."""
        if hits is not self.search.hits or theme is not self.search.theme:
            self.search = SearchMarks(hits, current, theme)
        self.search.current = current

    def recolour(self, theme: Theme) -> None:
        """The theme changed: the search marks take its colours."""
        self.search = SearchMarks(self.search.hits, self.search.current, theme)

    def set_flash(self, span: tuple[int, int] | None, theme: Theme) -> None:
        """One span marked strongly for a moment, or none."""
        colour = QColor(theme.search_current)
        self.flash = MarkLayer([Mark(span[0], span[1], colour)] if span else [])

    def refresh(self, force: bool = False) -> None:
        """Paint the marks near the page, unless the page is still within the painted span."""
        if not self.painted:
            # Before the page's first paint Qt has not begun its lazy layout, and the first
            # geometry query (setting selections is one) lays out the whole book at once.
            self.waiting = True
            return
        layers = (self.annotations, self.search, self.flash)
        if not any(len(layer) for layer in layers):
            if self._view.extraSelections():
                self._view.setExtraSelections([])
            return
        low, high = self._visible_range()
        marked_low, marked_high = self._marked_range
        if not force and marked_low <= low and high <= marked_high:
            return
        low, high = max(low - MARK_SLACK, 0), high + MARK_SLACK
        marks = self.annotations.between(low, high, MAX_MARKS)
        marks += self.search.between(low, high, MAX_MARKS)
        marks += self.flash.between(low, high, 1)
        self._view.setExtraSelections(self._selections_for(marks))
        self._marked_range = (low, high)

    def _selections_for(self, marks: list[Mark]) -> list[QTextEdit.ExtraSelection]:
        """The marks' selections: those made for the same marks before, and new ones."""
        made, self._selections = self._selections, {}
        selections = []
        for mark in marks:
            entry = made.get(id(mark))
            if entry is None or entry[0] is not mark:
                entry = (mark, self._selections_of(mark))
            self._selections[id(mark)] = entry
            selections.extend(entry[1])
        return selections

    def _visible_range(self) -> tuple[int, int]:
        """Canonical offsets of the text on the page, widened by a page's worth each way."""
        top = self._offset_at_y(0)
        bottom = self._offset_at_y(self._view.viewport().height())
        top, bottom = min(top, bottom), max(top, bottom)
        margin = max(bottom - top, 500)
        return max(top - margin, 0), bottom + margin

    def _selections_of(self, mark: Mark) -> list[QTextEdit.ExtraSelection]:
        """One selection per paragraph the mark covers. Qt measures a selection that spans
        paragraphs by the whole text's frame, which lays out the whole book at once (seconds
        for a novel opened with its highlights); within one paragraph it measures the lines."""
        page = self._view.document()
        start, end = self._qt_position(mark.start), self._qt_position(mark.end)
        block, selections = page.findBlock(start), []
        while block.isValid() and block.position() < end:
            low = max(start, block.position())
            high = min(end, block.position() + block.length() - 1)  # not the separator
            if low < high:
                selections.append(self._selection(page, low, high, mark))
            block = block.next()
        return selections

    @staticmethod
    def _selection(
        page: QTextDocument, low: int, high: int, mark: Mark
    ) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(page)
        cursor.setPosition(low)
        cursor.setPosition(high, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format.setBackground(mark.background)
        if mark.underline is not None:
            selection.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            selection.format.setUnderlineColor(mark.underline)
        return selection
