"""The search panel: a query box with "3 of 26" beside it, what the search found, and the hits
grouped by section (the list's model and painting are in `reader.ui.search_results`).

One model throughout: F3 and Enter walk the hits in text order, and the counter numbers them in
that order. The list is best first unless the reader picks "In text order"; its order box says
which, so a first F3 that selects a row in the middle of a ranked list is not a surprise. Either
way the row of the current hit is selected and scrolled into view, and clicking a row makes its
hit the current one, so F3 goes on from there."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.search.results import Hit, SearchResult
from reader.ui.plain_text import plain_label
from reader.ui.search_list_view import SearchListView
from reader.ui.search_results import HitRow, ResultOrder, SearchResultsModel, SnippetDelegate

DEBOUNCE_MS = 250


ORDER_TIP = (
    "Best first: sections with matches in headings, then with the whole phrase, come first. "
    "F3 always walks the matches in text order, as the counter beside the search box numbers "
    "them."
)


class _QueryEdit(QLineEdit):
    """The query box: Enter goes to the next hit, Shift+Enter to the previous (Esc is the
    window's command: see `SearchController.step_back`)."""

    next_requested = Signal()
    previous_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Route Enter, Shift+Enter and Esc; everything else edits."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """Query box and counter, status line and list order, and the
    grouped hits (or, when there are none, a sentence saying so)."""

    query_changed = Signal(str)
    """The query after the user paused typing (or pressed Enter)."""
    hit_activated = Signal(object)
    next_requested = Signal()
    previous_requested = Signal()
    cleared = Signal()
    close_requested = Signal()
    """Esc with nothing left to clear: the panel's dock should close."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.query_edit = _QueryEdit()
        self.query_edit.setObjectName("searchQuery")
        self.query_edit.setAccessibleName("Search text")
        self.query_edit.setPlaceholderText('Search: words, "a phrase", -exclude')
        self.query_edit.setClearButtonEnabled(True)
        self.counter = _quiet_label("searchCounter", "Current match")
        self.counter.hide()
        self.order = QComboBox()
        self.order.setObjectName("searchOrder")
        self.order.setAccessibleName("Order of the results")
        self.order.setToolTip(ORDER_TIP)
        for order in ResultOrder:
            self.order.addItem(order.value, order)
        self.order.hide()
        self.status = plain_label()
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        self.model = SearchResultsModel()
        self.results = SearchListView()
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.empty_note = plain_label()
        self.empty_note.setObjectName("searchEmptyNote")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_note.setContentsMargins(4, 8, 4, 8)
        self.list_area = QStackedWidget()
        self.list_area.addWidget(self.results)
        self.list_area.addWidget(self.empty_note)
        self._lay_out()
        self._current: Hit | None = None

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit_query)
        self.query_edit.textEdited.connect(lambda _text: self._debounce.start())
        self.query_edit.textChanged.connect(self._on_text_changed)
        self.query_edit.next_requested.connect(self._on_next)
        self.query_edit.previous_requested.connect(self._on_previous)
        self.order.currentIndexChanged.connect(self._on_order_chosen)
        self.results.clicked.connect(self._on_clicked)
        self.results.activated.connect(self._on_clicked)
        self._last_query = ""

    def _lay_out(self) -> None:
        query_row = QHBoxLayout()
        query_row.addWidget(self.query_edit, 1)
        query_row.addWidget(self.counter)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.order, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(query_row)
        layout.addLayout(status_row)
        layout.addWidget(self.list_area, 1)

    @property
    def active_query(self) -> str:
        """The query last sent for searching (not what is half-typed in the box)."""
        return self._last_query

    def focus_query(self) -> None:
        """Put the cursor in the query box with its text selected, ready to type over."""
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def search_for(self, text: str) -> None:
        """Search for `text` as if it had been typed (Search Everything opens its hits so)."""
        self._debounce.stop()
        self.query_edit.setText(text)
        self._emit_query()

    def show_result(self, result: SearchResult) -> None:
        """Show what a query found; the controller then says which hit is current."""
        self.model.set_result(result)
        found_nothing = not result.query.is_empty and not result.hits
        self.empty_note.setText(
            f"No matches for “{result.query.text.strip()}” in this document. "
            "Try fewer or other words."
            if found_nothing
            else ""
        )
        self.list_area.setCurrentWidget(self.empty_note if found_nothing else self.results)
        self.order.setVisible(bool(result.hits))
        if result.query.is_empty:
            summary = result.note if self.query_edit.text().strip() else ""
        elif not result.hits:
            summary = ""
        else:
            summary = f"{len(result.hits):,} matches in {result.paragraphs:,} paragraphs"
        if result.note and not result.query.is_empty:
            summary = f"{summary}\n{result.note}" if summary else result.note
        self._set_status(summary)

    def show_current(self, hit: Hit | None, number: int, total: int) -> None:
        """Say which hit is current ("3 of 26", `number` counted from 1 in text order), and
        select its row and scroll it into view; None: no hit gone to yet."""
        self._current = hit
        self.counter.setText("" if hit is None else f"{number:,} of {total:,}")
        self.counter.setVisible(hit is not None)
        self._select_current()

    def has_focus_within(self) -> bool:
        """True when the keyboard is somewhere in this panel."""
        focused = QApplication.focusWidget()
        return focused is not None and self.isAncestorOf(focused)

    def clear(self) -> None:
        """Forget the query and its results."""
        self._debounce.stop()
        self.query_edit.clear()
        self._forget()

    def _set_status(self, text: str) -> None:
        """The line of what the search found; hidden when it has nothing to say."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _select_current(self) -> None:
        row = None if self._current is None else self.model.row_of(self._current)
        if row is None:
            self.results.clearSelection()
            return
        index = self.model.index(row)
        self.results.setCurrentIndex(index)
        self.results.scrollTo(index)

    def _forget(self) -> None:
        self._last_query = ""
        self.model.set_result(None)
        self._set_status("")
        self.empty_note.clear()
        self.list_area.setCurrentWidget(self.results)
        self.order.hide()
        self.show_current(None, 0, 0)
        self.cleared.emit()

    def _on_text_changed(self, text: str) -> None:
        if not text:
            self._debounce.stop()
            self._forget()

    def _on_order_chosen(self) -> None:
        order = self.order.currentData()
        if isinstance(order, ResultOrder):
            self.model.set_order(order)
            self._select_current()

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


def _quiet_label(name: str, accessible_name: str) -> QLabel:
    """A label in the placeholder colour, for notes beside the main text."""
    label = plain_label()
    label.setObjectName(name)
    label.setAccessibleName(accessible_name)
    label.setForegroundRole(label.foregroundRole().PlaceholderText)
    return label
