"""Opening a Search Everything hit: the document at the hit, every hit of the query marked.

The hits are marked by the document's own search: the query is run in its search panel, so the
page shows every match, the panel lists them and F3 walks them from the one opened. A document
opens in the background and its search is prepared after its first page, so the jump waits on
signals: the document loaded (the right file, or the user opened something else meanwhile),
then the panel's answer to the query; only then does it go to the hit. A note hit goes to its
annotation and flashes it (the query may be in the note, not in the text).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from reader.app.bundled import bundled_article_path
from reader.document.model import Document
from reader.search.library_model import HitKind, IndexedDocument, LibraryHit
from reader.search.results import SearchResult
from reader.ui.annotation_controller import AnnotationController
from reader.ui.navigation import Navigation
from reader.ui.opening import Opening
from reader.ui.panels import Panels
from reader.ui.reader_view import ReaderView
from reader.ui.search_controller import HIT_POSITION_FROM_TOP, SearchController
from reader.ui.search_panel import SearchPanel


class ReadingWindow(Protocol):
    """What the jump needs of the main window."""

    annotations: AnnotationController
    navigation: Navigation
    opening: Opening
    panels: Panels
    search: SearchController
    search_panel: SearchPanel
    view: ReaderView

    def current_document(self) -> Document | None: ...

    def open_path(self, path: Path, encoding: str | None = None) -> None: ...

    def open_bundled_article(self) -> None: ...

    def raise_(self) -> None: ...

    def activateWindow(self) -> None: ...


@dataclass(frozen=True)
class _Pending:
    path: Path
    hit: LibraryHit
    query: str


class LibraryJump(QObject):
    """Takes the reading window to hits chosen in Search Everything."""

    arrived = Signal()
    """The page shows the hit asked for, with the query's hits marked."""

    def __init__(
        self, window: ReadingWindow, tell: Callable[[str], None], parent: QObject | None = None
    ) -> None:
        """`tell` says why a hit cannot be opened (in the search window, where the user is)."""
        super().__init__(parent)
        self._window, self._tell = window, tell
        self._pending: _Pending | None = None
        window.opening.loaded.connect(self._on_loaded)
        window.opening.failed.connect(self._on_failed)
        window.search.session.results_ready.connect(self._on_results)

    @property
    def waiting(self) -> bool:
        """Whether a jump waits for its document or its search."""
        return self._pending is not None

    def go(self, document: IndexedDocument, hit: LibraryHit, query: str) -> None:
        """Show `hit` of `document` in the reading window, opening the document if needed."""
        self._pending = _Pending(document.path, hit, query)
        current = self._window.current_document()
        if current is not None and _same_file(current.source, document.path):
            if not self._window.opening.loader.busy:
                self._search_in_document()
            return  # else wait: the file being loaded may be this one
        if not os.path.exists(document.path):  # noqa: PTH110 - never raises, whatever the path
            self._pending = None
            self._tell(
                f"“{document.title}” cannot be opened: its file {document.path} is gone (moved,"
                " renamed or deleted). Open it where it is now, and it joins the library again."
            )
            return
        if _same_file(document.path, bundled_article_path()):
            self._window.open_bundled_article()
        else:
            self._window.open_path(document.path)

    def _on_loaded(self, document: Document) -> None:
        pending = self._pending
        if pending is None:
            return
        if not _same_file(document.source, pending.path):
            self._pending = None  # the user opened something else meanwhile
            return
        self._search_in_document()

    def _on_failed(self, message: str) -> None:
        if self._pending is not None:
            self._pending = None
            self._tell(message)

    def _search_in_document(self) -> None:
        """Run the query in the document's search panel; the hit is gone to when it answers."""
        pending = self._pending
        assert pending is not None
        window = self._window
        window.panels.search_dock.show()
        result = window.search.result
        if result is not None and result.query.text == pending.query:
            self._land()
        else:
            window.search_panel.search_for(pending.query)  # answered once search is ready

    def _on_results(self, result: SearchResult) -> None:
        if self._pending is not None and result.query.text == self._pending.query:
            self._land()

    def _land(self) -> None:
        pending, self._pending = self._pending, None
        assert pending is not None
        window, hit = self._window, pending.hit
        if hit.kind is HitKind.NOTE:
            annotation = window.annotations.find(hit.annotation_id)
            if annotation is not None:
                window.navigation.go_to_annotation(annotation)
            else:
                window.view.jump_to(hit.start, from_top=HIT_POSITION_FROM_TOP)
        elif hit.kind is not HitKind.TITLE and not window.search.go_to_hit_at(hit.start):
            window.view.jump_to(hit.start, from_top=HIT_POSITION_FROM_TOP)  # the file changed
        window.raise_()
        window.activateWindow()
        self.arrived.emit()


def _same_file(first: Path | None, second: Path) -> bool:
    return first is not None and os.path.realpath(first) == os.path.realpath(second)
