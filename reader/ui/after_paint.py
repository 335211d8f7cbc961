"""Running work once the screen shows the page: what the first look does not need waits for it.

Opening a document has a part the reader sees (the page) and parts nobody sees at that moment
(the annotation store's checks and writes, the search's preparation). Doing the hidden parts in
the same turn of the event loop delays the page by all of them; doing them right after the page
has been painted costs the user nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _NextPaint(QObject):
    """Watches one widget for its next paint, then calls back once (and goes)."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the paint, let it finish (and reach the screen), then call back."""
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
            self.deleteLater()
        return False


def after_next_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` right after `widget` next paints; at once (next turn of the event loop)
    when it is not visible, since then no paint may ever come."""
    if widget.isVisible():
        _NextPaint(widget, callback)
    else:
        QTimer.singleShot(0, callback)
