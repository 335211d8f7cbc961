"""The search panel: a query box, what the search found, and the hits grouped by section
(the list's model and painting are in `reader.ui.search_results`)."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLineEdit,
    QListView,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from reader.search.results import Hit, SearchResult
from reader.ui.plain_text import plain_label
from reader.ui.search_results import HitRow, SearchResultsModel, SnippetDelegate

DEBOUNCE_MS = 250


class _QueryEdit(QLineEdit):
    """The query box: Enter goes to the next hit, Shift+Enter to the previous, Esc clears."""

    next_requested = Signal()
    previous_requested = Signal()
    escape_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Route Enter, Shift+Enter and Esc; everything else edits."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """Query box, status line, progress while indexing, and the grouped hits."""

    query_changed = Signal(str)
    """The query after the user paused typing (or pressed Enter)."""
    hit_activated = Signal(object)
    next_requested = Signal()
    previous_requested = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.query_edit = _QueryEdit()
        self.query_edit.setObjectName("searchQuery")
        self.query_edit.setAccessibleName("Search text")
        self.query_edit.setPlaceholderText('Search: words, "a phrase", -exclude')
        self.query_edit.setClearButtonEnabled(True)
        self.status = plain_label()
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName("Search index progress")
        self.progress.setMaximumHeight(8)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.index_note = plain_label()
        self.index_note.setObjectName("searchIndexNote")
        self.index_note.setWordWrap(True)
        self.index_note.setForegroundRole(self.index_note.foregroundRole().PlaceholderText)
        self.index_note.hide()
        self.model = SearchResultsModel()
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.progress)
        layout.addWidget(self.index_note)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit_query)
        self.query_edit.textEdited.connect(lambda _text: self._debounce.start())
        self.query_edit.textChanged.connect(self._on_text_changed)
        self.query_edit.next_requested.connect(self._on_next)
        self.query_edit.previous_requested.connect(self._on_previous)
        self.query_edit.escape_pressed.connect(self.clear)
        self.results.clicked.connect(self._on_clicked)
        self.results.activated.connect(self._on_clicked)
        self._last_query = ""

    @property
    def active_query(self) -> str:
        """The query last sent for searching (not what is half-typed in the box)."""
        return self._last_query

    def focus_query(self) -> None:
        """Put the cursor in the query box with its text selected, ready to type over."""
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def show_result(self, result: SearchResult) -> None:
        """Show what a query found."""
        self.model.set_result(result)
        if result.query.is_empty:
            summary = result.note if self.query_edit.text().strip() else ""
        elif not result.hits:
            summary = "No matches."
        else:
            summary = f"{len(result.hits):,} matches in {result.paragraphs:,} paragraphs"
        if result.note and not result.query.is_empty:
            summary = f"{summary}\n{result.note}"
        self.status.setText(summary)

    def show_index_progress(self, fraction: float | None) -> None:
        """Show how far the index has been built; None hides the bar."""
        if fraction is None:
            self.progress.hide()
            return
        self.progress.setValue(round(100 * fraction))
        self.progress.show()

    def show_index_note(self, text: str) -> None:
        """A line about the index (being built, or why there is none); empty hides it."""
        self.index_note.setText(text)
        self.index_note.setVisible(bool(text))

    def select_hit(self, hit: Hit) -> None:
        """Mark the row of `hit` as the current one and scroll it into view."""
        row = self.model.row_of(hit)
        if row is not None:
            index = self.model.index(row)
            self.results.setCurrentIndex(index)
            self.results.scrollTo(index)

    def clear(self) -> None:
        """Forget the query and its results."""
        self._debounce.stop()
        self.query_edit.clear()
        self._last_query = ""
        self.model.set_result(None)
        self.status.clear()
        self.cleared.emit()

    def _on_text_changed(self, text: str) -> None:
        if not text:
            self._debounce.stop()
            self._last_query = ""
            self.model.set_result(None)
            self.status.clear()
            self.cleared.emit()

    def _emit_query(self) -> None:
        text = self.query_edit.text()
        if text != self._last_query:
            self._last_query = text
            self.query_changed.emit(text)

    def _on_next(self) -> None:
        if self._debounce.isActive() or self.query_edit.text() != self._last_query:
            self._debounce.stop()
            self._emit_query()
            return
        self.next_requested.emit()

    def _on_previous(self) -> None:
        if self.query_edit.text() != self._last_query:
            self._emit_query()
            return
        self.previous_requested.emit()

    def _on_clicked(self, index: QModelIndex) -> None:
        row = index.data(Qt.ItemDataRole.UserRole)
        if isinstance(row, HitRow):
            self.hit_activated.emit(row.hit)
