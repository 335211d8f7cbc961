"""File › Import Highlights…: another reader's file, the books it holds, and where they go.

The file is read and recognised at once (a refused file says why, and nothing is stored); a W3C
file goes into the open document as before; any other shows `ImportHighlightsDialog`. The
documents are then loaded and every highlight anchored on a worker thread (ten thousand
highlights on a novel take seconds), stored in one transaction, and the page is refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from reader.annotations.errors import ImportFormatError, StoreError
from reader.document.errors import DocumentError
from reader.document.model import Document
from reader.search.folding import fold
from reader.ui.annotation_controller import AnnotationController
from reader.ui.message_bar import MessageBar
from reader.ui.workers import run_in_background

if TYPE_CHECKING:  # the formats, the matching and the dialog load on the first import
    from reader.annotations.exchange.records import ForeignFile
    from reader.annotations.matching import Candidate
    from reader.ui.import_dialog import ImportHighlightsDialog

FILE_FILTER = (
    "Highlights (*.txt *.json *.jsonld *.lua);;Kindle My Clippings (*.txt);;"
    "KOReader (*.json *.lua);;JSON (*.json *.jsonld);;All files (*)"
)


class _Signals(QObject):
    finished = Signal(str)
    failed = Signal(str)


class HighlightImports:
    """Runs an import from the menu to the message bar."""

    def __init__(
        self,
        parent: QWidget,
        annotations: AnnotationController,
        load: Callable[[Path], Document],
        import_w3c: Callable[[Path], tuple[bool, str]],
        message_bar: MessageBar,
    ) -> None:
        """`import_w3c` takes a W3C file into the open document (ok, message)."""
        self._parent, self._annotations, self._load = parent, annotations, load
        self._import_w3c = import_w3c
        self._message_bar = message_bar
        self._signals = _Signals()
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(message_bar.show_error)
        self.dialog: ImportHighlightsDialog | None = None

    def choose_file(self) -> None:
        """Ask for a file, then import it."""
        name, _filter = QFileDialog.getOpenFileName(
            self._parent, "Import highlights", str(Path.home()), FILE_FILTER
        )
        if name:
            self.import_path(Path(name))

    def import_path(self, path: Path) -> None:
        """Read `path`; W3C into the open document, anything else through the dialog."""
        from reader.annotations.exchange.sniff import parse_foreign, read_import_file, sniff
        from reader.annotations.import_formats import W3C

        try:
            data = read_import_file(path)
            kind = sniff(data)
            if kind == W3C:
                ok, message = self._import_w3c(path)
                (self._message_bar.show_info if ok else self._message_bar.show_error)(message)
                return
            foreign = parse_foreign(data, kind)
        except OSError as error:
            self._message_bar.show_error(f"{path} cannot be read: {error.strerror}.")
            return
        except ImportFormatError as error:
            self._message_bar.show_error(f"Nothing was imported: {error}")
            return
        self._ask(foreign)

    def _ask(self, foreign: ForeignFile) -> None:
        from reader.annotations.matching import store_candidates
        from reader.ui.import_dialog import ImportHighlightsDialog

        store = self._annotations.open_store()
        if store is None:
            self._message_bar.show_error("Annotations are unavailable; nothing was imported.")
            return
        candidates = _with_open_document(store_candidates(store), self._annotations)
        self.dialog = ImportHighlightsDialog(foreign, candidates, self._parent)
        self.dialog.finished.connect(lambda result: self._on_answer(foreign, result))
        self.dialog.open()

    def _on_answer(self, foreign: ForeignFile, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None or result != QDialog.DialogCode.Accepted:
            return
        chosen, store = dialog.choices(), self._annotations.open_store()
        dialog.deleteLater()
        if not chosen or store is None:
            return
        from reader.annotations.foreign import ImportTarget, import_foreign

        opened, signals, load = self._annotations.document, self._signals, self._load

        def work() -> None:
            try:
                documents: dict[Path, Document] = {}
                targets = []
                for book, candidate in chosen:
                    document = documents.get(candidate.path)
                    if document is None:
                        same = opened is not None and opened.source == candidate.path
                        document = opened if same and opened else load(candidate.path)
                        documents[candidate.path] = document
                    record = store.open_document(
                        document.fingerprint, document.title, candidate.path
                    )
                    targets.append(ImportTarget(book, record, document))
                report = import_foreign(store, foreign.format, targets, fold)
            except (DocumentError, StoreError) as error:
                signals.failed.emit(f"Nothing was imported: {error}")
            else:
                signals.finished.emit(report.summary())

        self._message_bar.show_info(f"Importing {foreign.highlight_count} highlights…")
        run_in_background(work)

    def _on_finished(self, summary: str) -> None:
        self._annotations.reload()
        self._message_bar.show_info(f"Imported highlights: {summary}.")


def _with_open_document(
    candidates: list[Candidate], annotations: AnnotationController
) -> list[Candidate]:
    """The library's documents with the open one first (it may be new to the store)."""
    record, document = annotations.record, annotations.document
    if record is None or document is None or document.source is None:
        return candidates
    from reader.annotations.matching import Candidate

    here = Candidate(record.id, document.title, document.source, document.fingerprint)
    return [here, *(c for c in candidates if c.document_id != record.id)]
