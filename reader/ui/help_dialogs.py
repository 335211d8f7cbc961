"""Help: every command with its keys (from the action table), what the reader is, and where
it keeps things."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader import __version__
from reader.app.paths import AppPaths
from reader.ui.action_spec import ActionSpec, Group
from reader.ui.actions import ACTIONS, listed_keys
from reader.ui.plain_text import plain_label, readable

_MNEMONIC = re.compile(r"&(&?)")
"""``&x`` marks x as the shortcut letter; ``&&`` is a literal ``&``."""


def plain_text(text: str) -> str:
    """A menu item's text as shown: without its shortcut marker, ``&&`` back to ``&``."""
    return _MNEMONIC.sub(r"\1", text).rstrip("…")


def shortcut_rows(specs: Sequence[ActionSpec] = ACTIONS) -> list[tuple[str, str, str]]:
    """(task, command, keys) for every command: grouped by task in the table's group order,
    and within a task the commands with keys first, so the dialog reads as a key reference."""
    rows: list[tuple[str, str, str]] = []
    for group in Group:
        members = [spec for spec in specs if spec.group is group]
        members.sort(key=lambda spec: not listed_keys(spec))  # stable: table order otherwise
        for spec in members:
            keys = ", ".join(listed_keys(spec))
            if spec.note and keys:
                keys = f"{keys} ({spec.note})"
            rows.append((group.value, spec.title or plain_text(spec.text), keys))
    return rows


class ShortcutsDialog(QDialog):
    """Every command and its keys, grouped by task, with a box to find one by name or key."""

    def __init__(
        self, specs: Sequence[ActionSpec] = ACTIONS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.setObjectName("shortcutsDialog")
        self.filter = QLineEdit(self)
        self.filter.setObjectName("shortcutsFilter")
        self.filter.setAccessibleName("Filter shortcuts")
        self.filter.setPlaceholderText("Filter: type part of a command or a key")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shortcutsTable")
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setHeaderLabels(["Command", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setEditTriggers(QTreeWidget.EditTrigger.NoEditTriggers)
        self._fill(shortcut_rows(specs))
        self.filter.textChanged.connect(self._apply_filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(560, 640)

    def _fill(self, rows: list[tuple[str, str, str]]) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        self._rows: list[tuple[QTreeWidgetItem, QTreeWidgetItem]] = []
        for group, command, keys in rows:
            if group not in groups:
                header = QTreeWidgetItem(self.tree, [group])
                header.setFirstColumnSpanned(True)
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = header.font(0)
                font.setBold(True)
                header.setFont(0, font)
                groups[group] = header
            self._rows.append((groups[group], QTreeWidgetItem(groups[group], [command, keys])))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 24)

    def _apply_filter(self, text: str) -> None:
        """Show the commands whose name, keys or task contain every word typed."""
        words = text.casefold().split()
        shown: set[int] = set()
        for header, row in self._rows:
            haystack = f"{header.text(0)} {row.text(0)} {row.text(1)}".casefold()
            row.setHidden(not all(word in haystack for word in words))
            if not row.isHidden():
                shown.add(id(header))
        for header, _row in self._rows:
            header.setHidden(id(header) not in shown)

    def visible_rows(self) -> list[tuple[str, str, str]]:
        """(task, command, keys) of the rows the filter leaves shown, top to bottom."""
        return [
            (header.text(0), row.text(0), row.text(1))
            for header, row in self._rows
            if not header.isHidden() and not row.isHidden()
        ]


class AboutDialog(QDialog):
    """Version, purpose, and where the user's data lives (so they can back it up).

    Each folder sits on a line of its own and is never wrapped: a path broken at an arbitrary
    character cannot be read, or copied, as one. The dialog is as wide as the longest path.
    """

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Reader")
        text = QLabel(
            f"<h2>Reader {__version__}</h2>"
            "<p>A calm desktop reader for Chinese texts, with search, highlights and notes. "
            "It works offline and never uses the network.</p>",
            self,
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        folders = QFormLayout()
        folders.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        for caption, folder in (
            ("Annotations (back this folder up):", paths.data_dir),
            ("Settings:", paths.config_dir),
            ("Search indexes (safe to delete):", paths.cache_dir),
        ):
            folders.addRow(caption, self._path_label(folder))
        licence = QLabel(
            "Licensed under the MIT licence. The dictionary is CC-CEDICT (MDBG and its "
            "contributors), used under CC BY-SA 4.0; pinyin readings by pypinyin (MIT).",
            self,
        )
        licence.setObjectName("licence")
        licence.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(folders)
        layout.addWidget(licence)
        layout.addWidget(buttons)

    def _path_label(self, folder: Path) -> QLabel:
        label = plain_label(self)
        label.setObjectName("folderPath")
        label.setText(readable(str(folder)))
        label.setWordWrap(False)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label


class HelpMenu:
    """The Help menu's commands for one window."""

    def __init__(self, paths: AppPaths, parent: QWidget) -> None:
        self._paths, self._parent = paths, parent

    def shortcuts(self) -> None:
        """Help › Keyboard Shortcuts."""
        ShortcutsDialog(parent=self._parent).exec()

    def about(self) -> None:
        """Help › About Reader."""
        AboutDialog(self._paths, self._parent).exec()
