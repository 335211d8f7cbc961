"""The main window: the page with its panels, and the one owner of the current document.

The window asks the loader for documents and, once one is ready, hands it to the view, the
contents, search and annotations; none of them is asked for it back. Its commands come from
the table in `reader.ui.actions` (see `reader.ui.menus`); the pieces around the page are built
in their own modules (panels, navigation, appearance, status line, persistence).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow

from reader.app.services import Services
from reader.document.model import Document
from reader.search.folding import fold
from reader.ui.annotation_controller import AnnotationController
from reader.ui.annotation_files import AnnotationFiles
from reader.ui.annotation_gestures import AnnotationGestures
from reader.ui.annotations_panel import AnnotationsPanel
from reader.ui.appearance import Appearance
from reader.ui.book_links import BookLinks
from reader.ui.chinese_reading import ChineseReading
from reader.ui.file_menus import OPEN_FILE_FILTER, fill_encoding_menu, fill_recent_menu
from reader.ui.help_dialogs import HelpMenu
from reader.ui.highlight_imports import HighlightImports
from reader.ui.library_screen import LibraryScreen
from reader.ui.library_search_link import LibrarySearchLink
from reader.ui.menus import WindowActions, build_menu_bar
from reader.ui.message_bar import MessageBar, above
from reader.ui.navigation import Navigation, focus_page_unless_typing
from reader.ui.notebook_link import NotebookLink
from reader.ui.opening import Opening, Reply
from reader.ui.panels import Panels
from reader.ui.persistence import WindowPersistence
from reader.ui.plain_text import window_title
from reader.ui.reader_view import ReaderView
from reader.ui.search_controller import SearchController
from reader.ui.search_panel import SearchPanel
from reader.ui.search_session import SearchSession
from reader.ui.status_line import StatusLine
from reader.ui.sync_link import SyncLink
from reader.ui.toc_panel import TocPanel

APP_TITLE = "Reader"
SEARCH_PREPARE_DELAY_MS = 300


class MainWindow(QMainWindow):
    """One reading window."""

    def __init__(self, services: Services) -> None:
        """A window on the reader's `services` (the composition root builds them once)."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.services = services
        self.paths, self._settings = services.paths, services.settings
        self._document: Document | None = None
        self._build_page_and_panels()
        self.status_line = StatusLine(self.statusBar())
        self.persistence = WindowPersistence(
            self, self._settings, self.paths.settings_file, self._show_passing
        )
        self.appearance = Appearance(
            self,
            self._settings,
            self.view,
            [self.annotations.set_theme, self.gestures.set_theme, self.annotations_panel.set_theme],
        )
        self.appearance.changed.connect(self.persistence.save_soon)
        self.chinese.follow(self.appearance, self.persistence.save_soon, self.toc)
        self._search_prepare_timer = QTimer(self, singleShot=True, interval=SEARCH_PREPARE_DELAY_MS)
        self._search_prepare_timer.timeout.connect(self._prepare_search)
        self.opening = Opening(self._settings, self)
        self.loader = self.opening.loader
        self.opening.loading.connect(self.status_line.loading)
        self.opening.loaded.connect(self._on_loaded)
        self.opening.failed.connect(self._on_failed)
        self.notebook, self.help = NotebookLink(self), HelpMenu(self.paths, self)
        self.library_screen = LibraryScreen(self)
        self.library_search = LibrarySearchLink(self)
        self.sync = SyncLink(self)
        self._build_menus()
        self.persistence.restore(self.panels.toc_dock)
        self.appearance.apply()

    def _build_page_and_panels(self) -> None:
        self.message_bar = MessageBar()
        self.view = ReaderView(cache_dir=self.paths.cache_dir)
        self.view.position_changed.connect(self._on_position_changed)
        self.book_links = BookLinks(self.view)
        self.setCentralWidget(above(self.message_bar, self.view))
        self.toc = TocPanel()
        self.search_panel = SearchPanel()
        session = SearchSession(self)
        self.search = SearchController(self.view, self.search_panel, session, self)
        self.search.message.connect(self._show_passing)
        opener = self.services.annotation_store_if_possible  # opened after the first page
        self.annotations = AnnotationController(opener, self.view, self)
        self.annotations.failed.connect(self.message_bar.show_error)
        self.annotations.notice.connect(self.message_bar.show_info)
        self.gestures = AnnotationGestures(self.view, self.annotations, self)
        self.chinese = ChineseReading(self.view, self._settings, self.gestures, self)
        self.annotations_panel = AnnotationsPanel(self.annotations, fold)
        self.panels = Panels(self, self.toc, self.search_panel, self.annotations_panel)
        self.navigation = Navigation(self.view, self.toc, self.current_document, self)
        self.navigation.moved.connect(self._show_position)
        self.gestures.note_requested.connect(self.panels.edit_note)
        self.annotations_panel.go_to.connect(self.navigation.go_to_annotation)
        self.annotations_panel.editor.reattach_requested.connect(self._reattach_to_selection)
        self.annotation_files = AnnotationFiles(
            self, self.annotations, self.current_document, self.message_bar
        )
        files, load = self.annotation_files, self.services.load_document
        self.highlight_imports = HighlightImports(
            self, self.annotations, load, files.import_from, self.message_bar
        )

    def _build_menus(self) -> None:
        """The commands from the action table; the window fills the menus made of its state."""
        self.commands = WindowActions(self)
        menus = build_menu_bar(self.menuBar(), self.commands.by_id)
        self.recent_menu, self.encoding_menu = menus["recent"], menus["encoding"]
        fill_encoding_menu(self.encoding_menu, self.reopen_with_encoding)
        self.appearance.fill_theme_menu(menus["theme"])
        self.chinese.fill_menus(menus["characters"], self.commands.by_id)
        self.annotations.history_changed.connect(self.refresh_commands)
        self.refresh_commands()
        self._refresh_recent_menu()

    # -- the current document ----------------------------------------------------------------

    def current_document(self) -> Document | None:
        """The document on the page, if any: the window is its only keeper."""
        return self._document

    def current_path(self) -> Path | None:
        """The file the current document came from."""
        return self._document.source if self._document else None

    def has_document(self) -> bool:
        """Whether a document is open (enables the commands that need one)."""
        return self._document is not None

    def can_undo(self) -> bool:
        """Whether there is an annotation change to undo."""
        return self.annotations.undo_texts()[0] is not None

    def can_redo(self) -> bool:
        """Whether there is an undone annotation change to redo."""
        return self.annotations.undo_texts()[1] is not None

    def refresh_commands(self) -> None:
        """Enable the commands that apply now; Undo and Redo say what they would do."""
        self.commands.refresh()
        undo_text, redo_text = self.annotations.undo_texts()
        self.commands.by_id["undo"].setText(f"&Undo {undo_text or ''}".strip())
        self.commands.by_id["redo"].setText(f"&Redo {redo_text or ''}".strip())
        self.encoding_menu.setEnabled(self.has_document())

    # -- opening documents -----------------------------------------------------------------------

    def open_request(
        self, path: str | None, encoding: str | None = None, reply: Reply | None = None
    ) -> None:
        """Open `path` and come to the front; used at start-up and when a second `reader`
        hands its file to this window (`reply` is told how it went). No path: the document
        on the page stays, or at start-up the last one read is reopened."""
        self.opening.request(path, encoding, reply, showing=self._document is not None)
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def open_bundled_article(self) -> None:
        """Open the article that ships with the reader."""
        self.opening.open_bundled_article()

    def open_path(self, path: Path, encoding: str | None = None) -> None:
        """Open a user's file in the background; the current document stays until it is ready."""
        self.opening.open_path(path, encoding)

    def choose_file(self) -> None:
        """Ask for a file and open it."""
        current = self.current_path()
        start = str(current.parent if current else Path.home())
        name, _filter = QFileDialog.getOpenFileName(self, "Open a book", start, OPEN_FILE_FILTER)
        if name:
            self.open_path(Path(name))

    def reopen_with_encoding(self, encoding: str) -> None:
        """Decode the current file again with the encoding the user chose."""
        path = self.current_path()
        if path is None:
            self.message_bar.show_info("There is no file to reopen.")
            return
        self.opening.open_path(path, encoding)

    def _on_loaded(self, document: Document) -> None:
        self.status_line.idle()
        self._remember_position()
        self.message_bar.hide()
        offset = self._settings.position_of(document.fingerprint)
        self._document = document
        self.search.forget_document()
        self.navigation.document_opened()
        self.chinese.display.document_opened(document)  # how the page shows it, set first
        self.view.show_document(document, offset)
        self.annotations.document_opened(document)
        self.toc.set_entries(document.toc())
        self.toc.mark_position(offset)
        self.setWindowTitle(window_title(f"{document.title} — {APP_TITLE}"))
        focus_page_unless_typing(self.view)  # the keys scroll the new page straight away
        self.status_line.show_document(document)
        self._refresh_recent_menu()
        self._show_position(offset)
        self.refresh_commands()
        self.persistence.save()
        if document.metadata.notes:
            self.message_bar.show_info(" ".join(document.metadata.notes))
        # Search preparation (folding the text) waits until the first screens are laid out.
        self._search_prepare_timer.start()

    def _on_failed(self, message: str) -> None:
        self.status_line.idle()
        self.message_bar.show_error(message)

    def _prepare_search(self) -> None:
        if self._document is not None:
            self.search.document_opened(self._document)

    def _refresh_recent_menu(self) -> None:
        fill_recent_menu(self.recent_menu, self._settings, self.open_path)

    # -- where the reader is ----------------------------------------------------------------------

    def _on_position_changed(self, offset: int) -> None:
        self.toc.mark_position(offset)
        self._show_position(offset)
        self._remember_position(offset)
        self.persistence.save_soon()

    def _show_position(self, offset: int) -> None:
        if self._document is not None:
            self.status_line.show_position(self._document, offset)

    def _remember_position(self, offset: int | None = None) -> None:
        document = self._document  # an unmoved page keeps what is remembered (see SyncLink)
        at = self.view.top_offset() if offset is None else offset
        if document is not None and not self.sync.keeps_position(document, at):
            self._settings.remember_position(document.fingerprint, at, document.source)

    # -- commands ---------------------------------------------------------------------------------

    def escape(self) -> None:
        """Esc steps back through the search (`SearchController.step_back`), then full screen."""
        if not self.search.step_back() and self.isFullScreen():
            self.showNormal()

    def _reattach_to_selection(self, annotation_id: str) -> None:
        selected = self.gestures.selection()
        if selected is None:
            self.message_bar.show_info(
                "Select the passage on the page first, then choose “Attach to Selection”."
            )
            return
        self.annotations.reattach(annotation_id, *selected)

    def _show_passing(self, text: str) -> None:
        self.statusBar().showMessage(text, 4000)

    # -- drag and drop, closing ----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept a dragged local file."""
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Open the first dropped local file."""
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_path(Path(url.toLocalFile()))
                event.acceptProposedAction()
                return

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember everything, then go at once: background work is stopped out of sight."""
        self.annotations_panel.editor.save_note()  # nothing typed waits past the window
        self.annotations.open_store()  # a document closed before its first paint is recorded
        self._remember_position()
        self.persistence.save()
        self.hide()
        self.search.session.shutdown()
        super().closeEvent(event)
