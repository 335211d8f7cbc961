"""Keeping the library index current from the window: builds in a child process, notes synced
on a worker thread.

A build (`library_build.start_update`) brings in only what changed, so it is asked for freely:
after each document's first page is painted (the document has just joined the library) and when
Search Everything opens. Whoosh's writer holds the interpreter lock for long stretches, so the
build runs in a child process and reports through a pipe that a timer reads; the window never
waits for it: the child is started by a worker (handing it the library can block), and its exit
is collected by a timer. A build stopped by a quit resumes next time (each document is one
commit).

A committed annotation change is written to the index on a worker thread a moment later (one
small commit of the notes that changed). While a build runs, the sync waits for it: the build
holds the index's lock, and its notes are from when it started.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from reader.ui.workers import run_in_background

if TYPE_CHECKING:  # Whoosh and multiprocessing load after the first page, with the first build
    from multiprocessing.context import SpawnProcess

    from reader.annotations.store import AnnotationStore
    from reader.app.library_search import LibraryContents
    from reader.search.library_build import ChildMessages

POLL_MS = 100
NOTE_SYNC_DELAY_MS = 300
"""Edits in a burst (typing a note) are written to the index once, this long after the last."""
StoreOpener = Callable[[], "tuple[AnnotationStore | None, list[str]]"]


class _Signals(QObject):
    started = Signal(object)
    synced = Signal(int, str)


class LibraryIndexer(QObject):
    """Starts and watches library builds, and syncs edited notes into the index."""

    progress = Signal(float)
    """The running build's fraction done (0 to 1)."""
    finished = Signal(str)
    """A build ended well; the files it could not read, one per line (usually nothing)."""
    failed = Signal(str)
    """A build or a note sync could not write the index; why, for the user."""
    notes_synced = Signal(int)
    """Notes written to (or removed from) the index by a sync."""

    def __init__(self, cache_dir: Path, open_store: StoreOpener, parent: QObject) -> None:
        super().__init__(parent)
        self._cache_dir, self._open_store = cache_dir, open_store
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one sync at a time, in order
        self._signals = _Signals(self)
        self._signals.started.connect(self._on_started)
        self._signals.synced.connect(self._on_synced)
        self._child: SpawnProcess | None = None
        self._messages: ChildMessages | None = None
        self._reading = False  # a worker reads the library and starts the build's child
        self._again = False  # asked for while a build ran: run once more after it
        self._notes_waiting = False  # notes changed while a build ran
        self.fraction = 0.0
        self.ready = False
        """Whether the last build ended well (the index holds the library as it was then)."""
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._read_messages)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SYNC_DELAY_MS)
        self._note_timer.timeout.connect(self._sync_notes)
        self._ending: list[SpawnProcess] = []  # children that said their last word
        self._reap = QTimer(self, interval=POLL_MS)
        self._reap.timeout.connect(self._reap_children)
        self._closed = False
        self._contents: LibraryContents | None = None

    @property
    def building(self) -> bool:
        """Whether a build is under way (or about to start)."""
        return self._reading or self._child is not None

    def update(self) -> None:
        """Bring the index up to date in a child process (again after the running build)."""
        if self.building:
            self._again = True
            return
        store, _messages = self._open_store()  # on this thread: the store is opened once
        if store is None:
            return
        self._reading, self.fraction, signals = True, 0.0, self._signals
        cache_dir = self._cache_dir

        def read_and_start() -> None:
            from reader.app.library_search import load_indexed
            from reader.search.library_build import start_update

            try:
                documents, notes = self._contents_now().read(store)
                # Started here, not on the UI thread: the child is handed the library through a
                # pipe that holds 64 KiB, and a library with many notes fills it long before the
                # child, still starting Python, reads it.
                signals.started.emit(start_update(cache_dir, documents, notes, load_indexed))
            except Exception as error:  # a store that cannot be read: say so
                signals.started.emit(error)

        run_in_background(read_and_start, self._pool)

    def notes_changed(self) -> None:
        """An annotation change was committed: write it to the index shortly."""
        self._note_timer.start()

    def shutdown(self) -> None:
        """The window is going: stop a running build (what it committed stays, and the next
        build resumes from there; the child cancels its half-written commit) and let a sync
        under way finish."""
        self._closed = True
        self._poll.stop()
        self._note_timer.stop()
        self._pool.waitForDone(5_000)  # a child being started is then known, and stopped
        self._stop_child()

    def _stop_child(self) -> None:
        if self._messages is not None:
            self._messages.close()
        if self._child is not None:
            self._child.terminate()
        self._child, self._messages = None, None

    def _on_started(self, started: object) -> None:
        self._reading = False
        if isinstance(started, Exception):
            self.failed.emit(f"The library cannot be read: {started}")
            return
        self._child, self._messages = cast("tuple[SpawnProcess, ChildMessages]", started)
        if self._closed:  # the window went while the child was starting
            self._stop_child()
            return
        self._poll.start()

    def _read_messages(self) -> None:
        messages, child = self._messages, self._child
        assert messages is not None and child is not None
        while True:
            try:
                kind, value = messages.get_nowait()
            except queue.Empty:
                if not child.is_alive():  # killed, or crashed without a word
                    self._ended(failure="The library index build stopped unexpectedly.")
                return
            if kind == "progress":
                self.fraction = float(value)
                self.progress.emit(self.fraction)
            elif kind == "done":
                return self._ended(problems=str(value))
            else:
                return self._ended(failure=str(value))

    def _ended(self, problems: str = "", failure: str = "") -> None:
        self._poll.stop()
        if self._messages is not None:
            self._messages.close()
        if self._child is not None:  # it exits on its own: waited for by the timer, not here
            self._ending.append(self._child)
            self._reap.start()
        self._child, self._messages = None, None
        self.ready = not failure
        if failure:
            self.failed.emit(failure)
        else:
            self.finished.emit(problems)
        if self._again:
            self._again = False
            self.update()
        elif self._notes_waiting:
            self._sync_notes()

    def _reap_children(self) -> None:
        """Collect the children that have exited (`is_alive` does, without waiting)."""
        self._ending = [child for child in self._ending if child.is_alive()]
        if not self._ending:
            self._reap.stop()

    def _sync_notes(self) -> None:
        if self.building:
            self._notes_waiting = True
            return
        self._notes_waiting = False
        store, _messages = self._open_store()
        if store is None:
            return
        cache_dir, signals = self._cache_dir, self._signals

        def sync() -> None:
            from reader.search.library_index import LibraryIndexError
            from reader.search.library_notes import sync_index_notes

            try:
                notes = self._contents_now().read(store)[1]
                signals.synced.emit(sync_index_notes(cache_dir, notes), "")
            except LibraryIndexError as error:
                signals.synced.emit(0, str(error))
            except Exception as error:  # the store could not be read
                signals.synced.emit(0, f"The notes could not be indexed: {error}")

        run_in_background(sync, self._pool)

    def _contents_now(self) -> LibraryContents:
        """The library's reader (on the worker: a build after each document opened reads
        the notes again only when they changed)."""
        if self._contents is None:
            from reader.app.library_search import LibraryContents

            self._contents = LibraryContents()
        return self._contents

    def _on_synced(self, count: int, failure: str) -> None:
        self.ready = not failure
        if failure:
            self.failed.emit(failure)
        else:
            self.notes_synced.emit(count)
