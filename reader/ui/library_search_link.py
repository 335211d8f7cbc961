"""The main window's Search Everything: its window (made on first use), its queries, and the
library index kept current in the background.

The index is built when Search Everything first opens, and from then on brought up to date a
moment after each document's first page is painted (the document has just joined the library;
only what changed is indexed) and whenever Search Everything opens: a reader who never uses it
never pays for a build child. A committed annotation change reaches the index shortly after.
Nothing here loads Whoosh: the searcher and the build load it on first use, after the first
page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from reader.app.services import Services
from reader.ui.after_paint import after_next_paint
from reader.ui.appearance import Appearance
from reader.ui.library_indexer import LibraryIndexer
from reader.ui.library_search_jump import LibraryJump, ReadingWindow
from reader.ui.library_search_session import LibraryAnswer, LibrarySearchSession
from reader.ui.theme import THEMES

if TYPE_CHECKING:
    from reader.search.library_model import IndexedDocument, LibraryHit
    from reader.ui.library_search_window import LibrarySearchView

BUILD_DELAY_MS = 1000
"""After a document's first page, the build waits this long: the first screens, the store and
the document's own search come first."""


class SearchAllWindow(ReadingWindow, Protocol):
    """What Search Everything needs of the main window."""

    services: Services
    appearance: Appearance

    def window(self) -> QWidget: ...


class LibrarySearchLink(QObject):
    """Owns Search Everything for one main window."""

    def __init__(self, window: SearchAllWindow) -> None:
        super().__init__(window.window())
        self._window = window
        self.view: LibrarySearchView | None = None
        self._answer: LibraryAnswer | None = None
        self._rebuilt_once = False  # a lost index is rebuilt once per showing, not per query
        services = window.services
        cache_dir, opener = services.paths.cache_dir, services.annotation_store_if_possible
        self.indexer = LibraryIndexer(cache_dir, opener, self)
        self.session = LibrarySearchSession(cache_dir, opener, self)
        self.jump = LibraryJump(window, self._tell, self)
        self._build_timer = QTimer(self, singleShot=True, interval=BUILD_DELAY_MS)
        self._build_timer.timeout.connect(self.indexer.update)
        window.opening.loaded.connect(self._on_document_loaded)
        window.annotations.changed.connect(self.indexer.notes_changed)
        window.appearance.changed.connect(self._apply_theme)
        self.indexer.progress.connect(lambda _fraction: self._show_status())
        self.indexer.finished.connect(self._on_built)
        self.indexer.failed.connect(self._on_build_failed)
        self.session.answered.connect(self._on_answered)
        self.session.failed.connect(self._tell)
        window.window().installEventFilter(self)

    def show(self) -> None:
        """Edit › Search Everything: bring the window forward, the query ready to type; bring
        the index up to date meanwhile."""
        view = self._view()
        view.show()
        view.raise_()
        view.activateWindow()
        view.focus_query()
        self._rebuilt_once = False
        self.session.prepare()
        self.indexer.update()
        self._show_status()

    def _view(self) -> LibrarySearchView:
        if self.view is None:
            from reader.ui.library_search_window import LibrarySearchView

            # A window of its own (no parent), so the reading window can come in front of it.
            self.view = LibrarySearchView()
            self.view.query_changed.connect(self._search)
            self.view.open_requested.connect(self._open)
            self._apply_theme()
        return self.view

    def _on_document_loaded(self, _document: object) -> None:
        after_next_paint(self._window.view.viewport(), self._update_if_used)

    def _update_if_used(self) -> None:
        """Keep the library index current once there is one (or Search Everything is open)."""
        from reader.search.library_location import library_index_directory

        cache_dir = self._window.services.paths.cache_dir
        if self.view is not None or library_index_directory(cache_dir).exists():
            self._build_timer.start()

    def _search(self, text: str) -> None:
        if not text.strip():
            self._answer = None
            self.session.cancel()
            self._show_status()
            return
        self.session.search(text)

    def _on_answered(self, answer: LibraryAnswer) -> None:
        view = self.view
        if view is None or not view.sent_query.strip():
            return
        self._answer = answer
        view.show_answer(answer)
        self._show_status()
        lost = answer.documents and not answer.result.from_index and answer.result.note
        if lost and not self.indexer.building and not self._rebuilt_once:
            self._rebuilt_once = True  # deleted or damaged meanwhile: it is only a cache
            self.indexer.update()
            self._show_status()

    def _on_built(self, problems: str) -> None:
        self.session.forget_index()
        if problems and self.view is not None:
            self.view.message_bar.show_info(f"Some files could not be indexed:\n{problems}")
        self._search_again()

    def _on_build_failed(self, message: str) -> None:
        if self.view is not None:
            self.view.message_bar.show_error(f"{message} Search goes on by scanning.")
        self._show_status()

    def _search_again(self) -> None:
        """Ask the shown query again, so the answer says how it is answered now."""
        if self.view is not None and self.view.sent_query.strip():
            self.session.search(self.view.sent_query)
        else:
            self._show_status()

    def _show_status(self) -> None:
        from reader.ui.library_search_window import status_text

        if self.view is not None:
            indexer = self.indexer
            self.view.set_status(
                status_text(self._answer, indexer.building, indexer.fraction, indexer.ready)
            )

    def _open(self, document: IndexedDocument, hit: LibraryHit) -> None:
        if self.view is not None:
            self.jump.go(document, hit, self.view.sent_query)

    def _tell(self, message: str) -> None:
        self._view().message_bar.show_error(message)

    def _apply_theme(self) -> None:
        if self.view is not None:
            self.view.set_theme(THEMES[self._window.services.settings.theme])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Search Everything goes with the reading window, and so does its background work."""
        if event.type() == QEvent.Type.Close:
            if self.view is not None:
                self.view.close()
                self.view.deleteLater()
                self.view = None
            self.session.shutdown()
            self.indexer.shutdown()
        return False
