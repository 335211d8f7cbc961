"""PySide no longer reads the source of every module imported after it (`skip_source_scans`).

Checked in fresh interpreters, since the scan happens once per module and per process: with the
scan skipped no source file is read on import, and Qt still answers under its own names; without
it the same probe sees the files read (so the probe is real).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CHILD = """
import inspect, json, sys
from reader.ui.pyside_imports import skip_source_scans

skipped = skip_source_scans() if sys.argv[1] == "skip" else None
read = []
original = inspect.getsource
inspect.getsource = lambda item: read.append(item.__name__) or original(item)
import reader.ui.window
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication([])
label = QLabel("读")
label.setWordWrap(True)
shown = {"text": label.text(), "wraps": label.wordWrap()}
print(json.dumps({"skipped": skipped, "read": read, **shown}))
"""


def probe(mode: str) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return answer


@pytest.mark.parametrize("mode", ["skip", "scan"])
def test_the_window_modules_load_without_pyside_reading_their_source(mode: str) -> None:
    answer = probe(mode)
    assert answer["text"] == "读" and answer["wraps"] is True, "Qt's own names still answer"
    if mode == "skip":
        assert answer["skipped"] is True
        assert answer["read"] == [], f"PySide read these modules' sources: {answer['read']}"
    else:
        read = answer["read"]
        assert isinstance(read, list) and "reader.ui.reader_view" in read, "the probe sees the scan"
