"""A second `reader` hands its file to the running window and reports the window's answer.

Each second reader is a real process (as from a terminal): waiting for the answer blocks its
thread, so it cannot share one with the window it waits for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reader.app.paths import AppPaths
from reader.ui.single_instance import SingleInstance
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load

FORWARD_ONLY = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from reader.ui.single_instance import SingleInstance
app = QCoreApplication([])
instance = SingleInstance(Path(sys.argv[1]))
assert not instance.acquire()
answer = instance.forward(sys.argv[2], sys.argv[3])
print(json.dumps(None if answer is None else {"error": answer.error}))
"""


def run_beside(qtbot: QtBot, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a process while this thread's event loop keeps serving the running window."""
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=HANG_TIMEOUT_MS)
    finally:
        if process.poll() is None:
            process.kill()
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(arguments, process.returncode, stdout, stderr)


@pytest.fixture
def primary(app_paths: AppPaths) -> Iterator[SingleInstance]:
    instance = SingleInstance(app_paths.data_dir)
    assert instance.acquire()
    yield instance
    instance.release()


def test_a_second_reader_hands_its_file_to_the_running_one(
    qtbot: QtBot, app_paths: AppPaths, primary: SingleInstance
) -> None:
    received: list[tuple[str | None, str | None]] = []

    def take(path: str | None, encoding: str | None, reply: Callable[[str | None], None]) -> None:
        received.append((path, encoding))
        reply(None)

    primary.serve(take)
    arguments = [sys.executable, "-c", FORWARD_ONLY, str(app_paths.data_dir)]
    done = run_beside(qtbot, [*arguments, "/books/紅樓夢.txt", "gb18030"])
    assert done.returncode == 0, done.stderr
    assert received == [("/books/紅樓夢.txt", "gb18030")]
    assert json.loads(done.stdout) == {"error": None}
    primary.release()
    third = SingleInstance(app_paths.data_dir)
    assert third.acquire()  # released: the next reader is the primary one
    third.release()


def test_a_file_the_running_window_refuses_is_reported_and_exits_2(
    qtbot: QtBot, window: MainWindow, primary: SingleInstance, tmp_path: Path
) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    primary.serve(window.open_request)
    picture = tmp_path / "picture.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    done = run_beside(qtbot, [sys.executable, "-m", "reader.app.main", str(picture)])
    assert done.returncode == 2, done.stderr
    assert "opened in the running window" not in done.stderr
    assert str(picture) in done.stderr and "PNG image" in done.stderr
    assert "PNG image" in window.message_bar.text  # the window says so too
    assert window.current_path() != picture


def test_a_file_the_running_window_opens_is_reported_and_exits_0(
    qtbot: QtBot, window: MainWindow, primary: SingleInstance, article_path: Path
) -> None:
    primary.serve(window.open_request)
    done = run_beside(qtbot, [sys.executable, "-m", "reader.app.main", str(article_path)])
    assert done.returncode == 0, done.stderr
    assert "opened in the running window" in done.stderr
    assert window.current_path() == article_path  # shown before the answer was sent
