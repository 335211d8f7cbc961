"""Pinyin's readings are worked out in a child process: pypinyin never loads in the window's
process (its tables there would hold the interpreter lock while loading and reading, and make
every full garbage collection walk 200,000 more objects). Run in a fresh process, since this
one has loaded pypinyin already."""

from __future__ import annotations

from pathlib import Path

from tests.child_result import child_result

CHILD = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from reader.app.services import Services
from reader.ui.window import MainWindow

window = MainWindow(Services.from_environment())
window.show()
window.open_request(None)
seen = {}

def check():
    display = window.chinese.display
    if not display.settled:
        return
    if not display.pinyin.isVisible():
        display.toggle_pinyin()
        return
    drawn = display.pinyin.placements()
    if drawn and not display.pinyin.busy:
        seen["readings"] = len(drawn)
        seen["loaded"] = sorted(m for m in sys.modules if m.startswith("pypinyin"))
        print("RESULT " + json.dumps(seen), flush=True)
        app.quit()

timer = QTimer(interval=50)  # waits for the readings, however slow the machine
timer.timeout.connect(check)
timer.start()
QTimer.singleShot(240_000, app.quit)  # a hang detector, not a budget
app.exec()
"""


def test_readings_are_drawn_while_pypinyin_stays_out_of_the_window(isolated_home: Path) -> None:
    seen = child_result(CHILD)
    assert seen["readings"] > 100, "the article's first page has its readings"
    assert seen["loaded"] == [], "pypinyin was loaded in the window's process"
