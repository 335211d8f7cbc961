"""The Keyboard Shortcuts dialog: by task, keys first, the page's own keys included, a filter,
and no rows for the menus made of state (encodings, recent files)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.document.decode import SUPPORTED_ENCODINGS
from reader.ui.help_dialogs import ShortcutsDialog, shortcut_rows
from reader.ui.window import MainWindow

from .conftest import wait_for_load

TASKS = ["Reading", "Navigation", "Search", "Highlights", "View", "File", "Help"]


def make_dialog(qtbot: QtBot, window: MainWindow) -> ShortcutsDialog:
    dialog = ShortcutsDialog(parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_dialog_is_grouped_by_task_with_keyed_commands_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    rows = make_dialog(qtbot, window).visible_rows()
    tasks = list(dict.fromkeys(task for task, _command, _keys in rows))
    assert tasks == TASKS
    for task in tasks:
        keyed = [bool(keys) for t, _command, keys in rows if t == task]
        assert keyed == sorted(keyed, reverse=True), f"{task}: a command without keys comes first"


def test_the_reading_keys_are_listed(qtbot: QtBot, window: MainWindow) -> None:
    rows = make_dialog(qtbot, window).visible_rows()
    keys = {key.strip() for _task, _command, listed in rows for key in listed.split(",")}
    for key in ("PgDown", "PgUp", "Space", "Shift+Space", "Home", "End", "[", "]", "F3"):
        assert key in keys, f"{key} is not in the shortcuts dialog"
    reading = {command for task, command, _keys in rows if task == "Reading"}
    assert {"Next Page", "Previous Page"} <= reading


def test_no_rows_for_encodings_or_recent_files(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "recent.txt"
    path.write_text("第一回\n\n正文。\n", encoding="utf-8")
    wait_for_load(qtbot, window, lambda: window.open_path(path))
    rows = make_dialog(qtbot, window).visible_rows()
    commands = [command for _task, command, _keys in rows]
    labels = {label for _codec, label in SUPPORTED_ENCODINGS}
    assert not labels & set(commands)
    assert str(path) not in commands
    assert all(keys for _task, _command, keys in rows[:5]), "it opens on rows without keys"


def test_the_filter_finds_commands_by_name_or_key(qtbot: QtBot, window: MainWindow) -> None:
    dialog = make_dialog(qtbot, window)
    qtbot.keyClicks(dialog.filter, "section")
    assert [command for _t, command, _k in dialog.visible_rows()] == [
        "Next Section",
        "Previous Section",
    ]
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "f3")
    assert {command for _t, command, _k in dialog.visible_rows()} == {
        "Find Next",
        "Find Previous",
    }
    hidden = [
        dialog.tree.topLevelItem(n).text(0)  # type: ignore[union-attr]
        for n in range(dialog.tree.topLevelItemCount())
        if dialog.tree.topLevelItem(n).isHidden()  # type: ignore[union-attr]
    ]
    assert "Search" not in hidden and "Reading" in hidden
    dialog.filter.clear()
    assert len(dialog.visible_rows()) > 30


def test_help_opens_the_dialog_from_the_table(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[list[tuple[str, str, str]]] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ShortcutsDialog)
        seen.append(dialog.visible_rows())
        dialog.reject()

    QTimer.singleShot(0, read_and_close)
    window.commands.by_id["shortcuts"].trigger()  # returns when the dialog closes
    assert seen == [shortcut_rows()]
