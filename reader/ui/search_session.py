"""Search for the open document, kept off the UI thread.

Three kinds of background work. Preparing the document (folding its text, opening its index)
and answering queries run on a thread pool; building the index when there is none (seconds
for a novel, with progress) runs in a child process, because Whoosh would hold the
interpreter lock and freeze the window.

Each query carries a request number and only the latest answer is delivered, so fast typing
never shows stale results. Until the searcher is ready, the latest query waits; while the
index builds, queries are answered by scanning, and the result says so.
"""

from __future__ import annotations

import queue
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from reader.document.model import Document
from reader.search.results import SearchResult
from reader.ui.workers import run_in_background

CHILD_POLL_MS = 100
TERMINATE_GRACE_S = 0.2
if TYPE_CHECKING:  # the searcher, Whoosh and the build child load with the first document
    from multiprocessing.context import SpawnProcess

    from reader.search.background import ChildMessages
    from reader.search.searcher import DocumentSearcher

    _Child = tuple[SpawnProcess, ChildMessages]


class _Signals(QObject):
    prepared = Signal(object, object, int)
    progress = Signal(float, int)
    built = Signal(str, int)
    answered = Signal(object, int, int)


class SearchSession(QObject):
    """Owns the searcher of the current document and runs its work in the background."""

    results_ready = Signal(object)
    """A `SearchResult` for the latest query."""
    index_progress = Signal(float)
    """Fraction of the index built, while building."""
    index_status = Signal(str)
    """A short sentence on the index: being built, ready, or why it cannot be used."""

    def __init__(self, cache_dir: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache_dir = cache_dir
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)  # one may build while the other answers
        self._signals = _Signals(self)
        self._signals.prepared.connect(self._on_prepared)
        self._signals.progress.connect(self._on_progress)
        self._signals.built.connect(self._on_built)
        self._signals.answered.connect(self._on_answered)
        self._generation = 0  # bumped per document: answers for an old one are dropped
        self._query_number = 0
        self._searcher: DocumentSearcher | None = None
        self._pending_query: str | None = None
        self._child: _Child | None = None
        self._child_generation = 0
        self._poll = QTimer(self)
        self._poll.setInterval(CHILD_POLL_MS)
        self._poll.timeout.connect(self._poll_child)
        self.building = False

    @property
    def searcher(self) -> DocumentSearcher | None:
        """The current document's searcher, once prepared."""
        return self._searcher

    def forget_document(self) -> None:
        """Drop the current document's searcher: answers still on their way are for it, and
        queries wait (see `search`) until the next document is prepared."""
        self._stop_child()
        self.building = False
        self._generation += 1
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None

    def set_document(self, document: Document) -> None:
        """Start preparing search for a newly opened document."""
        self.forget_document()
        generation, cache_dir = self._generation, self._cache_dir

        signals = self._signals  # jobs hold no reference to the session itself

        def prepare() -> None:
            from reader.search.background import start_build
            from reader.search.searcher import DocumentSearcher

            searcher = DocumentSearcher(document, cache_dir)
            child = None
            if not searcher.open_index() and cache_dir is not None:
                try:  # spawning takes a moment: not on the window's thread
                    child = start_build(document, cache_dir)
                except (OSError, RuntimeError) as error:
                    searcher.mark_unavailable(f"The search index cannot be built ({error}).")
            signals.prepared.emit(searcher, child, generation)

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
            signals.answered.emit(searcher.search(text), number, generation)

        run_in_background(answer, self._pool)

    def shutdown(self) -> None:
        """Stop any build and wait briefly for the workers."""
        self._stop_child()
        self._pool.waitForDone(5_000)
        if self._searcher is not None:
            self._searcher.close()

    # -- answers from the workers ----------------------------------------------------------------

    def _on_prepared(
        self, searcher: DocumentSearcher, child: _Child | None, generation: int
    ) -> None:
        if generation != self._generation:
            searcher.close()
            if child is not None:
                _terminate(child)
            return
        self._searcher = searcher
        if child is not None:
            self._watch(child, generation)
        else:
            self.index_status.emit(searcher.problem)
        if self._pending_query is not None:
            text, self._pending_query = self._pending_query, None
            self.search(text)

    def _watch(self, child: _Child, generation: int) -> None:
        """Follow a build running in a child process (see `reader.search.background`)."""
        self._stop_child()
        self.building = True
        self.index_status.emit("Building the search index…")
        self._child, self._child_generation = child, generation
        self._poll.start()

    def _poll_child(self) -> None:
        """Relay the child's messages; when it is done, open the index it built."""
        if self._child is None:
            self._poll.stop()
            return
        process, messages = self._child
        generation = self._child_generation
        while True:
            try:
                kind, value = messages.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                self._signals.progress.emit(float(value), generation)
            else:
                self._finish_child(str(value) if kind == "failed" else "", generation)
                return
        if not process.is_alive():  # died without a word: killed, out of memory
            self._finish_child("The search index could not be built.", generation)

    def _finish_child(self, problem: str, generation: int) -> None:
        self._stop_child()
        searcher = self._searcher
        if searcher is None or generation != self._generation:
            return
        if problem:
            searcher.mark_unavailable(problem)
            self._signals.built.emit(problem, generation)
            return

        signals = self._signals

        def open_built() -> None:
            opened = searcher.open_index()
            signals.built.emit("" if opened else searcher.problem, generation)

        run_in_background(open_built, self._pool)

    def _stop_child(self) -> None:
        self._poll.stop()
        if self._child is not None:
            _terminate(self._child)
            self._child = None

    def _on_progress(self, fraction: float, generation: int) -> None:
        if generation == self._generation:
            self.index_progress.emit(fraction)

    def _on_built(self, problem: str, generation: int) -> None:
        if generation != self._generation:
            return
        self.building = False
        self.index_status.emit(problem)

    def _on_answered(self, result: SearchResult, number: int, generation: int) -> None:
        from reader.search.searcher import IndexState

        if generation != self._generation:
            return
        searcher = self._searcher
        if searcher is not None and searcher.state is IndexState.MISSING and not self.building:
            self._rebuild(searcher)  # the index was found damaged while answering
        if number == self._query_number:
            self.results_ready.emit(result)

    def _rebuild(self, searcher: DocumentSearcher) -> None:
        """Build the index again in a child process, after it was found damaged."""
        from reader.search.background import start_build

        if self._cache_dir is None:
            return
        try:
            child = start_build(searcher.document, self._cache_dir)
        except (OSError, RuntimeError) as error:
            searcher.mark_unavailable(f"The search index cannot be built ({error}).")
            return
        self._watch(child, self._generation)


def _terminate(child: _Child) -> None:
    """End a build process without keeping anyone waiting: asked first (it then removes its
    half-built workspace), killed when it does not answer at once (a long C call inside Whoosh
    can hold it for seconds, and the index is only a cache: the next build starts afresh)."""
    process, messages = child
    messages.close()
    if process.is_alive():
        process.terminate()
        process.join(timeout=TERMINATE_GRACE_S)
    if process.is_alive():
        process.kill()
        process.join(timeout=TERMINATE_GRACE_S)
