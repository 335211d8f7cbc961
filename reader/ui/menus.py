"""The menu bar and the window's actions, made from the table in `reader.ui.actions`.

The layout below says where each command goes; `WindowActions` makes one QAction per command,
bound to the window's handler by name, and keeps "enabled when" current. Nothing here imports
the window: it is handed in, and the handlers are looked up on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMenuBar

from reader.ui.action_spec import ActionSpec
from reader.ui.actions import ACTIONS, key_sequences


@dataclass(frozen=True, slots=True)
class Submenu:
    """A submenu: fixed items from the table, or (with `dynamic`) filled by the window."""

    title: str
    items: tuple[str | Submenu, ...] = ()
    dynamic: str = ""
    """The name the window fills this menu under ("recent", "encoding", "theme"...)."""


SEPARATOR = "-"

MENU_BAR: tuple[Submenu, ...] = (
    Submenu(
        "&File",
        (
            "open",
            Submenu("Open &Recent", dynamic="recent"),
            Submenu("Reopen with &Encoding", dynamic="encoding"),
            "open_bundled",
            SEPARATOR,
            "library",
            "add_files",
            "add_folder",
            SEPARATOR,
            Submenu(
                "E&xport Annotations",
                ("export_markdown", "export_w3c", "export_kindle", "export_koreader"),
            ),
            "import_annotations",
            SEPARATOR,
            "quit",
        ),
    ),
    Submenu(
        "&Edit",
        (
            "undo",
            "redo",
            SEPARATOR,
            "copy",
            "lookup",
            SEPARATOR,
            "highlight",
            "note",
            SEPARATOR,
            "find",
            "find_next",
            "find_previous",
            "clear_search",
            "search_all",
        ),
    ),
    Submenu(
        "&View",
        (
            Submenu("&Theme", dynamic="theme"),
            "zoom_in",
            "zoom_out",
            "actual_size",
            SEPARATOR,
            "pinyin",
            Submenu("C&haracters", dynamic="characters"),
            "full_width",
            SEPARATOR,
            "contents_panel",
            "search_panel",
            "annotations_panel",
            "notebook",
            "full_screen",
        ),
    ),
    Submenu(
        "&Go",
        (
            "next_section",
            "previous_section",
            SEPARATOR,
            "back",
            "forward",
            SEPARATOR,
            "beginning",
            "end",
        ),
    ),
    Submenu("&Settings", ("sync",)),
    Submenu("&Help", ("shortcuts", "about")),
)


def menu_ids(layout: tuple[Submenu, ...] = MENU_BAR) -> list[str]:
    """The ids of every table command placed in the menus."""
    found: list[str] = []
    for menu in layout:
        for item in menu.items:
            if isinstance(item, Submenu):
                found += menu_ids((item,))
            elif item != SEPARATOR:
                found.append(item)
    return found


def resolve(target: object, path: str) -> object:
    """The attribute at dotted `path` of `target` ("search.next_hit")."""
    found = target
    for name in path.split("."):
        found = getattr(found, name)
    return found


def _callable(target: object, path: str) -> Callable[..., object]:
    found = resolve(target, path)
    if not callable(found):
        raise TypeError(f"{path} is not callable")
    return found


class WindowActions:
    """One QAction per command of the table, owned by (and added to) the window, so the keys
    work even when the menu bar is hidden (full screen)."""

    def __init__(self, window: QMainWindow, specs: tuple[ActionSpec, ...] = ACTIONS) -> None:
        self._window = window
        self._specs = [spec for spec in specs if not spec.documentation_only]
        self.by_id = {spec.id: self._make(spec) for spec in self._specs}

    def _make(self, spec: ActionSpec) -> QAction:
        if spec.panel:
            dock = resolve(self._window, spec.panel)
            assert isinstance(dock, QDockWidget)
            action = dock.toggleViewAction()
        else:
            action = QAction(self._window)
            handler, args = _callable(self._window, spec.handler), spec.args
            action.triggered.connect(lambda _checked=False: handler(*args))
        action.setText(spec.text)
        action.setObjectName(spec.id)
        action.setShortcuts(key_sequences(spec))
        self._window.addAction(action)
        return action

    def refresh(self) -> None:
        """Enable each action whose `enabled_when` holds, disable the others."""
        for spec in self._specs:
            if spec.enabled_when:
                enabled = _callable(self._window, spec.enabled_when)()
                self.by_id[spec.id].setEnabled(bool(enabled))


def build_menu_bar(
    menu_bar: QMenuBar, actions: dict[str, QAction], layout: tuple[Submenu, ...] = MENU_BAR
) -> dict[str, QMenu]:
    """Fill `menu_bar` from `layout`; returns the dynamic menus by name, for the window to fill."""
    dynamic: dict[str, QMenu] = {}
    for submenu in layout:
        _fill(menu_bar.addMenu(submenu.title), submenu, actions, dynamic)
    return dynamic


def _fill(
    menu: QMenu, submenu: Submenu, actions: dict[str, QAction], dynamic: dict[str, QMenu]
) -> None:
    if submenu.dynamic:
        dynamic[submenu.dynamic] = menu
    for item in submenu.items:
        if isinstance(item, Submenu):
            _fill(menu.addMenu(item.title), item, actions, dynamic)
        elif item == SEPARATOR:
            menu.addSeparator()
        else:
            menu.addAction(actions[item])
