"""Reading Chinese in the window: pinyin over the text, characters as the reader prefers,
full-width punctuation, and the dictionary card; the text itself never changes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetricsF, QTextCursor
from pytestqt.qtbot import QtBot

from reader.annotations.model import Annotation
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.chinese.readings import readings
from reader.ui.pinyin_layer import MAX_PLACED_READINGS, PinyinLayer, Placement
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load

WORD = "人工智能"


@pytest.fixture
def reader(qtbot: QtBot, app_paths: AppPaths) -> MainWindow:
    """A window on the bundled article, with the user's real annotation store (on disk)."""
    window = MainWindow(Services(app_paths))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_TIMEOUT_MS)
    wait_for_load(qtbot, window, window.open_bundled_article)
    settle(qtbot, window)
    return window


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the page shows the display the choices ask for (worked out on a worker)."""
    qtbot.waitUntil(lambda: window.chinese.display.settled, timeout=HANG_TIMEOUT_MS)


def stored(window: MainWindow) -> list[Annotation]:
    """The open document's annotations as the store has them on disk."""
    record = window.annotations.record
    assert record is not None
    return window.services.annotation_store().annotations(record.id)


def page_text(window: MainWindow) -> str:
    return window.view.document().toPlainText()


def char_point(window: MainWindow, offset: int) -> QPoint:
    """The middle of the character at canonical `offset`, in viewport coordinates."""
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.qt_position(offset))
    left = view.cursorRect(cursor)
    cursor.setPosition(view.qt_position(offset + 1))
    right = view.cursorRect(cursor)
    return QPoint((left.left() + right.left()) // 2, left.center().y())


def ctrl_click(qtbot: QtBot, window: MainWindow, offset: int) -> None:
    window.view.scroll_to_offset(offset, 0.3)
    qtbot.mouseClick(
        window.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        char_point(window, offset),
    )


def wait_for_word(qtbot: QtBot, window: MainWindow) -> None:
    lookup = window.chinese.lookup
    qtbot.waitUntil(lambda: lookup.dictionary is not None, timeout=HANG_TIMEOUT_MS)
    qtbot.waitUntil(lambda: lookup.match is not None, timeout=HANG_TIMEOUT_MS)


# -- pinyin --------------------------------------------------------------------------------------


def placements_when_read(qtbot: QtBot, layer: PinyinLayer) -> list[Placement]:
    """The readings in sight, once the worker has read the paragraphs that came into view."""

    def read() -> bool:
        layer.placements()  # asks for the paragraphs in sight
        return not layer.busy

    qtbot.waitUntil(read, timeout=HANG_TIMEOUT_MS)
    return layer.placements()


def test_pinyin_is_off_by_default_and_drawn_over_each_character_when_on(
    qtbot: QtBot, reader: MainWindow
) -> None:
    layer = reader.chinese.display.pinyin
    assert not layer.isVisible()
    before = page_text(reader)
    reader.commands.by_id["pinyin"].trigger()
    assert layer.isVisible() and reader.commands.by_id["pinyin"].isChecked()
    assert page_text(reader) == before, "pinyin must not change the text"
    placements = placements_when_read(qtbot, layer)
    assert len(placements) > 100
    view, document = reader.view, reader.current_document()
    assert document is not None
    for placement in random.Random(13).sample(placements, 60):
        offset = view.canonical_offset(placement.position)
        paragraph = next(p for p in document.paragraphs if p.start <= offset < p.end)
        expected = readings(document.text[paragraph.start : paragraph.end])[
            offset - paragraph.start
        ]
        assert placement.reading == expected
        assert_drawn_above(reader, placement.position, placement.box)


def assert_drawn_above(window: MainWindow, position: int, box: object) -> None:
    """The reading's box is centred over its character's advance, below the ink of the line
    above it and above the ink of its own character (measured from the text layout)."""
    from PySide6.QtCore import QRectF

    assert isinstance(box, QRectF)
    view = window.view
    block = view.document().findBlock(position)
    line = block.layout().lineForTextPosition(position - block.position())
    top = view.document().documentLayout().blockBoundingRect(block).top()
    top -= view.verticalScrollBar().value()
    font = block.begin().fragment().charFormat().font().resolve(view.document().defaultFont())
    character = block.text()[position - block.position()]
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    left = view.cursorRect(cursor).left()
    right = left + QFontMetricsF(font).horizontalAdvance(character)
    assert left - 1 <= box.center().x() <= right + 1, "the reading is not over its character"
    ink = QFontMetricsF(font).tightBoundingRect(character)
    baseline = top + line.y() + line.ascent()
    assert box.bottom() <= baseline + ink.top() + 0.5, "the reading covers its character"
    number = line.lineNumber()
    if number > 0:
        above = block.layout().lineAt(number - 1)
        lowest_ink = QFontMetricsF(font).tightBoundingRect("中國，")
        assert box.top() >= top + above.y() + above.ascent() + lowest_ink.bottom() - 0.5


def test_pinyin_follows_scrolling_and_every_text_size(qtbot: QtBot, reader: MainWindow) -> None:
    reader.chinese.display.toggle_pinyin()
    layer = reader.chinese.display.pinyin
    for step in (3, -5):
        reader.appearance.change_font_size(step)
        reader.view.verticalScrollBar().setValue(reader.view.verticalScrollBar().value() + 400)
        placements = placements_when_read(qtbot, layer)
        assert placements, "nothing drawn after a size change or a scroll"
        for placement in placements[:: max(1, len(placements) // 20)]:
            assert_drawn_above(reader, placement.position, placement.box)


def test_a_second_paint_of_the_same_lines_places_nothing_again(
    qtbot: QtBot, reader: MainWindow
) -> None:
    reader.chinese.display.toggle_pinyin()
    layer = reader.chinese.display.pinyin
    assert placements_when_read(qtbot, layer)
    layer.repaint()
    placed, prepared = layer.blocks_placed, len(layer._static)
    assert placed > 0
    bar = reader.view.verticalScrollBar()
    top = bar.value()
    for _ in range(3):
        layer.repaint()
    bar.setValue(top + 30)  # a few pixels: the same blocks, moved
    layer.repaint()
    bar.setValue(top)
    layer.repaint()
    assert (layer.blocks_placed, len(layer._static)) == (placed, prepared), "placed again"


def test_readings_follow_characters_changed_in_place(qtbot: QtBot, reader: MainWindow) -> None:
    reader.chinese.display.toggle_pinyin()
    layer = reader.chinese.display.pinyin
    reader.view.scroll_to_offset(reader.current_document().text.index("革命史,無論是"))
    assert placements_when_read(qtbot, layer)
    reader.commands.by_id["full_width"].trigger()  # narrower commas: the lines rewrap in place
    settle(qtbot, reader)
    assert "革命史,無論是" in page_text(reader)
    placements = placements_when_read(qtbot, layer)
    for placement in placements[:: max(1, len(placements) // 40)]:
        assert_drawn_above(reader, placement.position, placement.box)


def test_scrolling_the_novel_keeps_only_some_pages_of_readings_placed(
    qtbot: QtBot, window: MainWindow, novel_path: Path
) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    settle(qtbot, window)
    window.chinese.display.toggle_pinyin()
    layer, view = window.chinese.display.pinyin, window.view
    bar, most = view.verticalScrollBar(), 0
    for _ in range(40):
        bar.setValue(bar.value() + view.viewport().height())
        in_sight = len(placements_when_read(qtbot, layer))
        most = max(most, layer.readings_kept - in_sight)
    assert most > 0, "nothing was kept for scrolling back"
    assert most <= MAX_PLACED_READINGS, "the readings of every page read were kept"


# -- characters and punctuation ------------------------------------------------------------------


def test_full_width_punctuation_is_on_by_default_and_display_only(
    qtbot: QtBot, reader: MainWindow
) -> None:
    document = reader.current_document()
    assert document is not None
    assert "革命史,無論是" in document.text
    assert "革命史，無論是" in page_text(reader)
    assert "GPT-4" in page_text(reader)
    reader.commands.by_id["full_width"].trigger()
    settle(qtbot, reader)
    assert "革命史,無論是" in page_text(reader)
    assert not reader.commands.by_id["full_width"].isChecked()


def test_a_highlight_made_in_simplified_display_lands_on_the_canonical_characters(
    qtbot: QtBot, reader: MainWindow
) -> None:
    document = reader.current_document()
    assert document is not None
    reader.chinese.display.set_characters("simplified")
    settle(qtbot, reader)
    shown = page_text(reader)
    assert "回顾人类科技革命史" in shown and "回顧人類科技革命史" in document.text
    start = document.text.index("人類科技革命史")
    end = start + len("人類科技革命史")
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(reader.view.qt_position(start))
    cursor.setPosition(reader.view.qt_position(end), QTextCursor.MoveMode.KeepAnchor)
    reader.view.setTextCursor(cursor)
    assert cursor.selectedText() == "人类科技革命史"
    made = reader.gestures.highlight_selection()
    assert made is not None
    [saved] = stored(reader)
    assert (saved.start, saved.end, saved.quote.exact) == (start, end, "人類科技革命史")


def test_characters_are_remembered_per_document(
    qtbot: QtBot, make_window: MakeWindow, novel_path: object
) -> None:
    from pathlib import Path

    assert isinstance(novel_path, Path)
    window = make_window()
    wait_for_load(qtbot, window, window.open_bundled_article)
    settle(qtbot, window)
    window.chinese.display.set_characters("simplified")
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    settle(qtbot, window)
    assert window.chinese.display.characters == "as-written"
    assert "甄士隐" in page_text(window)
    window.close()
    again = make_window()  # a new run: the settings come from disk
    wait_for_load(qtbot, again, again.open_bundled_article)
    qtbot.waitUntil(lambda: "人类科技" in page_text(again), timeout=HANG_TIMEOUT_MS)
    checked = [a.data() for a in again.chinese.display.character_actions.actions() if a.isChecked()]
    assert checked == ["simplified"]


# -- the dictionary card -----------------------------------------------------------------------


def test_ctrl_click_on_the_article_opens_the_card_on_the_longest_word(
    qtbot: QtBot, reader: MainWindow
) -> None:
    document = reader.current_document()
    assert document is not None
    start = document.text.index(WORD)
    ctrl_click(qtbot, reader, start + 2)  # on 智
    card = reader.chinese.lookup.card
    assert card.isVisible() and card.status.text() == "Loading the dictionary…"
    wait_for_word(qtbot, reader)  # the window kept running while it loaded
    assert card.word.text() == WORD
    assert card.reading.text() == "rén gōng zhì néng"
    assert "artificial intelligence" in card.entries.text()
    assert not reader.gestures.selection(), "a look-up click must not select"
    card.shorter_button.click()
    assert card.word.text() == "智能"
    card.longer_button.click()
    assert card.word.text() == WORD


def test_d_looks_up_the_selection(qtbot: QtBot, reader: MainWindow) -> None:
    document = reader.current_document()
    assert document is not None
    start = document.text.index("重要")
    reader.view.scroll_to_offset(start, 0.3)
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(reader.view.qt_position(start))
    cursor.setPosition(reader.view.qt_position(start + 2), QTextCursor.MoveMode.KeepAnchor)
    reader.view.setTextCursor(cursor)
    reader.view.setFocus()
    qtbot.keyClick(reader.view, Qt.Key.Key_D)
    wait_for_word(qtbot, reader)
    card = reader.chinese.lookup.card
    assert (card.word.text(), card.reading.text()) == ("重要", "zhòng yào")


def test_add_to_note_makes_a_highlight_with_the_note_then_appends(
    qtbot: QtBot, reader: MainWindow
) -> None:
    document = reader.current_document()
    assert document is not None
    start = document.text.index(WORD)
    ctrl_click(qtbot, reader, start)
    wait_for_word(qtbot, reader)
    card = reader.chinese.lookup.card
    card.note_button.click()
    [made] = stored(reader)
    assert (made.start, made.end, made.quote.exact) == (start, start + len(WORD), WORD)
    assert made.note.startswith(f"{WORD} (rén gōng zhì néng): ")
    assert "artificial intelligence" in made.note
    card.shorter_button.click()
    card.note_button.click()
    [again] = stored(reader)
    assert again.id == made.id, "the highlight around the word takes the note"
    assert again.note.splitlines()[0] == made.note
    assert again.note.splitlines()[1].startswith("人工 (rén gōng): ")
    assert card.status.text() == "Added to the note."


def test_a_click_off_the_text_or_a_plain_click_closes_nothing_it_should_not(
    qtbot: QtBot, reader: MainWindow
) -> None:
    card = reader.chinese.lookup.card
    qtbot.mouseClick(
        reader.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
        QPoint(3, 3),
    )  # fmt: skip
    assert not card.isVisible(), "the margin is no character"
    document = reader.current_document()
    assert document is not None
    ctrl_click(qtbot, reader, document.text.index(WORD))
    qtbot.waitUntil(card.isVisible, timeout=HANG_TIMEOUT_MS)
    qtbot.mouseClick(reader.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not card.isVisible()


def test_a_click_on_punctuation_says_there_is_no_entry(qtbot: QtBot, reader: MainWindow) -> None:
    document = reader.current_document()
    assert document is not None
    ctrl_click(qtbot, reader, document.text.index("。"))
    card = reader.chinese.lookup.card
    qtbot.waitUntil(lambda: card.status.text() == "No dictionary entry.", timeout=HANG_TIMEOUT_MS)
    assert not card.note_button.isEnabled() and not card.copy_button.isEnabled()


def test_characters_beyond_the_bmp_keep_readings_and_look_ups_in_place(
    qtbot: QtBot, reader: MainWindow, tmp_path: object
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "astral.txt"
    path.write_text("𠀀𠀁這很重要，𪚥重新開始。\n\n" + "正文一段，足以翻過幾頁。\n\n" * 40, "utf-8")
    wait_for_load(qtbot, reader, lambda: reader.open_path(path))
    reader.chinese.display.set_characters("simplified")
    settle(qtbot, reader)
    assert page_text(reader).startswith("𠀀𠀁这很重要，𪚥重新开始。")
    reader.chinese.display.toggle_pinyin()
    placements = placements_when_read(qtbot, reader.chinese.display.pinyin)
    view = reader.view
    by_offset = {view.canonical_offset(p.position): p for p in placements}
    assert by_offset[4].reading == "zhòng" and by_offset[8].reading == "chóng"
    for offset in (2, 4, 8):
        assert_drawn_above(reader, by_offset[offset].position, by_offset[offset].box)
    ctrl_click(qtbot, reader, 8)
    wait_for_word(qtbot, reader)
    card = reader.chinese.lookup.card
    assert (card.word.text(), card.reading.text()) == ("重新开始", "chóng xīn kāi shǐ")
    card.note_button.click()
    [made] = reader.annotations.annotations
    assert (made.start, made.end, made.quote.exact) == (8, 12, "重新開始")
