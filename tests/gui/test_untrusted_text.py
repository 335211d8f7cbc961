"""Document and user text is shown as text everywhere: markup in a heading, a note, a tag or a
file name is never rendered, and an ``<img src>`` in it never makes Qt read a local file."""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QColor, QHelpEvent, QImage, QTextCursor, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QListWidget,
    QToolTip,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.ui.help_dialogs import AboutDialog, shortcut_rows
from reader.ui.window import MainWindow

from .conftest import wait_for_load
from .test_search_panel import search_for

IN_ACCESS, IN_OPEN = 0x1, 0x20
RAW_MARKUP = ("<img", "<a href", "<b>")
TOOLTIP_ROLES = (
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.WhatsThisRole,
    Qt.ItemDataRole.StatusTipRole,
)


class OpenWatch:
    """Tells whether anything (Qt's C++ included) opened or read a file, through inotify."""

    def __init__(self, path: Path) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        self._descriptor = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        watch = libc.inotify_add_watch(self._descriptor, os.fsencode(path), IN_OPEN | IN_ACCESS)
        if self._descriptor < 0 or watch < 0:
            pytest.fail(f"inotify is unavailable: {os.strerror(ctypes.get_errno())}")

    def opened(self) -> bool:
        """Whether the file was opened since the last call."""
        try:
            return bool(os.read(self._descriptor, 65536))
        except BlockingIOError:
            return False

    def close(self) -> None:
        os.close(self._descriptor)


@pytest.fixture
def bait() -> Iterator[Path]:
    """A real image that markup in the document names. Its folder is short, so that a
    heading naming it stays short enough to be taken for a heading."""
    folder = Path(tempfile.mkdtemp(prefix="r", dir="/tmp"))
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    path = folder / "m.png"
    assert image.save(str(path))
    yield path
    shutil.rmtree(folder)


@pytest.fixture
def watch(bait: Path) -> Iterator[OpenWatch]:
    opened = OpenWatch(bait)
    yield opened
    opened.close()


@pytest.fixture
def store(app_paths: AppPaths) -> Iterator[AnnotationStore]:
    opened = AnnotationStore.open(app_paths.data_dir)
    yield opened
    opened.close()


def hostile_text(bait: Path) -> str:
    return "\n\n".join(
        [
            "《<b>书</b> [*] &amp; R》",
            f'第一回 <img src="file://{bait}">',
            "正文一段，img 在此。",
            '第二回 <a href="file:///etc/passwd">链接</a>',
            "正文二段。",
            "第三回 <b>粗体</b> & 符号",
            "正文三段。",
        ]
    )


@pytest.fixture
def hostile_window(
    qtbot: QtBot, app_paths: AppPaths, store: AnnotationStore, tmp_path: Path, bait: Path
) -> MainWindow:
    """A window showing a hostile document from a hostile file name, with a hostile note."""
    path = tmp_path / "a&b <b>x.txt"
    path.write_text(hostile_text(bait), encoding="utf-8")
    window = MainWindow(Services(app_paths, store=store))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wait_for_load(qtbot, window, lambda: window.open_path(path))
    document = window.current_document()
    assert document is not None
    heading = document.toc()[1]
    assert heading.title.startswith("第一回 <img")  # really taken for a heading
    assert len(document.toc()) == 4
    start = document.text.index(heading.title)
    made = window.annotations.highlight(start, start + len(heading.title))
    assert made is not None
    window.annotations.edit_note(
        made.id, f'<img src="file://{bait}"> <a href="x">l</a> <b>b</b> &amp;'
    )
    window.annotations.set_tags(made.id, ["<b>t</b>", f'<img src="{bait}">'])
    window.panels.edit_note(made.id)  # shows the panel with the annotation chosen
    window.navigation.go_to_entry(heading)
    return window


def _models(window: MainWindow) -> Iterator[QAbstractItemModel]:
    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        if model is not None:
            yield model


def _indexes(model: QAbstractItemModel, parent: QModelIndex) -> Iterator[QModelIndex]:
    for row in range(model.rowCount(parent)):
        column = 0  # (list models hide columnCount from Python)
        while (index := model.index(row, column, parent)).isValid():
            yield index
            yield from _indexes(model, index)
            column += 1


def _rendered_as_markup(text: object) -> bool:
    """Whether Qt would render `text` as rich text with the document's markup live in it."""
    return (
        isinstance(text, str)
        and any(markup in text for markup in RAW_MARKUP)
        and GuiQt.mightBeRichText(text)
    )


