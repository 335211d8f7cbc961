"""Export and import of annotations: the file dialogs around `AnnotationController`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from reader.annotations.errors import ImportFormatError, StoreError
from reader.app.atomic import write_atomically
from reader.document.model import Document
from reader.ui.annotation_controller import AnnotationController
from reader.ui.message_bar import MessageBar

W3C_FILTER = "W3C Web Annotations (*.jsonld *.json)"
FORMATS = {"markdown": (".md", "Markdown (*.md)"), "w3c": (".jsonld", W3C_FILTER)}


class AnnotationFiles:
    """File › Export Annotations and Import Annotations, reported in the message bar."""

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
            self._report(*self.export_to(Path(name), kind))

    def import_file(self) -> None:
        """Read annotations from a W3C JSON-LD file into the open document."""
        name, _filter = QFileDialog.getOpenFileName(
            self._parent, "Import annotations", str(Path.home()), W3C_FILTER
        )
        if name:
            self._report(*self.import_from(Path(name)))

    def export_to(self, path: Path, kind: str) -> tuple[bool, str]:
        """Write the open document's annotations as Markdown or W3C JSON-LD."""
        controller = self._annotations
        if controller.session is None:
            return False, "Open a document first."
        from reader.annotations.exchange import render  # the formats load on first export

        placed, orphans = controller.annotations, controller.orphans
        content = render(controller.session.document, placed, orphans, kind)
        try:
            write_atomically(path, content)
        except OSError as error:
            return False, f"The annotations could not be written to {path}: {error.strerror}."
        count = len(placed) + len(orphans)
        return True, f"Exported {count} annotations to {path}."

    def import_from(self, path: Path) -> tuple[bool, str]:
        """Import W3C JSON-LD annotations; all or nothing, and never a duplicate."""
        session = self._annotations.session
        if session is None:
            return False, "Open a document first."
        try:
            report, changes = session.import_file(path)
        except OSError as error:
            return False, f"{path} cannot be read: {error.strerror}."
        except (ImportFormatError, StoreError) as error:
            return False, f"Nothing was imported: {error}"
        self._annotations.show_changes(changes)
        summary = report.summary()
        return True, f"{summary[0].upper()}{summary[1:]}."

    def _report(self, ok: bool, message: str) -> None:
        if ok:
            self._message_bar.show_info(message)
        else:
            self._message_bar.show_error(message)
