"""Settings › Sync…: the folder to sync through, the machines seen there, Sync Now and Stop.

The dialog only shows and asks: the folder is remembered in the sync journal (so the window and
`reader sync` agree), and reading it happens on the `SyncLink`'s worker, so a folder on a share
that hangs never freezes the dialog.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.ui.plain_text import plain_label, readable

if TYPE_CHECKING:
    from reader.sync.engine import SyncReport
    from reader.sync.folder import MachineStatus

INTRO = (
    "Keep your annotations and reading positions the same on all your machines, through a "
    "folder that Syncthing, Nextcloud, Dropbox or a USB stick already carries between them. "
    "Each machine writes only files of its own there; the reader itself never uses the network."
)


@dataclass(frozen=True)
class SyncState:
    """The folder as the dialog shows it."""

    folder: Path | None
    machine: str
    statuses: list[MachineStatus]


class SyncCommands(Protocol):
    """What the dialog asks of sync (`reader.ui.sync_link.SyncLink`); its answers come back
    through `show_state` and `show_round`."""

    def set_folder(self, folder: Path | None) -> None: ...

    def sync_now(self) -> None: ...

    def describe(self) -> None: ...


class SyncDialog(QDialog):
    """Choose, show and stop the sync folder."""

    def __init__(self, link: SyncCommands, data_dir: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("syncDialog")
        self.setWindowTitle("Sync")
        self.setMinimumWidth(560)
        self._link, self._data_dir = link, data_dir
        self._folder: Path | None = None
        intro = _label(INTRO)
        self.folder_label = _label("Not syncing.")
        self.folder_label.setObjectName("syncFolder")
        self.choose = QPushButton("Choose Folder…")
        self.choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.choose)
        self.this_machine = _label(f"This machine: {readable(socket.gethostname())}")
        self.machines = QTreeWidget()
        self.machines.setObjectName("syncMachines")
        self.machines.setHeaderLabels(["Other machine", "Last wrote"])
        self.machines.setRootIsDecorated(False)
        self.machines.setColumnWidth(0, 260)
        self.state = _label("")
        self.state.setObjectName("syncState")
        self.sync_now = QPushButton("Sync Now")
        self.sync_now.clicked.connect(self._sync_now)
        self.stop = QPushButton("Stop Syncing")
        self.stop.clicked.connect(lambda: link.set_folder(None))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.sync_now, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.stop, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(_label("Sync folder:"))
        layout.addLayout(folder_row)
        layout.addWidget(self.this_machine)
        layout.addWidget(self.machines, 1)
        layout.addWidget(self.state)
        layout.addWidget(buttons)
        self.show_state(SyncState(None, "", []))

    def choose_folder(self) -> None:
        """Ask for a folder and sync through it."""
        start = str(self._folder or Path.home())
        name = QFileDialog.getExistingDirectory(self, "Choose the Sync Folder", start)
        if name:
            self.use_folder(Path(name))

    def use_folder(self, folder: Path) -> None:
        """Sync through `folder` from now on, unless it cannot be one (it holds the data)."""
        from reader.sync.folder import unsuitable

        refusal = unsuitable(folder, self._data_dir)
        if refusal is not None:
            self.state.setText(readable(refusal))
            return
        self.state.setText("Syncing…")
        self._link.set_folder(folder.absolute())

    def show_state(self, state: SyncState) -> None:
        """Show the folder and the other machines that wrote there."""
        self._folder = state.folder
        self.folder_label.setText(readable(str(state.folder)) if state.folder else "Not syncing.")
        self.choose.setText("Choose Another Folder…" if state.folder else "Choose Folder…")
        self.sync_now.setEnabled(state.folder is not None)
        self.stop.setEnabled(state.folder is not None)
        self.machines.clear()
        others = [s for s in state.statuses if s.machine != state.machine]
        for status in sorted(others, key=lambda s: s.written, reverse=True):
            item = QTreeWidgetItem([readable(status.name), _when(status.written)])
            item.setToolTip(0, f"Machine {status.machine}")
            self.machines.addTopLevelItem(item)
        if state.folder is not None and not others:
            self.machines.addTopLevelItem(
                QTreeWidgetItem(["No other machine has synced through this folder yet.", ""])
            )
        if state.folder is None:
            self.state.setText("Choose a folder to start syncing.")

    def show_round(self, report: SyncReport | None) -> None:
        """Say what the last round did, and read the folder's state again."""
        if report is None:
            self.show_state(SyncState(None, "", []))
            return
        done = (
            f"Synced at {datetime.now():%H:%M}: sent {_count(report.sent, 'change')}; "
            f"{_count(report.received, 'annotation')} and "
            f"{_count(len(report.positions), 'reading position')} changed here."
        )
        self.state.setText(readable(" ".join([done, *report.notices, *report.problems])))
        if self.isVisible():
            self._link.describe()

    def _sync_now(self) -> None:
        self.state.setText("Syncing…")
        self._link.sync_now()


def _label(text: str) -> QLabel:
    """A wrapping label of plain text (a machine's name is never read as markup)."""
    label = plain_label()
    label.setWordWrap(True)
    label.setText(text)
    return label


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _when(written: str) -> str:
    """A machine's last write in local time (as written, if it is no time)."""
    try:
        return f"{datetime.fromisoformat(written).astimezone():%Y-%m-%d %H:%M}"
    except ValueError:
        return readable(written)
