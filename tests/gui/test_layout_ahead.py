"""A long page is laid out to its end in many short slices after it is shown, not in Qt's
doubling steps; the scroll range follows, and a page replaced half-way is handled."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load


def laid_out(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the page on show is laid out to its end."""
    view = window.view
    ahead = view.layout_ahead
    qtbot.waitUntil(
        lambda: ahead.page is view.document() and not ahead.busy, timeout=HANG_TIMEOUT_MS
    )


def test_the_novel_is_laid_out_in_many_slices_and_its_whole_length_scrolls(
    qtbot: QtBot, window: MainWindow, novel_path: Path
) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    laid_out(qtbot, window)
    view = window.view
    assert view.layout_ahead.slices > 10, "the book was laid out in a few long steps"
    height = view.document().documentLayout().documentSize().height()
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() >= height - view.viewport().height() - 1)
    qtbot.keyClick(view, Qt.Key.Key_End)
    document = window.current_document()
    assert document is not None
    assert view.top_offset() > len(document.text) * 0.99, "End did not reach the end"


def test_a_page_replaced_while_it_was_laid_out_gives_way_to_the_new_one(
    qtbot: QtBot, window: MainWindow, novel_path: Path
) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    view = window.view
    qtbot.waitUntil(lambda: view.layout_ahead.busy, timeout=HANG_TIMEOUT_MS)
    window.chinese.display.toggle_pinyin()  # a new page (taller lines) half-way through
    laid_out(qtbot, window)
    height = view.document().documentLayout().documentSize().height()
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() >= height - view.viewport().height() - 1)
    window.appearance.change_font_size(2)  # and another, laid out to its end as well
    laid_out(qtbot, window)


def test_a_new_width_is_laid_out_in_slices_as_well(
    qtbot: QtBot, window: MainWindow, novel_path: Path
) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    laid_out(qtbot, window)
    view = window.view
    window.resize(window.width() + 300, window.height())  # the column re-centred: a new layout
    qtbot.waitUntil(lambda: view.layout_ahead.busy, timeout=HANG_TIMEOUT_MS)
    laid_out(qtbot, window)
    assert view.layout_ahead.slices > 10
    height = view.document().documentLayout().documentSize().height()
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() >= height - view.viewport().height() - 1)
