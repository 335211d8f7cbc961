"""Characters garbled in the source: a subtle dotted underline on the page, and a tooltip."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from reader.document.loader import document_from_text, load_document
from reader.document.mojibake import MISSING
from reader.ui.page_builder import GARBLED_TOOLTIP
from reader.ui.reader_view import ReaderView
from reader.ui.theme import THEMES
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load

SHOTS = Path("/tmp/reader-shots")


def make_view(qtbot: QtBot) -> ReaderView:
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(640, 420)
    view.show()
    qtbot.waitExposed(view, timeout=HANG_TIMEOUT_MS)
    return view


def char_format_at(view: ReaderView, offset: int) -> QTextCharFormat:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.qt_position(offset + 1))  # the format of the character before
    return cursor.charFormat()


def test_only_the_garbled_characters_are_underlined_with_a_tooltip(qtbot: QtBot) -> None:
    # 𠀀 before the mark: offsets are converted to Qt's UTF-16 positions on the way.
    document = document_from_text("𠀀開頭段落\n也正因?yàn)槿绱,像大模型\n結尾")
    assert len(document.garbled) == 1
    start, _end = document.garbled[0]
    assert document.text[start] == MISSING
    view = make_view(qtbot)
    view.show_document(document)
    marked = char_format_at(view, start)
    assert marked.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    assert marked.toolTip() == GARBLED_TOOLTIP
    for clean in (start - 1, start + 1, 0):
        assert (
            char_format_at(view, clean).underlineStyle()
            == QTextCharFormat.UnderlineStyle.NoUnderline
        )
        assert char_format_at(view, clean).toolTip() == ""


def test_hovering_the_mark_in_the_window_shows_what_it_means(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "garbled.txt"
    path.write_text("也正因?yàn)槿绱,像大模型與AI芯片這樣的人工智能領域", encoding="utf-8")
    wait_for_load(qtbot, window, lambda: window.open_path(path))
    view = window.view
    document = window.current_document()
    assert document is not None
    start, _end = document.garbled[0]
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.qt_position(start))
    rect = view.cursorRect(cursor)
    for x in (rect.left() + 3, rect.left() + 12):  # either half of the character
        QToolTip.hideText()
        point = QPoint(x, rect.center().y())
        event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
        QApplication.sendEvent(view.viewport(), event)
        qtbot.waitUntil(QToolTip.isVisible, timeout=HANG_TIMEOUT_MS)
        assert QToolTip.text() == GARBLED_TOOLTIP


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_the_articles_marks(qtbot: QtBot, article_path: Path, theme: str) -> None:
    document = load_document(article_path)
    view = make_view(qtbot)
    view.set_appearance(THEMES[theme], 17.0)
    view.show_document(document, offset=document.garbled[0][0] - 60)
    qtbot.wait(50)
    SHOTS.mkdir(exist_ok=True)
    assert view.grab().save(str(SHOTS / f"garbled-{theme}.png"))
