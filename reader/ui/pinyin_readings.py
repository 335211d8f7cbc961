"""The readings of the paragraphs on the page, kept by paragraph text and asked of the readings
child (`reader.chinese.reading_process`) in one batch per paint that finds new ones.

The window never works a reading out itself: a paint takes what is in hand, notes what is
missing, and asks for it once the paint is over; `arrived` tells the layer to paint again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from reader.ui.workers import report

if TYPE_CHECKING:
    from reader.chinese.reading_process import Found, Readings, ReadingsProcess

MAX_CACHED_PARAGRAPHS = 4000


class _Signals(QObject):
    read = Signal(object)
    """Readings by paragraph text, from the readings child's helper thread."""


class ParagraphReadings(QObject):
    """Readings by paragraph text: in hand, asked for, or still to ask for."""

    arrived = Signal()
    """New readings are in hand (paint again)."""

    def __init__(self, parent: QObject, source: ReadingsProcess | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._cache: dict[str, Readings] = {}
        self._waiting: list[str] = []
        self._asked: set[str] = set()
        self._signals = _Signals(self)
        self._signals.read.connect(self._on_read)

    def start(self) -> None:
        """Have the readings child loaded now (pinyin was turned on), not mid-scroll."""
        self._process().start()

    @property
    def busy(self) -> bool:
        """Whether readings that a paint wanted are still being worked out."""
        return bool(self._asked or self._waiting)

    @property
    def loading(self) -> bool:
        """Whether readings are wanted while the child is still loading its tables."""
        return self.busy and not self._process().ready.is_set()

    def get(self, text: str) -> Readings | None:
        """The readings of paragraph `text`, or None (it is then asked for by `ask`)."""
        readings = self._cache.get(text)
        if readings is None and text not in self._asked:
            self._waiting.append(text)
        return readings

    def ask(self) -> None:
        """Ask the child for the paragraphs found missing since the last call."""
        if not self._waiting:
            return
        batch, self._waiting = list(dict.fromkeys(self._waiting)), []
        self._asked.update(batch)
        signals = self._signals
        self._process().read(batch, lambda found: report(lambda: signals.read.emit(found)))

    def _process(self) -> ReadingsProcess:
        if self._source is None:
            from reader.chinese.reading_process import shared_process

            self._source = shared_process()
        return self._source

    def _on_read(self, found: Found) -> None:
        if len(self._cache) > MAX_CACHED_PARAGRAPHS:
            self._cache.clear()
        self._cache.update(found)
        self._asked.difference_update(found)
        self.arrived.emit()
