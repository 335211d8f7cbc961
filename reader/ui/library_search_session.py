"""Search Everything's queries, answered off the window's thread; only the latest is shown.

Each query is numbered. A worker thread reads the library (documents and notes) from the store,
has a child process search it (`reader.search.library_search_child`: the search's objects and
garbage collections would stall the window on a thread of its own process), and makes the
list's rows, so the window only swaps them in. The worker skips a query that a newer one has
overtaken before it started, and an answer that arrives after a newer query was asked is
dropped, so fast typing never paints an old answer over a new one. A note saved a moment ago
is searched at once, by the index when it already holds it and by scanning it otherwise.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from reader.ui.library_indexer import StoreOpener
from reader.ui.library_search_model import HITS_SHOWN, LibraryAnswer, answer_of
from reader.ui.workers import run_in_background

if TYPE_CHECKING:  # the search's modules load with the first query, never before the first page
    from reader.app.library_search import LibraryContents
    from reader.search.library_search_child import SearchChild

__all__ = ["LibraryAnswer", "LibrarySearchSession"]


class _Signals(QObject):
    answered = Signal(object, int)
    failed = Signal(str, int)


class LibrarySearchSession(QObject):
    """Owns the library searcher and runs its queries in the background, in order."""

    answered = Signal(object)
    """The `LibraryAnswer` to the latest query."""
    failed = Signal(str)
    """The latest query could not be answered; why, for the user."""

    def __init__(self, cache_dir: Path, open_store: StoreOpener, parent: QObject) -> None:
        super().__init__(parent)
        self._cache_dir, self._open_store = cache_dir, open_store
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # the searcher is used by one thread at a time
        self._signals = _Signals(self)
        self._signals.answered.connect(self._on_answered)
        self._signals.failed.connect(self._on_failed)
        self._child: SearchChild | None = None
        self._contents: LibraryContents | None = None
        self._latest = 0
        self.answers_dropped = 0
        """Answers that arrived after a newer query (never shown)."""

    @property
    def latest(self) -> int:
        """The number of the latest query."""
        return self._latest

    def search(self, text: str) -> None:
        """Answer `text` in the background; `answered` or `failed` follows unless a newer
        query overtakes it."""
        self._latest += 1
        number = self._latest
        store, messages = self._open_store()  # on this thread: the store is opened once

        def answer() -> None:
            if number != self._latest:
                return  # overtaken before it started: nobody will see its answer
            try:
                documents, notes = self._contents_now().read(store)
                result = self._child_now().search(text, documents, notes)
                if store is None and messages:  # why the library is empty
                    result = replace(result, note=f"{messages[0]} {result.note}".strip())
                answer = answer_of(result, notes, len(documents))
            except Exception as error:  # a bug must not leave the window waiting
                from reader.search.library_search_child import SearchChildError

                why = str(error) if isinstance(error, SearchChildError) else repr(error)
                self._signals.failed.emit(f"The library could not be searched: {why}", number)
            else:
                self._signals.answered.emit(answer, number)

        run_in_background(answer, self._pool)

    def cancel(self) -> None:
        """Drop the answers on their way (the query box was emptied)."""
        self._latest += 1

    def prepare(self) -> None:
        """Start the search process now, so that the first query does not wait for it."""

        def start() -> None:
            from reader.search.library_search_child import SearchChildError

            with contextlib.suppress(SearchChildError, OSError):  # the first query will say
                self._child_now().start()

        run_in_background(start, self._pool)

    def forget_index(self) -> None:
        """Let the next query open the index afresh (a build replaced its files)."""

        def forget() -> None:
            if self._child is not None:
                self._child.forget_index()

        run_in_background(forget, self._pool)

    def wait_until_idle(self, timeout_ms: int = 5_000) -> bool:
        """Wait for the queries asked so far to finish on the worker (their answers are then
        delivered with the next turn of the event loop); False on a timeout."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self) -> None:
        """Skip the queries still queued, stop the search process (a query it is answering is
        abandoned) and wait briefly for the worker."""
        self.cancel()
        if self._child is not None:
            self._child.close()
        self.wait_until_idle()

    @property
    def search_process(self) -> int | None:
        """The search process's id, once started."""
        return self._child.pid if self._child is not None else None

    def _contents_now(self) -> LibraryContents:
        """The library's reader, made on the worker thread with the first query."""
        if self._contents is None:
            from reader.app.library_search import LibraryContents

            self._contents = LibraryContents()
        return self._contents

    def _child_now(self) -> SearchChild:
        """The search process's parent side, made on the worker thread with the first query."""
        if self._child is None:
            from reader.app.library_search import load_indexed
            from reader.search.library_search_child import SearchChild

            self._child = SearchChild(self._cache_dir, load_indexed, HITS_SHOWN + 1)
        return self._child

    def _on_answered(self, answer: LibraryAnswer, number: int) -> None:
        if number == self._latest:
            self.answered.emit(answer)
        else:
            self.answers_dropped += 1

    def _on_failed(self, message: str, number: int) -> None:
        if number == self._latest:
            self.failed.emit(message)
