"""The Library screen in a real window: Ctrl+L, the table, the keys, adding on a worker with
progress and a summary, removing, locating, and the first start listing the bundled article."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.app.bundled import bundled_article_path
from reader.library.catalogue import Entry
from reader.ui.library_model import AUTHOR, PROGRESS, SIZE, TITLE
from reader.ui.window import MainWindow
from tests.conftest import CORPUS_DIR

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load


def started(qtbot: QtBot, make_window: MakeWindow) -> MainWindow:
    """A window as `reader` starts one, once its first document is on the page."""
    window = make_window()
    wait_for_load(qtbot, window, lambda: window.open_request(None))
    return window


def titles(window: MainWindow) -> list[str]:
    """The titles the table shows, top to bottom."""
    proxy = window.library_screen.view.proxy
    return [str(proxy.index(row, TITLE).data()) for row in range(proxy.rowCount())]


def add_and_wait(qtbot: QtBot, window: MainWindow, *paths: Path) -> str:
    """Add `paths` as the buttons do; the summary shown once the worker is done (and the
    list read again)."""
    screen = window.library_screen
    with qtbot.waitSignal(screen._signals.finished, timeout=HANG_TIMEOUT_MS):
        screen.add(list(paths))
    qtbot.waitUntil(lambda: not screen.listing.busy, timeout=HANG_TIMEOUT_MS)
    return window.message_bar.text


def show_library(qtbot: QtBot, window: MainWindow) -> None:
    """Show the Library screen and wait for its list (read on a worker)."""
    with qtbot.waitSignal(window.library_screen.listing.settled, timeout=HANG_TIMEOUT_MS):
        window.library_screen.show()


def entry_titled(window: MainWindow, title: str) -> Entry:
    model = window.library_screen.view.model
    return next(model.entry(r) for r in range(model.rowCount()) if model.entry(r).title == title)


def test_a_first_start_lists_the_bundled_article_and_ctrl_l_goes_there_and_back(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = started(qtbot, make_window)
    screen = window.library_screen
    assert not screen.showing and window.panels.toc_dock.isVisible()
    with qtbot.waitSignal(screen.listing.settled, timeout=HANG_TIMEOUT_MS):
        qtbot.keyClick(window.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert screen.showing and not window.panels.toc_dock.isVisible()
    assert screen.view.filter_box.hasFocus()
    [entry] = screen.view.model._entries
    assert entry.path == bundled_article_path().resolve() and entry.author == "孫迎新"
    assert entry.last_read is not None and not entry.missing
    qtbot.keyClick(screen.view.filter_box, Qt.Key.Key_Escape)
    assert not screen.showing and window.panels.toc_dock.isVisible()


def test_adding_a_folder_reports_progress_then_a_summary_and_shows_the_books(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    shelf = tmp_path / "shelf"
    shutil.copytree(CORPUS_DIR / "library", shelf)
    (shelf / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    window = started(qtbot, make_window)
    show_library(qtbot, window)
    progress: list[str] = []
    window.library_screen._signals.progress.connect(
        lambda done, total: progress.append(window.message_bar.text)
    )
    summary = add_and_wait(qtbot, window, shelf)
    assert summary == "21 added, 1 skipped: not text"
    assert any("of 21 files read" in text for text in progress)
    assert len(titles(window)) == 22 and "家" in titles(window)
    home = entry_titled(window, "家")
    assert home.author == "巴金" and home.size == (shelf / "家.txt").stat().st_size


def test_sorting_by_columns_orders_by_value_not_by_text(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = started(qtbot, make_window)
    for name in ("道德经.txt", "家.txt", "论语.txt"):
        shutil.copy(CORPUS_DIR / "library" / name, tmp_path / name)
    add_and_wait(qtbot, window, tmp_path)
    show_library(qtbot, window)
    table = window.library_screen.view.table
    table.sortByColumn(SIZE, Qt.SortOrder.AscendingOrder)  # 14.8 < 67.3 < 71.2 < 678.0 KB
    assert titles(window) == ["從大模型到AI算力再到智算中心", "道德经", "论语", "家"]
    table.sortByColumn(AUTHOR, Qt.SortOrder.DescendingOrder)
    assert titles(window)[:2] == ["家", "從大模型到AI算力再到智算中心"]  # 巴金, 孫迎新, none
    table.sortByColumn(PROGRESS, Qt.SortOrder.DescendingOrder)
    assert len(titles(window)) == 4


def test_the_filter_folds_scripts_and_enter_opens_the_document(
    qtbot: QtBot, make_window: MakeWindow, novel_path: Path
) -> None:
    window = started(qtbot, make_window)
    add_and_wait(qtbot, window, novel_path, CORPUS_DIR / "library" / "家.txt")
    screen = window.library_screen
    show_library(qtbot, window)
    screen.view.filter_box.insert("紅樓")  # as an input method types; Traditional finds Simplified
    assert titles(window) == ["红楼梦"]
    assert screen.view.count_label.text() == "1 of 3 documents"
    qtbot.keyClick(screen.view.filter_box, Qt.Key.Key_Down)
    assert screen.view.table.hasFocus()
    with qtbot.waitSignal(window.loader.settled, timeout=HANG_TIMEOUT_MS):
        qtbot.keyClick(screen.view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.showing, timeout=HANG_TIMEOUT_MS)
    document = window.current_document()
    assert document is not None and document.title == "红楼梦"


def test_delete_removes_from_the_library_keeping_file_and_annotations(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    book = tmp_path / "book.txt"
    book.write_text("满纸荒唐言，一把辛酸泪。都云作者痴，谁解其中味？", encoding="utf-8")
    window = started(qtbot, make_window)
    wait_for_load(qtbot, window, lambda: window.open_path(book))
    assert window.annotations.highlight(0, 4) is not None
    screen = window.library_screen
    show_library(qtbot, window)
    screen.view.set_entries(screen.view.model._entries, keep=entry_titled(window, "book").id)
    screen.view.table.setFocus()
    with qtbot.waitSignal(screen.listing.settled, timeout=HANG_TIMEOUT_MS):
        qtbot.keyClick(screen.view.table, Qt.Key.Key_Delete)
    assert "book" not in titles(window) and book.exists()
    assert "its file and its 1 annotation(s) are untouched" in window.message_bar.text
    add_and_wait(qtbot, window, book)
    assert entry_titled(window, "book").annotations == 1


def test_a_missing_file_is_greyed_and_located_again_only_with_the_same_text(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    book = tmp_path / "old.txt"
    book.write_text("满纸荒唐言，一把辛酸泪。", encoding="utf-8")
    window = started(qtbot, make_window)
    add_and_wait(qtbot, window, book)
    moved = tmp_path / "moved.txt"
    book.rename(moved)
    screen = window.library_screen
    show_library(qtbot, window)
    entry = entry_titled(window, "old")
    assert entry.missing
    model = screen.view.model
    row = model.row_of(entry.id)
    assert row is not None
    index = model.index(row, TITLE)
    assert index.data() == "old  (file missing)"
    assert index.data(Qt.ItemDataRole.ForegroundRole) == model.missing_colour
    assert "Locate" in str(index.data(Qt.ItemDataRole.ToolTipRole))
    other = tmp_path / "other.txt"
    other.write_text("另一本书。", encoding="utf-8")
    with qtbot.waitSignal(screen._signals.located, timeout=HANG_TIMEOUT_MS):
        screen.locate_at(entry, other)
    qtbot.waitUntil(lambda: not screen.listing.busy, timeout=HANG_TIMEOUT_MS)
    assert "its text is different" in window.message_bar.text
    assert entry_titled(window, "old").missing
    with qtbot.waitSignal(screen._signals.located, timeout=HANG_TIMEOUT_MS):
        screen.locate_at(entry, moved)
    qtbot.waitUntil(lambda: not screen.listing.busy, timeout=HANG_TIMEOUT_MS)
    found = entry_titled(window, "old")
    assert not found.missing and found.path == moved and found.id == entry.id


def test_the_store_refusing_to_write_is_a_message_and_nothing_is_lost(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    book = tmp_path / "book.txt"
    book.write_text("满纸荒唐言。", encoding="utf-8")
    window = started(qtbot, make_window)
    store = window.annotations.open_store()  # the page's document is recorded before the disk fills
    assert store is not None
    before = store.library()
    store._read_only_reason = "the disk is full"  # what opening records for such a disk
    summary = add_and_wait(qtbot, window, book)
    assert summary.startswith("0 added. Adding stopped: Cannot save annotations: the disk is full")
    assert store.library() == before


def test_reading_from_the_library_brings_back_the_panels_and_saves_them_so(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = started(qtbot, make_window)
    screen = window.library_screen
    show_library(qtbot, window)
    assert not window.panels.toc_dock.isVisible()
    [entry] = screen.view.model._entries
    wait_for_load(qtbot, window, lambda: screen.open_entry(entry))
    assert not screen.showing and window.panels.toc_dock.isVisible()
    again = started(qtbot, make_window)  # as after a crash: from the layout saved by now
    assert again.panels.toc_dock.isVisible()