def _shown_texts(window: MainWindow) -> Iterator[tuple[str, str, bool]]:
    """(where, text, rendered as markup if rich) for everything the window may show."""
    for widget in [window, *window.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        yield f"{name} tooltip", widget.toolTip(), True
        yield f"{name} what's this", widget.whatsThis(), True
        yield f"{name} status tip", widget.statusTip(), True
        if isinstance(widget, QLabel):
            rich = widget.textFormat() != Qt.TextFormat.PlainText
            yield f"{name} text", widget.text(), rich
    for action in window.findChildren(QAction):
        yield f"action {action.text()!r} tooltip", action.toolTip(), True
        yield f"action {action.text()!r} status tip", action.statusTip(), True
        yield f"action {action.text()!r} what's this", action.whatsThis(), True
    for model in _models(window):
        for index in _indexes(model, QModelIndex()):
            for role in TOOLTIP_ROLES:
                yield f"{type(model).__name__} {role.name}", model.data(index, role), True


def test_no_document_or_user_text_is_ever_rendered_as_markup(
    qtbot: QtBot, hostile_window: MainWindow, watch: OpenWatch
) -> None:
    window = hostile_window
    search_for(qtbot, window, "img")
    window.panels.annotations_dock.show()
    window.panels.annotations_dock.raise_()
    qtbot.waitUntil(lambda: bool(window.annotations_panel.items()))
    offenders = [
        where for where, text, rich in _shown_texts(window) if rich and _rendered_as_markup(text)
    ]
    assert offenders == []
    assert window.windowHandle().title().startswith("<b>书</b> [*] &amp; R — ")
    [recent] = window.recent_menu.actions()
    document = window.current_document()
    assert document is not None and recent.iconText() == document.title  # as it is
    assert not watch.opened()


def test_the_text_behind_each_tooltip_is_shown_as_it_is(
    qtbot: QtBot, hostile_window: MainWindow
) -> None:
    window = hostile_window
    document = window.current_document()
    assert document is not None
    toc_tips = [window.toc.item(row).toolTip() for row in range(window.toc.count())]
    assert [_displayed(tip) for tip in toc_tips] == [entry.title for entry in document.toc()]
    [item] = window.annotations_panel.items()
    assert _displayed(item.toolTip(0)) == document.toc()[1].title
    assert window.status_line.section_label.text() == document.toc()[1].title


def _displayed(tooltip: str) -> str:
    """The text a tooltip shows, as Qt renders it."""
    if not GuiQt.mightBeRichText(tooltip):
        return tooltip
    rendered = QTextDocument()
    rendered.setHtml(tooltip)
    return rendered.toPlainText()


def _hover(view: QAbstractItemView, index: QModelIndex) -> None:
    """What Qt does when the mouse rests on a row: a tooltip event at its centre."""
    view.scrollTo(index)
    point = view.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)


def _tooltip_label() -> QLabel:
    labels = [w for w in QApplication.topLevelWidgets() if w.objectName() == "qtooltip_label"]
    assert len(labels) == 1 and isinstance(labels[0], QLabel)
    return labels[0]


@pytest.mark.parametrize("view_name", ["toc", "annotations"])
def test_hovering_a_hostile_entry_shows_its_text_and_reads_no_file(
    qtbot: QtBot, hostile_window: MainWindow, watch: OpenWatch, bait: Path, view_name: str
) -> None:
    window = hostile_window
    window.panels.annotations_dock.show()
    qtbot.waitUntil(lambda: bool(window.annotations_panel.items()))
    view: QListWidget | QTreeWidget
    if view_name == "toc":
        view = window.toc
        index = view.indexFromItem(view.item(1))
    else:
        view = window.annotations_panel.tree
        index = view.indexFromItem(window.annotations_panel.items()[0])
    _hover(view, index)
    qtbot.waitUntil(QToolTip.isVisible)
    label = _tooltip_label()
    label.grab()  # lay out and paint, as the screen would
    assert "第一回" in QToolTip.text()
    assert not watch.opened(), "showing the tooltip read the file the document names"
    # The watch does see Qt reading a file through a tooltip's markup:
    QToolTip.showText(QPoint(10, 10), f'<img src="file://{bait}">', window)
    _tooltip_label().grab()
    assert watch.opened()
    QToolTip.hideText()


def test_the_hovered_note_is_escaped(
    qtbot: QtBot, hostile_window: MainWindow, watch: OpenWatch
) -> None:
    window = hostile_window
    document = window.current_document()
    assert document is not None
    start = document.text.index("第一回 <img")
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.qt_position(start + 1))
    point = window.view.cursorRect(cursor).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, window.view.viewport().mapToGlobal(point))
    QApplication.sendEvent(window.view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    _tooltip_label().grab()
    assert "&lt;img" in QToolTip.text() and "<img" not in QToolTip.text()
    assert "&lt;b&gt;t&lt;/b&gt;" in QToolTip.text()
    assert not watch.opened()
    QToolTip.hideText()


def test_help_dialogs_show_file_names_as_they_are(
    qtbot: QtBot, hostile_window: MainWindow, bait: Path
) -> None:
    window = hostile_window
    [recent] = window.recent_menu.actions()
    tooltip = QTextDocument()
    tooltip.setHtml(recent.toolTip())
    assert tooltip.toPlainText() == str(window.current_path())  # shown as it is
    assert not [row for row in shortcut_rows() if str(window.current_path()) in row[1]]
    hostile = Path(os.fsdecode(f'/tmp/<img src="{bait}"> &amp; '.encode() + b"\xff"))
    about = AboutDialog(AppPaths(hostile, hostile, hostile), window)
    qtbot.addWidget(about)
    folders = about.findChildren(QLabel, "folderPath")
    assert len(folders) == 3
    for label in folders:
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert label.text() == f'/tmp/<img src="{bait}"> &amp; \ufffd'
