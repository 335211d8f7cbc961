"""Uses of the sync journal, one at a time, each on a worker thread with its own connection.

A round of sync, the dialog's look at the folder and a note's earlier versions all read or
write the journal; running them one after another means never two rounds at once and never a
look-up waiting on the journal's lock on the window's thread. A job is made when its turn comes,
so it starts from the window's state at that moment (the reading positions, for a round).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from reader.app.services import Services
from reader.ui.workers import run_in_background

if TYPE_CHECKING:
    from reader.sync.journal import Journal

Work = Callable[["Journal"], Any]
Done = Callable[[Any], None]
Job = Callable[[], "tuple[Work, Done] | None"]
"""Made when its turn comes (on the window's thread): the work for the worker, and what to do
with its result back on the window's thread; None when there is nothing to do any more."""


class _Signals(QObject):
    finished = Signal(object, object)
    """What to do with the result, and the result (or the exception the work raised)."""


class JournalQueue(QObject):
    """Runs journal jobs in order, one at a time, off the window's thread."""

    def __init__(
        self, services: Services, failed: Callable[[Exception], None], parent: QObject
    ) -> None:
        super().__init__(parent)
        self._services, self._failed = services, failed
        self._jobs: deque[Job] = deque()
        self.busy = False
        self._signals = _Signals(self)
        self._signals.finished.connect(self._finished)

    def enqueue(self, job: Job) -> None:
        """Run `job` after those already waiting."""
        self._jobs.append(job)
        self._next()

    def _next(self) -> None:
        while not self.busy and self._jobs:
            made = self._jobs.popleft()()
            if made is not None:
                self.busy = True
                self._start(*made)

    def _start(self, work: Work, done: Done) -> None:
        services, signals = self._services, self._signals

        def run() -> None:
            try:
                with services.sync_journal() as journal:
                    result = work(journal)
            except Exception as error:  # a bug or a broken journal must not stop sync
                result = error
            signals.finished.emit(done, result)

        run_in_background(run)

    def _finished(self, done: Done, result: object) -> None:
        self.busy = False
        if isinstance(result, Exception):
            self._failed(result)
        else:
            done(result)
        self._next()
