"""Search for the open document, kept off the UI thread.

Preparing the document (folding its text) and answering queries run on a thread pool; a scan
of the folded text answers any query on a novel in milliseconds, so there is nothing to build.

Each query carries a request number: a query overtaken by a newer one before its turn on the
worker is not answered at all, and of the answers only the latest is delivered, so fast typing
never shows (nor waits for) stale results. Until the searcher is ready, the latest query waits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from reader.document.model import Document
from reader.search.results import SearchResult
from reader.ui.workers import run_in_background

if TYPE_CHECKING:  # the searcher loads with the first document, after the first page
    from reader.search.searcher import DocumentSearcher


class _Signals(QObject):
    prepared = Signal(object, int)
    answered = Signal(object, int, int)
    skipped = Signal()


class SearchSession(QObject):
    """Owns the searcher of the current document and runs its work in the background."""

    results_ready = Signal(object)
    """A `SearchResult` for the latest query."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # answers in order; the newest one wins anyway
        self._signals = _Signals(self)
        self._signals.prepared.connect(self._on_prepared)
        self._signals.answered.connect(self._on_answered)
        self._signals.skipped.connect(self._on_skipped)
        self.queries_skipped = 0
        """How many queries were overtaken before their turn, and so never answered."""
        self._generation = 0  # bumped per document: answers for an old one are dropped
        self._query_number = 0
        self._searcher: DocumentSearcher | None = None
        self._pending_query: str | None = None

    @property
    def searcher(self) -> DocumentSearcher | None:
        """The current document's searcher, once prepared."""
        return self._searcher

    def forget_document(self) -> None:
        """Drop the current document's searcher: answers still on their way are for it, and
        queries wait (see `search`) until the next document is prepared."""
        self._generation += 1
        self._searcher = None

    def set_document(self, document: Document) -> None:
        """Start preparing search for a newly opened document."""
        self.forget_document()
        generation, signals = self._generation, self._signals

        def prepare() -> None:
            from reader.search.searcher import DocumentSearcher

            signals.prepared.emit(DocumentSearcher(document), generation)

        run_in_background(prepare, self._pool)

    def search(self, text: str) -> None:
        """Answer `text` in the background; `results_ready` follows unless a newer query
        overtakes it."""
        self._query_number += 1
        if self._searcher is None:
            self._pending_query = text
            return
        searcher, number, generation = self._searcher, self._query_number, self._generation
        signals = self._signals

        def answer() -> None:
            if number != self._query_number:  # overtaken while it waited: no work for nothing
                signals.skipped.emit()
                return
            result = searcher.search(text)
            result.sections()  # the list's grouping, made here rather than on the UI thread
            signals.answered.emit(result, number, generation)

        run_in_background(answer, self._pool)

    def shutdown(self) -> None:
        """Wait briefly for the workers."""
        self._pool.waitForDone(5_000)

    def _on_prepared(self, searcher: DocumentSearcher, generation: int) -> None:
        if generation != self._generation:
            return
        self._searcher = searcher
        if self._pending_query is not None:
            text, self._pending_query = self._pending_query, None
            self.search(text)

    def _on_skipped(self) -> None:
        self.queries_skipped += 1

    def _on_answered(self, result: SearchResult, number: int, generation: int) -> None:
        if generation == self._generation and number == self._query_number:
            self.results_ready.emit(result)
