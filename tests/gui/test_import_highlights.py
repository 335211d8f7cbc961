"""File › Import Highlights: the books of a Kindle file beside the library, driven for real."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from reader.annotations.matching import Candidate
from reader.ui.import_dialog import SKIP
from reader.ui.window import MainWindow
from tests.annotations import foreign_fixtures as f

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load

SCREENSHOTS = Path(os.environ.get("READER_SCREENSHOTS", "/tmp/reader-import-screenshots"))


def open_novel(qtbot: QtBot, window: MainWindow, novel_path: Path) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_dialog_lists_the_books_beside_the_library_and_imports_the_chosen(
    qtbot: QtBot, make_window: MakeWindow, novel_path: Path, tmp_path: Path, theme: str
) -> None:
    window = make_window()
    window.appearance.set_theme(theme)
    open_novel(qtbot, window, novel_path)
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(f.KINDLE, encoding="utf-8")
    window.highlight_imports.import_path(clippings)
    dialog = window.highlight_imports.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog, timeout=HANG_TIMEOUT_MS)
    rows = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert rows == ["红楼梦 — 曹雪芹", "紅樓夢 — 曹雪芹", "Faust — Goethe, Johann Wolfgang"]
    chosen = [chooser.currentText() for chooser in dialog.choosers]
    assert chosen == ["红楼梦", "红楼梦", SKIP]  # matched by title, Traditional or not
    documents = [dialog.choosers[2].itemText(i) for i in range(dialog.choosers[2].count())]
    assert SKIP in documents and "红楼梦" in documents
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SCREENSHOTS / f"import-dialog-{theme}.png"))

    dialog.choosers[1].setCurrentIndex(0)  # the user leaves one book out
    import_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "Imported highlights" in window.message_bar.text, timeout=HANG_TIMEOUT_MS
    )
    assert window.message_bar.text == (
        "Imported highlights: 2 placed, 2 not placed, 1 duplicates skipped."
    )
    placed = {a.quote.exact for a in window.annotations.annotations}
    assert placed == {f.FIRST, f.THIRD}
    assert len(window.annotations.orphans) == 2
    window.grab().save(str(SCREENSHOTS / f"after-import-{theme}.png"))


def test_nothing_chosen_means_nothing_to_import(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    calibre = tmp_path / "annotations.json"
    calibre.write_text(f.CALIBRE, encoding="utf-8")
    window.highlight_imports.import_path(calibre)
    dialog = window.highlight_imports.dialog
    assert dialog is not None
    (chooser,) = dialog.choosers
    candidate = chooser.currentData()  # calibre names no book: the open document is offered
    assert isinstance(candidate, Candidate)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    chooser.setCurrentIndex(0)
    assert not ok.isEnabled()
    dialog.reject()


def test_a_lua_file_that_tries_to_run_code_is_refused_in_the_message_bar(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    hostile = tmp_path / "metadata.epub.lua"
    hostile.write_text('return { ["annotations"] = os.execute("touch pwned") }', "utf-8")
    before = list(window.annotations.annotations)
    window.highlight_imports.import_path(hostile)
    assert window.highlight_imports.dialog is None
    assert window.message_bar.text.startswith("Nothing was imported: ")
    assert "never run" in window.message_bar.text
    assert window.annotations.annotations == before
