"""The list of what a search found: hits grouped by section, each snippet with its match marked.

The list is a model over the result, so a query with twenty thousand hits costs nothing until
rows are painted; a delegate draws each snippet with its match marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.search.results import Hit, SearchResult, Snippet

MATCH_TINT = QColor(255, 214, 10)
ROW_PADDING = 6
_ModelIndex = QModelIndex | QPersistentModelIndex


class ResultOrder(Enum):
    """How the list orders its sections; the label is what the panel's order box shows."""

    BEST_FIRST = "Best first"
    """Sections holding better matches first (in headings, then whole phrases), then in
    reading order."""
    TEXT = "In text order"
    """Sections as they come in the text: the list then runs the way F3 walks."""


@dataclass(frozen=True, slots=True)
class _Header:
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class HitRow:
    hit: Hit


class SearchResultsModel(QAbstractListModel):
    """Rows of section headers and hits, the sections in the chosen `ResultOrder`, the hits
    within a section in reading order."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[_Header | HitRow] = []
        self._result: SearchResult | None = None
        self._order = ResultOrder.BEST_FIRST

    def set_result(self, result: SearchResult | None) -> None:
        """Show `result` (None: nothing)."""
        self.beginResetModel()
        self._result = result
        self._rows = [] if result is None else _group_by_section(result.hits, self._order)
        self.endResetModel()

    def set_order(self, order: ResultOrder) -> None:
        """List the sections of the shown result (and of later ones) in `order`."""
        self._order = order
        self.set_result(self._result)

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
            if isinstance(row, HitRow) and row.hit == hit:
                return number
        return None


def _group_by_section(hits: tuple[Hit, ...], order: ResultOrder) -> list[_Header | HitRow]:
    groups: dict[int, list[Hit]] = {}
    best_tier: dict[int, int] = {}
    for hit in hits:
        groups.setdefault(hit.section_start, []).append(hit)
        best_tier[hit.section_start] = min(best_tier.get(hit.section_start, 2), hit.tier)
    rows: list[_Header | HitRow] = []
    best_first = order is ResultOrder.BEST_FIRST
    for section_start in sorted(
        groups, key=lambda start: (best_tier[start] if best_first else 0, start)
    ):
        section_hits = sorted(groups[section_start], key=lambda hit: hit.start)
        rows.append(_Header(section_hits[0].section, len(section_hits)))
        rows.extend(HitRow(hit) for hit in section_hits)
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
        elif isinstance(row, HitRow):
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
                painter.fillRect(box.adjusted(-1, 3, 1, -3), match_background(option.palette))
            painter.setFont(font)
            painter.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
            x += width

    def sizeHint(self, option: QStyleOptionViewItem, index: _ModelIndex) -> QSize:
        """Rows a little taller than the text, for easy clicking; no width of their own, so the
        list makes them as wide as its viewport (a wider row would hide a header's count
        under the scroll bar)."""
        height = QFontMetrics(option.font).height() + 2 * ROW_PADDING
        return QSize(0, height)


def match_background(palette: QPalette) -> QColor:
    """The match's yellow, as strong as the row's text allows: on a dark base a strong yellow
    would swallow the light text drawn over it."""
    colour = QColor(MATCH_TINT)
    colour.setAlpha(140 if palette.color(QPalette.ColorRole.Base).lightnessF() > 0.5 else 60)
    return colour
