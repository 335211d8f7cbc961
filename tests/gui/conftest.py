"""Widget-test fixtures: real main windows on an isolated home, and a way to open files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.ui.pyside_imports import skip_source_scans

skip_source_scans()  # the widget tests run Qt as `reader` does
from reader.ui.window import MainWindow  # noqa: E402

MakeWindow = Callable[[], MainWindow]
HANG_TIMEOUT_MS = 120_000
"""How long a test waits for an event before calling it a hang. Never a budget: generous
enough for a 2-core machine running two suites and more at once."""
INDEX_BUILD_TIMEOUT_MS = 900_000
"""The same for building the novel's index: the build runs at a lower priority (nice 10), so on
a loaded machine it waits for every busier process; about 10 s on an idle one."""


@pytest.fixture(autouse=True)
def _fusion_style(qapp: QApplication) -> None:
    """The style the app itself sets, so palettes and metrics match what users see."""
    qapp.setStyle("Fusion")


@pytest.fixture
def app_paths(isolated_home: Path) -> AppPaths:
    return AppPaths.from_environment()


@pytest.fixture
def make_window(qtbot: QtBot, app_paths: AppPaths) -> MakeWindow:
    """Build windows as the app does, reading the settings from disk each time."""

    def make() -> MainWindow:
        window = MainWindow(Services(app_paths))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window, timeout=HANG_TIMEOUT_MS)
        window.activateWindow()
        return window

    return make


@pytest.fixture
def window(make_window: MakeWindow) -> MainWindow:
    return make_window()


def wait_for_load(qtbot: QtBot, window: MainWindow, start: Callable[[], None]) -> None:
    """Run `start`, which begins a load, and wait until the window has shown the outcome."""
    with qtbot.waitSignal(window.loader.settled, timeout=HANG_TIMEOUT_MS):
        start()
