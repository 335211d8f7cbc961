"""Lays a `Document` out as a QTextDocument: one block per paragraph, formats from the theme."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextDocument

from reader.document.model import PLAIN_STYLE, Document, ParagraphKind
from reader.document.script import Script
from reader.ui.block_look import insert_paragraph_text, make_lists, style_block, style_char
from reader.ui.page_images import add_images
from reader.ui.theme import (
    LINE_HEIGHT_PERCENT,
    MEASURE_IN_CHARACTERS,
    Theme,
    body_block_format,
    body_char_format,
    body_font,
    heading_block_format,
    heading_char_format,
)
from reader.ui.utf16 import Utf16Map

TOP_MARGIN = 36


@dataclass(frozen=True, slots=True)
class PageDisplay:
    """How the page shows the text, beyond theme and size."""

    text: str | None = None
    """Shown instead of the document's text: a display transform of it, character for
    character (`reader.chinese`), so canonical offsets and Qt positions are unchanged."""
    line_height: int = LINE_HEIGHT_PERCENT
    letter_spacing: float = 100.0
    """In percent of the normal advance: pinyin needs wider characters to sit over."""
    side_margin: int = 0

    def layout_parts(self) -> tuple[object, ...]:
        """What of this display the page's layout depends on (for `reader.app.page_heights`)."""
        return (self.text or "", self.line_height, self.letter_spacing, self.side_margin)

    def with_side_margin(self, side_margin: int) -> PageDisplay:
        """The same display with the column's side margins (the view's to decide)."""
        return replace(self, side_margin=side_margin)


def build_page(
    document: Document,
    theme: Theme,
    font_size: float,
    script: Script,
    display: PageDisplay,
    parent: QObject,
) -> QTextDocument:
    """A fresh page for `document`. One block per paragraph keeps canonical paragraph indices
    equal to block numbers."""
    font = body_font(script, font_size)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, display.letter_spacing)
    page = QTextDocument(parent)
    page.setUndoRedoEnabled(False)
    page.setDefaultFont(font)
    page.setDocumentMargin(0)
    # Margins go in before the text: changing the frame format of a laid-out book would
    # make Qt lay out all of it again, synchronously.
    root = page.rootFrame().frameFormat()
    root.setTopMargin(TOP_MARGIN)
    root.setBottomMargin(TOP_MARGIN * 3)
    root.setLeftMargin(display.side_margin)
    root.setRightMargin(display.side_margin)
    page.rootFrame().setFrameFormat(root)

    levels = {section.paragraph_index: section.level for section in document.sections}
    body_block, body_char = body_block_format(font, display.line_height), body_char_format(theme)
    text = document.text if display.text is None else display.text
    assert len(text) == len(document.text), "a display transform must keep every offset"
    em = font.pointSizeF() * 96 / 72
    if document.resources:
        add_images(page, document, MEASURE_IN_CHARACTERS * em)
    cursor = QTextCursor(page)
    cursor.beginEditBlock()
    for index, paragraph in enumerate(document.paragraphs):
        style = paragraph.style
        if paragraph.kind is ParagraphKind.HEADING:
            level = style.level or levels.get(index, 1)
            block = heading_block_format(font, level)
            char = heading_char_format(font, level, theme)
        else:
            block, char = body_block, body_char
        if style is not PLAIN_STYLE:  # a structured book's paragraph
            block, char = style_block(block, style, em), style_char(char, style, theme)
        if index == 0:
            cursor.setBlockFormat(block)
            cursor.setBlockCharFormat(char)
            cursor.setCharFormat(char)
        else:
            cursor.insertBlock(block, char)
        insert_paragraph_text(cursor, text[paragraph.start : paragraph.end], paragraph, char, theme)
    cursor.endEditBlock()
    if any(p.style.marker for p in document.paragraphs):
        make_lists(page, document.paragraphs)
    if document.garbled:
        _mark_garbled(page, document, theme)
    return page


GARBLED_TOOLTIP = (
    "Garbled in the source: the site this text was saved from damaged this character, "
    "and nothing left in the text says which it was."
)


def _mark_garbled(page: QTextDocument, document: Document, theme: Theme) -> None:
    """Give the characters garbled in the source a muted dotted underline and a tooltip that
    says so."""
    garbled = QTextCharFormat()
    garbled.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    garbled.setForeground(QColor(theme.muted))
    garbled.setUnderlineColor(QColor(theme.muted))
    garbled.setToolTip(GARBLED_TOOLTIP)
    positions, cursor = Utf16Map(document.text), QTextCursor(page)
    for start, end in document.garbled:
        cursor.setPosition(positions.to_qt(start))
        cursor.setPosition(positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(garbled)
