"""Connects the search panel, the page and the background search session.

Walking through hits follows reading order from where the reader is: the first Enter goes to
the first hit at or after the top of the page, later ones step through the hits and wrap at
the end (saying so), as in every reader and browser. The panel numbers the current hit in the
same order ("3 of 26") and keeps its row selected.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from reader.document.model import Document
from reader.search.results import Hit, SearchResult
from reader.ui.reader_view import ReaderView
from reader.ui.search_panel import SearchPanel
from reader.ui.search_session import SearchSession

HIT_POSITION_FROM_TOP = 0.3
"""A hit jumped to is shown a third of the way down the page, with context above it."""


class SearchController(QObject):
    """The behaviour of search in the window."""

    message = Signal(str)
    """A passing note for the status bar (e.g. "Search wrapped to the beginning")."""

    def __init__(
        self, view: ReaderView, panel: SearchPanel, session: SearchSession, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.view, self.panel, self.session = view, panel, session
        self.result: SearchResult | None = None
        self._hits: Sequence[Hit] = ()
        """The hits in reading order, made as they are read (see `reader.search.hits`)."""
        self._current: int | None = None
        self._pending_steps = 0  # Enter pressed before the results arrived
        panel.query_changed.connect(session.search)
        panel.hit_activated.connect(self.go_to_hit)
        panel.next_requested.connect(self.next_hit)
        panel.previous_requested.connect(self.previous_hit)
        panel.cleared.connect(self._forget)
        session.results_ready.connect(self._show)

    @property
    def current_hit(self) -> Hit | None:
        """The hit last gone to, if any."""
        return None if self._current is None else self._hits[self._current]

    def forget_document(self) -> None:
        """Another document is on the page: drop this one's hits and answers at once, so none
        is painted on it; queries asked before `document_opened` wait for the new one."""
        self._forget()
        self.session.forget_document()

    def document_opened(self, document: Document) -> None:
        """Prepare search for a new document, and repeat the current query in it."""
        self._forget()
        self.session.set_document(document)
        query = self.panel.active_query
        if query.strip():
            self.session.search(query)

    def next_hit(self) -> None:
        """Go to the next hit in reading order (the first one below the top of the page)."""
        if self.result is None:
            self._pending_steps = 1
            return
        if not self._hits:
            return
        if self._current is None:
            number = self._number_at(self.view.top_offset())
        else:
            number = self._current + 1
        if number >= len(self._hits):
            number = 0
            self.message.emit("Search wrapped to the beginning.")
        self._go_to(number)

    def previous_hit(self) -> None:
        """Go to the previous hit in reading order, wrapping at the beginning."""
        if self.result is None:
            self._pending_steps = -1
            return
        if not self._hits:
            return
        if self._current is None:
            number = self._number_at(self.view.top_offset()) - 1
        else:
            number = self._current - 1
        if number < 0:
            number = len(self._hits) - 1
            self.message.emit("Search wrapped to the end.")
        self._go_to(number)

    def go_to_hit(self, hit: Hit) -> None:
        """Go to a hit chosen in the panel."""
        number = self._number_at(hit.start)
        if number < len(self._hits):
            self._go_to(number)

    def go_to_hit_at(self, offset: int) -> bool:
        """Go to the first hit at or after canonical `offset` (the last hit when none is);
        False when there are no hits."""
        if not self._hits:
            return False
        number = self._number_at(offset)
        self._go_to(min(number, len(self._hits) - 1))
        return True

    def clear(self) -> None:
        """Forget the search and its marks."""
        self.panel.clear()

    def step_back(self) -> bool:
        """Esc: the first clears the query; the next, in the panel, closes it and returns to
        the page. False when search had nothing to step back from (Esc then means something
        else to the window)."""
        if self.panel.query_edit.text():
            self.panel.clear()
        elif self.panel.has_focus_within():
            self.panel.close_requested.emit()
            self.view.setFocus()
        else:
            return False
        return True

    def _go_to(self, number: int) -> None:
        self._current = number
        self.view.jump_to(self._hits[number].start, from_top=HIT_POSITION_FROM_TOP)
        self._mark_hits()
        self._show_current()

    def _show_current(self) -> None:
        number = self._current
        hit = None if number is None else self._hits[number]
        self.panel.show_current(hit, 0 if number is None else number + 1, len(self._hits))

    def _number_at(self, offset: int) -> int:
        """The number of the first hit at or after canonical `offset` (`len` when none is)."""
        return 0 if self.result is None else self.result.number_at(offset)

    def _mark_hits(self) -> None:
        """Show the hits on the page; this controller is the only keeper of the hit list."""
        hit = self.current_hit
        current = None if hit is None else (hit.start, hit.end)
        self.view.set_search_marks(self.result.hits if self.result else None, current)

    def _show(self, result: SearchResult) -> None:
        previous = self.current_hit if self.result and self.result.query == result.query else None
        self.result = result
        self._hits = result.in_reading_order()
        self._current = None
        if previous is not None:  # the same query answered again (now by the index): stay
            number = self._number_at(previous.start)
            if number < len(self._hits) and self._hits[number].start == previous.start:
                self._current = number
        self.panel.show_result(result)
        self._mark_hits()
        self._show_current()
        steps, self._pending_steps = self._pending_steps, 0
        if steps > 0:
            self.next_hit()
        elif steps < 0:
            self.previous_hit()

    def _forget(self) -> None:
        self.result, self._hits, self._current = None, (), None
        self._pending_steps = 0
        self._mark_hits()
