"""Chinese line breaking (kinsoku) as the page lays the novel out, at several widths: no line
starts with closing punctuation, no line ends with an opening bracket. Qt's line breaker (the
Unicode line-breaking algorithm) already keeps these rules; this test proves it on real text,
with full-width punctuation as the page shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtGui import QFontMetricsF

from reader.chinese.punctuation import full_width_punctuation
from reader.document.loader import load_document
from reader.document.script import Script
from reader.ui.page_builder import PageDisplay, build_page
from reader.ui.theme import THEMES

NO_LINE_STARTS_WITH = "，。、；：？！）》」』"
NO_LINE_ENDS_WITH = "（《「『"
PARAGRAPHS = 700
"""The novel's first chapters: enough lines at each width to meet every mark many times."""


@pytest.mark.parametrize("characters_per_line", [17, 24, 31, 38])
@pytest.mark.parametrize("source", ["novel", "article"])
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(
    qapp: object,
    novel_path: Path,
    article_path: Path,
    source: str,
    characters_per_line: int,
) -> None:
    document = load_document(novel_path if source == "novel" else article_path)
    shown = full_width_punctuation(document.text)
    owner = QObject()
    page = build_page(
        document, THEMES["light"], 15.0, Script.UNKNOWN, PageDisplay(text=shown), owner
    )
    advance = QFontMetricsF(page.defaultFont()).horizontalAdvance("中")
    page.setTextWidth(characters_per_line * advance + 1)
    broken: list[str] = []
    lines = kept_at_end = 0
    block = page.begin()
    while block.isValid() and block.blockNumber() < PARAGRAPHS:
        layout, text = block.layout(), block.text()
        page.documentLayout().blockBoundingRect(block)  # lays the block out
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            content = text[line.textStart() : line.textStart() + line.textLength()].rstrip()
            lines += 1
            kept_at_end += number < layout.lineCount() - 1 and content[-1:] in NO_LINE_STARTS_WITH
            if number > 0 and content[:1] in NO_LINE_STARTS_WITH:
                broken.append(f"starts with {content[:1]}: {content[:12]}")
            if number < layout.lineCount() - 1 and content[-1:] in NO_LINE_ENDS_WITH:
                broken.append(f"ends with {content[-1:]}: {content[-12:]}")
        block = block.next()
    assert lines > 100
    assert kept_at_end > 0, "the rules were never put to the test at this width"
    assert broken == [], f"{len(broken)} of {lines} lines break the rules: {broken[:5]}"
