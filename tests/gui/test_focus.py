"""Where the keys go: to the page after a jump from the contents, to the search box while a
document opens; and the About dialog's folders each on one unbroken line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from reader.ui.help_dialogs import AboutDialog
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load
from .test_search_panel import type_text

QUERY = "賈寶玉見了林黛玉"
"""Typed as an input method commits Chinese: key events carrying the characters (Qt's test
key clicks take ASCII only)."""


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_after_clicking_a_contents_entry_pgdn_turns_the_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    toc = window.toc
    toc.setFocus()
    item = toc.item(2)
    qtbot.mouseClick(
        toc.viewport(), Qt.MouseButton.LeftButton, pos=toc.visualItemRect(item).center()
    )
    assert window.view.hasFocus()
    bar = window.view.verticalScrollBar()
    before, row = bar.value(), toc.currentRow()
    qtbot.keyClick(focused(), Qt.Key.Key_PageDown)
    assert bar.value() > before
    assert toc.currentRow() == row


def test_keys_typed_while_a_document_opens_all_reach_the_search_box(
    qtbot: QtBot, window: MainWindow, novel_path: Path
) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    with qtbot.waitSignal(window.loader.settled, timeout=HANG_TIMEOUT_MS):
        window.open_path(novel_path)
        qtbot.keyClick(focused(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        type_text(focused(), QUERY[:4])  # before the novel is on the page
    type_text(focused(), QUERY[4:])  # as it appears
    qtbot.waitUntil(lambda: window.search.session.searcher is not None, timeout=HANG_TIMEOUT_MS)
    type_text(focused(), "。")  # once search is prepared for it
    assert window.search_panel.query_edit.text() == QUERY + "。"
    assert window.search_panel.query_edit.hasFocus()


def test_a_new_document_takes_the_keys_from_the_contents_list(
    qtbot: QtBot, window: MainWindow, article_path: Path
) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    window.toc.setFocus()
    wait_for_load(qtbot, window, lambda: window.open_path(article_path))
    assert window.view.hasFocus()


def test_about_shows_each_folder_whole_on_one_line(qtbot: QtBot, window: MainWindow) -> None:
    about = AboutDialog(window.paths, window)
    qtbot.addWidget(about)
    about.show()
    qtbot.waitExposed(about)
    folders = about.findChildren(QLabel, "folderPath")
    paths = window.paths
    assert [label.text() for label in folders] == [
        str(paths.data_dir),
        str(paths.config_dir),
        str(paths.cache_dir),
    ]
    for label in folders:
        assert not label.wordWrap()
        assert label.width() >= label.sizeHint().width()  # never cut short either
        assert label.height() < 2 * label.fontMetrics().lineSpacing()
