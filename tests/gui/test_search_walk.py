"""Walking through search hits: the "3 of 26" counter, the list row that follows F3, the list's
order, Esc twice, and what an empty answer says."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.search.results import Hit
from reader.ui.search_results import HitRow
from reader.ui.window import MainWindow

from .conftest import wait_for_load
from .test_search_panel import search_for

QUERY = "智算"
"""26 hits in 10 paragraphs; the best (in a heading) lie in the fourth section, not the first."""


@pytest.fixture
def article_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    wait_for_load(qtbot, window, window.open_bundled_article)
    window.view.setFocus()
    return window


def in_text_order(window: MainWindow) -> list[Hit]:
    assert window.search.result is not None
    return list(window.search.result.in_reading_order())


def press_f3(qtbot: QtBot, window: MainWindow, backwards: bool = False) -> None:
    modifier = Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(window.view, Qt.Key.Key_F3, modifier)


def selected_hit(window: MainWindow) -> Hit | None:
    row = window.search_panel.results.currentIndex().data(Qt.ItemDataRole.UserRole)
    return row.hit if isinstance(row, HitRow) else None


def row_is_in_view(window: MainWindow, index: QModelIndex) -> bool:
    results = window.search_panel.results
    return results.viewport().rect().contains(results.visualRect(index))


def test_the_counter_says_which_hit_in_text_order_through_f3_and_wraps(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    window, counter = article_window, article_window.search_panel.counter
    search_for(qtbot, window, QUERY)
    assert counter.text() == ""  # nothing gone to yet: the status line has the total
    window.view.setFocus()
    press_f3(qtbot, window)
    assert counter.text() == "1 of 26"
    press_f3(qtbot, window)
    press_f3(qtbot, window)
    assert counter.text() == "3 of 26"
    assert window.search.current_hit == in_text_order(window)[2]
    press_f3(qtbot, window, backwards=True)
    assert counter.text() == "2 of 26"
    press_f3(qtbot, window, backwards=True)
    press_f3(qtbot, window, backwards=True)
    assert counter.text() == "26 of 26"  # wrapped to the end
    press_f3(qtbot, window)
    assert counter.text() == "1 of 26"  # and back to the beginning
    assert counter.isVisible()


def test_the_list_row_of_the_current_hit_follows_f3_into_view(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    window = article_window
    search_for(qtbot, window, QUERY)
    window.view.setFocus()
    for _ in range(26):
        press_f3(qtbot, window)
        assert selected_hit(window) == window.search.current_hit
        assert row_is_in_view(window, window.search_panel.results.currentIndex())


def test_the_list_says_it_is_ranked_and_can_follow_the_text_instead(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    """Best first, the first F3 selects a row below the first group: the panel says why. In
    text order, F3 walks straight down the list."""
    window, panel = article_window, article_window.search_panel
    search_for(qtbot, window, QUERY)
    assert panel.order.currentText() == "Best first"
    assert panel.order.isVisible()
    panel.order.setCurrentIndex(panel.order.findText("In text order"))
    hit_rows = [
        row
        for row in range(panel.model.rowCount())
        if isinstance(panel.model.index(row).data(Qt.ItemDataRole.UserRole), HitRow)
    ]
    listed = [panel.model.index(row).data(Qt.ItemDataRole.UserRole).hit for row in hit_rows]
    assert listed == in_text_order(window)
    window.view.setFocus()
    press_f3(qtbot, window)
    assert panel.results.currentIndex().row() == hit_rows[0]
    press_f3(qtbot, window)
    assert panel.results.currentIndex().row() == hit_rows[1]


def test_after_clicking_a_row_f3_continues_from_that_hit(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    window, panel = article_window, article_window.search_panel
    search_for(qtbot, window, QUERY)
    first_row = panel.model.index(1)  # best first: a hit in the fourth section
    clicked = first_row.data(Qt.ItemDataRole.UserRole).hit
    qtbot.mouseClick(
        panel.results.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.results.visualRect(first_row).center(),
    )
    hits = in_text_order(window)
    number = hits.index(clicked)
    assert number > 0
    assert window.search.current_hit == clicked
    assert panel.counter.text() == f"{number + 1} of 26"
    press_f3(qtbot, window)
    assert window.search.current_hit == hits[number + 1]
    assert panel.counter.text() == f"{number + 2} of 26"
    assert selected_hit(window) == hits[number + 1]


def test_a_second_escape_closes_the_panel_and_returns_to_the_page(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    window, edit = article_window, article_window.search_panel.query_edit
    search_for(qtbot, window, QUERY)
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == ""
    assert window.panels.search_dock.isVisible()
    assert edit.hasFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert not window.panels.search_dock.isVisible()
    assert QApplication.focusWidget() is window.view


def test_a_query_without_hits_says_so_in_the_list(qtbot: QtBot, article_window: MainWindow) -> None:
    window, panel = article_window, article_window.search_panel
    search_for(qtbot, window, "量子糾纏")
    assert window.search.result is not None and not window.search.result.hits
    assert panel.empty_note.isVisible()
    assert panel.empty_note.text().startswith("No matches for “量子糾纏” in this document.")
    assert not panel.results.isVisible()
    assert not panel.order.isVisible()
    assert panel.counter.text() == ""
    search_for(qtbot, window, "智")
    assert not panel.empty_note.isVisible()
    assert panel.results.isVisible()


def test_the_list_is_walked_and_chosen_from_with_the_keyboard(
    qtbot: QtBot, article_window: MainWindow
) -> None:
    """Down moves to the next row, Enter goes to its hit, Tab leaves the list (as from a
    list: the table under it must not keep Tab for moving between cells)."""
    window, panel = article_window, article_window.search_panel
    search_for(qtbot, window, QUERY)
    model, results = panel.model, panel.results
    rows = [model.index(row).data(Qt.ItemDataRole.UserRole) for row in range(model.rowCount())]
    first = next(
        n for n in range(len(rows) - 1) if all(isinstance(r, HitRow) for r in rows[n : n + 2])
    )
    results.setFocus()
    results.setCurrentIndex(model.index(first))
    qtbot.keyClick(results, Qt.Key.Key_Down)
    assert results.currentIndex().row() == first + 1
    qtbot.keyClick(results, Qt.Key.Key_Return)
    assert window.search.current_hit == rows[first + 1].hit
    assert selected_hit(window) == rows[first + 1].hit
    results.setFocus()
    qtbot.keyClick(results, Qt.Key.Key_Tab)
    assert not results.hasFocus()
