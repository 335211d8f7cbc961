"""Filtering the notebook off the window's thread: the folded text match, the colour and tag
tests and the grouping into rows run on a worker, and only the latest request is answered.

Typing a filter over ten thousand annotations would otherwise hold the window for as long as
the filter takes. One filtering runs at a time: a request made meanwhile waits for it and
replaces any request still waiting, so fast typing costs one filtering per pause, not one per
key, and a stale answer is dropped, never shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal

from reader.annotations.notebook import Notebook, NotebookQuery
from reader.ui.notebook_model import grouped_rows
from reader.ui.workers import run_in_background


@dataclass(frozen=True)
class _Request:
    number: int
    notebook: Notebook
    query: NotebookQuery
    folded: frozenset[str]


class _Signals(QObject):
    done = Signal(int, object, object)
    """A request's number, the documents that passed and their rows."""


class NotebookFiltering(QObject):
    """Runs `Notebook.filtered` and `grouped_rows` on a worker; `ready` answers the latest."""

    ready = Signal(object, object)
    """The documents that pass the latest request's query, and their rows."""

    def __init__(self, fold: Callable[[str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fold = fold
        self._latest = 0
        self._running = False
        self._waiting: _Request | None = None
        self._pool = QThreadPool(self)  # made before the signals: deleted first, it waits for
        self._pool.setMaxThreadCount(1)  # its worker, whose answer then finds them still there
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)

    @property
    def busy(self) -> bool:
        """Whether a filtering runs or waits (the latest answer is still to come)."""
        return self._running or self._waiting is not None

    def request(self, notebook: Notebook, query: NotebookQuery, folded: frozenset[str]) -> None:
        """Filter `notebook` by `query` (`folded`: the documents shown without their rows);
        any earlier request not answered yet never will be."""
        self._latest += 1
        request = _Request(self._latest, notebook, query, folded)
        if self._running:
            self._waiting = request
        else:
            self._start(request)

    def _start(self, request: _Request) -> None:
        self._running = True
        fold, signals = self._fold, self._signals

        def work() -> None:
            try:
                shown = request.notebook.filtered(request.query, fold)
                rows = grouped_rows(shown, request.folded)
            except BaseException:
                signals.done.emit(request.number, None, None)  # the next request still runs
                raise
            signals.done.emit(request.number, shown, rows)

        run_in_background(work, self._pool)

    def _on_done(self, number: int, shown: object, rows: object) -> None:
        self._running = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._start(waiting)
        if number == self._latest and shown is not None:
            self.ready.emit(shown, rows)
