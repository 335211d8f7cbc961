"""Re-anchoring the annotations made on another text of a file, on a worker thread.

Finding each stale annotation again in the changed text (quote, context, fuzzy search) takes a
while for many of them; the page is already shown, so it runs in the background and the
controller saves the placements (one transaction) when `anchored` arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from reader.ui.workers import run_in_background

if TYPE_CHECKING:
    from reader.annotations.session import AnnotationSession


class Reanchoring(QObject):
    """Places a session's stale annotations in its text off the UI thread."""

    anchored = Signal(object, object)
    """The session and its stale annotations, placed (or orphaned) in its document's text."""

    def start(self, session: AnnotationSession) -> None:
        """Place `session`'s stale annotations; `anchored` follows."""
        from reader.annotations.placement import place

        anchored, stale, document = self.anchored, list(session.stale), session.document
        run_in_background(lambda: anchored.emit(session, place(stale, document)))
