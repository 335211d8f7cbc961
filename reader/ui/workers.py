"""Background jobs: slow work runs on a thread pool and reports back through signals.

Loading a 2.6 MB novel (decoding, cleanup, chapter detection) takes long enough to drop frames,
so the window hands it to a worker and keeps painting; results cross back to the UI thread as
queued signals carrying immutable core objects. Search and re-anchoring use the same `Job`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reader.document.errors import DocumentError
from reader.document.loader import load_document
from reader.document.model import Document
from reader.ui.plain_text import readable


class Job(QRunnable):
    """Runs one callable on a thread pool (a QRunnable cannot be made from a function).

    The callable reports through signals of an object that lives on the UI thread; it holds
    no reference to widgets, which may be gone by the time it finishes.
    """

    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        """Qt's entry point on the worker thread."""
        self._work()


def report(emit: Callable[[], None]) -> None:
    """Emit a worker's result; nothing if the object that was waiting for it (and its
    signals) went away while the worker ran, as a closed window does."""
    with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
        emit()


def run_in_background(work: Callable[[], None], pool: QThreadPool | None = None) -> None:
    """Start `work` on `pool` (the global pool by default)."""
    (pool or QThreadPool.globalInstance()).start(Job(work))


class LoadSignals(QObject):
    """Signals of one load job (a QRunnable cannot carry signals itself)."""

    loaded = Signal(object, int)
    """The `Document` and the request number it answers."""
    failed = Signal(str, int)
    """A message for the user and the request number (made `readable` before it is sent: Qt's
    strings silently drop the lone surrogates of an undecodable file name)."""


def _load(load: Callable[[], Document], request: int, signals: LoadSignals) -> None:
    try:
        document = load()
    except DocumentError as error:
        signals.failed.emit(readable(str(error)), request)
    except Exception as error:  # a bug must not leave the window waiting forever
        message = f"The file could not be opened: {error!r}"
        signals.failed.emit(readable(message), request)
    else:
        signals.loaded.emit(document, request)


class DocumentLoader(QObject):
    """Loads documents off the UI thread; only the answer to the latest request is delivered."""

    loaded = Signal(object)
    failed = Signal(str)
    settled = Signal()
    """Emitted after `loaded` or `failed` has been handled: the request is over."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = LoadSignals(self)
        self._signals.loaded.connect(self._deliver)
        self._signals.failed.connect(self._fail)
        self._latest_request = 0
        self._pending = False

    @property
    def busy(self) -> bool:
        """True while a load is under way."""
        return self._pending

    def load(self, path: Path, encoding: str | None = None, title: str | None = None) -> None:
        """Start loading `path`; `loaded` or `failed` follows."""
        self._latest_request += 1
        self._pending = True
        request, signals = self._latest_request, self._signals
        run_in_background(
            lambda: _load(lambda: load_document(path, encoding, title), request, signals)
        )

    def _deliver(self, document: Document, request: int) -> None:
        if request == self._latest_request:
            self._pending = False
            self.loaded.emit(document)
            self.settled.emit()

    def _fail(self, message: str, request: int) -> None:
        if request == self._latest_request:
            self._pending = False
            self.failed.emit(message)
            self.settled.emit()
