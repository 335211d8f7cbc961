"""The list of what a search found: hits grouped by section, each snippet with its match marked.

The list is a model over the result, so a query with twenty thousand hits costs nothing until
rows are painted; a delegate draws each snippet with its match marked.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.search.results import Hit, SearchResult, SectionHits, Snippet

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
    within a section in reading order.

    A row is made when the list asks for it: the model keeps only where each section's rows
    begin, so showing 21,000 hits costs a sort of a few hundred sections."""

    def __init__(self) -> None:
        super().__init__()
        self._result: SearchResult | None = None
        self._order = ResultOrder.BEST_FIRST
        self._sections: list[SectionHits] = []
        """The sections holding hits, as listed."""
        self._first_rows: list[int] = [0]
        """The row of each listed section's header, and after the last one the row count."""
        self._listed_as: list[int] = []
        """Where each section, in reading order, is listed."""

    def set_result(self, result: SearchResult | None) -> None:
        """Show `result` (None: nothing)."""
        self.beginResetModel()
        self._result = result
        in_text = [] if result is None else result.sections()
        best_first = self._order is ResultOrder.BEST_FIRST
        listed = sorted(
            range(len(in_text)), key=lambda n: (in_text[n].best_tier if best_first else 0, n)
        )
        self._sections = [in_text[n] for n in listed]
        self._first_rows = list(accumulate((1 + s.count for s in self._sections), initial=0))
        self._listed_as = [0] * len(listed)
        for place, number in enumerate(listed):
            self._listed_as[number] = place
        self.endResetModel()

    def set_order(self, order: ResultOrder) -> None:
        """List the sections of the shown result (and of later ones) in `order`."""
        self._order = order
        self.set_result(self._result)

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count: headers and hits."""
        return 0 if parent.isValid() else self._first_rows[-1]

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The row object for the delegate, and plain text for screen readers and tests."""
        if not index.isValid():
            return None
        row = self._row(index.row())
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if isinstance(row, _Header):
                return f"{row.title} ({row.count})"
            return self.snippet(row.hit).text
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        """Headers are labels, not choices."""
        if index.isValid() and self._is_header(index.row()):
            return Qt.ItemFlag.ItemIsEnabled
        return super().flags(index)

    def snippet(self, hit: Hit) -> Snippet:
        """The snippet of a hit of the shown result."""
        assert self._result is not None
        return self._result.snippet(hit)

    def row_of(self, hit: Hit) -> int | None:
        """The row showing `hit`, if shown."""
        if self._result is None:
            return None
        number = self._result.number_at(hit.start)
        reading = self._result.in_reading_order()
        if number >= len(reading) or reading[number] != hit:
            return None
        in_text = [section.first for section in self._result.sections()]
        place = self._listed_as[bisect_right(in_text, number) - 1]
        return self._first_rows[place] + 1 + number - self._sections[place].first

    def _is_header(self, row: int) -> bool:
        return self._first_rows[bisect_right(self._first_rows, row) - 1] == row

    def _row(self, row: int) -> _Header | HitRow:
        """The header or hit shown at `row`, made now."""
        place = bisect_right(self._first_rows, row) - 1
        section, within = self._sections[place], row - self._first_rows[place]
        if within == 0:
            return _Header(section.title, section.count)
        assert self._result is not None
        return HitRow(self._result.in_reading_order()[section.first + within - 1])


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
