"""The main window: the page, the table of contents, menus, and the reading state around them.

The window owns no document logic. It asks the loader for documents, hands them to the view
and the TOC, and records where the reader is in `Settings`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QProgressBar,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from reader.annotations.model import Annotation
from reader.app.bundled import BUNDLED_ARTICLE_TITLE, bundled_article_path
from reader.app.services import Services
from reader.app.settings import MAX_FONT_SIZE, MIN_FONT_SIZE, Settings, decoded_blob, save_settings
from reader.document.model import Document, TocEntry
from reader.search.analysis import fold
from reader.ui.annotation_controller import AnnotationController
from reader.ui.annotation_gestures import AnnotationGestures
from reader.ui.annotations_panel import AnnotationsPanel
from reader.ui.history import JumpHistory
from reader.ui.menus import build_menus
from reader.ui.message_bar import MessageBar
from reader.ui.plain_text import menu_text, plain_label, plain_tooltip, readable, window_title
from reader.ui.reader_view import ReaderView
from reader.ui.search_controller import SearchController
from reader.ui.search_panel import SearchPanel
from reader.ui.search_session import SearchSession
from reader.ui.theme import THEMES
from reader.ui.toc_panel import TocPanel
from reader.ui.workers import DocumentLoader

APP_TITLE = "Reader"
SAVE_DELAY_MS = 1500
"""Settings are written this long after the last change, so a crash loses at most a moment."""
SEARCH_PANEL_WIDTH = 360
LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
SEARCH_PREPARE_DELAY_MS = 300
FLASH_MS = 700
TEXT_FILE_FILTER = "Text files (*.txt *.text *.md);;All files (*)"


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
        store, _messages = services.annotation_store_if_possible()

        self.message_bar = MessageBar()
        self.view = ReaderView()
        self.view.position_changed.connect(self._on_position_changed)
        self.history = JumpHistory()
        self.view.jumped.connect(self.history.jumped)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(central)

        self.toc = TocPanel()
        self.toc.entry_activated.connect(self.go_to_entry)
        self.toc_dock = self._dock("Contents", "tocDock", self.toc, LEFT)

        self.search_panel = SearchPanel()
        self.search_dock = self._dock("Search", "searchDock", self.search_panel, RIGHT)
        self.search_dock.hide()
        self.search = SearchController(
            self.view, self.search_panel, SearchSession(self.paths.cache_dir, self), self
        )
        self.search.message.connect(lambda text: self.statusBar().showMessage(text, 4000))

        self.annotations = AnnotationController(store, self.view, self)
        self.annotations.failed.connect(self.message_bar.show_error)
        self.gestures = AnnotationGestures(self.view, self.annotations, self)
        self.annotations_panel = AnnotationsPanel(self.annotations, fold)
        self.annotations_dock = self._dock(
            "Annotations", "annotationsDock", self.annotations_panel, RIGHT
        )
        self.tabifyDockWidget(self.search_dock, self.annotations_dock)
        self.annotations_dock.hide()
        for dock in (self.search_dock, self.annotations_dock, self.toc_dock):
            dock.visibilityChanged.connect(self._name_tab_bars)  # a method: dies with us
        self.gestures.note_requested.connect(self.edit_note)
        self.annotations_panel.go_to.connect(self.go_to_annotation)
        self.annotations_panel.editor.reattach_requested.connect(self._reattach_to_selection)
        self._flash_timer = self._timer(FLASH_MS, lambda: self.view.flash(None))
        self._search_prepare_timer = self._timer(SEARCH_PREPARE_DELAY_MS, self._prepare_search)
        self._save_timer = self._timer(SAVE_DELAY_MS, self.save_settings)

        self._section_label = plain_label()  # shows headings, which may look like markup
        self._progress_label = plain_label()
        self._encoding_label = plain_label()
        self._busy = QProgressBar()
        self._busy.setRange(0, 0)
        self._busy.setMaximumWidth(120)
        self._busy.setAccessibleName("Loading")
        self._busy.hide()
        status = self.statusBar()
        status.addWidget(self._section_label, 1)
        status.addPermanentWidget(self._busy)
        status.addPermanentWidget(self._encoding_label)
        status.addPermanentWidget(self._progress_label)

        self.loader = DocumentLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)

        self.recent_menu = QMenu()
        self.encoding_menu = QMenu()
        self.theme_actions = QActionGroup(self)
        build_menus(self)  # replaces the three placeholders above with the real ones
        self._refresh_recent_menu()
        self._restore_window()
        self.apply_appearance()

    # -- building blocks ---------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """A closable, movable panel (its object name keys the saved layout)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(area, dock)
        return dock

    def _timer(self, milliseconds: int, slot: Callable[[], object]) -> QTimer:
        """A single-shot timer owned by the window, so it never fires after the window is gone."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(milliseconds)
        timer.timeout.connect(slot)
        return timer

    # -- menus -------------------------------------------------------------------------------

    def add_shortcut_action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcuts: list[QKeySequence] | None = None,
    ) -> QAction:
        """An action whose shortcuts work even when the menu bar is hidden (full screen)."""
        action = QAction(text, self)
        if shortcuts:
            # A standard key may already include the explicit one (FindNext is F3 on Linux):
            # a duplicate would make Qt call the shortcut ambiguous and ignore it.
            unique = {s.toString(): s for s in shortcuts if not s.isEmpty()}
            action.setShortcuts(list(unique.values()))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        for recent in self._settings.recent_files:
            action = self.recent_menu.addAction(menu_text(recent))
            action.setToolTip(plain_tooltip(recent))
            action.triggered.connect(lambda _checked=False, p=recent: self.open_path(Path(p)))
        self.recent_menu.setEnabled(bool(self._settings.recent_files))

    # -- opening documents -----------------------------------------------------------------------

    def open_request(self, path: str | None, encoding: str | None = None) -> None:
        """Open `path` (None: the bundled article) and come to the front; used at start-up
        and when a second `reader PATH` hands its file to this window."""
        if path is None:
            self.open_bundled_article()
        else:
            self.open_path(Path(path), encoding)
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def open_bundled_article(self) -> None:
        """Open the article that ships with the reader."""
        self._start_loading(bundled_article_path(), None, BUNDLED_ARTICLE_TITLE)

    def open_path(self, path: Path, encoding: str | None = None) -> None:
        """Open a user's file in the background; the current document stays until it is ready."""
        self._start_loading(path.expanduser().absolute(), encoding, None)

    def choose_file(self) -> None:
        """Ask for a file and open it."""
        current = self.current_path()
        start = str(current.parent if current else Path.home())
        name, _filter = QFileDialog.getOpenFileName(self, "Open a text", start, TEXT_FILE_FILTER)
        if name:
            self.open_path(Path(name))

    def reopen_with_encoding(self, encoding: str) -> None:
        """Decode the current file again with the encoding the user chose."""
        path = self.current_path()
        if path is None:
            self.message_bar.show_info("There is no file to reopen.")
            return
        self._start_loading(path, encoding, None)

    def current_document(self) -> Document | None:
        """The document on the page, if any."""
        return self.view.shown_document

    def current_path(self) -> Path | None:
        """The file the current document came from."""
        document = self.current_document()
        return document.source if document else None

    def _start_loading(self, path: Path, encoding: str | None, title: str | None) -> None:
        self._busy.show()
        self.statusBar().showMessage(f"Opening {readable(path.name)}…")
        self.loader.load(path, encoding, title)

    def _on_loaded(self, document: Document) -> None:
        self._busy.hide()
        self.statusBar().clearMessage()
        self._remember_position()
        self.message_bar.hide()
        offset = self._settings.position_of(document.fingerprint)
        self.history.clear()
        self.view.show_document(document, offset)
        self.annotations.document_opened(document)
        self.toc.set_entries(document.toc())
        self.toc.mark_position(offset)
        self.setWindowTitle(window_title(f"{document.title} — {APP_TITLE}"))
        self.view.setFocus()  # the keys scroll the new page straight away
        self._encoding_label.setText(document.encoding.upper())
        if document.source and document.source != bundled_article_path():
            self._settings.add_recent_file(document.source)
            self._refresh_recent_menu()
        self._update_status(offset)
        self.save_settings()
        # Search preparation (folding, opening or building the index) waits until the page
        # has painted and Qt has laid out the first screens, so it never delays them.
        self._search_prepare_timer.start()

    def _prepare_search(self) -> None:
        document = self.current_document()
        if document is not None:
            self.search.document_opened(document)

    def escape(self) -> None:
        """Esc clears the search; with no search, it leaves full screen."""
        if self.search_panel.query_edit.text():
            self.search.clear()
        elif self.isFullScreen():
            self.showNormal()

    def start_search(self) -> None:
        """Ctrl+F: show the search panel with the cursor in its query box."""
        if not self.search_dock.isVisible() and self.search_dock.width() < SEARCH_PANEL_WIDTH:
            self.resizeDocks([self.search_dock], [SEARCH_PANEL_WIDTH], Qt.Orientation.Horizontal)
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_panel.focus_query()

    def _on_failed(self, message: str) -> None:
        self._busy.hide()
        self.statusBar().clearMessage()
        self.message_bar.show_error(message)

    # -- navigation -------------------------------------------------------------------------------

    def _name_tab_bars(self, _visible: bool = True) -> None:
        """Qt makes a tab bar for tabbed panels on demand; give each a name to announce."""
        for bar in self.findChildren(QTabBar):
            if not bar.accessibleName():
                bar.setAccessibleName("Panel tabs")

    def edit_note(self, annotation_id: str) -> None:
        """Show the Annotations panel with the cursor in this annotation's note."""
        self.annotations_dock.show()
        self.annotations_dock.raise_()
        self.annotations_panel.choose(annotation_id, edit_note=True)

    def go_to_annotation(self, annotation: Annotation) -> None:
        """Scroll to an annotation and flash it, so the eye finds it."""
        self.view.jump_to(annotation.start, from_top=0.3)
        self.view.flash((annotation.start, annotation.end))
        self._flash_timer.start()

    def _reattach_to_selection(self, annotation_id: str) -> None:
        selected = self.gestures.selection()
        if selected is None:
            self.message_bar.show_info(
                "Select the passage on the page first, then choose “Attach to Selection”."
            )
            return
        self.annotations.reattach(annotation_id, *selected)

    def go_to_entry(self, entry: TocEntry) -> None:
        """Scroll to a table-of-contents entry."""
        self.view.jump_to(entry.start)
        self.toc.mark_position(entry.start)
        self._update_status(entry.start)

    def next_section(self) -> None:
        """Go to the next heading after the one being read."""
        entries = self.toc.entries
        here = self.view.top_offset()
        following = [e for e in entries if e.start > here]
        if following:
            self.go_to_entry(following[0])

    def previous_section(self) -> None:
        """Go to the start of the section being read, or to the one before if already there."""
        entries = self.toc.entries
        here = self.view.top_offset()
        preceding = [e for e in entries if e.start < here]
        if preceding:
            self.go_to_entry(preceding[-1])

    def scroll_to_end(self) -> None:
        """Go to the end of the document."""
        document = self.current_document()
        if document is not None:
            self.view.jump_to(len(document.text))
        bar = self.view.verticalScrollBar()
        bar.setValue(bar.maximum())

    def scroll_to_beginning(self) -> None:
        """Go to the beginning of the document."""
        self.view.jump_to(0)

    def go_back(self) -> None:
        """Return to where the last jump left from."""
        target = self.history.back(self.view.top_offset())
        if target is not None:
            self.view.scroll_to_offset(target)

    def go_forward(self) -> None:
        """Undo a Back."""
        target = self.history.forward(self.view.top_offset())
        if target is not None:
            self.view.scroll_to_offset(target)

    def _on_position_changed(self, offset: int) -> None:
        self.toc.mark_position(offset)
        self._update_status(offset)
        document = self.current_document()
        if document is not None:
            self._settings.remember_position(document.fingerprint, offset, document.source)
            self._save_timer.start()

    def _update_status(self, offset: int) -> None:
        document = self.current_document()
        if document is None:
            return
        section = document.section_at(offset)
        self._section_label.setText(readable(section.title if section else document.title))
        percent = 100 * offset / max(len(document.text), 1)
        self._progress_label.setText(f"{percent:.0f}%")

    # -- appearance ---------------------------------------------------------------------------

    @property
    def theme_name(self) -> str:
        """The theme in use."""
        return self._settings.theme

    def set_theme(self, name: str) -> None:
        """Switch to theme `name` (light, sepia, dark)."""
        self._settings.theme = name
        for action in self.theme_actions.actions():
            action.setChecked(action.text() == THEMES[name].label)
        self.apply_appearance()

    def export_annotations(self, kind: str) -> None:
        """Save the document's annotations as Markdown or W3C JSON-LD, where the user says."""
        document = self.current_document()
        if document is None:
            return
        suffix, label = (
            (".md", "Markdown (*.md)")
            if kind == "markdown"
            else (
                ".jsonld",
                "W3C Web Annotations (*.jsonld *.json)",
            )
        )
        start = str(Path.home() / f"{document.title}-annotations{suffix}")
        name, _filter = QFileDialog.getSaveFileName(self, "Export annotations", start, label)
        if name:
            self._report(self.annotations.export(Path(name), kind))

    def import_annotations(self) -> None:
        """Read annotations from a W3C JSON-LD file into the open document."""
        name, _filter = QFileDialog.getOpenFileName(
            self, "Import annotations", str(Path.home()), "W3C Web Annotations (*.jsonld *.json)"
        )
        if name:
            self._report(self.annotations.import_file(Path(name)))

    def _report(self, outcome: tuple[bool, str]) -> None:
        ok, message = outcome
        if ok:
            self.message_bar.show_info(message)
        else:
            self.message_bar.show_error(message)

    def change_font_size(self, step: float) -> None:
        """Make the text larger or smaller, within sane bounds."""
        size = min(max(self._settings.font_size + step, MIN_FONT_SIZE), MAX_FONT_SIZE)
        self._settings.font_size = size
        self.apply_appearance()

    def reset_font_size(self) -> None:
        """Back to the default text size."""
        self._settings.font_size = Settings().font_size
        self.apply_appearance()

    def apply_appearance(self) -> None:
        """Apply the theme and font size from the settings to the whole window."""
        theme = THEMES[self._settings.theme]
        application().setPalette(theme.palette())  # menus and dialogs are windows of their own
        self.view.set_appearance(theme, self._settings.font_size)
        self.annotations.set_theme(theme)
        self.gestures.set_theme(theme)
        self.annotations_panel.set_theme(theme)
        self._save_timer.start()

    def toggle_full_screen(self) -> None:
        """Enter or leave full screen."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    # -- drag and drop ---------------------------------------------------------------------------

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

    # -- persistence ----------------------------------------------------------------------------

    def _restore_window(self) -> None:
        """Size and panels as last saved; Qt refuses a blob that is not its own (returns
        False), and then the defaults stand."""
        geometry = decoded_blob(self._settings.window_geometry)
        if not geometry or not self.restoreGeometry(QByteArray(geometry)):
            self.resize(1100, 780)
            self.resizeDocks([self.toc_dock], [280], Qt.Orientation.Horizontal)
        state = decoded_blob(self._settings.window_state)
        if state:
            self.restoreState(QByteArray(state))

    def _remember_position(self) -> None:
        document = self.current_document()
        if document is not None:
            offset = self.view.top_offset()
            self._settings.remember_position(document.fingerprint, offset, document.source)

    def save_settings(self) -> None:
        """Write preferences and reading positions; a failure is reported, never fatal."""
        self._save_timer.stop()
        self._settings.window_geometry = base64.b64encode(self.saveGeometry().data()).decode()
        self._settings.window_state = base64.b64encode(self.saveState().data()).decode()
        try:
            save_settings(self._settings, self.paths.settings_file)
        except OSError as error:
            self.statusBar().showMessage(f"Settings could not be saved: {error.strerror}", 5000)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember everything before the window goes."""
        self.annotations_panel.editor.save_note()  # nothing typed waits past the window
        self._remember_position()
        self.save_settings()
        self.search.session.shutdown()
        super().closeEvent(event)


def application() -> QApplication:
    """The running QApplication (the window is never built without one)."""
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance
