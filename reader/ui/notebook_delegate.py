"""How a notebook row looks: a document as its title over where its file is; an annotation as
a colour swatch, its quote, its note and a quiet line of tags and date.

Every row has a fixed number of lines (the quote one, the note one when there is a note, the
details one), each elided at the row's width, so the size of a row is known without laying out
its text: ten thousand rows cost nothing until they are painted. The whole quote and note are
in the details pane and the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from reader.annotations.model import Annotation, Colour
from reader.annotations.notebook import NotebookDocument
from reader.ui.notebook_model import (
    ANNOTATION_ROLE,
    DOCUMENT_ROLE,
    FOLDED_ROLE,
    local_date,
    where_text,
)
from reader.ui.plain_text import readable
from reader.ui.theme import THEMES, Theme, highlight_colour

PADDING = 6
SWATCH = 10
GUTTER = SWATCH + 10
"""From a row's left edge to its text: the swatch, and air after it."""
INDENT = 16
"""An annotation row sits this far in from its document's row, which has its arrow there."""
ARROW = 4
"""Half the size of a document row's folding arrow."""
LINE_CHARACTERS = 400
"""More of a quote or note than any one line can show: the rest is never measured."""
Index = QModelIndex | QPersistentModelIndex


class NotebookDelegate(QStyledItemDelegate):
    """Paints the rows of a `NotebookModel`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._swatches: dict[Colour, QColor] = {}
        self.set_theme(THEMES["light"])

    def set_theme(self, theme: Theme) -> None:
        """Swatches in the shades the page uses for `theme`, opaque so they read as labels."""
        for colour in Colour:
            shade = highlight_colour(theme, colour)
            shade.setAlpha(255)
            self._swatches[colour] = shade

    def swatch(self, colour: Colour) -> QColor:
        """The shade a colour's swatch is painted in."""
        return QColor(self._swatches[colour])

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Lines times the line height: no text is laid out to size a row."""
        line = QFontMetrics(option.font).lineSpacing()
        annotation = index.data(ANNOTATION_ROLE)
        if isinstance(annotation, Annotation):
            lines = 3 if annotation.note.strip() else 2
        else:
            line = QFontMetrics(_bold(option.font)).lineSpacing()
            lines = 2
        return QSize(0, lines * line + 2 * PADDING)  # as wide as the view makes it

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """The selection and hover background from the style, then the row's lines."""
        widget = option.widget
        style = widget.style() if widget is not None else None
        panel = QStyle.PrimitiveElement.PE_PanelItemViewItem
        if style is not None:
            style.drawPrimitive(panel, option, painter, widget)
        painter.save()
        rect = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        annotation = index.data(ANNOTATION_ROLE)
        if isinstance(annotation, Annotation):
            body = rect.adjusted(INDENT, 0, 0, 0)
            self._paint_annotation(painter, body, option.font, annotation, text, muted)
        else:
            document = index.data(DOCUMENT_ROLE)
            if isinstance(document, NotebookDocument):
                _paint_arrow(painter, rect, option.font, bool(index.data(FOLDED_ROLE)), muted)
                body = rect.adjusted(INDENT, 0, 0, 0)
                self._paint_document(painter, body, option.font, document, text, muted)
        painter.restore()

    def _paint_annotation(
        self,
        painter: QPainter,
        rect: QRect,
        font: QFont,
        annotation: Annotation,
        text: QColor,
        muted: QColor,
    ) -> None:
        metrics = QFontMetrics(font)
        line = metrics.lineSpacing()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        swatch = self._swatches[annotation.colour]
        painter.setBrush(swatch)
        painter.setPen(swatch.darker(130))
        top = rect.top() + (line - SWATCH) // 2
        painter.drawEllipse(rect.left(), top, SWATCH, SWATCH)
        body = rect.adjusted(GUTTER, 0, 0, 0)
        quote = "“" + _one_line(annotation.quote.exact) + "”"
        lines: list[tuple[str, QColor]] = [(quote, text)]
        if annotation.note.strip():
            lines.append(("✎ " + _one_line(annotation.note), text))
        details = [f"#{tag}" for tag in annotation.tags]
        if annotation.orphan:
            details.append("not placed in the text")
        details.append(local_date(annotation.modified))
        lines.append(("   ".join(details), muted))
        for number, (shown, colour) in enumerate(lines):
            painter.setPen(colour)
            row = QRect(body.left(), body.top() + number * line, body.width(), line)
            elided = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, body.width())
            painter.drawText(
                row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided
            )

    def _paint_document(
        self,
        painter: QPainter,
        rect: QRect,
        font: QFont,
        document: NotebookDocument,
        text: QColor,
        muted: QColor,
    ) -> None:
        bold = _bold(font)
        metrics, line = QFontMetrics(bold), QFontMetrics(bold).lineSpacing()
        count = str(len(document.annotations))
        count_width = metrics.horizontalAdvance(count) + PADDING
        painter.setFont(bold)
        painter.setPen(text)
        title_row = QRect(rect.left(), rect.top(), rect.width() - count_width, line)
        title = metrics.elidedText(
            readable(_one_line(document.record.title)),
            Qt.TextElideMode.ElideRight,
            title_row.width(),
        )
        painter.drawText(title_row, Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(font)
        painter.setPen(muted)
        count_row = QRect(rect.right() - count_width, rect.top(), count_width, line)
        painter.drawText(
            count_row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, count
        )
        where_row = QRect(rect.left(), rect.top() + line, rect.width(), line)
        where = QFontMetrics(font).elidedText(
            where_text(document), Qt.TextElideMode.ElideMiddle, where_row.width()
        )
        painter.drawText(where_row, Qt.AlignmentFlag.AlignVCenter, where)


def _paint_arrow(painter: QPainter, rect: QRect, font: QFont, folded: bool, colour: QColor) -> None:
    """A document row's arrow, by its title: pointing right when its annotations are folded
    away, down when they are shown (drawn, so no font has to have the glyph)."""
    x = rect.left() + ARROW
    y = rect.top() + QFontMetrics(_bold(font)).lineSpacing() // 2
    if folded:
        points = [
            QPoint(x - ARROW // 2, y - ARROW),
            QPoint(x + ARROW, y),
            QPoint(x - ARROW // 2, y + ARROW),
        ]
    else:
        points = [
            QPoint(x - ARROW, y - ARROW // 2),
            QPoint(x + ARROW, y - ARROW // 2),
            QPoint(x, y + ARROW),
        ]
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(points)


def _one_line(text: str) -> str:
    return " ".join(text[:LINE_CHARACTERS].split())


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold
