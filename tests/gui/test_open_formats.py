"""File › Open and drag-and-drop take books as they come: EPUB, Markdown and HTML, by any of
their usual names, beside plain text."""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from reader.ui.file_menus import OPEN_FILE_FILTER
from reader.ui.window import MainWindow
from tests.document.formats.epub_maker import simple_book

from .conftest import wait_for_load

SUFFIXES = [".epub", ".md", ".markdown", ".html", ".htm", ".xhtml", ".txt"]
FORMATS = {".epub": "epub", ".md": "markdown", ".markdown": "markdown"} | dict.fromkeys(
    (".html", ".htm", ".xhtml"), "html"
)


def books(folder: Path) -> dict[str, Path]:
    """One small book per suffix, each saying which it is in its first paragraph."""
    made = {".epub": simple_book(folder / "book.epub", ["<h1>第一章</h1><p>來自電子書</p>"])}
    for suffix in SUFFIXES[1:]:
        path = folder / f"book{suffix}"
        if suffix in (".md", ".markdown"):
            path.write_text(f"# 第一章\n\n來自{suffix}\n", encoding="utf-8")
        elif suffix == ".txt":
            path.write_text("來自.txt\n", encoding="utf-8")
        else:
            path.write_text(
                f"<!DOCTYPE html><html><body><h1>第一章</h1><p>來自{suffix}</p></body></html>",
                encoding="utf-8",
            )
        made[suffix] = path
    return made


def first_filter_patterns() -> list[str]:
    first = OPEN_FILE_FILTER.split(";;")[0]
    return first[first.index("(") + 1 : first.index(")")].split()


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_file_open_offers_and_opens_every_format(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    path = books(tmp_path)[suffix]
    asked: list[str] = []

    def choose(_parent: object, _caption: str, _start: str, offered: str) -> tuple[str, str]:
        asked.append(offered)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    wait_for_load(qtbot, window, window.choose_file)

    assert any(fnmatch.fnmatch(path.name, p) for p in first_filter_patterns()), asked
    text = window.view.document().toPlainText()
    assert ("來自電子書" if suffix == ".epub" else f"來自{suffix}") in text
    assert "<" not in text and "#" not in text  # read as its format, not as its source


@pytest.mark.parametrize("suffix", SUFFIXES[:-1])
def test_a_dropped_book_is_opened_as_its_format(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, suffix: str
) -> None:
    path = books(tmp_path)[suffix]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPoint(50, 50).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )

    wait_for_load(qtbot, window, lambda: QApplication.sendEvent(window, drop))

    document = window.current_document()
    assert document is not None and document.text.startswith("第一章\n來自")
    assert document.metadata.format == FORMATS[suffix]


def test_a_book_with_an_unusual_name_is_opened_by_its_content(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    renamed = tmp_path / "download.bin"
    shutil.copy(books(tmp_path)[".epub"], renamed)

    wait_for_load(qtbot, window, lambda: window.open_path(renamed))

    assert "來自電子書" in window.view.document().toPlainText()
