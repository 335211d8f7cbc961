"""Search in the window, driven by the keyboard and the mouse as a reader would."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` the way an input method commits it: key events carrying the characters."""
    for character in text:
        press = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character
        )
        QApplication.sendEvent(widget, press)


def search_for(qtbot: QtBot, window: MainWindow, query: str) -> None:
    """Ctrl+F, type the query, and wait for its (debounced) results: the answer to this query,
    not a refresh of the previous one that the index finishing its build may deliver first."""
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_panel.query_edit.hasFocus()
    type_text(window.search_panel.query_edit, query)
    qtbot.waitUntil(
        lambda: window.search.result is not None and window.search.result.query.text == query,
        timeout=HANG_TIMEOUT_MS,
    )


@pytest.fixture
def article_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    wait_for_load(qtbot, window, window.open_bundled_article)
    window.view.setFocus()
    return window


def test_typing_a_query_lists_grouped_hits_and_marks_them(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    window = article_window
    search_for(qtbot, window, "智算")
    panel = window.search_panel
    assert panel.status.text().startswith("26 matches in 10 paragraphs")
    model = panel.model
    first_row = model.index(0).data()
    assert first_row.startswith("智算自主:全球運營商最大單集群智算中心在哈爾濱建成投用")
    assert not model.flags(model.index(0)) & Qt.ItemFlag.ItemIsSelectable
    assert "智算" in model.index(1).data()
    assert window.view.extraSelections()
    for selection in window.view.extraSelections():
        assert selection.cursor.selectedText() == "智算"


def test_enter_and_f3_walk_the_hits_in_reading_order(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    window = article_window
    search_for(qtbot, window, "GPT")
    hits = window.search.result.in_reading_order()  # type: ignore[union-attr]
    edit = window.search_panel.query_edit
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.search.current_hit == hits[0]
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.search.current_hit == hits[1]
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F3)
    assert window.search.current_hit == hits[2]
    qtbot.keyClick(window.view, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.search.current_hit == hits[1]
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.search.current_hit == hits[0]
    top, bottom = window.view.top_offset(), window.view.top_offset() + 2000
    assert top <= hits[0].start <= bottom
    current = [
        s for s in window.view.extraSelections() if s.cursor.selectionStart() == hits[0].start
    ]
    assert current and current[0].cursor.selectedText() == "GPT"


def test_the_walk_wraps_around_and_says_so(qtbot: QtBot, article_window: MainWindow) -> None:
    window = article_window
    search_for(qtbot, window, "哈爾濱")
    hits = window.search.result.in_reading_order()  # type: ignore[union-attr]
    edit = window.search_panel.query_edit
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.search.current_hit == hits[-1]
    assert "wrapped" in window.statusBar().currentMessage()
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.search.current_hit == hits[0]


def test_folded_forms_find_the_same_text(qtbot: QtBot, article_window: MainWindow) -> None:
    window = article_window
    search_for(qtbot, window, "哈尔滨")
    simplified = window.search.result
    window.search.clear()
    search_for(qtbot, window, "哈爾濱")
    traditional = window.search.result
    assert simplified is not None and traditional is not None
    assert sorted(h.start for h in simplified.hits) == sorted(h.start for h in traditional.hits)
    assert len(simplified.hits) > 0


def test_clicking_a_result_scrolls_to_it(qtbot: QtBot, article_window: MainWindow) -> None:
    window = article_window
    search_for(qtbot, window, "應用")
    model, results = window.search_panel.model, window.search_panel.results
    last = model.index(model.rowCount() - 1)
    results.scrollTo(last)
    qtbot.mouseClick(
        results.viewport(), Qt.MouseButton.LeftButton, pos=results.visualRect(last).center()
    )
    hit = window.search.current_hit
    assert hit is not None
    assert window.view.document().toPlainText()[hit.start : hit.end] == "應用"
    assert window.view.top_offset() <= hit.start


def test_escape_clears_the_search_and_its_marks(qtbot: QtBot, article_window: MainWindow) -> None:
    window = article_window
    search_for(qtbot, window, "大模型")
    assert window.view.extraSelections()
    qtbot.keyClick(window.search_panel.query_edit, Qt.Key.Key_Escape)
    assert window.search_panel.query_edit.text() == ""
    assert window.view.extraSelections() == []
    assert window.search_panel.model.rowCount() == 0
    assert window.search.result is None


@pytest.mark.parametrize(
    "query", ["AND OR NOT ( ) * ? ~ ^ : [ ] { }", '"unbalanced', "，。！", "-", "x" * 3000]
)
def test_hostile_queries_never_raise(qtbot: QtBot, article_window: MainWindow, query: str) -> None:
    window = article_window
    window.panels.start_search()
    with qtbot.waitSignal(window.search.session.results_ready, timeout=HANG_TIMEOUT_MS):
        window.search_panel.query_edit.setText(query)
        window.search_panel.query_edit.textEdited.emit(query)
    result = window.search.result
    assert result is not None
    for hit in result.hits:
        assert window.view.document().toPlainText()[hit.start : hit.end]


def test_only_exclusions_say_there_is_nothing_to_search(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    window = article_window
    search_for(qtbot, window, "-GPT")
    assert window.search_panel.status.text() == "Nothing to search."


@pytest.mark.slow
def test_a_big_document_is_searched_at_once_without_building_anything(
    qtbot: QtBot, window: MainWindow, novel_path: Path
) -> None:
    """In-document find scans (faster than an index, measured): no child process, no files."""
    earlier_children = set(multiprocessing.active_children())
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    search_for(qtbot, window, "宝玉")
    assert window.search.result is not None and len(window.search.result.hits) > 1000
    assert set(multiprocessing.active_children()) == earlier_children
    assert not (window.paths.cache_dir / "indexes").exists()
