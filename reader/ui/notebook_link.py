"""The main window's Notebook command: the notebook window made on first use, kept current,
and what its gestures ask for (going to an annotation, Export All).

The notebook is read again whenever it is shown and, while it is shown, whenever the store's
revision moves: at once after a change in this window, within a second after one made by
another window or `reader` on the command line. Reading it is one query, writes nothing, and
runs on a worker thread, so a large notebook never stalls the window. The notebook's window and
its reading load when it is first shown: nothing of them is imported before the first page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from reader.annotations.errors import StoreError
from reader.app.atomic import write_atomically
from reader.app.services import Services
from reader.search.folding import fold
from reader.ui.appearance import Appearance
from reader.ui.notebook_jump import AnnotationJump, ReadingWindow
from reader.ui.theme import THEMES
from reader.ui.workers import run_in_background

if TYPE_CHECKING:
    from reader.annotations.notebook import Notebook, NotebookDocument
    from reader.ui.notebook_view import NotebookView

EXTERNAL_CHANGE_POLL_MS = 1000
EXPORT_FORMATS = {
    "markdown": ("annotations.md", "Markdown (*.md)"),
    "w3c": ("annotations.jsonld", "W3C Web Annotations (*.jsonld *.json)"),
}


class NotebookWindow(ReadingWindow, Protocol):
    """What the Notebook needs of the main window."""

    services: Services
    appearance: Appearance

    def window(self) -> QWidget: ...


class _Signals(QObject):
    read = Signal(int, object, str)
    """A reading's number, and what it read (revision, notebook) or why it could not."""


class NotebookLink(QObject):
    """Owns the notebook window (made on first use) for one main window."""

    def __init__(self, window: NotebookWindow) -> None:
        super().__init__(window.window())
        self._window = window
        self.view: NotebookView | None = None
        self._revision: int | None = None
        self._generation, self._reading = 0, False
        self._signals = _Signals(self)
        self._signals.read.connect(self._on_read)
        self._poll = QTimer(self, interval=EXTERNAL_CHANGE_POLL_MS)
        self._poll.timeout.connect(self._refresh_if_changed)
        window.annotations.changed.connect(self._refresh_if_changed)
        window.appearance.changed.connect(self._apply_theme)
        window.window().installEventFilter(self)
        self.jump = AnnotationJump(window, self._tell, self)

    def show(self) -> None:
        """View › Notebook: bring the notebook forward, read afresh, the filter ready to type."""
        view = self._view()
        self.refresh()
        view.show()
        view.raise_()
        view.activateWindow()
        view.filter.setFocus()

    @property
    def reading(self) -> bool:
        """Whether the notebook is being read (it is shown when the reading is done)."""
        return self._reading

    def refresh(self) -> None:
        """Read every annotation again, on a worker thread, and show them when read (the
        filters stay as they are): ten thousand take a few hundred milliseconds to read."""
        from reader.annotations.notebook import Notebook, read_notebook

        view = self._view()
        store, messages = self._window.services.annotation_store_if_possible()
        if store is None:
            view.set_notebook(Notebook([]), messages[0] if messages else "No annotation store.")
            return
        self._generation += 1
        generation, signals, self._reading = self._generation, self._signals, True

        def work() -> None:
            try:
                revision = store.revision()  # first: a change made meanwhile is read again
                notebook = read_notebook(store).prepare(fold)  # folds and tags, off the UI
                signals.read.emit(generation, (revision, notebook), None)
            except StoreError as error:
                signals.read.emit(generation, None, f"The annotations cannot be read: {error}")

        run_in_background(work)

    def _on_read(self, generation: int, read: tuple[int, Notebook] | None, error: str) -> None:
        if generation != self._generation or self.view is None:
            return  # a later reading is on its way, or the notebook is gone
        self._reading = False
        if read is None:
            from reader.annotations.notebook import Notebook

            self.view.set_notebook(Notebook([]), error)
            return
        self._revision, notebook = read
        self.view.set_notebook(notebook)

    def _view(self) -> NotebookView:
        if self.view is None:
            from reader.ui.notebook_view import NotebookView

            # A window of its own (no parent), so the reading window can come in front of it.
            self.view = NotebookView(fold)
            self.view.go_to.connect(self.jump.go)
            self.view.open_document.connect(self._open_document)
            self.view.export_requested.connect(self.export_all)
            self._apply_theme()
            self._poll.start()
        return self.view

    def _refresh_if_changed(self) -> None:
        view = self.view
        if view is None or not view.isVisible() or self._reading:
            return
        store, _messages = self._window.services.annotation_store_if_possible()
        try:
            changed = store is not None and store.revision() != self._revision
        except StoreError:
            changed = True
        if changed:
            self.refresh()

    def _apply_theme(self) -> None:
        if self.view is not None:
            self.view.set_theme(THEMES[self._window.services.settings.theme])

    def _open_document(self, document: NotebookDocument) -> None:
        self.jump.open(document)

    def _tell(self, message: str) -> None:
        self._view().message_bar.show_error(message)

    def export_all(self, kind: str) -> None:
        """Write every annotation (whatever the filters show) where the user says, atomically."""
        view = self._view()
        name, label = EXPORT_FORMATS[kind]
        chosen, _filter = QFileDialog.getSaveFileName(
            view, "Export all annotations", str(Path.home() / name), label
        )
        if chosen:
            self.export_to(Path(chosen), kind)

    def export_to(self, path: Path, kind: str) -> bool:
        """Write every annotation to `path` as `kind`; whether it was written (the notebook
        says how it went either way)."""
        from reader.annotations.exchange.all_documents import render_all  # loads on first use
        from reader.annotations.notebook import read_notebook

        view = self._view()
        store, messages = self._window.services.annotation_store_if_possible()
        try:
            if store is None:
                raise StoreError(messages[0] if messages else "There is no annotation store.")
            notebook = read_notebook(store)
            write_atomically(path, render_all(notebook.documents, kind))
        except StoreError as error:
            view.message_bar.show_error(f"Nothing was exported: {error}")
            return False
        except OSError as error:
            view.message_bar.show_error(
                f"The annotations could not be written to {path}: {error.strerror}."
            )
            return False
        documents = len(notebook.documents)
        view.message_bar.show_info(
            f"Exported {notebook.total} annotations of {documents}"
            f" document{'' if documents == 1 else 's'} to {path}."
        )
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The notebook goes with the reading window (else it would keep the app running)."""
        if event.type() == QEvent.Type.Close and self.view is not None:
            self.view.close()
            self.view.deleteLater()
            self.view = None
        return False
