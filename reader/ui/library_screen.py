"""The library in the window: the screen in place of the page, and the work behind its buttons.

The Library screen shares the page's place (a stack), and has the whole window (the panels
step aside): Ctrl+L shows it and goes back, and it is the start screen when the document read
last is gone. Opening an entry loads it as File › Open does; the page comes back once a
document is ready, however it was opened. Adding reads every file on a worker (`Job`), with
the progress and then the summary in the message bar; the table stays usable, and a second
window adding at once is fine (the store serialises writers). Whatever the store refuses
becomes a message; nothing is lost.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog, QStackedWidget, QWidget

from reader.annotations.errors import StoreError
from reader.app.bundled import bundled_article_path
from reader.app.services import Services
from reader.library.adding import AddReport
from reader.library.catalogue import Entry, Library, LibraryError
from reader.search.folding import fold
from reader.ui.annotation_controller import AnnotationController
from reader.ui.library_listing import LibraryListing
from reader.ui.library_model import Listing, prepare
from reader.ui.library_view import LibraryView
from reader.ui.message_bar import MessageBar
from reader.ui.opening import Opening
from reader.ui.persistence import WindowPersistence
from reader.ui.plain_text import readable
from reader.ui.workers import run_in_background

TEXT_FILE_FILTER = "Text files (*.txt *.text *.md *.markdown);;All files (*)"


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    located = Signal(object, str)


class Window(Protocol):
    """What the screen needs of the main window (it never imports the window)."""

    @property
    def view(self) -> QWidget: ...
    @property
    def message_bar(self) -> MessageBar: ...
    @property
    def services(self) -> Services: ...
    @property
    def opening(self) -> Opening: ...
    @property
    def persistence(self) -> WindowPersistence: ...
    def open_path(self, path: Path, encoding: str | None = None) -> None: ...
    def open_bundled_article(self) -> None: ...
    def has_document(self) -> bool: ...
    @property
    def annotations(self) -> AnnotationController: ...
    def installEventFilter(self, watcher: QObject) -> None: ...
    def findChildren(self, kind: type[QDockWidget]) -> list[QDockWidget]: ...


class LibraryScreen(QObject):
    """Shows the library in the window and carries out what is asked on it."""

    def __init__(self, window: Window) -> None:
        """Put a stack in the page's place in its layout, holding the page and the library,
        and follow the window's opening of documents (and its closing, to stop adding)."""
        super().__init__(window.view)
        self._services, self._bar = window.services, window.message_bar
        self._window = weakref.ref(window)  # the window owns this screen: no cycle back
        self._docks = window.findChildren(QDockWidget)
        self._hidden_docks: list[QDockWidget] = []
        self.view = LibraryView(fold)
        self.page = page = window.view
        self.stack = QStackedWidget()
        holder = page.parentWidget()
        layout = holder.layout() if holder is not None else None
        assert layout is not None, "the page sits in a layout"
        layout.replaceWidget(page, self.stack)
        self.stack.addWidget(page)
        self.stack.addWidget(self.view)
        self._signals = _Signals(self)
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_added)
        self._signals.located.connect(self._on_located)
        self.listing = LibraryListing(self)  # read on a worker: the old list shows meanwhile
        self.listing.listed.connect(self._on_listed)
        self.listing.failed.connect(self._on_listing_failed)
        self._stop = threading.Event()
        self.adding = False
        self.view.open_requested.connect(self.open_entry)
        self.view.remove_requested.connect(self.remove)
        self.view.locate_requested.connect(self.locate)
        self.view.add_files_requested.connect(self.add_files)
        self.view.add_folder_requested.connect(self.add_folder)
        self.view.back_requested.connect(self.back)
        window.opening.loaded.connect(self.document_shown)
        window.opening.lost.connect(self.show)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The window is closing: stop adding (what was saved stays saved), and put back the
        panels the library hid, so the layout saved is the reader's."""
        if event.type() == QEvent.Type.Close:
            self._stop.set()
            self._show_docks()
        return super().eventFilter(watched, event)

    @property
    def showing(self) -> bool:
        """Whether the library is on screen (instead of the page)."""
        return self.stack.currentWidget() is self.view

    def _library(self) -> Library | None:
        try:
            return self._services.library()
        except StoreError as error:
            self._bar.show_error(f"The library is unavailable: {error}")
            return None

    # -- showing ---------------------------------------------------------------------------------

    def toggle(self) -> None:
        """Ctrl+L: the library, or back to the page from it."""
        if self.showing:
            self.back()
        else:
            self.show()

    def show(self) -> None:
        """Show the library (fresh), the cursor in its filter box."""
        self.refresh()
        if not self.showing:
            self._hidden_docks = [d for d in self._docks if d.isVisible()]
            for dock in self._hidden_docks:  # the library has the whole window
                dock.hide()
        self.stack.setCurrentWidget(self.view)
        self.view.focus_filter()

    def back(self) -> None:
        """Back to the page, when there is a document on it."""
        window = self._window()
        if window is not None and window.has_document():
            self._show_page()

    def _show_page(self) -> None:
        self._show_docks()
        self.stack.setCurrentWidget(self.page)
        self.page.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_docks(self) -> None:
        hidden, self._hidden_docks = self._hidden_docks, []
        for dock in hidden:
            dock.show()

    def refresh(self, keep: str | None = None) -> None:
        """Read the library again on a worker (the document `keep` then stays selected)."""
        window = self._window()
        if window is not None:  # the document on the page joins first, if it has not yet
            window.annotations.open_store()
        library = self._library()
        if library is not None:
            self.view.set_reading(True)
            self.listing.read(lambda: prepare(library.entries(), fold), keep)

    def _on_listed(self, entries: Listing, keep: str | None) -> None:
        self.view.set_entries(entries, keep)
        self.view.set_reading(False)

    def _on_listing_failed(self, message: str) -> None:
        self.view.set_reading(False)
        self._bar.show_error(message)

    def document_shown(self, _document: object = None) -> None:
        """A document reached the page (from here, File › Open or another `reader`): show it.

        The window saved its layout as the document arrived, while the library still had the
        panels hidden: it is saved again with them back."""
        window = self._window()
        if self.showing and window is not None:
            self._show_page()
            window.persistence.save()

    # -- the commands ----------------------------------------------------------------------------

    def open_entry(self, entry: Entry) -> None:
        """Load the entry's file; the page is shown once it is ready."""
        window = self._window()
        if entry.path is None or window is None:
            return
        if entry.path == bundled_article_path().resolve():
            window.open_bundled_article()
        else:
            window.open_path(entry.path)

    def remove(self, entry: Entry) -> None:
        """Take the entry out of the library (its file and annotations stay)."""
        library = self._library()
        if library is None:
            return
        try:
            library.remove(entry.id)
        except (LibraryError, StoreError) as error:
            self._bar.show_error(f"“{entry.title}” was not removed: {error}")
            return
        kept = f" and its {entry.annotations} annotation(s)" if entry.annotations else ""
        self._bar.show_info(
            f"Removed “{entry.title}” from the library; its file{kept} are untouched. "
            "Adding the file again brings it back."
        )
        self.refresh()

    def locate(self, entry: Entry) -> None:
        """Ask where a missing file went, and check it is the same text (on a worker)."""
        start = str(entry.path.parent) if entry.path is not None else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self.view, f"Locate “{readable(entry.title)}”", start, TEXT_FILE_FILTER
        )
        if name:
            self.locate_at(entry, Path(name))

    def locate_at(self, entry: Entry, path: Path) -> None:
        """Tell the library that `entry`'s file is at `path` (checked on a worker)."""
        library, signals = self._library(), self._signals
        if library is None:
            return

        def work() -> None:
            try:
                signals.located.emit(library.locate(entry.id, path), "")
            except (LibraryError, StoreError) as error:
                signals.located.emit(entry, str(error))

        run_in_background(work)

    def _on_located(self, entry: Entry, error: str) -> None:
        if error:
            self._bar.show_error(f"“{entry.title}” was not located: {error}")
            return
        self._bar.show_info(f"Found “{entry.title}” at {entry.path}.")
        self.refresh(keep=entry.id)

    def add_files(self) -> None:
        """Ask for files and add them."""
        names, _ = QFileDialog.getOpenFileNames(
            self.view, "Add files to the library", str(Path.home()), TEXT_FILE_FILTER
        )
        if names:
            self.add([Path(n) for n in names])

    def add_folder(self) -> None:
        """Ask for a folder and add every text under it."""
        name = QFileDialog.getExistingDirectory(self.view, "Add a folder to the library")
        if name:
            self.add([Path(name)])

    def add(self, paths: list[Path]) -> None:
        """Add files and folders on a worker, with progress, then the summary, in the bar."""
        library, signals, stop = self._library(), self._signals, self._stop
        if library is None:
            return
        if self.adding:
            self._bar.show_info("The library is still adding files; wait for it to finish.")
            return
        self.adding = True
        self._bar.show_info("Looking for texts…")

        def work() -> None:
            from reader.library.reading_child import read_in_child

            try:  # the files are read in a child: on this thread they would stall the window
                report = library.add(paths, signals.progress.emit, stop.is_set, read_in_child)
            except Exception as error:  # a bug must not leave the window "adding" forever
                report = AddReport(error=f"{error!r}")
            signals.finished.emit(report)

        run_in_background(work)

    def _on_progress(self, done: int, total: int) -> None:
        if done == total or done % 25 == 0:  # the bar need not repaint for every tiny file
            self._bar.show_info(f"Adding to the library: {done:,} of {total:,} files read…")

    def _on_added(self, report: AddReport) -> None:
        self.adding = False
        summary = report.summary()
        if report.error is not None:
            self._bar.show_error(summary)
        else:
            self._bar.show_info(summary)
        if report.added or report.already:
            self.refresh(keep=(report.added or report.already)[0])
