"""Lays a `Document` out as a QTextDocument: one block per paragraph, formats from the theme."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument

from reader.document.model import Document, ParagraphKind
from reader.document.script import Script
from reader.ui.theme import (
    Theme,
    body_block_format,
    body_char_format,
    body_font,
    heading_block_format,
    heading_char_format,
)

TOP_MARGIN = 36


def build_page(
    document: Document,
    theme: Theme,
    font_size: float,
    script: Script,
    side_margin: int,
    parent: QObject,
) -> QTextDocument:
    """A fresh page for `document`. One block per paragraph keeps canonical paragraph indices
    equal to block numbers."""
    font = body_font(script, font_size)
    page = QTextDocument(parent)
    page.setUndoRedoEnabled(False)
    page.setDefaultFont(font)
    page.setDocumentMargin(0)
    # Margins go in before the text: changing the frame format of a laid-out book would
    # make Qt lay out all of it again, synchronously.
    root = page.rootFrame().frameFormat()
    root.setTopMargin(TOP_MARGIN)
    root.setBottomMargin(TOP_MARGIN * 3)
    root.setLeftMargin(side_margin)
    root.setRightMargin(side_margin)
    page.rootFrame().setFrameFormat(root)

    levels = {section.paragraph_index: section.level for section in document.sections}
    body_block, body_char = body_block_format(font), body_char_format(theme)
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
        _insert_text(cursor, document, paragraph.start, paragraph.end, char, theme)
    cursor.endEditBlock()
    return page


GARBLED_TOOLTIP = (
    "Garbled in the source: the site this text was saved from damaged this character, "
    "and nothing left in the text says which it was."
)


def _insert_text(
    cursor: QTextCursor,
    document: Document,
    start: int,
    end: int,
    char: QTextCharFormat,
    theme: Theme,
) -> None:
    """The text of ``[start, end)``; characters garbled in the source get a dotted underline
    and a tooltip that says so."""
    first = bisect_left(document.garbled, (start, start))
    position = start
    for garbled_start, garbled_end in document.garbled[first:]:
        if garbled_start >= end:
            break
        cursor.insertText(document.text[position:garbled_start], char)
        garbled = QTextCharFormat(char)
        garbled.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        garbled.setForeground(QColor(theme.muted))
        garbled.setUnderlineColor(QColor(theme.muted))
        garbled.setToolTip(GARBLED_TOOLTIP)
        cursor.insertText(document.text[garbled_start:garbled_end], garbled)
        position = garbled_end
    cursor.insertText(document.text[position:end], char)
