"""The status line is final when the page is: its labels get their widths as their text is set,
not on a later turn of the event loop (after the work that waits for the first page)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from reader.document.loader import load_document
from reader.ui.status_line import StatusLine

from .conftest import HANG_TIMEOUT_MS


def test_the_labels_are_laid_out_as_soon_as_their_text_is_set(
    qtbot: QtBot, novel_path: Path
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(900, 600)
    line = StatusLine(window.statusBar())
    window.show()
    qtbot.waitExposed(window, timeout=HANG_TIMEOUT_MS)
    document = load_document(novel_path)
    line.show_document(document)
    line.show_position(document, 300_000)  # no event processed from here on
    for label in (line.encoding_label, line.progress_label, line.section_label):
        assert label.text()
        assert label.width() >= label.minimumSizeHint().width(), label.text()
    assert line.progress_label.text() == "34%"
    assert line.encoding_label.text() == "UTF-8"
