"""The look of a structured book's paragraphs: headings, lists, quotes, code, tables, figures,
and inline emphasis, links, ruby and images.

The reader's theme, font and size always win: a book's colours, fonts and sizes are never
used, only what carries meaning (alignment, italics, indentation, structure). List markers
and images are drawn by Qt (a QTextList, an image object on the paragraph's own U+FFFC), so the
page's text stays the canonical text, one block per paragraph.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
    QTextListFormat,
)
from PySide6.QtGui import QTextList as QtTextList

from reader.document.model import Align, BlockKind, BlockStyle, InlineSpan, Paragraph
from reader.ui.page_images import RESOURCE_SCHEME
from reader.ui.theme import Theme

MONOSPACE = ["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "monospace"]


def style_block(block: QTextBlockFormat, style: BlockStyle, em: float) -> QTextBlockFormat:
    """`block` (the body or heading format) adjusted for the paragraph's structure."""
    result = QTextBlockFormat(block)
    if style.kind in (BlockKind.FIGURE, BlockKind.TABLE_ROW, BlockKind.CODE, BlockKind.LIST_ITEM):
        result.setTextIndent(0)  # a first-line indent belongs to running paragraphs only
    if style.align is Align.CENTER or style.kind is BlockKind.FIGURE:
        result.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    elif style.align is Align.END:
        result.setAlignment(Qt.AlignmentFlag.AlignRight)
    if style.kind is BlockKind.QUOTE:
        result.setLeftMargin(1.5 * em * max(style.level, 1))
        result.setRightMargin(1.5 * em)
    elif style.kind is BlockKind.CODE:
        result.setLeftMargin(em)
        result.setTopMargin(0)
        result.setBottomMargin(0)
        result.setNonBreakableLines(False)
    elif style.kind is BlockKind.TABLE_ROW:
        result.setTopMargin(em * 0.15)
        result.setBottomMargin(em * 0.15)
        result.setTabPositions([])
    if style.indent:
        result.setTextIndent(2 * em)
    return result


def style_char(char: QTextCharFormat, style: BlockStyle, theme: Theme) -> QTextCharFormat:
    """`char` (body or heading) with the paragraph's italics or code face."""
    result = QTextCharFormat(char)
    if style.italic:
        result.setFontItalic(True)
    if style.kind is BlockKind.CODE:
        result.setFontFamilies(MONOSPACE)
        result.setBackground(QColor(theme.panel))
    if style.kind is BlockKind.QUOTE:
        result.setForeground(QColor(theme.muted))
    return result


def span_format(base: QTextCharFormat, spans: list[InlineSpan], theme: Theme) -> QTextCharFormat:
    """The character format of text covered by `spans`."""
    result = QTextCharFormat(base)
    for span in spans:
        if span.kind == "emphasis":
            result.setFontItalic(not base.fontItalic())
        elif span.kind == "strong":
            result.setFontWeight(QFont.Weight.Bold)
        elif span.kind == "code":
            result.setFontFamilies(MONOSPACE)
        elif span.kind in ("sup", "sub"):
            alignment = QTextCharFormat.VerticalAlignment
            result.setVerticalAlignment(
                alignment.AlignSuperScript if span.kind == "sup" else alignment.AlignSubScript
            )
        elif span.kind == "strike":
            result.setFontStrikeOut(True)
        elif span.kind == "underline":
            result.setFontUnderline(True)
        elif span.kind == "link":
            result.setAnchor(True)
            result.setAnchorHref(span.value)
            result.setForeground(QColor(theme.heading))
            result.setFontUnderline(True)
            if not span.value.startswith("#"):
                result.setToolTip(f"{span.value} (not opened: the reader stays offline)")
        elif span.kind in ("ruby", "tooltip"):
            result.setToolTip(span.value)
            if span.kind == "ruby":
                result.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    return result


def insert_paragraph_text(
    cursor: QTextCursor, text: str, paragraph: Paragraph, char: QTextCharFormat, theme: Theme
) -> None:
    """Insert the paragraph's text piece by piece under its inline spans; an image span puts
    its picture on its own U+FFFC, so positions are unchanged."""
    spans = paragraph.style.spans
    if not spans:
        cursor.insertText(text, char)
        return
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    for start, end in pairwise(cuts):
        covering = [s for s in spans if s.start <= start and s.end >= end]
        image = next((s for s in covering if s.kind == "image"), None)
        if image is not None and end - start == 1:
            image_format = QTextImageFormat()
            image_format.setName(f"{RESOURCE_SCHEME}:{image.value}")
            image_format.setToolTip(span_format(char, covering, theme).toolTip())
            cursor.insertImage(image_format)
        else:
            cursor.insertText(text[start:end], span_format(char, covering, theme))


def make_lists(page: QTextDocument, paragraphs: tuple[Paragraph, ...]) -> None:
    """Draw list markers: each run of consecutive items of one depth and kind is a QTextList
    (bullets or numbers painted by Qt, not characters in the text)."""
    current: QtTextList | None = None
    previous: tuple[int, bool] | None = None
    for index, paragraph in enumerate(paragraphs):
        style = paragraph.style
        if style.kind is not BlockKind.LIST_ITEM or not style.marker:
            if style.kind is not BlockKind.LIST_ITEM:
                current, previous = None, None
            continue
        numbered = style.marker != "•"
        key = (style.level, numbered)
        block = page.findBlockByNumber(index)
        if current is None or key != previous:
            list_format = QTextListFormat()
            list_format.setStyle(
                QTextListFormat.Style.ListDecimal if numbered else QTextListFormat.Style.ListDisc
            )
            list_format.setIndent(max(style.level, 1))
            if numbered:
                list_format.setStart(int(style.marker.rstrip(".") or 1))
            current = QTextCursor(block).createList(list_format)
            previous = key
        else:
            current.add(block)
