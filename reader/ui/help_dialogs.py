"""Help: every command with its shortcuts, and what the reader is and where it keeps things."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader import __version__
from reader.app.paths import AppPaths
from reader.ui.plain_text import escaped

_MNEMONIC = re.compile(r"&(&?)")
"""``&x`` marks x as the shortcut letter; ``&&`` is a literal ``&``."""


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, command, shortcuts) for every command in the menus, in menu order."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                walk(submenu, f"{path} › {_plain(action.text())}")
            elif not action.isSeparator() and action.text():
                keys = ", ".join(
                    s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
                )
                rows.append((path, _plain(action.text()), keys))

    for top in menu_bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu, _plain(top.text()))
    return rows


def _plain(text: str) -> str:
    """A menu item's text as shown: without its shortcut marker, ``&&`` back to ``&``."""
    return _MNEMONIC.sub(r"\1", text).rstrip("…")


class ShortcutsDialog(QDialog):
    """A table of every command and its keys."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.setObjectName("shortcutsDialog")
        rows = shortcut_rows(menu_bar)
        table = QTableWidget(len(rows), 3, self)
        table.setObjectName("shortcutsTable")
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for number, row in enumerate(rows):
            for column, text in enumerate(row):
                table.setItem(number, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.table = table
        self.resize(640, 560)


class AboutDialog(QDialog):
    """Version, purpose, and where the user's data lives (so they can back it up)."""

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Reader")
        text = QLabel(
            f"<h2>Reader {__version__}</h2>"
            "<p>A calm desktop reader for Chinese texts, with search, highlights and notes. "
            "It works offline and never uses the network.</p>"
            f"<p><b>Annotations</b> (back this folder up): {escaped(str(paths.data_dir))}<br>"
            f"<b>Settings</b>: {escaped(str(paths.config_dir))}<br>"
            f"<b>Search indexes</b> (safe to delete): {escaped(str(paths.cache_dir))}</p>"
            "<p>Licensed under the MIT licence.</p>",
            self,
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)


def help_actions(window: QWidget, menu_bar: QMenuBar, paths: AppPaths) -> list[QAction]:
    """Help › Keyboard Shortcuts and Help › About, as actions owned by `window`."""
    shortcuts = QAction("&Keyboard Shortcuts", window)
    shortcuts.setShortcuts(
        [QKeySequence(QKeySequence.StandardKey.HelpContents), QKeySequence("Ctrl+/")]
    )
    shortcuts.triggered.connect(lambda: ShortcutsDialog(menu_bar, window).exec())
    about = QAction("&About Reader", window)
    about.triggered.connect(lambda: AboutDialog(paths, window).exec())
    window.addAction(shortcuts)
    return [shortcuts, about]
