"""The page widget: positions across the UTF-16 boundary, and nothing loaded from outside."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from reader.document.loader import document_from_text
from reader.ui.reader_view import ReaderView
from reader.ui.utf16 import Utf16Map

from .conftest import HANG_TIMEOUT_MS

ASTRAL = "𠀀𠀁𪚥𩸽"  # CJK Extension B and beyond: two UTF-16 units each


def make_view(qtbot: QtBot) -> ReaderView:
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view, timeout=HANG_TIMEOUT_MS)
    return view


@given(st.text(alphabet=st.sampled_from(list("天地a\n") + list(ASTRAL)), max_size=60))
def test_utf16_map_matches_qt_counting_both_ways(text: str) -> None:
    positions = Utf16Map(text)
    for offset in range(len(text) + 1):
        qt_position = len(text[:offset].encode("utf-16-le")) // 2
        assert positions.to_qt(offset) == qt_position
        assert positions.to_canonical(qt_position) == offset


def test_characters_after_astral_ones_are_found_at_their_canonical_offsets(
    qtbot: QtBot,
) -> None:
    text = f"第一段{ASTRAL}結束。\n{ASTRAL}第二段的文字。\n第三段"
    document = document_from_text(text)
    view = make_view(qtbot)
    view.show_document(document)
    page = view.document()
    for offset, character in enumerate(document.text):
        if character == "\n":
            continue
        cursor = QTextCursor(page)
        cursor.setPosition(view.qt_position(offset))
        cursor.setPosition(view.qt_position(offset + 1), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == character
        assert view.canonical_offset(cursor.selectionStart()) == offset


def test_scrolling_to_a_paragraph_after_astral_characters_lands_on_it(qtbot: QtBot) -> None:
    paragraphs = [f"{ASTRAL * 3}第{n}段。" + "文字" * 80 for n in range(60)]
    document = document_from_text("\n".join(paragraphs))
    view = make_view(qtbot)
    view.show_document(document)
    target = document.paragraphs[40].start
    view.scroll_to_offset(target)
    assert view.top_offset() == target


def test_the_page_loads_no_resources_and_follows_no_links(qtbot: QtBot, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("私人", encoding="utf-8")
    view = make_view(qtbot)
    view.show_document(document_from_text("正文。"))
    for url in (QUrl.fromLocalFile(str(secret)), QUrl("file:///dev/zero"), QUrl("https://x.y/")):
        assert view.loadResource(QTextDocument.ResourceType.ImageResource, url) is None
    view.setSource(QUrl.fromLocalFile(str(secret)))
    assert view.document().toPlainText() == "正文。"
    assert not view.openLinks()


def test_qt_calls_leave_nones_reference_count_alone(qapp: object) -> None:
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void C++ call and
    aborts after a few thousand (DESIGN.md, Known traps); the pinned version must not."""
    document = QTextDocument("天地玄黃" * 100)
    cursor = QTextCursor(document)
    before = sys.getrefcount(None)
    for position in range(5000):
        cursor.setPosition(position % 400)
    after = sys.getrefcount(None)
    assert abs(after - before) < 100
