"""The Library screen: a filter box, the commands, and the table of every document.

Keyboard first: the filter box has the focus when the screen opens; Down moves into the table;
Enter opens the selected document, Delete removes it from the library, Esc goes back to the
page. The widget only shows entries and asks: the `LibraryScreen` does the work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.library.catalogue import Entry
from reader.ui.library_model import (
    COLUMNS,
    LAST_READ,
    TITLE,
    LibraryFilter,
    LibraryModel,
    Listing,
)
from reader.ui.theme import over

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MISSING_TEXT_ALPHA = 0.5
"""Missing files are written in the text colour half faded into the background: still
readable in every theme, plainly set apart (and their titles say so in words)."""


class LibraryView(QWidget):
    """The library's table with its filter and buttons."""

    open_requested = Signal(object)
    """An `Entry` to open (Enter, double-click, Open)."""
    remove_requested = Signal(object)
    """An `Entry` to take out of the library."""
    locate_requested = Signal(object)
    """A missing `Entry` whose file the user wants to find."""
    add_files_requested = Signal()
    add_folder_requested = Signal()
    back_requested = Signal()
    """Esc: back to the page."""

    def __init__(self, fold: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryView")
        self._reading = False
        self.model = LibraryModel(fold, self)
        self.proxy = LibraryFilter(fold, self)
        self.proxy.setSourceModel(self.model)
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("libraryFilter")
        self.filter_box.setPlaceholderText("Filter by title, author or file name")
        self.filter_box.setAccessibleName("Filter the library")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.proxy.set_filter_text)
        self.table = self._make_table()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("libraryCount")
        self.buttons = self._make_buttons()
        self._lay_out()
        for watched in (self.filter_box, self.table):
            watched.installEventFilter(self)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self._update_buttons()

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("libraryTable")
        table.setAccessibleName("Library")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(LAST_READ, Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 14)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        for column, width in enumerate((0, 140, 80, 85, 80, 100, 100)):
            if width:
                table.setColumnWidth(column, width)
        table.doubleClicked.connect(self._open_index)
        return table

    def _make_buttons(self) -> dict[str, QPushButton]:
        buttons: dict[str, QPushButton] = {}
        for name, text, slot in (
            ("open", "Open", self._open_current),
            ("locate", "Locate…", self._locate_current),
            ("remove", "Remove from Library", self._remove_current),
            ("add_files", "Add Files…", self.add_files_requested.emit),
            ("add_folder", "Add Folder…", self.add_folder_requested.emit),
        ):
            button = QPushButton(text, self)
            button.setObjectName(f"library_{name}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, s=slot: s())
            buttons[name] = button
        return buttons

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.filter_box, 1)
        for name in ("add_files", "add_folder"):
            bar.addWidget(self.buttons[name])
        actions = QHBoxLayout()
        actions.setSpacing(8)
        actions.addWidget(self.count_label, 1)
        for name in ("locate", "remove", "open"):
            actions.addWidget(self.buttons[name])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

    # -- what is shown ---------------------------------------------------------------------------

    def set_entries(self, entries: Sequence[Entry] | Listing, keep: str | None = None) -> None:
        """Show `entries`; the document `keep` (by id), or the first row, stays selected."""
        palette = self.palette()
        faded = palette.color(QPalette.ColorRole.Text)
        faded.setAlphaF(MISSING_TEXT_ALPHA)
        self.model.missing_colour = over(faded, palette.color(QPalette.ColorRole.Base))
        current = self.current_entry()
        keep = keep or (current.id if current is not None else None)
        self.model.set_entries(entries)
        row = self.model.row_of(keep) if keep is not None else None
        source = self.model.index(row if row is not None else 0, TITLE)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            index = self.proxy.index(0, TITLE)
        if index.isValid():
            self.table.setCurrentIndex(index)
        self._update_buttons()

    def set_reading(self, reading: bool) -> None:
        """Say that the list is being read again (the rows shown are the previous ones)."""
        self._reading = reading
        self._update_count()

    def current_entry(self) -> Entry | None:
        """The selected document, if a row is selected."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.entry(self.proxy.mapToSource(index).row())

    def focus_filter(self) -> None:
        """Put the cursor in the filter box, its text selected (typing replaces it)."""
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    # -- asking ----------------------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        self.table.setCurrentIndex(index)
        self._open_current()

    def _open_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            (self.locate_requested if entry.missing else self.open_requested).emit(entry)

    def _remove_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.remove_requested.emit(entry)

    def _locate_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.locate_requested.emit(entry)

    def _update_buttons(self, *_args: object) -> None:
        entry = self.current_entry()
        self.buttons["open"].setEnabled(entry is not None and not entry.missing)
        self.buttons["remove"].setEnabled(entry is not None)
        self.buttons["locate"].setEnabled(entry is not None and entry.missing)

    def _update_count(self, *_args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        noun = "document" if total == 1 else "documents"
        text = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
        missing = self.model.missing
        text = f"{text}, {missing} missing" if missing else text
        if self._reading:
            text = f"{text}; reading the library…" if total else "Reading the library…"
        self.count_label.setText(text)

    # -- keys ------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter opens, Delete removes, Esc clears the filter or goes back, Down leaves the
        filter for the table."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape  # before the window's Esc shortcut
        ):
            event.accept()
            return True
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if key == Qt.Key.Key_Escape and watched is self.filter_box and self.filter_box.text():
            self.filter_box.clear()  # the first Esc clears the filter, the next goes back
        elif key == Qt.Key.Key_Escape:
            self.back_requested.emit()
        elif key in _ENTER:
            self._open_current()
        elif key == Qt.Key.Key_Delete and watched is self.table:
            self._remove_current()
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and watched is self.filter_box:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            return super().eventFilter(watched, event)
        return True


__all__ = ["COLUMNS", "LibraryView"]
