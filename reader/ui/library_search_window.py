"""The Search Everything window: one query over every document of the library and every note.

It searches as the user types (after a short pause), lists the documents best first with their
hits under them, and opens a hit with Enter or a double click. A line under the query says what
was found and where the answer came from: the library index, or a scan of the documents the
index does not hold yet. This widget only shows and asks: searching, building the index and
opening documents are `library_search_link`'s.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QLineEdit, QListView, QStackedWidget, QVBoxLayout, QWidget

from reader.search.library_model import IndexedDocument, LibraryHit
from reader.ui.library_search_delegate import LibrarySearchDelegate
from reader.ui.library_search_model import (
    ROW_ROLE,
    DocumentRow,
    HitRow,
    LibraryAnswer,
    LibrarySearchModel,
    MoreRow,
)
from reader.ui.message_bar import MessageBar
from reader.ui.plain_text import plain_label
from reader.ui.theme import Theme

TYPING_PAUSE_MS = 200
"""Typing waits this long for the next key before the query is searched."""
QUERY_SHOWN = 40
"""Characters of the query quoted back in a message; a longer one is elided."""
EMPTY_STATE = (
    "Search every document you have opened and every note you have written.\n\n"
    'Type words (all must occur), "an exact phrase", or -word to leave out. Simplified and '
    "Traditional characters, full and half width, and letter case all match each other."
)
EMPTY_LIBRARY = "Your library is empty: every document you open joins it."
NOTHING_TO_SEARCH = "Nothing to search."
"""The searcher's note for a query with nothing to look for (blank, or only -words)."""


class _QueryEdit(QLineEdit):
    """The query box: Down goes to the results, Enter opens the chosen (or best) hit."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Down moves into the list; everything else edits."""
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class LibrarySearchView(QWidget):
    """Search Everything's widgets."""

    query_changed = Signal(str)
    """The query after the user paused typing (or pressed Enter)."""
    open_requested = Signal(object, object)
    """Open this `IndexedDocument` at this `LibraryHit`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("librarySearch")
        self.setWindowTitle("Search Everything — Reader")
        self.resize(760, 560)
        self.query_edit = _QueryEdit()
        self.query_edit.setObjectName("librarySearchQuery")
        self.query_edit.setAccessibleName("Search every document and note")
        self.query_edit.setPlaceholderText(
            'Search all documents and notes: words, "a phrase", -word'
        )
        self.query_edit.setClearButtonEnabled(True)
        self.status = plain_label()
        self.status.setObjectName("librarySearchStatus")
        self.status.setWordWrap(True)
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.message_bar = MessageBar()
        self.model = LibrarySearchModel()
        self.results = QListView()
        self.results.setObjectName("librarySearchResults")
        self.results.setAccessibleName("Documents and hits found")
        self.results.setModel(self.model)
        self.delegate = LibrarySearchDelegate(self.results)
        self.results.setItemDelegate(self.delegate)
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = plain_label()
        self.empty.setObjectName("librarySearchEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(32)
        self.empty.setBackgroundRole(QPalette.ColorRole.Base)
        self.empty.setAutoFillBackground(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.results)
        self.pages.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.status)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.pages, 1)
        self._pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._send_query)
        self.query_edit.textEdited.connect(lambda _text: self._pause.start())
        self.query_edit.textChanged.connect(self._on_text_changed)
        self.query_edit.returnPressed.connect(self._on_enter)
        self.query_edit.down.connect(self._enter_list)
        self.results.activated.connect(self._open)
        self.results.doubleClicked.connect(self._open)
        self._sent = ""
        self.show_empty_state(library_empty=False)

    @property
    def sent_query(self) -> str:
        """The query last sent for searching (not what is half-typed in the box)."""
        return self._sent

    def focus_query(self) -> None:
        """The cursor in the query box, its text selected, ready to type over."""
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def set_theme(self, theme: Theme) -> None:
        """Note swatches in `theme`'s shades (the palette itself comes from the application)."""
        self.delegate.set_theme(theme)
        self.results.viewport().update()

    def set_status(self, text: str) -> None:
        """The line under the query: what was found, and how it was answered."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def show_empty_state(self, *, library_empty: bool) -> None:
        """Nothing asked yet: say what can be searched (and that there is nothing yet)."""
        self.model.set_answer(None)
        self.empty.setText(EMPTY_LIBRARY if library_empty else EMPTY_STATE)
        self.pages.setCurrentWidget(self.empty)

    def show_answer(self, answer: LibraryAnswer) -> None:
        """Show what a query found, or say plainly that it found nothing."""
        self.message_bar.hide()
        self.model.set_answer(answer)
        result = answer.result
        if result.groups:
            self.pages.setCurrentWidget(self.results)
            self.results.setCurrentIndex(self.model.index(1 if self.model.rowCount() > 1 else 0))
            self.results.scrollToTop()
            return
        self.empty.setText(nothing_found(answer))
        self.pages.setCurrentWidget(self.empty)

    def _on_text_changed(self, text: str) -> None:
        if not text.strip():
            self._pause.stop()
            self._sent = text
            self.show_empty_state(library_empty=False)
            self.query_changed.emit("")

    def _send_query(self) -> None:
        text = self.query_edit.text()
        if text != self._sent:
            self._sent = text
            self.query_changed.emit(text)

    def _on_enter(self) -> None:
        if self._pause.isActive() or self.query_edit.text() != self._sent:
            self._pause.stop()
            self._send_query()  # the hits are opened from the list once they are there
            return
        index = self.results.currentIndex()
        if index.isValid():
            self._open(index)

    def _enter_list(self) -> None:
        if self.model.rowCount():
            self.results.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.results.currentIndex().isValid():
                self.results.setCurrentIndex(self.model.index(0))

    def _open(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        target: tuple[IndexedDocument, LibraryHit] | None = None
        if isinstance(row, DocumentRow):
            target = row.group.document, row.group.hits[0]
        elif isinstance(row, HitRow | MoreRow):
            target = row.document, row.hit
        if target is not None:
            self.open_requested.emit(*target)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc clears the query, then closes the window."""
        if event.key() == Qt.Key.Key_Escape:
            if self.query_edit.text():
                self.query_edit.clear()
                self.query_edit.setFocus()
            else:
                self.close()
            return
        super().keyPressEvent(event)


