"""The page keeps a readable measure whatever panels are open: at least 24 characters a line
in the default window, at the default and at the largest text size (the panels shrink to
their minimum first, then the window grows)."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDockWidget
from pytestqt.qtbot import QtBot

from reader.app.settings import MAX_FONT_SIZE, Settings
from reader.ui.persistence import DEFAULT_SIZE
from reader.ui.window import MainWindow

from .conftest import MakeWindow, wait_for_load

COMFORTABLE_MEASURE = 24
PARAGRAPH = "天地玄黃宇宙洪荒日月盈昃辰宿列張寒來暑往秋收冬藏閏餘成歲律呂調陽" * 12


@pytest.fixture
def page(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> MainWindow:
    text = tmp_path / "千字文.txt"
    text.write_text("\n\n".join([PARAGRAPH] * 12), encoding="utf-8")
    window = make_window()
    assert (window.width(), window.height()) == DEFAULT_SIZE
    wait_for_load(qtbot, window, lambda: window.open_path(text))
    return window


def characters_per_line(window: MainWindow) -> int:
    """Lay the page out and count the characters on a full line: the second line of the first
    paragraph (the first is indented)."""
    QApplication.processEvents()  # the posted layout requests: docks, resize, margins
    document = window.view.document()
    block = document.firstBlock()
    document.documentLayout().blockBoundingRect(block)  # lays the block out now
    assert block.layout().lineCount() > 2
    return block.layout().lineAt(1).textLength()


def panel_sets(window: MainWindow) -> list[tuple[QDockWidget, ...]]:
    docks = (window.panels.toc_dock, window.panels.search_dock, window.panels.annotations_dock)
    return [chosen for size in range(4) for chosen in combinations(docks, size)]


@pytest.mark.parametrize("font_size", [Settings().font_size, MAX_FONT_SIZE])
def test_the_page_keeps_a_readable_measure_with_any_panels_open(
    page: MainWindow, font_size: float
) -> None:
    page.services.settings.font_size = font_size
    page.appearance.apply()
    docks = (page.panels.toc_dock, page.panels.search_dock, page.panels.annotations_dock)
    for shown in panel_sets(page):
        for dock in docks:
            dock.setVisible(dock in shown)
        if page.panels.search_dock in shown:
            page.panels.start_search()  # as Ctrl+F does: it widens the panel
        measure = characters_per_line(page)
        names = [dock.windowTitle() for dock in shown] or ["no panels"]
        assert measure >= COMFORTABLE_MEASURE, f"{font_size} pt, {names}: {measure} a line"
