"""Highlights and notes in the window: made, shown, edited, undone, kept, carried, refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from reader.annotations.model import Colour, annotate
from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.ui.single_instance import SingleInstance
from reader.ui.theme import THEMES, highlight_colour
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load

PASSAGE = "智算中心這樣的算力底座"


@pytest.fixture
def store(app_paths: AppPaths) -> AnnotationStore:
    opened = AnnotationStore.open(app_paths.data_dir)
    yield opened  # type: ignore[misc]
    opened.close()


def make(qtbot: QtBot, app_paths: AppPaths, store: AnnotationStore | None) -> MainWindow:
    window = MainWindow(Services(app_paths, store=store))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_TIMEOUT_MS)
    return window


@pytest.fixture
def reader(qtbot: QtBot, app_paths: AppPaths, store: AnnotationStore) -> MainWindow:
    window = make(qtbot, app_paths, store)
    wait_for_load(qtbot, window, window.open_bundled_article)
    return window


def select(window: MainWindow, start: int, end: int) -> None:
    """Select [start, end) of the canonical text, as a drag of the mouse would."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.qt_position(start))
    cursor.setPosition(window.view.qt_position(end), QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)


def document_id(window: MainWindow) -> str:
    """The store's id of the document open in `window`."""
    record = window.annotations.record
    assert record is not None
    return record.id


def passage_range(window: MainWindow, passage: str = PASSAGE) -> tuple[int, int]:
    text = window.current_document().text  # type: ignore[union-attr]
    start = text.index(passage)
    return start, start + len(passage)


def point_of(window: MainWindow, offset: int) -> QPoint:
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.qt_position(offset))
    return window.view.cursorRect(cursor).center()