def quoted(text: str) -> str:
    """The query as the user reads it back: on one line, and elided when it is long."""
    line = " ".join(text.split())
    return line if len(line) <= QUERY_SHOWN else line[: QUERY_SHOWN - 1] + "…"


def nothing_found(answer: LibraryAnswer) -> str:
    """What the empty list says for a query that found nothing."""
    result = answer.result
    if not answer.documents:
        return EMPTY_LIBRARY
    if result.note == NOTHING_TO_SEARCH:
        return "Nothing to search: type a word or a phrase to look for, not only -words."
    length = len(result.query_text)
    long = f" (a query of {length:,} characters)" if length > QUERY_SHOWN else ""
    return (
        f"No document or note contains “{quoted(result.query_text)}”{long}.\n\n"
        "Try fewer or shorter words; a phrase in quotes must occur exactly as typed."
    )


def status_text(
    answer: LibraryAnswer | None, building: bool, fraction: float, ready: bool = False
) -> str:
    """The status line: what the answer found, how it was answered, how the index is."""
    parts: list[str] = []
    if answer is not None and answer.result.groups:
        result = answer.result
        plus = "" if result.complete else "+"
        found = f"{result.hit_count:,}{plus} hit{'' if result.hit_count == 1 else 's'}"
        parts.append(f"{found} in {len(result.groups):,} of {answer.documents:,} documents.")
    if answer is not None and answer.result.query_text.strip():
        result = answer.result
        if result.note and result.note != NOTHING_TO_SEARCH:
            parts.append(result.note)
        elif result.from_index:
            parts.append("Answered from the library index.")
    if building:
        parts.append(f"Building the library index: {fraction:.0%} done.")
    elif answer is None and ready:
        parts.append("The library index is up to date.")
    return " ".join(parts)
