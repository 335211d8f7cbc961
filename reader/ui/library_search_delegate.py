"""How Search Everything's rows look: a document as its title and hit count over its path; a
hit as its section and its snippet, the match marked; a note hit as a colour swatch, the quote
and the note; and a quiet "N more" row.

Each kind of row has a fixed number of lines, every line elided at the row's width, so sizing a
row lays out no text.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from reader.annotations.model import Colour
from reader.ui.library_search_model import ROW_ROLE, DocumentRow, HitRow, Marked, MoreRow
from reader.ui.search_results import match_background
from reader.ui.theme import THEMES, Theme, highlight_colour

PADDING = 6
INDENT = 18
"""Hits sit under their document, indented."""
SWATCH = 10
WHERE_SHARE = 0.3
"""A hit's section takes at most this share of the row; its snippet gets the rest."""
Index = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight


class LibrarySearchDelegate(QStyledItemDelegate):
    """Paints the rows of a `LibrarySearchModel`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = THEMES["light"]

    def set_theme(self, theme: Theme) -> None:
        """Swatches in the shades the page uses for `theme`."""
        self._theme = theme

    def swatch(self, colour: str) -> QColor:
        """The opaque shade of a note's colour (yellow for a colour this version lacks)."""
        known = {c.value: c for c in Colour}
        shade = highlight_colour(self._theme, known.get(colour, Colour.YELLOW))
        shade.setAlpha(255)
        return shade

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Lines times the line height; as wide as the view makes it."""
        row = index.data(ROW_ROLE)
        line = QFontMetrics(option.font).lineSpacing()
        if isinstance(row, DocumentRow):
            lines, line = 2, QFontMetrics(_bold(option.font)).lineSpacing()
        elif isinstance(row, HitRow) and row.quote is not None:
            lines = 2
        else:
            lines = 1
        return QSize(0, lines * line + 2 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """The style's selection and hover background, then the row's lines."""
        widget = option.widget
        if widget is not None:
            panel = QStyle.PrimitiveElement.PE_PanelItemViewItem
            widget.style().drawPrimitive(panel, option, painter, widget)
        row = index.data(ROW_ROLE)
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text, muted = palette.color(role), palette.color(QPalette.ColorRole.PlaceholderText)
        rect = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        painter.save()
        if isinstance(row, DocumentRow):
            self._paint_document(painter, rect, option.font, row, palette, muted)
        elif isinstance(row, HitRow):
            indented = rect.adjusted(INDENT, 0, 0, 0)
            self._paint_hit(painter, indented, option.font, row, palette, text, muted)
        elif isinstance(row, MoreRow):
            painter.setFont(_italic(option.font))
            painter.setPen(muted)
            more = f"{row.hidden:,} more in this document: open it to see them all"
            painter.drawText(rect.adjusted(INDENT, 0, 0, 0), LEFT, more)
        painter.restore()

    def _paint_document(
        self,
        painter: QPainter,
        rect: QRect,
        font: QFont,
        row: DocumentRow,
        palette: QPalette,
        muted: QColor,
    ) -> None:
        bold = _bold(font)
        line = QFontMetrics(bold).lineSpacing()
        top = QRect(rect.left(), rect.top(), rect.width(), line)
        count = row.count_text
        count_width = QFontMetrics(font).horizontalAdvance(count) + PADDING
        painter.setFont(font)
        painter.setPen(muted)
        painter.drawText(top, RIGHT, count)
        title = top.adjusted(0, 0, -count_width, 0)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.Link))
        elided = QFontMetrics(bold).elidedText(
            row.group.document.title, Qt.TextElideMode.ElideRight, title.width()
        )
        painter.drawText(title, LEFT, elided)
        painter.setFont(font)
        painter.setPen(muted)
        below = top.translated(0, line)
        path = QFontMetrics(font).elidedText(
            str(row.group.document.path), Qt.TextElideMode.ElideMiddle, below.width()
        )
        painter.drawText(below, LEFT, path)

    def _paint_hit(
        self,
        painter: QPainter,
        rect: QRect,
        font: QFont,
        row: HitRow,
        palette: QPalette,
        text: QColor,
        muted: QColor,
    ) -> None:
        line = QFontMetrics(font).lineSpacing()
        first = QRect(rect.left(), rect.top(), rect.width(), line)
        if row.quote is not None and row.note is not None:
            box = QRect(0, 0, SWATCH, SWATCH)
            box.moveCenter(QRect(first.left(), first.top(), SWATCH, line).center())
            painter.fillRect(box, self.swatch(row.hit.colour))
            indented = first.adjusted(SWATCH + PADDING, 0, 0, 0)
            quote = Marked(f"“{row.quote.text}”", row.quote.start + 1, row.quote.end + 1)
            paint_marked(painter, indented, font, palette, text, quote)
            second = indented.translated(0, line)
            paint_marked(painter, second, _italic(font), palette, text, row.note)
            return
        where_width = 0
        if row.where:
            metrics = QFontMetrics(font)
            where = metrics.elidedText(
                row.where, Qt.TextElideMode.ElideRight, int(first.width() * WHERE_SHARE)
            )
            where_width = metrics.horizontalAdvance(where) + 2 * PADDING
            painter.setFont(font)
            painter.setPen(muted)
            painter.drawText(first, LEFT, where)
        snippet = first.adjusted(where_width, 0, 0, 0)
        paint_marked(painter, snippet, font, palette, text, row.snippet)


def paint_marked(
    painter: QPainter, rect: QRect, font: QFont, palette: QPalette, colour: QColor, line: Marked
) -> None:
    """`line` in one line of `rect`, its marked span bold on the match colour and always in
    sight: the text before it gets at most a third of the width, elided on the left."""
    bold = _bold(font)
    before = line.text[: line.start]
    match = line.text[line.start : line.end]
    after = line.text[line.end :]
    before = QFontMetrics(font).elidedText(before, Qt.TextElideMode.ElideLeft, rect.width() // 3)
    x, right = rect.left(), rect.right()
    painter.setPen(colour)
    for part, part_font in ((before, font), (match, bold), (after, font)):
        if not part or x >= right:
            continue
        metrics = QFontMetrics(part_font)
        shown = metrics.elidedText(part, Qt.TextElideMode.ElideRight, right - x)
        width = metrics.horizontalAdvance(shown)
        box = QRect(x, rect.top(), width, rect.height())
        if part_font is bold:
            painter.fillRect(box.adjusted(-1, 2, 1, -2), match_background(palette))
        painter.setFont(part_font)
        painter.drawText(box, LEFT, shown)
        x += width


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def _italic(font: QFont) -> QFont:
    italic = QFont(font)
    italic.setItalic(True)
    return italic
