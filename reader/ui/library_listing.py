"""Reading the library's entries on a worker thread, the latest request winning.

Listing the library is one query plus a look at every file (is it still there?): about 0.36 s
for 10,000 entries, which froze the window each time the Library screen opened. The screen
asks here instead and keeps showing the list it had until the answer comes; an answer
overtaken by a newer request (the screen shown again, a book added meanwhile) is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from reader.annotations.errors import StoreError
from reader.ui.library_model import Listing
from reader.ui.workers import run_in_background


class _Signals(QObject):
    listed = Signal(object, object, int)
    failed = Signal(str, int)


class LibraryListing(QObject):
    """Delivers the entries of the latest `read`, never of an older one."""

    listed = Signal(object, object)
    """The `Listing` and the id of the document to keep selected (or None)."""
    failed = Signal(str)
    """The library could not be read; the message says why (the old list stays)."""
    settled = Signal()
    """The latest request has been answered (after `listed` or `failed`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest = 0
        self._answered = 0
        self.dropped = 0
        """Answers that arrived after a newer request (never shown)."""
        self._signals = _Signals(self)
        self._signals.listed.connect(self._on_listed)
        self._signals.failed.connect(self._on_failed)

    @property
    def busy(self) -> bool:
        """Whether a request is still unanswered."""
        return self._answered < self._latest

    def read(self, entries: Callable[[], Listing], keep: str | None = None) -> None:
        """Call `entries` on a worker; `listed` (or `failed`) follows unless overtaken."""
        self._latest += 1
        number, signals = self._latest, self._signals

        def work() -> None:
            try:
                signals.listed.emit(entries(), keep, number)
            except StoreError as error:
                signals.failed.emit(f"The library cannot be read: {error}", number)
            except Exception as error:  # a bug must not leave the screen waiting forever
                signals.failed.emit(f"The library cannot be read: {error!r}", number)

        run_in_background(work)

    def _current(self, number: int) -> bool:
        if number != self._latest:
            self.dropped += 1
            return False
        self._answered = number
        return True

    def _on_listed(self, entries: Listing, keep: str | None, number: int) -> None:
        if self._current(number):
            self.listed.emit(entries, keep)
            self.settled.emit()

    def _on_failed(self, message: str, number: int) -> None:
        if self._current(number):
            self.failed.emit(message)
            self.settled.emit()
