"""The window's size, panel layout and preferences, saved soon after each change.

Settings are written a moment after the last change (so a crash loses at most that moment) and
again on close; a failure to write is reported, never fatal.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

from reader.app.settings import Settings, decoded_blob, save_settings

SAVE_DELAY_MS = 1500
DEFAULT_SIZE = (1100, 780)
DEFAULT_CONTENTS_WIDTH = 280


class WindowPersistence(QObject):
    """Restores and saves the window's geometry and state along with the settings."""

    def __init__(
        self,
        window: QMainWindow,
        settings: Settings,
        settings_file: Path,
        report: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window, self._settings, self._file, self._report = (
            window,
            settings,
            settings_file,
            report,
        )
        self._timer = QTimer(self)  # owned by the window: never fires after it is gone
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)

    def save_soon(self) -> None:
        """Save after a short pause (restarted by every further change)."""
        self._timer.start()

    def restore(self, contents_dock: QDockWidget) -> None:
        """Size and panels as last saved; Qt refuses a blob that is not its own (returns
        False), and then the defaults stand."""
        window = self._window
        geometry = decoded_blob(self._settings.window_geometry)
        if not geometry or not window.restoreGeometry(QByteArray(geometry)):
            window.resize(*DEFAULT_SIZE)
            window.resizeDocks([contents_dock], [DEFAULT_CONTENTS_WIDTH], Qt.Orientation.Horizontal)
        state = decoded_blob(self._settings.window_state)
        if state:
            window.restoreState(QByteArray(state))

    def save(self) -> None:
        """Write preferences, reading positions and the window's layout now."""
        self._timer.stop()
        window = self._window
        self._settings.window_geometry = base64.b64encode(window.saveGeometry().data()).decode()
        self._settings.window_state = base64.b64encode(window.saveState().data()).decode()
        try:
            save_settings(self._settings, self._file)
        except OSError as error:
            self._report(f"Settings could not be saved: {error.strerror}")
