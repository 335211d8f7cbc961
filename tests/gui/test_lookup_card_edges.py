"""The dictionary card stays inside the page: clicked at a line's right end it never covers the
scroll bar, near the bottom it opens above the word, and on a small page it narrows and
shortens rather than leave the window."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from reader.chinese.dictionary import Entry
from reader.chinese.han import HAN_RUN
from reader.ui.lookup_card import CARD_WIDTH, MARGIN, LookupCard
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load


def article_window(qtbot: QtBot, make_window: MakeWindow, width: int, height: int) -> MainWindow:
    window = make_window()
    window.resize(width, height)
    wait_for_load(qtbot, window, window.open_bundled_article)
    qtbot.waitUntil(lambda: window.chinese.display.settled, timeout=HANG_TIMEOUT_MS)
    return window


def line_end_character(window: MainWindow, from_top: float) -> int:
    """The Qt position of the last Han character of the first full line (one that wraps, so
    it reaches the column's right edge) at or below `from_top` (a fraction of the page)."""
    view = window.view
    layout, scroll = view.document().documentLayout(), view.verticalScrollBar().value()
    target = view.viewport().height() * from_top
    block = view.document().findBlock(view.qt_position(view.offset_at_y(int(target))))
    while block.isValid():
        top = layout.blockBoundingRect(block).top() - scroll
        lines = block.layout()
        for number in range(lines.lineCount() - 1):  # not the last: it may end short
            line = lines.lineAt(number)
            if top + line.y() < target:
                continue
            end = line.textStart() + line.textLength()
            runs = [run for run in HAN_RUN.finditer(block.text()) if run.start() < end]
            if runs:
                return block.position() + min(runs[-1].end(), end) - 1
        block = block.next()
    raise AssertionError("no full line of Chinese below that height")


def ctrl_click_position(qtbot: QtBot, window: MainWindow, position: int) -> None:
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    left = view.cursorRect(cursor)
    point = QPoint(left.left() + 4, left.center().y())  # inside the character, past its edge
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, point
    )
    card = window.chinese.lookup.card
    qtbot.waitUntil(card.isVisible, timeout=HANG_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.chinese.lookup.match is not None, timeout=HANG_TIMEOUT_MS)


def assert_inside_the_page(window: MainWindow) -> QRect:
    """The card lies within the page's viewport, clear of the scroll bar; its geometry."""
    view, card = window.view, window.chinese.lookup.card
    geometry = card.geometry()
    assert view.viewport().geometry().contains(geometry), (
        f"the card {geometry} leaves the page {view.viewport().geometry()}"
    )
    bar = view.verticalScrollBar()
    assert bar.isVisible() and not geometry.intersects(bar.geometry()), "it covers the scroll bar"
    return geometry


def character_rect(window: MainWindow, position: int) -> QRect:
    """Where the character at Qt `position` is, in the view's coordinates (as the card's)."""
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return view.cursorRect(cursor).translated(view.viewport().pos())


def test_a_click_at_the_right_end_of_a_line_keeps_the_card_off_the_scroll_bar(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = article_window(qtbot, make_window, 620, 700)
    position = line_end_character(window, 0.2)
    ctrl_click_position(qtbot, window, position)
    card = assert_inside_the_page(window)
    clicked = character_rect(window, position)
    assert clicked.right() > card.left(), "the card was not pulled in from the right edge"
    assert card.top() > clicked.bottom(), "there was room below the word"


def test_a_click_near_the_bottom_opens_the_card_above_the_word(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = article_window(qtbot, make_window, 620, 700)
    position = line_end_character(window, 0.85)
    ctrl_click_position(qtbot, window, position)
    card = assert_inside_the_page(window)
    clicked = character_rect(window, position)
    assert card.bottom() < clicked.top(), "the card covers the word it explains"


def test_in_a_small_page_the_card_narrows_and_shortens_to_stay_in_sight(qtbot: QtBot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    page.resize(320, 260)
    page.show()
    card = LookupCard(page)
    senses = tuple(f"sense number {n} of a character with a great many meanings" for n in range(6))
    entries = [Entry("行", "行", reading, senses) for reading in ("xíng", "háng", "hàng", "héng")]
    card.show_word("行", "xíng", entries, shorter=False, longer=True)
    area = QRect(0, 0, 300, 260)  # the page, less a scroll bar of 20
    card.place_beside(QRect(280, 200, 18, 24), area)  # the last character of a low line
    assert area.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN).contains(card.geometry())
    assert card.width() == 300 - 2 * MARGIN, "the card did not narrow to the page"
    assert card.copy_button.isVisible() and card.note_button.isVisible()
    assert card.entries.height() > card._scroll.height(), "the entries scroll in a shorter box"
    card.place_beside(QRect(20, 40, 18, 24), QRect(0, 0, 900, 700))  # a roomy page again
    assert card.width() == CARD_WIDTH and card.geometry().top() > 40 + 24
