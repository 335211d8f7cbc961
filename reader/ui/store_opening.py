"""Opening the annotation store on a worker thread, once, with a way for the UI to wait.

The first opening checks every row and may make a backup: about 300 ms with 10,000
annotations, long enough to freeze the window right after its first page. So it runs on a
worker, and `finished` tells the UI thread when the store is there. An explicit action that
needs the store before then (a highlight, the library, an import, closing the window) calls
`result()`, which waits for the worker, or runs the opener itself when no worker has begun it
yet (so it never waits behind other jobs queued in the pool).

The store can be handed across threads: its connection is made with `check_same_thread=False`
and every call on it is serialised by its own lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from reader.ui.workers import run_in_background

if TYPE_CHECKING:  # the store (SQLite) loads after the first page is painted
    from reader.annotations.store import AnnotationStore

StoreOpener = Callable[[], "tuple[AnnotationStore | None, list[str]]"]
"""Opens the store: the store (None when unavailable) and what to tell the user."""


class _Once:
    """The opening itself, free of Qt: whoever claims it first runs the opener, others wait.

    The worker holds only this and the signals, never the `StoreOpening`, which may be gone
    with its window by the time the worker finishes.
    """

    def __init__(self, opener: StoreOpener) -> None:
        self._opener = opener
        self._claimed = False
        self._claim_lock = threading.Lock()
        self.done = threading.Event()
        self.result: tuple[AnnotationStore | None, list[str]] = (None, [])
        self.ran_on: threading.Thread | None = None

    def claim(self) -> bool:
        """True for the first caller only: that one opens the store."""
        with self._claim_lock:
            claimed, self._claimed = self._claimed, True
        return not claimed

    def run(self) -> None:
        """Open the store (the claimant only); `done` is set by the caller once announced."""
        self.ran_on = threading.current_thread()
        try:
            self.result = self._opener()
        except Exception as error:  # a bug must not leave the window waiting forever
            self.result = (None, [f"Annotations are unavailable: {error!r}"])


class _Signals(QObject):
    finished = Signal()


class StoreOpening(QObject):
    """One opening of the store: started in the background, awaited or announced."""

    finished = Signal()
    """The opening is over (emitted on the UI thread): `result()` now answers at once."""

    def __init__(self, opener: StoreOpener, parent: QObject) -> None:
        super().__init__(parent)
        self._once = _Once(opener)
        self._signals = _Signals(self)
        self._signals.finished.connect(self.finished)

    @property
    def done(self) -> bool:
        """Whether the store has been opened (or found unavailable)."""
        return self._once.done.is_set()

    @property
    def opened_on(self) -> threading.Thread | None:
        """The thread the opener ran on: a worker's, unless the UI needed it before one began."""
        return self._once.ran_on

    def start(self) -> None:
        """Open the store on a worker thread; `finished` follows."""
        once, signals = self._once, self._signals

        def work() -> None:
            if not once.claim():
                return
            once.run()
            try:  # announced before `done`: a waiting window cannot have gone meanwhile
                signals.finished.emit()
            except RuntimeError:  # the window went without waiting: nobody is listening
                pass
            finally:
                once.done.set()

        run_in_background(work)

    def result(self) -> tuple[AnnotationStore | None, list[str]]:
        """The store and its messages, waiting for the worker if it is opening it now."""
        if self._once.claim():
            self._once.run()
            self._once.done.set()
        self._once.done.wait()
        return self._once.result