def test_selecting_and_choosing_a_colour_in_the_popup_highlights(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore
) -> None:
    start, end = passage_range(reader)
    reader.view.scroll_to_offset(start)
    select(reader, start, end)
    release = QMouseEvent(
        QEvent.Type.MouseButtonRelease,
        QPointF(point_of(reader, end)),
        QPointF(reader.view.viewport().mapToGlobal(point_of(reader, end))),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(reader.view.viewport(), release)
    qtbot.waitUntil(reader.gestures.popup.isVisible, timeout=HANG_TIMEOUT_MS)
    assert not reader.gestures.popup.remove_button.isVisible()
    qtbot.mouseClick(reader.gestures.popup.colour_buttons[Colour.GREEN], Qt.MouseButton.LeftButton)
    saved = store.annotations(document_id(reader))
    assert [(a.quote.exact, a.colour, a.start) for a in saved] == [(PASSAGE, Colour.GREEN, start)]
    marks = [s for s in reader.view.extraSelections() if s.cursor.selectedText() == PASSAGE]
    assert marks and marks[0].format.background().color() == highlight_colour(
        THEMES["light"], Colour.GREEN
    )
    assert not reader.view.textCursor().hasSelection()


def test_clicking_a_highlight_offers_recolour_note_and_remove(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore
) -> None:
    start, end = passage_range(reader)
    select(reader, start, end)
    created = reader.gestures.highlight_selection(Colour.YELLOW)
    assert created is not None
    reader.view.scroll_to_offset(start)
    menu = reader.gestures.build_context_menu(point_of(reader, start + 2))
    titles = [action.text() for action in menu.actions()]
    assert "Remove Highlight" in titles and "Edit Note…" in titles
    reader.gestures._after_release(point_of(reader, start + 2))
    assert reader.gestures.popup.remove_button.isVisible()
    qtbot.mouseClick(reader.gestures.popup.colour_buttons[Colour.PINK], Qt.MouseButton.LeftButton)
    assert store.get(created.id).colour is Colour.PINK  # type: ignore[union-attr]
    reader.gestures._after_release(point_of(reader, start + 2))
    qtbot.mouseClick(reader.gestures.popup.remove_button, Qt.MouseButton.LeftButton)
    assert store.annotations(created.document_id) == []
    assert [a.id for a in store.trash(created.document_id)] == [created.id]


def test_a_note_is_saved_as_typed_and_shown_escaped_on_hover(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore
) -> None:
    start, end = passage_range(reader)
    select(reader, start, end)
    reader.gestures.note_on_selection()
    editor = reader.annotations_panel.editor
    assert reader.panels.annotations_dock.isVisible() and editor.note.hasFocus()
    note = '<img src="file:///etc/passwd"> **bold** 注意'
    qtbot.keyClicks(editor.note, "x")
    editor.note.setPlainText(note)
    qtbot.waitUntil(lambda: editor.state.text() == "Saved", timeout=HANG_TIMEOUT_MS)
    annotation = store.annotations(document_id(reader))[0]
    assert annotation.note == note
    reader.view.scroll_to_offset(start)
    point = point_of(reader, start + 1)
    help_event = QHelpEvent(QEvent.Type.ToolTip, point, reader.view.viewport().mapToGlobal(point))
    QApplication.sendEvent(reader.view.viewport(), help_event)
    assert "&lt;img" in QToolTip.text()
    assert "<img" not in QToolTip.text()


def test_closing_the_window_saves_a_note_still_being_typed(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore
) -> None:
    start, end = passage_range(reader)
    select(reader, start, end)
    reader.gestures.note_on_selection()
    reader.annotations_panel.editor.note.setPlainText("寫到一半")
    reader.close()  # well before the save timer fires
    annotation = store.annotations(document_id(reader))[0]
    assert annotation.note == "寫到一半"


def test_undo_and_redo_creating_recolouring_and_deleting(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore
) -> None:
    identifier = document_id(reader)
    start, end = passage_range(reader)
    select(reader, start, end)
    created = reader.gestures.highlight_selection(Colour.BLUE)
    assert created is not None
    reader.annotations.recolour(created.id, Colour.PURPLE)
    reader.annotations.delete(created.id)
    reader.view.setFocus()
    undo = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    redo = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(reader.view, *undo)
    assert store.get(created.id).colour is Colour.PURPLE  # type: ignore[union-attr]
    assert len(store.annotations(identifier)) == 1
    qtbot.keyClick(reader.view, *undo)
    assert store.get(created.id).colour is Colour.BLUE  # type: ignore[union-attr]
    qtbot.keyClick(reader.view, *undo)
    assert store.annotations(identifier) == []
    qtbot.keyClick(reader.view, *redo)
    qtbot.keyClick(reader.view, *redo)
    assert store.get(created.id).colour is Colour.PURPLE  # type: ignore[union-attr]
    assert len(store.annotations(identifier)) == 1


def test_note_edits_undo_as_one_step(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore
) -> None:
    start, end = passage_range(reader)
    created = reader.annotations.highlight(start, end, Colour.YELLOW, note="first")
    assert created is not None
    for text in ("first draft", "first draft, longer", "final words"):
        assert reader.annotations.edit_note(created.id, text)
    reader.annotations.undo()
    assert store.get(created.id).note == "first"  # type: ignore[union-attr]
    reader.annotations.redo()
    assert store.get(created.id).note == "final words"  # type: ignore[union-attr]


def test_a_hidden_panel_catches_up_when_shown(qtbot: QtBot, reader: MainWindow) -> None:
    assert not reader.panels.annotations_dock.isVisible()
    created = reader.annotations.highlight(*passage_range(reader), Colour.GREEN)
    assert created is not None
    assert reader.annotations_panel.items() == []  # not rebuilt while nobody looks
    reader.panels.annotations_dock.show()
    rows = reader.annotations_panel.items()
    assert [r.data(0, Qt.ItemDataRole.UserRole).id for r in rows] == [created.id]


def test_the_panel_groups_filters_and_restores_from_the_trash(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore
) -> None:
    document = reader.current_document()
    assert document is not None
    reader.panels.annotations_dock.show()  # a hidden panel only notes that it is stale
    first = reader.annotations.highlight(*passage_range(reader), Colour.YELLOW, note="底座")
    second = reader.annotations.highlight(*passage_range(reader, "應用"), Colour.GREEN)
    assert first is not None and second is not None
    reader.annotations.set_tags(second.id, ["術語", "AI"])
    panel = reader.annotations_panel
    titles = panel.group_titles()
    assert titles[0].startswith(document.toc()[0].title)
    assert len(panel.items()) == 2
    panel.filter.setText("应用")  # Simplified finds the Traditional quote
    assert [i.data(0, Qt.ItemDataRole.UserRole).id for i in panel.items()] == [second.id]
    panel.filter.clear()
    panel.colour.setCurrentIndex(panel.colour.findData(Colour.YELLOW.value))
    assert [i.data(0, Qt.ItemDataRole.UserRole).id for i in panel.items()] == [first.id]
    panel.colour.setCurrentIndex(0)
    panel.tag.setCurrentIndex(panel.tag.findData("術語"))
    assert [i.data(0, Qt.ItemDataRole.UserRole).id for i in panel.items()] == [second.id]
    panel.tag.setCurrentIndex(0)
    reader.annotations.delete(first.id)
    panel.show_trash.setChecked(True)
    assert [i.data(0, Qt.ItemDataRole.UserRole).id for i in panel.items()] == [first.id]
    panel.tree.setCurrentItem(panel.items()[0])
    qtbot.mouseClick(panel.editor.restore, Qt.MouseButton.LeftButton)
    assert {a.id for a in store.annotations(document_id(reader))} == {first.id, second.id}


def test_clicking_an_annotation_in_the_panel_scrolls_to_it(
    qtbot: QtBot, reader: MainWindow
) -> None:
    start, end = passage_range(reader, "在人工智能技術領域,美國還能卡中國的脖子嗎?")
    created = reader.annotations.highlight(start, end, Colour.BLUE)
    assert created is not None
    reader.view.scroll_to_offset(0)
    reader.panels.annotations_dock.show()
    item = reader.annotations_panel.items()[0]
    tree = reader.annotations_panel.tree
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center()
    )
    assert reader.view.top_offset() <= start <= reader.view.top_offset() + 3000
    assert reader.view.verticalScrollBar().value() > 0


