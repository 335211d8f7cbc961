"""The selection bar sits beside the text it is about, never over it: above the selection (or
below when there is no room), inside the window, on a background that stands out from the page
in every theme."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.ui.highlight_popup import HighlightPopup
from reader.ui.theme import THEMES, contrast_ratio
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load

PARAGRAPH = "天地玄黃宇宙洪荒日月盈昃辰宿列張寒來暑往秋收冬藏閏餘成歲律呂調陽" * 8
NON_TEXT_CONTRAST = 3.0
"""WCAG 2.1 §1.4.11: a control's boundary must stand out from what surrounds it by 3:1."""
PLACES = {
    "top": 0.02,
    "middle": 0.5,
    "bottom": 0.97,
}


@pytest.fixture
def page(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> MainWindow:
    text = tmp_path / "千字文.txt"
    text.write_text("\n\n".join([PARAGRAPH] * 40), encoding="utf-8")
    window = make_window()
    wait_for_load(qtbot, window, lambda: window.open_path(text))
    window.view.scroll_to_offset(len(PARAGRAPH) * 10)
    return window


def line_rects(window: MainWindow, start: int, end: int) -> Iterator[QRect]:
    """The viewport rectangles of every laid-out line holding part of Qt range [start, end)."""
    view, document = window.view, window.view.document()
    scroll = QPointF(view.horizontalScrollBar().value(), view.verticalScrollBar().value())
    block = document.findBlock(start)
    while block.isValid() and block.position() < end:
        origin = document.documentLayout().blockBoundingRect(block).topLeft() - scroll
        layout = block.layout()
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            first = block.position() + line.textStart()
            if first < end and start < first + line.textLength():
                yield QRectF(line.rect()).translated(origin).toAlignedRect()
        block = block.next()


def select_and_release(qtbot: QtBot, window: MainWindow, start: int, end: int) -> None:
    """Select Qt range [start, end) and release the mouse at its end, as a drag would."""
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    at_end = QTextCursor(view.document())
    at_end.setPosition(end)
    point = QPointF(view.cursorRect(at_end).center())
    release = QMouseEvent(
        QEvent.Type.MouseButtonRelease,
        point,
        QPointF(view.viewport().mapToGlobal(point)),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.gestures.popup.hide()
    QApplication.sendEvent(view.viewport(), release)
    qtbot.waitUntil(lambda: window.gestures.popup.isVisible(), timeout=HANG_TIMEOUT_MS)


def line_at(window: MainWindow, fraction: float) -> tuple[int, int]:
    """The Qt range of the visual line at `fraction` of the viewport's height."""
    view = window.view
    y = int(view.viewport().height() * fraction)
    cursor = view.cursorForPosition(QPoint(view.viewport().width() // 2, y))
    cursor.movePosition(QTextCursor.MoveOperation.StartOfLine)
    first = cursor.position()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfLine)
    return first, cursor.position()


def selections(window: MainWindow) -> Iterator[tuple[str, int, int]]:
    """Short selections at the left and right ends of lines at the top, middle and bottom of
    the page, and one running over two lines."""
    for place, fraction in PLACES.items():
        first, last = line_at(window, fraction)
        yield f"{place} left", first, first + 3
        yield f"{place} right", last - 3, last
    first, last = line_at(window, 0.5)
    yield "two lines", last - 5, last + 5


def assert_beside_the_selection(window: MainWindow, name: str, start: int, end: int) -> None:
    popup = window.gestures.popup
    where = popup.geometry()  # in the viewport, its parent
    for rect in line_rects(window, start, end):
        assert not where.intersects(rect), f"{name}: the bar {where} covers the line {rect}"
    assert window.view.viewport().rect().contains(where), f"{name}: {where} leaves the page"
    in_window = QRect(popup.mapTo(window, QPoint(0, 0)), popup.size())
    assert window.rect().contains(in_window), f"{name}: {in_window} leaves the window"


def test_the_selection_bar_never_covers_the_selected_lines(qtbot: QtBot, page: MainWindow) -> None:
    for name, start, end in list(selections(page)):
        select_and_release(qtbot, page, start, end)
        assert_beside_the_selection(page, name, start, end)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_the_selection_bar_stands_out_from_the_page_in_every_theme(
    qtbot: QtBot, page: MainWindow, theme: str
) -> None:
    page.appearance.set_theme(theme)
    first, _last = line_at(page, 0.5)
    select_and_release(qtbot, page, first + 2, first + 6)
    popup = page.gestures.popup
    painted = page.grab().toImage()
    inside = popup.mapTo(page, QPoint(popup.width() // 2, 2))
    bar = painted.pixelColor(inside)
    ground = QColor(THEMES[theme].background)
    assert painted.pixelColor(page.view.viewport().mapTo(page, QPoint(1, 1))) == ground
    assert contrast_ratio(bar, ground) >= NON_TEXT_CONTRAST, f"{theme}: {bar.name()}"
    assert popup.graphicsEffect() is not None, "a shadow lifts it off the page"


def test_the_bar_is_made_when_a_selection_first_needs_it(qtbot: QtBot, page: MainWindow) -> None:
    """Its swatches cost the first page 30 ms: nothing of it exists before it is wanted."""
    viewport = page.view.viewport()
    assert viewport.findChildren(HighlightPopup) == []
    page.appearance.set_theme("dark")
    first, _last = line_at(page, 0.5)
    select_and_release(qtbot, page, first + 2, first + 6)
    assert viewport.findChildren(HighlightPopup) == [page.gestures.popup]
