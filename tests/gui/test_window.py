"""The reading window, driven as a person would: open, navigate, adjust, reopen, survive."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontInfo,
    QFontMetrics,
    QPalette,
)
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.app.paths import AppPaths
from reader.app.settings import DEFAULT_FONT_SIZE, load_settings
from reader.chinese.punctuation import full_width_punctuation
from reader.ui.theme import THEMES
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load


def open_article(qtbot: QtBot, window: MainWindow) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)


def open_file(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(path))


def block_top(window: MainWindow, paragraph_index: int) -> float:
    block = window.view.document().findBlockByNumber(paragraph_index)
    return window.view.document().documentLayout().blockBoundingRect(block).top()


def test_the_article_opens_clean_and_titled(qtbot: QtBot, window: MainWindow) -> None:
    open_article(qtbot, window)
    page = window.view.document()
    assert window.windowTitle() == "從大模型到AI算力再到智算中心 — Reader"
    assert page.blockCount() == 35
    assert "(chuàng)" not in page.toPlainText()
    assert "(孫迎新/文)" in window.current_document().text  # type: ignore[union-attr]
    assert "（孫迎新/文）" in page.toPlainText()  # shown with full-width punctuation
    assert window.toc.count() == 6
    assert not window.message_bar.isVisible()


def test_headings_look_like_headings(qtbot: QtBot, window: MainWindow) -> None:
    open_article(qtbot, window)
    document = window.current_document()
    assert document is not None
    heading = window.view.document().findBlockByNumber(document.sections[0].paragraph_index)
    body = heading.next()
    heading_format = heading.begin().fragment().charFormat()
    body_format = body.begin().fragment().charFormat()
    assert heading_format.fontWeight() == QFont.Weight.Bold
    assert heading_format.fontPointSize() > window.view.document().defaultFont().pointSizeF()
    assert body.blockFormat().textIndent() > 0
    assert body_format.fontWeight() != QFont.Weight.Bold


def test_clicking_a_toc_entry_scrolls_its_heading_to_the_top(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_article(qtbot, window)
    document = window.current_document()
    assert document is not None
    fourth = document.sections[3]
    item = window.toc.item(4)
    assert item.text().strip() == full_width_punctuation(fourth.title)  # as the page shows it
    click_at = window.toc.visualItemRect(item).center()
    qtbot.mouseClick(window.toc.viewport(), Qt.MouseButton.LeftButton, pos=click_at)
    scroll = window.view.verticalScrollBar().value()
    assert scroll > 0
    assert abs(scroll - block_top(window, fourth.paragraph_index)) < 40
    assert window.view.top_offset() == fourth.start
    assert window.toc.currentRow() == 4


def test_the_section_being_read_is_marked_while_scrolling(qtbot: QtBot, window: MainWindow) -> None:
    open_article(qtbot, window)
    document = window.current_document()
    assert document is not None
    second = document.sections[1]
    with qtbot.waitSignal(window.view.position_changed, timeout=HANG_TIMEOUT_MS):
        window.view.verticalScrollBar().setValue(int(block_top(window, second.paragraph_index + 2)))
    assert window.toc.currentRow() == 2
    assert window.toc.item(2).font().bold()
    assert not window.toc.item(1).font().bold()


def test_keyboard_shortcuts_go_to_next_and_previous_section(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_article(qtbot, window)
    document = window.current_document()
    assert document is not None
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.view.top_offset() == document.sections[0].start
    qtbot.keyClick(window.view, Qt.Key.Key_BracketRight)
    assert window.view.top_offset() == document.sections[1].start
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.view.top_offset() == document.sections[0].start
    qtbot.keyClick(window.view, Qt.Key.Key_BracketLeft)
    assert window.view.top_offset() == 0


def test_home_end_page_and_arrow_keys_scroll(qtbot: QtBot, window: MainWindow) -> None:
    open_article(qtbot, window)
    bar = window.view.verticalScrollBar()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    assert bar.value() == bar.maximum() > 0
    qtbot.keyClick(window.view, Qt.Key.Key_Home)
    assert bar.value() == 0
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    page = bar.value()
    assert window.view.viewport().height() // 2 < page <= window.view.viewport().height()
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert bar.value() > page
    qtbot.keyClick(window.view, Qt.Key.Key_Up)
    assert bar.value() == page
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp)
    assert bar.value() == 0


def test_font_size_shortcuts_change_the_text_and_are_remembered(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    open_article(qtbot, window)
    view = window.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.document().defaultFont().pointSizeF() == DEFAULT_FONT_SIZE + 2
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.document().defaultFont().pointSizeF() == DEFAULT_FONT_SIZE + 1
    window.close()
    reopened = make_window()
    open_article(qtbot, reopened)
    assert reopened.view.document().defaultFont().pointSizeF() == DEFAULT_FONT_SIZE + 1
    reopened.view.setFocus()
    qtbot.keyClick(reopened.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert reopened.view.document().defaultFont().pointSizeF() == DEFAULT_FONT_SIZE


@pytest.mark.parametrize("theme", ["dark", "sepia", "light"])
def test_themes_colour_the_page_and_are_remembered(
    qtbot: QtBot, make_window: MakeWindow, theme: str
) -> None:
    window = make_window()
    open_article(qtbot, window)
    window.appearance.set_theme(theme)
    base = window.view.palette().color(QPalette.ColorRole.Base)
    assert base == QColor(THEMES[theme].background)
    window.close()
    reopened = make_window()
    assert reopened.view.palette().color(QPalette.ColorRole.Base) == base
    checked = [a.text() for a in reopened.appearance.theme_actions.actions() if a.isChecked()]
    assert checked == [THEMES[theme].label]


def test_reopening_a_document_returns_to_where_the_reader_left_it(
    qtbot: QtBot, make_window: MakeWindow, novel_path: Path
) -> None:
    window = make_window()
    open_file(qtbot, window, novel_path)
    chapter = window.current_document().sections[49]  # type: ignore[union-attr]
    window.navigation.go_to_entry(window.toc.entries[50])
    assert window.view.top_offset() == chapter.start
    window.close()
    reopened = make_window()
    open_file(qtbot, reopened, novel_path)
    assert reopened.view.top_offset() == chapter.start
    assert reopened.toc.currentRow() == 50


def test_window_geometry_and_panel_layout_are_remembered(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    window.panels.toc_dock.hide()  # with it, 700 px would squeeze the page's measure
    qtbot.waitUntil(lambda: window.minimumWidth() <= 700)  # the layout's posted update
    window.resize(700, 500)  # the offscreen screen is 800 x 600
    window.close()
    reopened = make_window()
    assert (reopened.size().width(), reopened.size().height()) == (700, 500)
    assert not reopened.panels.toc_dock.isVisible()


def test_a_users_file_opens_and_joins_the_recent_files(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "散文集.txt"
    path.write_bytes("《散文集》\r\n\r\n一段文字。".encode("gb18030"))
    open_file(qtbot, window, path)
    assert window.windowTitle().startswith("散文集 — ")
    assert window.current_path() == path
    [recent] = window.recent_menu.actions()
    assert recent.text() == "散文集"  # the title; the path is its tooltip
    assert str(path) in recent.toolTip()


def test_a_wrong_guess_can_be_corrected_by_reopening_with_another_encoding(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes("這是一本書。".encode("big5"))
    open_file(qtbot, window, path)
    wait_for_load(qtbot, window, lambda: window.reopen_with_encoding("gb18030"))
    assert window.view.document().toPlainText() != "這是一本書。"
    assert window.current_document().encoding == "gb18030"  # type: ignore[union-attr]
    wait_for_load(qtbot, window, lambda: window.reopen_with_encoding("big5"))
    assert window.view.document().toPlainText() == "這是一本書。"
    assert window.current_document().encoding == "big5"  # type: ignore[union-attr]


def test_a_dropped_file_is_opened(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "dropped.txt"
    path.write_text("拖進來的文字。", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPoint(50, 50).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    wait_for_load(qtbot, window, lambda: QApplication.sendEvent(window, drop))
    assert window.view.document().toPlainText() == "拖進來的文字。"


def _hostile_files(directory: Path) -> dict[str, Path]:
    files = {
        "missing": directory / "missing.txt",
        "folder": directory,
        "empty": directory / "empty.txt",
        "png": directory / "image.txt",
        "elf": Path("/bin/ls").resolve(),
        "invalid": directory / "invalid.txt",
        "huge": directory / "huge.txt",
    }
    files["empty"].write_bytes(b"")
    files["png"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    files["invalid"].write_bytes(bytes([0x81, 0x20, 0xFF, 0x7F, 0xC0, 0x0A]) * 100)
    with files["huge"].open("wb") as stream:
        stream.truncate(100 * 1024 * 1024)
    return files


@pytest.mark.parametrize("kind", ["missing", "folder", "empty", "png", "elf", "invalid", "huge"])
def test_bad_files_get_a_message_and_the_open_document_stays(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, kind: str
) -> None:
    open_article(qtbot, window)
    before = window.current_document()
    title = window.windowTitle()
    bad = _hostile_files(tmp_path)[kind]
    open_file(qtbot, window, bad)
    assert window.message_bar.isVisible()
    assert window.message_bar.text
    assert window.current_document() is before
    assert window.windowTitle() == title
    assert window.view.document().blockCount() == 35


def test_a_two_million_character_line_opens_without_freezing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text("天地玄黃宇宙洪荒。" * 222_223, encoding="utf-8")
    open_file(qtbot, window, path)
    assert not window.message_bar.isVisible()
    assert window.view.document().blockCount() > 400
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    assert window.view.verticalScrollBar().value() > 0


def test_a_new_document_replaces_the_message_of_a_failed_one(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_file(qtbot, window, tmp_path / "missing.txt")
    assert window.message_bar.isVisible()
    open_article(qtbot, window)
    assert not window.message_bar.isVisible()


def test_the_reading_position_is_saved_soon_after_scrolling_without_closing(
    qtbot: QtBot, window: MainWindow, app_paths: AppPaths
) -> None:
    open_article(qtbot, window)
    document = window.current_document()
    assert document is not None
    window.navigation.go_to_entry(window.toc.entries[3])
    qtbot.waitUntil(
        lambda: (
            load_settings(app_paths.settings_file).position_of(document.fingerprint)
            == document.sections[2].start
        ),
        timeout=HANG_TIMEOUT_MS,
    )


def test_every_character_of_the_article_has_a_glyph_in_the_page_font(
    qtbot: QtBot, window: MainWindow
) -> None:
    """No tofu: the resolved body font covers the text (needs a CJK font, as the README says)."""
    open_article(qtbot, window)
    font = window.view.document().defaultFont()
    metrics = QFontMetrics(font)
    text = window.view.document().toPlainText()
    missing = sorted({c for c in text if not c.isspace() and not metrics.inFontUcs4(ord(c))})
    assert missing == [], f"{QFontInfo(font).family()} lacks {''.join(missing)}"
    assert "CJK" in QFontInfo(font).family()
