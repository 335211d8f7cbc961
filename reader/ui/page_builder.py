"""Lays a `Document` out as a QTextDocument: one block per paragraph, formats from the theme."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont, QTextCursor, QTextDocument

from reader.document.model import Document, ParagraphKind
from reader.document.script import Script
from reader.ui.theme import (
    LINE_HEIGHT_PERCENT,
    Theme,
    body_block_format,
    body_char_format,
    body_font,
    heading_block_format,
    heading_char_format,
)

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
    cursor = QTextCursor(page)
    cursor.beginEditBlock()
    for index, paragraph in enumerate(document.paragraphs):
        if paragraph.kind is ParagraphKind.HEADING:
            level = levels.get(index, 1)
            block = heading_block_format(font, level)
            char = heading_char_format(font, level, theme)
        else:
            block, char = body_block, body_char
        if index == 0:
            cursor.setBlockFormat(block)
            cursor.setBlockCharFormat(char)
            cursor.setCharFormat(char)
        else:
            cursor.insertBlock(block, char)
        cursor.insertText(text[paragraph.start : paragraph.end], char)
    cursor.endEditBlock()
    return page
