"""The search panel: a query box, what the search found, and the hits grouped by section.

The list is a model over the result, so a query with twenty thousand hits costs nothing until
rows are painted; a delegate draws each snippet with its match marked.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QListView,
    QProgressBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reader.search.results import Hit, SearchResult, Snippet
from reader.ui.plain_text import plain_label

DEBOUNCE_MS = 250
MATCH_BACKGROUND = QColor(255, 214, 10, 140)
ROW_PADDING = 6
_ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class _Header:
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class _HitRow:
    hit: Hit


class SearchResultsModel(QAbstractListModel):
    """Rows of section headers and hits: sections holding better matches come first (matches
    in headings, then whole-phrase matches), then in reading order; hits within a section in
    reading order."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[_Header | _HitRow] = []
        self._result: SearchResult | None = None

    def set_result(self, result: SearchResult | None) -> None:
        """Show `result` (None: nothing)."""
        self.beginResetModel()
        self._result = result
        self._rows = [] if result is None else _group_by_section(result.hits)
        self.endResetModel()

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count: headers and hits."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The row object for the delegate, and plain text for screen readers and tests."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if isinstance(row, _Header):
                return f"{row.title} ({row.count})"
            return self.snippet(row.hit).text
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        """Headers are labels, not choices."""
        if index.isValid() and isinstance(self._rows[index.row()], _Header):
            return Qt.ItemFlag.ItemIsEnabled
        return super().flags(index)

    def snippet(self, hit: Hit) -> Snippet:
        """The snippet of a hit of the shown result."""
        assert self._result is not None
        return self._result.snippet(hit)

    def row_of(self, hit: Hit) -> int | None:
        """The row showing `hit`, if shown."""
        for number, row in enumerate(self._rows):
            if isinstance(row, _HitRow) and row.hit == hit:
                return number
        return None


def _group_by_section(hits: tuple[Hit, ...]) -> list[_Header | _HitRow]:
    groups: dict[int, list[Hit]] = {}
    best_tier: dict[int, int] = {}
    for hit in hits:
        groups.setdefault(hit.section_start, []).append(hit)
        best_tier[hit.section_start] = min(best_tier.get(hit.section_start, 2), hit.tier)
    rows: list[_Header | _HitRow] = []
    for section_start in sorted(groups, key=lambda start: (best_tier[start], start)):
        section_hits = sorted(groups[section_start], key=lambda hit: hit.start)
        rows.append(_Header(section_hits[0].section, len(section_hits)))
        rows.extend(_HitRow(hit) for hit in section_hits)
    return rows


class SnippetDelegate(QStyledItemDelegate):
    """Paints section headers in bold, and snippets with the matched text marked."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        """Draw one row."""
        row = index.data(Qt.ItemDataRole.UserRole)
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        rect = option.rect.adjusted(ROW_PADDING, 0, -ROW_PADDING, 0)
        painter.save()
        if isinstance(row, _Header):
            self._paint_header(painter, option, rect, row)
        elif isinstance(row, _HitRow):
            model = index.model()
            assert isinstance(model, SearchResultsModel)
            self._paint_snippet(painter, option, rect, model.snippet(row.hit))
        painter.restore()

    def _paint_header(
        self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, header: _Header
    ) -> None:
        """Section title in the accent colour, elided; its hit count right-aligned."""
        font = QFont(option.font)
        font.setBold(True)
        metrics = QFontMetrics(font)
        count = f"{header.count:,}"
        count_width = metrics.horizontalAdvance(count) + ROW_PADDING
        painter.setFont(font)
        painter.setPen(option.palette.color(option.palette.ColorRole.PlaceholderText))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, count)
        painter.setPen(option.palette.color(option.palette.ColorRole.Link))
        title_rect = rect.adjusted(0, 0, -count_width, 0)
        title = metrics.elidedText(header.title, Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(
            title_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title
        )

    def _paint_snippet(
        self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, snippet: Snippet
    ) -> None:
        """The snippet in one line with the match marked and always visible: the text before
        it gets at most a third of the row, elided on the left."""
        plain, bold = QFont(option.font), QFont(option.font)
        bold.setBold(True)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(
            option.palette.color(
                option.palette.ColorRole.HighlightedText
                if selected
                else option.palette.ColorRole.Text
            )
        )
        before = snippet.text[: snippet.match_start]
        match = snippet.text[snippet.match_start : snippet.match_end]
        after = snippet.text[snippet.match_end :]
        x, right = rect.left() + ROW_PADDING, rect.right()
        before = QFontMetrics(plain).elidedText(
            before, Qt.TextElideMode.ElideLeft, rect.width() // 3
        )
        for part, font, elide in (
            (before, plain, Qt.TextElideMode.ElideNone),
            (match, bold, Qt.TextElideMode.ElideRight),
            (after, plain, Qt.TextElideMode.ElideRight),
        ):
            if not part or x >= right:
                continue
            metrics = QFontMetrics(font)
            shown = (
                part
                if elide is Qt.TextElideMode.ElideNone
                else metrics.elidedText(part, elide, right - x)
            )
            width = metrics.horizontalAdvance(shown)
            box = QRect(x, rect.top(), width, rect.height())
            if font is bold:
                painter.fillRect(box.adjusted(-1, 3, 1, -3), MATCH_BACKGROUND)
            painter.setFont(font)
            painter.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
            x += width

    def sizeHint(self, option: QStyleOptionViewItem, index: _ModelIndex) -> QSize:
        """Rows a little taller than the text, for easy clicking."""
        height = QFontMetrics(option.font).height() + 2 * ROW_PADDING
        return QSize(option.rect.width(), height)


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
        if isinstance(row, _HitRow):
            self.hit_activated.emit(row.hit)
