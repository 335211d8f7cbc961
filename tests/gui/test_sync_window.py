"""Sync in the window: two real data directories sharing one folder, one of them driven through
the window, the other ("the laptop") through the command line and the core."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from reader.annotations import synced
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.app.settings import load_settings, save_settings
from reader.cli.main import run
from reader.ui.sync_dialog import SyncDialog
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load


def laptop_run(laptop: AppPaths, *arguments: str) -> str:
    """Run `reader ARGUMENTS` on the other machine; its output (it must succeed)."""
    out, err = io.StringIO(), io.StringIO()
    assert run(list(arguments), out, err, Services(laptop)) == 0, err.getvalue()
    return out.getvalue()


def laptop_notes(laptop: AppPaths) -> list[str]:
    return [row["note"] for row in json.loads(laptop_run(laptop, "annotations", "--json"))]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "Sync"
    shared.mkdir()
    return shared


@pytest.fixture
def laptop(tmp_path: Path) -> AppPaths:
    home = tmp_path / "laptop"
    return AppPaths(home / "config", home / "data", home / "cache")


def choose_folder(paths: AppPaths, folder: Path) -> None:
    """What `reader sync --folder` did once on the window's machine."""
    with Services(paths).sync_journal() as journal:
        journal.set_folder(folder)


def open_article(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.sync.round_finished, timeout=HANG_TIMEOUT_MS):
        wait_for_load(qtbot, window, window.open_bundled_article)


def shown_notes(window: MainWindow) -> list[str]:
    return [a.note for a in window.annotations.annotations]


def test_a_note_from_the_other_machine_appears_in_the_open_window(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, laptop: AppPaths, folder: Path
) -> None:
    laptop_run(laptop, "annotate", "--quote", "算力", "--note", "從筆電寫的")
    laptop_run(laptop, "sync", "--folder", str(folder))
    choose_folder(app_paths, folder)
    window = make_window()
    open_article(qtbot, window)  # the first round, right after the first page
    qtbot.waitUntil(lambda: "從筆電寫的" in shown_notes(window), timeout=HANG_TIMEOUT_MS)
    assert "1 annotation updated from your other machines." in window.message_bar.text
    # Files arriving while the window is open are merged without anyone asking.
    laptop_run(laptop, "annotate", "--quote", "人工智能", "--note", "後來又寫的")
    laptop_run(laptop, "sync")
    qtbot.waitUntil(lambda: "後來又寫的" in shown_notes(window), timeout=HANG_TIMEOUT_MS)


def test_a_local_highlight_goes_out_after_the_pause(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, laptop: AppPaths, folder: Path
) -> None:
    choose_folder(app_paths, folder)
    window = make_window()
    open_article(qtbot, window)
    start = window.current_document().text.index("算力")  # type: ignore[union-attr]
    with qtbot.waitSignal(
        window.sync.round_finished,
        timeout=HANG_TIMEOUT_MS,
        check_params_cb=lambda report: report is not None and report.sent >= 1,
    ):
        window.annotations.highlight(start, start + 2, note="從書房寫的")
    laptop_run(laptop, "sync", "--folder", str(folder))
    assert laptop_notes(laptop) == ["從書房寫的"]


def test_the_dialog_chooses_a_folder_and_lists_the_other_machines(
    qtbot: QtBot,
    window: MainWindow,
    laptop: AppPaths,
    folder: Path,
    app_paths: AppPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    laptop_run(laptop, "annotate", "--quote", "算力", "--note", "n")
    laptop_run(laptop, "sync", "--folder", str(folder))
    with Services(laptop).sync_journal() as journal:
        laptop_machine = journal.machine
    wait_for_load(qtbot, window, window.open_bundled_article)
    window.sync.show_dialog()
    dialog = window.findChild(SyncDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.sync_now.isEnabled()  # nothing to sync through yet
    inside = app_paths.data_dir / "Sync"
    inside.mkdir(parents=True)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_: str(inside))
    dialog.choose.click()
    assert "cannot hold the reader's own data" in dialog.state.text()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_: str(folder))
    dialog.choose.click()
    qtbot.waitUntil(lambda: dialog.machines.topLevelItemCount() == 1, timeout=HANG_TIMEOUT_MS)
    qtbot.waitUntil(lambda: "n" in shown_notes(window), timeout=HANG_TIMEOUT_MS)
    assert dialog.machines.topLevelItem(0).toolTip(0) == f"Machine {laptop_machine}"
    assert dialog.folder_label.text() == str(folder)
    assert dialog.sync_now.isEnabled() and dialog.stop.isEnabled()
    with Services(app_paths).sync_journal() as journal:
        assert journal.folder == folder  # the command line syncs through it too
    window.sync.sync_now()  # a round under way when the user stops: it finishes first
    with qtbot.waitSignal(
        window.sync.round_finished,
        timeout=HANG_TIMEOUT_MS,
        check_params_cb=lambda report: report is None,  # the round after the stop
    ):
        dialog.stop.click()
    assert dialog.folder_label.text() == "Not syncing." and not window.sync.syncing
    with Services(app_paths).sync_journal() as journal:
        assert journal.folder is None


