"""A document's annotations read on a worker before its session opens.

Reading and sorting a document's annotations (`placement.open_annotations`) takes a tenth of a
second or more with ten thousand of them: on the UI thread, right after the first page, that
froze the window. The store serialises its calls, so a worker can read while the window goes
on; the session itself is then made on the UI thread from what was read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from reader.annotations.errors import StoreError
from reader.document.model import Document
from reader.ui.workers import report, run_in_background

if TYPE_CHECKING:  # SQLite loads after the first page is painted
    from reader.annotations.store import AnnotationStore


class SessionReading(QObject):
    """Reads documents' annotations on workers; `read` brings each back."""

    read = Signal(object, object)
    """The document and its `OpenedAnnotations` (None when the store refused: opening the
    session on the UI thread then says why)."""

    def __init__(self, parent: QObject, on_read: Callable[[Document, Any], None]) -> None:
        """Reading for `parent`; `on_read` is called on its thread with each answer."""
        super().__init__(parent)
        self.read.connect(on_read)

    def start(self, store: AnnotationStore, document: Document) -> None:
        """Read `document`'s annotations from `store` on a worker."""
        from reader.annotations.placement import OpenedAnnotations, open_annotations

        signal = self.read

        def work() -> None:
            opened: OpenedAnnotations | None
            try:
                opened = open_annotations(store, document)
            except StoreError:
                opened = None
            report(lambda: signal.emit(document, opened))

        run_in_background(work)