def test_highlights_come_back_when_the_document_is_reopened(
    qtbot: QtBot, app_paths: AppPaths, store: AnnotationStore, reader: MainWindow
) -> None:
    start, end = passage_range(reader)
    reader.annotations.highlight(start, end, Colour.PURPLE, note="記得")
    reader.close()
    again = make(qtbot, app_paths, store)
    wait_for_load(qtbot, again, again.open_bundled_article)
    # Marks go on right after the page's first paint.
    qtbot.waitUntil(
        lambda: any(s.cursor.selectedText() == PASSAGE for s in again.view.extraSelections()),
        timeout=HANG_TIMEOUT_MS,
    )
    assert [a.note for a in again.annotations.annotations] == ["記得"]


def test_an_edited_file_keeps_its_notes_and_lists_what_cannot_be_placed(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore, tmp_path: Path
) -> None:
    reader.panels.annotations_dock.show()
    path = tmp_path / "essay.txt"
    keep, lose = "這一段會留下來，即使前面加了字。", "這一段將被整段刪除掉，不再存在。"
    path.write_text(f"開頭。\n{keep}\n{lose}\n結尾。", encoding="utf-8")
    wait_for_load(qtbot, reader, lambda: reader.open_path(path))
    text = reader.current_document().text  # type: ignore[union-attr]
    kept = reader.annotations.highlight(text.index(keep), text.index(keep) + 4, note="甲")
    lost = reader.annotations.highlight(text.index(lose), text.index(lose) + 6, note="乙")
    assert kept is not None and lost is not None
    path.write_text(f"新加的開頭一句。\n開頭。\n{keep}\n結尾。", encoding="utf-8")
    wait_for_load(qtbot, reader, lambda: reader.open_path(path))
    qtbot.waitUntil(lambda: len(reader.annotations.orphans) == 1, timeout=HANG_TIMEOUT_MS)
    new_text = reader.current_document().text  # type: ignore[union-attr]
    [moved] = reader.annotations.annotations
    assert moved.id == kept.id and new_text[moved.start : moved.end] == keep[:4]
    assert [o.id for o in reader.annotations.orphans] == [lost.id]
    assert "Could not be placed" in reader.annotations_panel.group_titles()[-1]
    assert reader.message_bar.isVisible()
    select(reader, new_text.index("結尾"), new_text.index("結尾") + 2)
    reader.annotations.reattach(lost.id, new_text.index("結尾"), new_text.index("結尾") + 2)
    assert reader.annotations.orphans == []
    assert store.get(lost.id).note == "乙"  # type: ignore[union-attr]