def test_a_missing_folder_is_told_once_and_the_window_keeps_working(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, tmp_path: Path
) -> None:
    choose_folder(app_paths, tmp_path / "unmounted share")
    window = make_window()
    errors: list[str] = []
    window.message_bar.show_error = errors.append  # type: ignore[method-assign]
    open_article(qtbot, window)
    assert len(errors) == 1 and "is missing (not mounted?)" in errors[0]
    text = window.current_document().text  # type: ignore[union-attr]
    made = window.annotations.highlight(text.index("算力"), text.index("算力") + 2)
    assert made is not None  # annotating goes on; the change waits in the journal
    with qtbot.waitSignal(window.sync.round_finished, timeout=HANG_TIMEOUT_MS):
        window.sync.sync_now()
    assert len(errors) == 1  # not told again every round


def test_an_earlier_version_of_a_note_is_one_click_away(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, laptop: AppPaths, folder: Path
) -> None:
    laptop_run(laptop, "annotate", "--quote", "算力", "--note", "first thought")
    laptop_run(laptop, "sync", "--folder", str(folder))
    store = Services(laptop).annotation_store()
    [made] = synced.contents(store)
    store.update(made.id, note="second thought")
    store.close()
    laptop_run(laptop, "sync")
    choose_folder(app_paths, folder)
    window = make_window()
    open_article(qtbot, window)
    qtbot.waitUntil(lambda: shown_notes(window) == ["second thought"], timeout=HANG_TIMEOUT_MS)
    window.panels.annotations_dock.show()
    window.annotations_panel.choose(made.id)
    editor = window.annotations_panel.editor
    qtbot.waitUntil(editor.earlier.isVisible, timeout=HANG_TIMEOUT_MS)
    [earlier] = editor.earlier.menu().actions()
    assert "first thought" in earlier.text()
    earlier.trigger()
    assert shown_notes(window) == ["first thought"]
    assert editor.note.toPlainText() == "first thought"
    window.annotations.undo()
    assert shown_notes(window) == ["second thought"]


def test_a_position_from_the_other_machine_waits_for_the_next_open(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, laptop: AppPaths, folder: Path
) -> None:
    fingerprint = Services(laptop).load_document(None).fingerprint
    settings = load_settings(laptop.settings_file)
    settings.remember_position(fingerprint, 2000, None)
    save_settings(settings, laptop.settings_file)
    laptop_run(laptop, "sync", "--folder", str(folder))
    choose_folder(app_paths, folder)
    window = make_window()
    open_article(qtbot, window)
    qtbot.waitUntil(
        lambda: window.services.settings.position_of(fingerprint) == 2000, timeout=HANG_TIMEOUT_MS
    )
    assert window.view.top_offset() == 0  # the page being read did not jump
    with qtbot.waitSignal(window.view.position_changed, timeout=HANG_TIMEOUT_MS):
        window.view.relayout()  # laid out again (a theme, a font): the page reports, unmoved
    assert window.services.settings.position_of(fingerprint) == 2000
    window.close()  # leaving without moving keeps the other machine's position
    assert load_settings(app_paths.settings_file).position_of(fingerprint) == 2000
    reopened = make_window()
    wait_for_load(qtbot, reopened, reopened.open_bundled_article)
    assert 0 < reopened.view.top_offset() <= 2000


def test_a_page_opened_and_left_unmoved_does_not_overrule_the_other_machine(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, laptop: AppPaths, folder: Path
) -> None:
    """The page reports where it opened (0, in a book never read here) before any round: that
    is not the reader moving, so it must not go out as a newer position than the laptop's."""
    fingerprint = Services(laptop).load_document(None).fingerprint
    settings = load_settings(laptop.settings_file)
    settings.remember_position(fingerprint, 2000, None)
    save_settings(settings, laptop.settings_file)
    laptop_run(laptop, "sync", "--folder", str(folder))
    window = make_window()
    with qtbot.waitSignal(window.view.position_changed, timeout=HANG_TIMEOUT_MS):
        wait_for_load(qtbot, window, window.open_bundled_article)
    with qtbot.waitSignal(
        window.sync.round_finished,
        timeout=HANG_TIMEOUT_MS,
        check_params_cb=lambda report: report is not None,
    ):
        window.sync.set_folder(folder)
    assert window.services.settings.position_of(fingerprint) == 2000
    assert window.view.top_offset() == 0
    window.close()
    assert load_settings(app_paths.settings_file).position_of(fingerprint) == 2000
    laptop_run(laptop, "sync")
    assert load_settings(laptop.settings_file).position_of(fingerprint) == 2000
