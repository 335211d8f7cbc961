"""Search Everything's queries, answered on a worker thread; only the latest answer is shown.

Each query is numbered. The worker skips a query that a newer one has overtaken before it
started, and an answer that arrives after a newer query was asked is dropped, so fast typing
never paints an old answer over a new one. The library (documents and notes) is read from the
store for every query, on the worker: a note saved a moment ago is searched at once, by the
index when it already holds it and by scanning it otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from reader.ui.library_indexer import StoreOpener
from reader.ui.workers import run_in_background

if TYPE_CHECKING:  # Whoosh loads with the first query, never before the first page
    from reader.search.library_model import LibraryResult
    from reader.search.library_searcher import LibrarySearcher


@dataclass(frozen=True, slots=True)
class LibraryAnswer:
    """A query's result, and the quotes of the notes it found (a hit carries only the note)."""

    result: LibraryResult
    quotes: dict[str, str] = field(default_factory=dict)
    """Annotation id -> the quoted passage."""
    documents: int = 0
    """Documents in the library when it was asked (0: the library is empty)."""


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
        self._searcher: LibrarySearcher | None = None
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
            from reader.app.library_search import library_contents

            try:
                documents, notes = library_contents(store)
                result = self._searcher_now().search(text, documents, notes)
            except Exception as error:  # a bug must not leave the window waiting
                self._signals.failed.emit(f"The library could not be searched: {error!r}", number)
            else:
                if store is None and messages:  # why the library is empty
                    result = replace(result, note=f"{messages[0]} {result.note}".strip())
                found = {hit.annotation_id for group in result.groups for hit in group.hits}
                quotes = {n.annotation_id: n.quote for n in notes if n.annotation_id in found}
                answer = LibraryAnswer(result, quotes, len(documents))
                self._signals.answered.emit(answer, number)

        run_in_background(answer, self._pool)

    def cancel(self) -> None:
        """Drop the answers on their way (the query box was emptied)."""
        self._latest += 1

    def forget_index(self) -> None:
        """Let the next query open the index afresh (a build replaced its files)."""

        def forget() -> None:
            if self._searcher is not None:
                self._searcher.forget_index()

        run_in_background(forget, self._pool)

    def wait_until_idle(self, timeout_ms: int = 5_000) -> bool:
        """Wait for the queries asked so far to finish on the worker (their answers are then
        delivered with the next turn of the event loop); False on a timeout."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self) -> None:
        """Skip the queries still queued and wait briefly for the one under way."""
        self.cancel()
        self.wait_until_idle()

    def _searcher_now(self) -> LibrarySearcher:
        """The searcher, made on the worker thread with the first query."""
        if self._searcher is None:
            from reader.app.library_search import load_indexed
            from reader.search.library_searcher import LibrarySearcher

            self._searcher = LibrarySearcher(self._cache_dir, load_indexed)
        return self._searcher

    def _on_answered(self, answer: LibraryAnswer, number: int) -> None:
        if number == self._latest:
            self.answered.emit(answer)
        else:
            self.answers_dropped += 1

    def _on_failed(self, message: str, number: int) -> None:
        if number == self._latest:
            self.failed.emit(message)
