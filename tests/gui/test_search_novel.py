"""A common character in the novel (了: 21,000 hits): the panel counts and lists every hit,
walking reaches the last one with its row selected, and the hits on the page are marked
wherever the reader is (the answer makes hits only as they are shown: see
tests/search/test_lazy_hits.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.search.results import SearchResult
from reader.ui.search_results import HitRow
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load
from .test_search_panel import search_for
from .test_search_walk import press_f3, row_is_in_view, selected_hit

pytestmark = pytest.mark.slow


@pytest.fixture
def novel_window(qtbot: QtBot, window: MainWindow, novel_path: Path) -> MainWindow:
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    search_for(qtbot, window, "了")
    return window


def answer(window: MainWindow) -> SearchResult:
    assert window.search.result is not None
    return window.search.result


def marked_on_page(window: MainWindow) -> set[tuple[int, int]]:
    """The search marks painted, as canonical spans."""
    view = window.view
    return {
        (
            view.canonical_offset(s.cursor.selectionStart()),
            view.canonical_offset(s.cursor.selectionEnd()),
        )
        for s in view.extraSelections()
    }


def on_page(window: MainWindow) -> list[tuple[int, int]]:
    """The hits between the top and the bottom of the page, found the plain way."""
    view = window.view
    top, bottom = view.top_offset(), view.offset_at_y(view.viewport().height())
    text = answer(window).document.text
    return [(n, n + 1) for n in range(top, bottom) if text[n] == "了"]


def test_every_hit_is_counted_and_listed_by_section(novel_window: MainWindow) -> None:
    window, result = novel_window, answer(novel_window)
    total = window.view.document().toPlainText().count("了")
    assert len(result.hits) == total > 20_000
    panel = window.search_panel
    assert panel.status.text() == f"{total:,} matches in {result.paragraphs:,} paragraphs"
    model = panel.model
    assert model.rowCount() == total + len(result.sections())
    rows = [model.index(row).data(Qt.ItemDataRole.UserRole) for row in range(model.rowCount())]
    listed = [row.hit for row in rows if isinstance(row, HitRow)]
    assert sorted(listed) == sorted(result.hits)
    assert model.index(1).data() == result.snippet(listed[0]).text


def test_walking_back_from_the_start_reaches_the_last_hit_and_its_row(
    qtbot: QtBot, novel_window: MainWindow
) -> None:
    window = novel_window
    press_f3(qtbot, window, backwards=True)
    result, counter = answer(window), window.search_panel.counter
    last = result.in_reading_order()[-1]
    assert window.search.current_hit == last
    assert counter.text() == f"{len(result.hits):,} of {len(result.hits):,}"
    assert selected_hit(window) == last
    assert row_is_in_view(window, window.search_panel.results.currentIndex())


def test_the_hits_on_the_page_are_marked_wherever_the_reader_goes(
    qtbot: QtBot, novel_window: MainWindow
) -> None:
    window = novel_window
    for offset in (0, len(answer(window).document.text) // 2, answer(window).hits[-1].start):
        window.view.scroll_to_offset(offset)
        hits = on_page(window)
        assert hits, "precondition: 了 is on every page"
        qtbot.waitUntil(lambda h=hits: set(h) <= marked_on_page(window), timeout=HANG_TIMEOUT_MS)
