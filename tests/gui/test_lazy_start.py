"""What loads after the first page still works straight away: the store, search, highlights.

The annotation store opens right after the page is painted (or when first asked for), and
search prepares a moment later; these tests drive both immediately after the window shows,
waiting for them by their signals, and check that nothing was lost on the way.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from reader.annotations.model import Colour
from reader.app.paths import AppPaths
from reader.app.settings import load_settings
from tests.gui.conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load
from tests.gui.test_search_panel import search_for

PASSAGE = "智算中心"


def test_the_store_opens_after_the_page_and_a_highlight_is_painted(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    assert window.annotations.open_store() is None  # nothing to open before a document
    with qtbot.waitSignal(window.annotations.opened, timeout=HANG_TIMEOUT_MS):
        window.open_request(None)  # a first start: the bundled article
    assert window.annotations.open_store() is not None
    text = window.current_document().text  # type: ignore[union-attr]
    start = text.index(PASSAGE)
    made = window.annotations.highlight(start, start + len(PASSAGE), Colour.GREEN)
    assert made is not None
    assert window.view.annotation_keys_at(start + 1) == [made.id]


def test_a_highlight_made_before_the_deferred_open_is_not_lost(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    """Asking the controller for its session opens the pending one at once, in order."""
    window = make_window()
    wait_for_load(qtbot, window, lambda: window.open_request(None))
    text = window.current_document().text  # type: ignore[union-attr]
    start = text.index(PASSAGE)
    made = window.annotations.highlight(start, start + len(PASSAGE))
    assert made is not None
    assert [a.id for a in window.annotations.annotations] == [made.id]
    window.close()
    again = make_window()
    with qtbot.waitSignal(again.annotations.opened, timeout=HANG_TIMEOUT_MS):
        again.open_request(None)
    assert [a.id for a in again.annotations.annotations] == [made.id]


def test_search_answers_right_after_the_window_shows(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    wait_for_load(qtbot, window, lambda: window.open_request(None))
    window.view.setFocus()
    search_for(qtbot, window, "智算")
    assert window.search_panel.status.text().startswith("26 matches")


def test_store_messages_still_reach_the_user(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths
) -> None:
    """A damaged store is repaired and reported once the page is up; the reader still reads."""
    paths = app_paths
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    (paths.data_dir / "annotations.sqlite3").write_bytes(b"not a database at all" * 100)
    window = make_window()
    with qtbot.waitSignal(window.annotations.opened, timeout=HANG_TIMEOUT_MS):
        window.open_request(None)
    assert window.current_document() is not None
    assert load_settings(paths.settings_file).last_document != ""
    assert window.message_bar.text != ""
