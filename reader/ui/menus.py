"""The window's menus: every command, with standard shortcuts where the platform has them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QActionGroup, QKeySequence

from reader.document.decode import SUPPORTED_ENCODINGS
from reader.ui.help_dialogs import help_actions
from reader.ui.theme import THEMES

if TYPE_CHECKING:
    from reader.ui.window import MainWindow

FONT_STEP = 1.0
Key = QKeySequence.StandardKey
# Each standard key is followed by its usual binding: some platform themes (and the offscreen
# platform the tests use) define no standard keys at all, and a command must never lose its key.


def build_menus(window: MainWindow) -> None:
    """File, Edit, View, Go and Help."""
    _file_menu(window)
    _edit_menu(window)
    _view_menu(window)
    _go_menu(window)
    help_menu = window.menuBar().addMenu("&Help")
    for action in help_actions(window, window.menuBar(), window.paths):
        help_menu.addAction(action)


def _file_menu(window: MainWindow) -> None:
    menu = window.menuBar().addMenu("&File")
    add = window.add_shortcut_action
    menu.addAction(
        add("&Open…", window.choose_file, [QKeySequence(Key.Open), QKeySequence("Ctrl+O")])
    )
    window.recent_menu = menu.addMenu("Open &Recent")
    window.encoding_menu = menu.addMenu("Reopen with &Encoding")
    for codec, label in SUPPORTED_ENCODINGS:
        action = window.encoding_menu.addAction(label)
        action.triggered.connect(lambda _checked=False, c=codec: window.reopen_with_encoding(c))
    menu.addAction(add("Open the &Bundled Article", window.open_bundled_article))
    menu.addSeparator()
    export = menu.addMenu("E&xport Annotations")
    export.addAction(add("As &Markdown…", lambda: window.export_annotations("markdown")))
    export.addAction(
        add("As W3C &Web Annotations (JSON-LD)…", lambda: window.export_annotations("w3c"))
    )
    menu.addAction(add("&Import Annotations…", window.import_annotations))
    menu.addSeparator()
    menu.addAction(add("&Quit", window.close, [QKeySequence(Key.Quit), QKeySequence("Ctrl+Q")]))


def _edit_menu(window: MainWindow) -> None:
    menu = window.menuBar().addMenu("&Edit")
    add = window.add_shortcut_action
    undo = add("&Undo", window.annotations.undo, [QKeySequence(Key.Undo), QKeySequence("Ctrl+Z")])
    redo = add(
        "&Redo",
        window.annotations.redo,
        [QKeySequence(Key.Redo), QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")],
    )

    def follow_history() -> None:
        undo_text, redo_text = window.annotations.undo_texts()
        undo.setEnabled(undo_text is not None)
        redo.setEnabled(redo_text is not None)
        undo.setText(f"&Undo {undo_text or ''}".strip())
        redo.setText(f"&Redo {redo_text or ''}".strip())

    follow_history()
    window.annotations.history_changed.connect(follow_history)
    menu.addAction(undo)
    menu.addAction(redo)
    menu.addSeparator()
    menu.addAction(add("&Copy", window.view.copy, [QKeySequence(Key.Copy), QKeySequence("Ctrl+C")]))
    menu.addSeparator()
    menu.addAction(
        add("&Highlight Selection", window.gestures.highlight_selection, [QKeySequence("H")])
    )
    menu.addAction(
        add("Highlight with &Note…", window.gestures.note_on_selection, [QKeySequence("N")])
    )
    menu.addSeparator()
    menu.addAction(
        add("&Find…", window.start_search, [QKeySequence(Key.Find), QKeySequence("Ctrl+F")])
    )
    menu.addAction(
        add("Find &Next", window.search.next_hit, [QKeySequence(Key.FindNext), QKeySequence("F3")])
    )
    menu.addAction(
        add(
            "Find &Previous",
            window.search.previous_hit,
            [QKeySequence(Key.FindPrevious), QKeySequence("Shift+F3")],
        )
    )
    menu.addAction(add("C&lear Search", window.escape, [QKeySequence("Esc")]))


def _view_menu(window: MainWindow) -> None:
    menu = window.menuBar().addMenu("&View")
    add = window.add_shortcut_action
    themes = menu.addMenu("&Theme")
    window.theme_actions = QActionGroup(window)
    for theme in THEMES.values():
        action = themes.addAction(theme.label)
        action.setCheckable(True)
        action.setChecked(theme.name == window.theme_name)
        action.triggered.connect(lambda _checked=False, n=theme.name: window.set_theme(n))
        window.theme_actions.addAction(action)
    menu.addAction(
        add(
            "Zoom &In",
            lambda: window.change_font_size(FONT_STEP),
            [QKeySequence(Key.ZoomIn), QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")],
        )
    )
    menu.addAction(
        add(
            "Zoom &Out",
            lambda: window.change_font_size(-FONT_STEP),
            [QKeySequence(Key.ZoomOut), QKeySequence("Ctrl+-")],
        )
    )
    menu.addAction(add("&Actual Size", window.reset_font_size, [QKeySequence("Ctrl+0")]))
    menu.addSeparator()
    for dock, text, shortcut in (
        (window.toc_dock, "&Contents Panel", "F9"),
        (window.search_dock, "&Search Panel", ""),
        (window.annotations_dock, "&Annotations Panel", "F10"),
    ):
        toggle = dock.toggleViewAction()
        toggle.setText(text)
        if shortcut:
            toggle.setShortcut(QKeySequence(shortcut))
        menu.addAction(toggle)
    menu.addAction(
        add(
            "&Full Screen",
            window.toggle_full_screen,
            [QKeySequence(Key.FullScreen), QKeySequence("F11")],
        )
    )


def _go_menu(window: MainWindow) -> None:
    menu = window.menuBar().addMenu("&Go")
    add = window.add_shortcut_action
    menu.addAction(
        add("&Next Section", window.next_section, [QKeySequence("Ctrl+PgDown"), QKeySequence("]")])
    )
    menu.addAction(
        add(
            "&Previous Section",
            window.previous_section,
            [QKeySequence("Ctrl+PgUp"), QKeySequence("[")],
        )
    )
    menu.addSeparator()
    menu.addAction(add("&Back", window.go_back, [QKeySequence(Key.Back), QKeySequence("Alt+Left")]))
    menu.addAction(
        add("&Forward", window.go_forward, [QKeySequence(Key.Forward), QKeySequence("Alt+Right")])
    )
    menu.addSeparator()
    menu.addAction(add("B&eginning", window.scroll_to_beginning, [QKeySequence("Ctrl+Home")]))
    menu.addAction(add("&End", window.scroll_to_end, [QKeySequence("Ctrl+End")]))
