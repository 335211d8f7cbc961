"""Menus, shortcuts, help, history, accessibility: the app feels at home on a desktop."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from reader.ui.help_dialogs import AboutDialog, ShortcutsDialog, shortcut_rows
from reader.ui.window import MainWindow

from .conftest import wait_for_load


def test_the_menu_bar_has_the_standard_menus(window: MainWindow) -> None:
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Go", "Settings", "Help"]  # KDE's order


def test_the_shortcuts_window_lists_every_command_with_its_keys(
    qtbot: QtBot, window: MainWindow
) -> None:
    rows = shortcut_rows()
    commands = {command: keys for _task, command, keys in rows}
    for command in ("Open", "Quit", "Find", "Undo", "Next Section", "Back", "Keyboard Shortcuts"):
        assert commands.get(command), f"{command} has no shortcut listed"
    assert "Export Annotations as Markdown" in commands
    dialog = ShortcutsDialog(parent=window)
    qtbot.addWidget(dialog)
    assert dialog.visible_rows() == rows


def test_about_says_where_the_data_lives(qtbot: QtBot, window: MainWindow) -> None:
    dialog = AboutDialog(window.paths, window)
    qtbot.addWidget(dialog)
    text = " ".join(
        label.text()
        for label in dialog.findChildren(type(dialog.children()[0]))
        if hasattr(label, "text")
    )
    assert str(window.paths.data_dir) in text


def test_back_and_forward_retrace_jumps(qtbot: QtBot, window: MainWindow) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    document = window.current_document()
    assert document is not None
    window.navigation.go_to_entry(window.toc.entries[2])
    window.navigation.go_to_entry(window.toc.entries[4])
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.view.top_offset() == document.sections[1].start
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.view.top_offset() == 0
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.view.top_offset() == document.sections[1].start


def test_every_control_has_a_name_a_screen_reader_can_announce(
    qtbot: QtBot, window: MainWindow
) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    window.panels.search_dock.show()
    window.panels.annotations_dock.show()
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(widget, QAbstractButton) and (widget.text() or widget.toolTip()):
            continue
        if isinstance(widget, QComboBox | QAbstractButton) and widget.accessibleName():
            continue
        if widget.accessibleName() or widget.parentWidget() is None:
            continue
        if widget.objectName() in {"qt_scrollarea_viewport"} or "Scroll" in type(widget).__name__:
            continue
        unnamed.append(f"{type(widget).__name__}({widget.objectName()})")
    assert unnamed == []


def test_the_application_has_its_icon(qtbot: QtBot) -> None:
    from PySide6.QtGui import QIcon

    from reader.app.bundled import icon_path

    icon = QIcon(str(icon_path()))
    assert not icon.isNull()
    assert not icon.pixmap(64, 64).isNull()
