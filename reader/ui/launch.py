"""Starting the window: the QApplication, the services it needs, and the first document."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from reader import __version__
from reader.paths import AppPaths
from reader.settings import load_settings
from reader.ui.window import MainWindow


def create_application(argv: list[str]) -> QApplication:
    """The QApplication, named so the desktop can associate windows with the app."""
    QCoreApplication.setApplicationName("reader")
    QCoreApplication.setOrganizationName("reader")
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("reader")
    app = QApplication(argv)
    app.setApplicationDisplayName("Reader")
    app.setStyle("Fusion")  # the only style that follows the theme palettes everywhere
    return app


def build_window(paths: AppPaths) -> MainWindow:
    """A window wired to the user's settings."""
    return MainWindow(paths, load_settings(paths.settings_file))


def run_gui(path: str | None, encoding: str | None) -> int:
    """Open the window on `path` (or the bundled article) and run until it closes."""
    app = create_application(sys.argv[:1])
    window = build_window(AppPaths.from_environment())
    window.show()
    # Open after the first paint, so the window appears at once even for a big file.
    if path is None:
        QTimer.singleShot(0, window.open_bundled_article)
    else:
        QTimer.singleShot(0, lambda: window.open_path(Path(path), encoding))
    return app.exec()
