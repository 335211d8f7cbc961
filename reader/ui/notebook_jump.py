"""Going from the notebook to an annotation: open its document if another one is on the page,
then scroll to the annotation and flash it.

A document opens in the background, and its annotations made on an older text of the file are
re-anchored after it has opened, so the jump waits: each time the window's annotations change it
looks for the annotation again, until it is placed (scroll there), an orphan (show it in the
Annotations panel, since it has no place on the page), gone, or the user opened something
else. A file that is gone is said plainly, and nothing is opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject

from reader.annotations.model import Annotation
from reader.app.bundled import bundled_article_path
from reader.ui.annotation_controller import AnnotationController
from reader.ui.annotations_panel import AnnotationsPanel
from reader.ui.message_bar import MessageBar
from reader.ui.navigation import Navigation
from reader.ui.opening import Opening
from reader.ui.panels import Panels

if TYPE_CHECKING:
    from reader.annotations.notebook import NotebookDocument


class ReadingWindow(Protocol):
    """What the jump needs of the main window (it is handed the window, typed by this)."""

    annotations: AnnotationController
    annotations_panel: AnnotationsPanel
    message_bar: MessageBar
    navigation: Navigation
    opening: Opening
    panels: Panels

    def open_path(self, path: Path, encoding: str | None = None) -> None: ...

    def open_bundled_article(self) -> None: ...


@dataclass(frozen=True)
class _Pending:
    document_id: str
    annotation_id: str


class AnnotationJump(QObject):
    """Takes the reading window to annotations chosen in the notebook."""

    def __init__(
        self,
        window: ReadingWindow,
        tell: Callable[[str], None],
        parent: QObject | None = None,
        exists: Callable[[Path], bool] = os.path.exists,
    ) -> None:
        """`tell` shows the user why a jump cannot be made (in the notebook, where they are)."""
        super().__init__(parent)
        self._window, self._tell, self._exists = window, tell, exists
        self._pending: _Pending | None = None
        self._arrived = False
        window.annotations.changed.connect(self._look_again)
        window.opening.loaded.connect(self._on_loaded)
        window.opening.failed.connect(self._on_failed)

    @property
    def waiting(self) -> bool:
        """Whether a jump waits for its document to open."""
        return self._pending is not None

    def go(self, document: NotebookDocument, annotation: Annotation) -> None:
        """Show `annotation` of `document` in the reading window, opening it if needed."""
        pending = _Pending(document.record.id, annotation.id)
        if self._on_page(document):
            self._pending = pending
            self._look_again()
            return
        if self._pending is not None and self._pending.document_id == pending.document_id:
            self._pending = pending  # already opening: a double click opens it once
            return
        if self.open(document):
            self._pending, self._arrived = pending, False

    def open(self, document: NotebookDocument) -> bool:
        """Open `document` in the reading window; False (and the user told why) if it cannot."""
        path, title = document.record.path, document.record.title
        if path is None:
            self._tell(
                f"“{title}” has no file to open: its annotations were imported. Open the"
                " document it belongs to, and its annotations appear there."
            )
            return False
        if not self._exists(path):
            self._tell(
                f"“{title}” cannot be opened: its file {path} is gone (moved, renamed or"
                " deleted). Open the file where it is now, and its annotations follow it."
            )
            return False
        self._pending = None
        if os.path.realpath(path) == os.path.realpath(bundled_article_path()):
            self._window.open_bundled_article()
        else:
            self._window.open_path(path)
        return True

    def _on_page(self, document: NotebookDocument) -> bool:
        record = self._window.annotations.record
        return record is not None and record.id == document.record.id

    def _on_loaded(self, _document: object) -> None:
        """A document is on the page: the next change that is not the one waited for ends it."""
        self._arrived = True
        self._look_again()

    def _on_failed(self, _message: str) -> None:
        self._pending = None  # the window says why, in its own message bar

    def _look_again(self) -> None:
        pending = self._pending
        if pending is None:
            return
        controller = self._window.annotations
        record = controller.record
        if record is None or record.id != pending.document_id:
            if self._arrived:
                self._pending = None  # something else was opened meanwhile
            return
        session = controller.session
        if session is not None and any(a.id == pending.annotation_id for a in session.stale):
            return  # being re-anchored: its place is known soon
        self._pending = None
        self._show(pending.annotation_id)

    def _show(self, annotation_id: str) -> None:
        controller, window = self._window.annotations, self._window
        annotation = controller.find(annotation_id)
        if annotation is None:
            self._tell("That annotation is no longer there: it was deleted meanwhile.")
        elif annotation in controller.orphans:
            window.panels.annotations_dock.show()
            window.panels.annotations_dock.raise_()
            window.annotations_panel.choose(annotation_id)
            window.message_bar.show_info(
                "This annotation could not be placed in the document's current text; it is"
                " chosen in the Annotations panel, where it can be attached to a passage."
            )
        else:
            window.navigation.go_to_annotation(annotation)
