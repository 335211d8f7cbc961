"""The Library screen reads its entries on a worker thread: the old list shows meanwhile, an
overtaken answer is dropped, and sorting, filtering and the selection hold across a refresh.

Listing 10,000 entries (a query and a look at every file) took ~0.36 s on the UI thread each
time the screen opened. These tests record the thread the entries are read on and hold the
reading at a gate to look at the screen meanwhile; they wait on signals, never on the clock.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from reader.annotations.errors import StoreError
from reader.library.catalogue import Entry, Library
from reader.ui.library_listing import LibraryListing
from reader.ui.library_model import SIZE, LibraryFilter, LibraryModel, prepare
from reader.ui.window import MainWindow
from tests.conftest import CORPUS_DIR
from tests.gui.conftest import HANG_TIMEOUT_MS, MakeWindow
from tests.gui.test_library_view import add_and_wait, show_library, started, titles

HANG_TIMEOUT_S = HANG_TIMEOUT_MS / 1000


def entry(title: str) -> Entry:
    return Entry(title, title, "", "txt", None, None, None, None, None, None, 0, False, title)


@pytest.fixture
def shelf_window(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> MainWindow:
    """A window whose library holds the bundled article and three books."""
    for name in ("道德经.txt", "家.txt", "论语.txt"):
        shutil.copy(CORPUS_DIR / "library" / name, tmp_path / name)
    window = started(qtbot, make_window)
    add_and_wait(qtbot, window, tmp_path)
    return window


def test_the_entries_are_read_on_a_worker_thread(
    qtbot: QtBot, shelf_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real = Library.entries

    def recorded(library: Library) -> list[Entry]:
        threads.append(threading.current_thread())
        return real(library)

    monkeypatch.setattr(Library, "entries", recorded)
    show_library(qtbot, shelf_window)
    assert len(titles(shelf_window)) == 4
    assert threads and threading.main_thread() not in threads, "listed on the UI thread"


def test_the_previous_list_shows_while_the_new_one_is_read(
    qtbot: QtBot, shelf_window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen = shelf_window.library_screen
    show_library(qtbot, shelf_window)
    before = titles(shelf_window)
    gate, reading = threading.Event(), threading.Event()
    real = Library.entries

    def held(library: Library) -> list[Entry]:
        reading.set()
        assert gate.wait(HANG_TIMEOUT_S), "the test never opened the gate"
        return real(library)

    monkeypatch.setattr(Library, "entries", held)
    (tmp_path / "新书.txt").write_text("新书的正文。", encoding="utf-8")
    screen.add([tmp_path / "新书.txt"])
    qtbot.waitUntil(reading.is_set, timeout=HANG_TIMEOUT_MS)
    assert titles(shelf_window) == before  # the old list, usable
    assert screen.view.count_label.text() == "4 documents; reading the library…"
    with qtbot.waitSignal(screen.listing.settled, timeout=HANG_TIMEOUT_MS):
        gate.set()
    assert "新书" in titles(shelf_window)
    assert screen.view.count_label.text() == "5 documents"


def test_sorting_filtering_and_the_selection_hold_across_a_refresh(
    qtbot: QtBot, shelf_window: MainWindow
) -> None:
    screen = shelf_window.library_screen
    show_library(qtbot, shelf_window)
    screen.view.table.sortByColumn(SIZE, Qt.SortOrder.DescendingOrder)
    assert titles(shelf_window) == ["家", "论语", "道德经", "從大模型到AI算力再到智算中心"]
    screen.view.filter_box.insert("语")
    assert titles(shelf_window) == ["论语"]
    screen.view.filter_box.clear()
    screen.view.table.selectRow(1)
    with qtbot.waitSignal(screen.listing.settled, timeout=HANG_TIMEOUT_MS):
        screen.refresh()
    assert titles(shelf_window) == ["家", "论语", "道德经", "從大模型到AI算力再到智算中心"]
    selected = screen.view.current_entry()
    assert selected is not None and selected.title == "论语"
    screen.view.filter_box.insert("道德")
    with qtbot.waitSignal(screen.listing.settled, timeout=HANG_TIMEOUT_MS):
        screen.refresh()
    assert titles(shelf_window) == ["道德经"]
    assert screen.view.count_label.text() == "1 of 4 documents"


def test_an_answer_overtaken_by_a_newer_request_is_dropped(qtbot: QtBot) -> None:
    """Both requests are made before either answer is handled: whichever worker finishes
    first, only the newer answer is shown."""
    parent = QObject()
    listing = LibraryListing(parent)
    shown: list[list[Entry]] = []
    listing.listed.connect(lambda listed, _keep: shown.append(listed.entries))
    listing.read(lambda: prepare([entry("old")], str))
    listing.read(lambda: prepare([entry("new")], str))
    qtbot.waitUntil(lambda: listing.dropped == 1 and not listing.busy, timeout=HANG_TIMEOUT_MS)
    assert [[e.title for e in entries] for entries in shown] == [["new"]]
    assert not listing.busy


def test_a_library_that_cannot_be_read_is_a_message_and_the_list_stays(
    qtbot: QtBot, shelf_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = shelf_window.library_screen
    show_library(qtbot, shelf_window)

    def broken(library: Library) -> list[Entry]:
        raise StoreError("the disk went away")

    monkeypatch.setattr(Library, "entries", broken)
    with qtbot.waitSignal(screen.listing.settled, timeout=HANG_TIMEOUT_MS):
        screen.refresh()
    assert shelf_window.message_bar.text == "The library cannot be read: the disk went away"
    assert len(titles(shelf_window)) == 4
    assert screen.view.count_label.text() == "4 documents"


def test_the_model_sorts_by_keys_made_once_not_through_data_per_comparison(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The proxy comparing rows through `data` made ~280,000 Python calls for 10,000 entries."""
    calls: list[int] = []
    real = LibraryModel.data
    monkeypatch.setattr(LibraryModel, "data", lambda *a: (calls.append(1), real(*a))[1])
    model = LibraryModel(str)
    proxy = LibraryFilter(str)
    proxy.setSourceModel(model)
    proxy.sort(SIZE, Qt.SortOrder.DescendingOrder)
    sizes = [(i * 7919) % 1000 for i in range(1000)]
    model.set_entries([replace(entry(f"book {i}"), size=size) for i, size in enumerate(sizes)])
    shown = [model.entry(proxy.mapToSource(proxy.index(row, 0)).row()).size for row in range(1000)]
    assert shown == sorted(sizes, reverse=True)
    proxy.set_filter_text("book 99")
    assert proxy.rowCount() == sum(1 for i in range(1000) if "99" in str(i))
    assert calls == [], "rows were compared or filtered through data()"
