"""Reopening the novel at the saved position lays the page out once: no second page is built
and nothing (margins, a theme, a panel appearing) makes Qt lay the book out again.

A relayout of the whole text is what `QTextDocument.contentsChange` reports for a format
change of the root frame (the side margins); a new page is a new `QTextDocument`. Both are
counted from the moment the window has shown the document until it is final: the contents
panel filled, the annotations opened after the first paint, the position reported.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from reader.document.model import Document

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load

CHAPTER = 60


def test_reopening_the_novel_at_its_place_lays_it_out_once(
    qtbot: QtBot, make_window: MakeWindow, novel_path: Path
) -> None:
    first = make_window()
    first.resize(1300, 850)  # wide enough for a centred column: its margins can change
    wait_for_load(qtbot, first, lambda: first.open_path(novel_path))
    first.navigation.go_to_entry(first.toc.entries[CHAPTER])
    saved = first.view.top_offset()
    assert saved > 0
    first.close()

    again = make_window()
    pages: list[QTextDocument] = []
    relayouts: list[tuple[int, int, int]] = []

    def shown(_document: Document) -> None:
        page = again.view.document()
        pages.append(page)
        page.contentsChange.connect(lambda *change: relayouts.append(change))

    again.opening.loaded.connect(shown)
    with qtbot.waitSignals(
        [again.annotations.opened, again.view.position_changed], timeout=HANG_TIMEOUT_MS
    ):
        again.open_request(None)
    qtbot.waitUntil(lambda: again.toc.entries != [], timeout=HANG_TIMEOUT_MS)

    assert again.view.top_offset() == saved
    assert pages == [again.view.document()], "the page was built again after it was shown"
    # Full-width punctuation is put in place character for character (a paragraph each),
    # never as one change spanning the book.
    in_place = [change for change in relayouts if change[1] == change[2] <= 2]
    assert relayouts == in_place, f"the book was laid out again: {relayouts}"