def test_changes_made_by_another_process_appear_in_the_open_window(
    qtbot: QtBot, reader: MainWindow, app_paths: AppPaths
) -> None:
    document = reader.current_document()
    assert document is not None
    other = AnnotationStore.open(app_paths.data_dir)
    start = document.text.index(PASSAGE)
    other.add(
        annotate(
            document.text, document_id(reader), document.fingerprint, start, start + 4, Colour.BLUE
        )
    )
    other.close()
    qtbot.waitUntil(lambda: len(reader.annotations.annotations) == 1, timeout=HANG_TIMEOUT_MS)


def test_a_read_only_store_refuses_to_annotate_clearly_and_changes_nothing(
    qtbot: QtBot, app_paths: AppPaths, store: AnnotationStore
) -> None:
    readonly = AnnotationStore.open(app_paths.data_dir, read_only=True)
    window = make(qtbot, app_paths, readonly)
    wait_for_load(qtbot, window, window.open_bundled_article)
    start, end = passage_range(window)
    assert window.annotations.highlight(start, end) is None
    assert window.message_bar.isVisible() and window.message_bar.text
    assert store.annotations(document_id(window)) == []
    readonly.close()


def test_export_and_import_round_trip_through_the_window(
    qtbot: QtBot, reader: MainWindow, store: AnnotationStore, tmp_path: Path
) -> None:
    start, end = passage_range(reader)
    created = reader.annotations.highlight(start, end, Colour.GREEN, note="筆記 <b>")
    assert created is not None
    w3c, markdown = tmp_path / "notes.jsonld", tmp_path / "notes.md"
    assert reader.annotation_files.export_to(w3c, "w3c")[0]
    assert reader.annotation_files.export_to(markdown, "markdown")[0]
    assert PASSAGE in markdown.read_text(encoding="utf-8")
    collection = json.loads(w3c.read_text(encoding="utf-8"))
    assert collection["type"] == "AnnotationCollection"
    ok, message = reader.annotation_files.import_from(w3c)
    assert ok and "0 new" in message
    assert len(store.annotations(created.document_id)) == 1
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    ok, message = reader.annotation_files.import_from(garbage)
    assert not ok and "Nothing was imported" in message
    assert len(store.annotations(created.document_id)) == 1


def test_a_lock_left_by_a_crashed_reader_is_taken_over(qtbot: QtBot, app_paths: AppPaths) -> None:
    """A lock whose owner process is gone (kill -9, power cut) must not block the next start."""
    import socket
    import subprocess
    import sys

    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(finished.stdout)
    app_paths.data_dir.mkdir(parents=True, exist_ok=True)
    (app_paths.data_dir / "reader.lock").write_text(
        f"{dead_pid}\nreader\n{socket.gethostname()}\n", encoding="utf-8"
    )
    instance = SingleInstance(app_paths.data_dir)
    assert instance.acquire()
    instance.serve(
        lambda _path, _encoding, _reply: None
    )  # a stale socket of the same name is cleared
    instance.release()
