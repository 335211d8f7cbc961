"""Starting again: the reader reopens the last document where the reader left it, and Open
Recent names files by their titles."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reader.app.bundled import bundled_article_path
from reader.app.paths import AppPaths
from reader.app.settings import BUNDLED_DOCUMENT, load_settings
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load


def write_book(folder: Path, name: str, heading: str = "第一回 開始") -> Path:
    path = folder / name
    filler = "\n\n".join(["正文一段，足以翻過幾頁。"] * 300)
    path.write_text(f"{heading}\n\n{filler}\n\n第二回 再續\n\n{filler}", encoding="utf-8")
    return path


def start(qtbot: QtBot, make_window: MakeWindow, path: str | None = None) -> MainWindow:
    """A window started as `reader [PATH]` starts it, once everything it opens has settled
    (a last document that is gone is followed by the bundled article)."""
    window = make_window()
    window.open_request(path)
    qtbot.waitUntil(
        lambda: window.current_document() is not None and not window.loader.busy,
        timeout=HANG_TIMEOUT_MS,
    )
    return window


def test_restart_reopens_the_last_document_where_the_reader_left_it(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    book = write_book(tmp_path, "書.txt")
    first = make_window()
    wait_for_load(qtbot, first, lambda: first.open_path(book))
    first.navigation.go_to_entry(first.toc.entries[-1])
    offset = first.view.top_offset()
    assert offset > 0
    first.close()

    again = start(qtbot, make_window)
    assert again.current_path() == book
    assert again.view.top_offset() == offset
    assert again.message_bar.text == ""


def test_a_first_start_opens_the_bundled_article(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = start(qtbot, make_window)
    assert window.current_path() == bundled_article_path()
    assert window.message_bar.text == ""


def test_a_last_document_that_was_the_bundled_article_reopens_it(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, tmp_path: Path
) -> None:
    book = write_book(tmp_path, "書.txt")
    first = make_window()
    wait_for_load(qtbot, first, lambda: first.open_path(book))
    wait_for_load(qtbot, first, first.open_bundled_article)
    first.close()
    assert load_settings(app_paths.settings_file).last_document == BUNDLED_DOCUMENT

    again = start(qtbot, make_window)
    assert again.current_path() == bundled_article_path()


@pytest.mark.parametrize("how", ["deleted", "replaced by a folder"])
def test_a_last_document_that_is_gone_starts_in_the_library_and_names_the_file(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, how: str
) -> None:
    book = write_book(tmp_path, "讀到一半.txt")
    first = make_window()
    wait_for_load(qtbot, first, lambda: first.open_path(book))
    first.close()
    book.unlink()
    if how == "replaced by a folder":
        book.mkdir()  # unreadable as a text, whoever runs the test

    again = make_window()
    again.open_request(None)
    screen = again.library_screen
    qtbot.waitUntil(lambda: screen.showing and not screen.listing.busy, timeout=HANG_TIMEOUT_MS)
    assert again.current_document() is None
    message = again.message_bar.text
    assert str(book) in message and "Locate" in message, message
    [entry] = again.library_screen.view.model._entries
    assert entry.missing and entry.path == book


def test_an_explicit_path_opens_that_path_not_the_last_document(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    last, asked = write_book(tmp_path, "上次.txt"), write_book(tmp_path, "這次.txt")
    first = make_window()
    wait_for_load(qtbot, first, lambda: first.open_path(last))
    first.close()
    again = start(qtbot, make_window, str(asked))
    assert again.current_path() == asked


def test_open_recent_shows_titles_with_the_path_as_tooltip(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    (tmp_path / "甲").mkdir()
    (tmp_path / "乙").mkdir()
    twins = [write_book(tmp_path / folder, "同名.txt", "《石頭記》") for folder in ("甲", "乙")]
    other = write_book(tmp_path, "other.txt", "《紅樓夢》")
    window = make_window()
    for path in (*twins, other):
        wait_for_load(qtbot, window, lambda p=path: window.open_path(p))  # type: ignore[misc]
    window.close()

    again = make_window()
    actions = again.recent_menu.actions()
    assert [action.text() for action in actions] == [
        "紅樓夢",
        "石頭記 (同名.txt)",
        "石頭記 (同名.txt)",
    ]
    for action, path in zip(actions, [other, *reversed(twins)], strict=True):
        assert str(path) in action.toolTip()
    assert again.recent_menu.toolTipsVisible()
    wait_for_load(qtbot, again, actions[1].trigger)
    assert again.current_path() == twins[1]
