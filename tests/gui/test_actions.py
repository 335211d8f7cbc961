"""The action table: every command reaches the menus or is a documented key, none is bound
twice, and the window's handlers and enabling follow it."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from reader.ui.action_spec import ActionSpec, Group
from reader.ui.actions import ACTIONS, ambiguous_keys, key_sequences
from reader.ui.menus import MENU_BAR, menu_ids
from reader.ui.window import MainWindow

from .conftest import wait_for_load


def menu_actions(window: MainWindow) -> list[QAction]:
    """Every QAction reachable through the menu bar, submenus included."""
    found: list[QAction] = []

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                walk(submenu)
            elif not action.isSeparator():
                found.append(action)

    for top in window.menuBar().actions():
        menu = top.menu()
        assert isinstance(menu, QMenu)
        walk(menu)
    return found


def test_every_command_is_in_a_menu_or_is_a_documented_key(window: MainWindow) -> None:
    in_menus = {action.objectName() for action in menu_actions(window)}
    for spec in ACTIONS:
        if spec.documentation_only:
            assert spec.page_keys, f"{spec.id} has neither a handler nor keys to document"
        else:
            assert spec.id in in_menus, f"{spec.id} is in no menu"
    assert sorted(menu_ids(MENU_BAR)) == sorted(s.id for s in ACTIONS if not s.documentation_only)


def test_the_table_binds_no_key_twice() -> None:
    assert ambiguous_keys() == {}


def test_an_ambiguous_key_is_caught() -> None:
    twice = (
        ActionSpec("a", "A", Group.VIEW, ("F9",), handler="x"),
        ActionSpec("b", "B", Group.VIEW, (), page_keys=("F9",)),
    )
    assert ambiguous_keys(twice) == {"F9": ["a", "b"]}


def test_no_two_actions_of_the_window_share_a_key(window: MainWindow) -> None:
    """Qt runs neither of two actions bound to the same key: count every action the window
    has, the dynamic menus' and the panels' included."""
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            owners.setdefault(sequence.toString(), []).append(action.text())
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}


def test_the_window_binds_what_the_table_says(window: MainWindow) -> None:
    for spec in ACTIONS:
        if not spec.documentation_only:
            action = window.commands.by_id[spec.id]
            assert action.shortcuts() == key_sequences(spec), spec.id


def test_commands_that_need_a_document_wait_for_one(qtbot: QtBot, window: MainWindow) -> None:
    needing = [spec.id for spec in ACTIONS if spec.enabled_when == "has_document"]
    assert needing
    assert not any(window.commands.by_id[name].isEnabled() for name in needing)
    assert not window.encoding_menu.isEnabled()
    wait_for_load(qtbot, window, window.open_bundled_article)
    assert all(window.commands.by_id[name].isEnabled() for name in needing)
    assert window.encoding_menu.isEnabled()


def test_a_table_command_runs_its_handler(qtbot: QtBot, window: MainWindow) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    window.commands.by_id["next_section"].trigger()
    assert window.view.top_offset() == window.toc.entries[1].start
    window.commands.by_id["search_panel"].trigger()
    assert window.panels.search_dock.isVisible()
