"""Export of annotations: the file dialogs around `AnnotationController` (import:
`highlight_imports`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from reader.document.model import Document
from reader.ui.annotation_controller import AnnotationController
from reader.ui.message_bar import MessageBar

W3C_FILTER = "W3C Web Annotations (*.jsonld *.json)"
FORMATS = {
    "markdown": (".md", "Markdown (*.md)"),
    "w3c": (".jsonld", W3C_FILTER),
    "kindle": (".txt", "Kindle My Clippings (*.txt)"),
    "koreader": (".json", "KOReader JSON (*.json)"),
}


class AnnotationFiles:
    """File › Export Annotations, reported in the message bar."""

    def __init__(
        self,
        parent: QWidget,
        annotations: AnnotationController,
        current_document: Callable[[], Document | None],
        message_bar: MessageBar,
    ) -> None:
        self._parent, self._annotations = parent, annotations
        self._current_document, self._message_bar = current_document, message_bar

    def export(self, kind: str) -> None:
        """Save the document's annotations as `kind` (markdown, w3c), where the user says."""
        document = self._current_document()
        if document is None:
            return
        suffix, label = FORMATS[kind]
        start = str(Path.home() / f"{document.title}-annotations{suffix}")
        name, _filter = QFileDialog.getSaveFileName(
            self._parent, "Export annotations", start, label
        )
        if name:
            self._report(*self._annotations.export(Path(name), kind))

    def _report(self, ok: bool, message: str) -> None:
        if ok:
            self._message_bar.show_info(message)
        else:
            self._message_bar.show_error(message)
