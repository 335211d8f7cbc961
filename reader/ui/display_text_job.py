"""The page's display text (characters converted, punctuation widened) worked out on a worker.

Converting the novel to Traditional takes about a second; done on the UI thread, View ›
Characters froze the window for that long. The conversion runs on the thread pool instead, the
page stays as it is meanwhile, and only the answer to the latest request is delivered: choosing
again, or opening another document, drops the answers still on their way.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from reader.ui.workers import report, run_in_background


def display_text(text: str, characters: str, full_width_punctuation: bool) -> str | None:
    """The text as the page shows it, or None when that is the text as written."""
    if characters == "as-written" and not full_width_punctuation:
        return None
    from reader.chinese.characters import CharacterForm, convert_characters
    from reader.chinese.punctuation import full_width_punctuation as widen

    shown = convert_characters(text, CharacterForm(characters))
    shown = widen(shown) if full_width_punctuation else shown
    return None if shown == text else shown


def _work(text: str, characters: str, full_width: bool) -> str | None:
    try:
        return display_text(text, characters, full_width)
    except Exception:  # a bug must not leave the page waiting forever: show it as written
        return None


class _Signals(QObject):
    done = Signal(object, int)
    """The display text (or None) and the request number it answers."""


class DisplayTextJob(QObject):
    """Works out display texts off the UI thread, delivering only the latest request's."""

    ready = Signal(object)
    """The display text asked for last (None: the text as written)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals(self)
        self._signals.done.connect(self._deliver)
        self._latest = 0
        self._pending = False

    @property
    def busy(self) -> bool:
        """True while the latest request is being worked out."""
        return self._pending

    def request(self, text: str, characters: str, full_width_punctuation: bool) -> None:
        """Work out `text` as shown in `characters` (and widened); `ready` follows, unless
        another request or `cancel` comes first."""
        self._latest += 1
        self._pending = True
        request, signals = self._latest, self._signals
        run_in_background(
            lambda: report(
                lambda: signals.done.emit(_work(text, characters, full_width_punctuation), request)
            )
        )

    def cancel(self) -> None:
        """Drop the answer on its way, if any (another document is being shown)."""
        self._latest += 1
        self._pending = False

    def _deliver(self, text: str | None, request: int) -> None:
        if request == self._latest:
            self._pending = False
            self.ready.emit(text)
