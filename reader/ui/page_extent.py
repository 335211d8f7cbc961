"""The page's scroll range, final from the first paint.

Qt lays a long page out lazily after its first screen and meanwhile sets the scroll range from
an extrapolation of the part laid out so far: the handle slides and shrinks for a second or
more after the text is shown (the whole window is not final until it stops). So a short page
is laid out whole before it is shown (a few milliseconds), and a long one gets the height it
had when last laid out alike (`reader.app.page_heights`), or else one extrapolated once from
the part laid out before it is shown: the range is held there, against Qt's extrapolations,
until Qt has laid out the last paragraph. Then Qt's own range stands, and its height is
remembered for the next opening.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, qVersion
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextEdit

from reader.app.page_heights import PageHeights, page_key

FULL_LAYOUT_CHARACTERS = 60_000
"""A page up to this long is laid out whole at once (an article: a few milliseconds)."""


class PageExtent(QObject):
    """Holds a text view's vertical range at its page's known height while Qt lays it out."""

    def __init__(self, view: QTextEdit, cache_dir: Path | None) -> None:
        """Hold `view`'s range; the heights are remembered in `cache_dir` (with one)."""
        super().__init__(view)
        self._view = view
        self._heights = PageHeights(cache_dir) if cache_dir is not None else None
        self._page: QTextDocument | None = None
        self._key: str | None = None
        self._width = 0
        self.held: int | None = None
        """The page height the range is held at, while Qt is still laying the page out."""
        view.verticalScrollBar().rangeChanged.connect(self._on_range_changed)

    def new_page(self, page: QTextDocument, depends_on: Sequence[object]) -> None:
        """The view now shows `page`, whose layout is determined by `depends_on` (with its
        font and the view's width): give it its final range now if its height is known or cheap
        to know."""
        self._page, self._width = page, self._view.viewport().width()
        self._key, self.held = None, None
        if page.characterCount() <= FULL_LAYOUT_CHARACTERS:
            self.held = page.documentLayout().documentSize().toSize().height()
        else:
            if self._heights is not None:
                font = page.defaultFont().toString()
                self._key = page_key([*depends_on, font, self._width, qVersion()])
                self.held = self._heights.height_of(self._key)
            self.held = _checked_or_estimated(page, self.held)
        if self.held is not None:
            self._hold()
        if not self._release_if_laid_out():  # Qt reports each step of its layout
            page.documentLayout().documentSizeChanged.connect(self._on_layout_step)

    def _on_layout_step(self) -> None:
        self._on_range_changed(0, 0)

    def _on_range_changed(self, _minimum: int, _maximum: int) -> None:
        if self._page is None or self._release_if_laid_out() or self.held is None:
            return
        if _laid_out(self._page)[0] > self.held:  # not its height after all (fonts changed)
            self._forget()
            return
        self._hold()

    def _hold(self) -> None:
        assert self.held is not None
        bar = self._view.verticalScrollBar()
        maximum = max(0, self.held - self._view.viewport().height())
        if bar.maximum() != maximum:
            bar.setRange(0, maximum)

    def _release_if_laid_out(self) -> bool:
        """Let Qt's range stand, and remember the height, once the last paragraph is laid out
        (or when the page or its width changed, so the height held is no longer its own)."""
        page = self._page
        if page is None or page is not self._view.document():
            self._forget()
            return True
        if self._view.viewport().width() != self._width:
            self._forget()
            return True
        last = page.lastBlock().layout()
        if last is None or last.lineCount() == 0:
            return False
        if self._heights is not None and self._key is not None:
            self._heights.record(self._key, page.documentLayout().documentSize().toSize().height())
        self._forget()
        return True

    def _forget(self) -> None:
        self._page, self._key, self.held = None, None, None


def _checked_or_estimated(page: QTextDocument, known: int | None) -> int | None:
    """`known`, unless Qt has laid `page` out further down already (other fonts since), else
    the height extrapolated from the part laid out (at least the first screen): steadier than
    Qt's own extrapolation, which begins once a hundredth of the page is laid out. At the top
    of a long page any such estimate shows the same handle as the true height."""
    bottom, end = _laid_out(page)
    if known is not None and bottom <= known:
        return known
    return round(bottom * page.characterCount() / end) if end else None


def _laid_out(page: QTextDocument) -> tuple[float, int]:
    """How far down Qt has laid `page` out: the bottom of the last paragraph with lines, and
    the position where that paragraph ends. Qt lays paragraphs out in order, so a binary search
    finds it without laying out more."""
    layout = page.documentLayout()
    low, high = 0, page.blockCount() - 1
    if page.findBlockByNumber(low).layout().lineCount() == 0:
        return 0.0, 0
    while low < high:
        middle = (low + high + 1) // 2
        if page.findBlockByNumber(middle).layout().lineCount() > 0:
            low = middle
        else:
            high = middle - 1
    block = page.findBlockByNumber(low)
    return layout.blockBoundingRect(block).bottom(), block.position() + block.length()
