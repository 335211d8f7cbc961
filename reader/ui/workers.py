"""Background jobs: slow work runs on the thread pool and reports back through signals.

Loading a 2.6 MB novel (decoding, cleanup, chapter detection) takes long enough to drop frames,
so the window hands it to a worker and keeps painting; results cross back to the UI thread as
queued signals carrying immutable core objects.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reader.document.errors import DocumentError
from reader.document.loader import load_document
from reader.document.model import Document
from reader.ui.plain_text import readable


class LoadSignals(QObject):
    """Signals of one load job (a QRunnable cannot carry signals itself)."""

    loaded = Signal(object, int)
    """The `Document` and the request number it answers."""
    failed = Signal(str, int)
    """A message for the user and the request number (made `readable` before it is sent: Qt's
    strings silently drop the lone surrogates of an undecodable file name)."""


class _LoadJob(QRunnable):
    def __init__(self, load: Callable[[], Document], request: int, signals: LoadSignals) -> None:
        super().__init__()
        self._load, self._request, self._signals = load, request, signals

    def run(self) -> None:
        try:
            document = self._load()
        except DocumentError as error:
            self._signals.failed.emit(readable(str(error)), self._request)
        except Exception as error:  # a bug must not leave the window waiting forever
            message = f"The file could not be opened: {error!r}"
            self._signals.failed.emit(readable(message), self._request)
        else:
            self._signals.loaded.emit(document, self._request)


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
        job = _LoadJob(
            lambda: load_document(path, encoding, title), self._latest_request, self._signals
        )
        QThreadPool.globalInstance().start(job)

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
