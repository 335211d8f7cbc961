"""Highlights that span paragraphs are painted paragraph by paragraph, so that putting them on
a freshly opened book never makes Qt lay out the whole book at once."""

from __future__ import annotations

from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from reader.document.loader import document_from_text
from reader.ui.marks import Mark
from reader.ui.reader_view import ReaderView

from .conftest import HANG_TIMEOUT_MS

PARAGRAPH = "天地玄黃，宇宙洪荒。日月盈昃，辰宿列張。" * 12
YELLOW = QColor("#f5e27a")


def test_a_highlight_across_paragraphs_is_painted_per_paragraph_without_laying_out_the_book(
    qtbot: QtBot,
) -> None:
    document = document_from_text("\n".join([PARAGRAPH] * 4000))  # about a million characters
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view, timeout=HANG_TIMEOUT_MS)
    view.show_document(document)
    first, second = document.paragraphs[0], document.paragraphs[1]
    start, end = first.end - 5, second.start + 7  # the end of one paragraph, the next's start
    page = view.document()
    assert page.lastBlock().layout().lineCount() == 0, "precondition: the end is not laid out"

    view.set_annotation_marks([Mark(start, end, YELLOW, key="across")])  # on after first paint
    qtbot.waitUntil(lambda: bool(view.extraSelections()), timeout=HANG_TIMEOUT_MS)

    assert page.lastBlock().layout().lineCount() == 0, "the whole book was laid out"
    painted = [
        (s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format.background().color())
        for s in view.extraSelections()
    ]
    assert painted == [(start, first.end, YELLOW), (second.start, end, YELLOW)]
    assert view.annotation_keys_at(first.end - 1) == ["across"] == view.annotation_keys_at(end - 1)
