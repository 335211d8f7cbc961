"""Every command of the window in one table: its name, keys, handler and when it is enabled.

The menus and the Keyboard Shortcuts dialog are both made from this table, so a command cannot
have a key that the dialog does not show, and the window never builds menus by hand. Keys the
page handles itself (Page Down, Space, Home...) are rows too, with no handler: the dialog lists
them with the rest. Menus whose items come from the window's state (Open Recent, Reopen with
Encoding, Theme) are named in the layout and filled by the window.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from reader.ui.action_spec import ActionSpec, Group, Key
from reader.ui.action_spec import spec as _spec

R, N, S, H = Group.READING, Group.NAVIGATION, Group.SEARCH, Group.HIGHLIGHTS
V, F = Group.VIEW, Group.FILE

ACTIONS: tuple[ActionSpec, ...] = (
    # -- reading: the page's own keys, and copying
    _spec("next_page", "Next Page", R, page_keys=("PgDown", "Space")),
    _spec("previous_page", "Previous Page", R, page_keys=("PgUp", "Shift+Space")),
    _spec("line_down", "Scroll Down a Line", R, page_keys=("Down",)),
    _spec("line_up", "Scroll Up a Line", R, page_keys=("Up",)),
    _spec("copy", "&Copy", R, "Ctrl+C", standard=Key.Copy, handler="view.copy"),
    _spec(
        "lookup",
        "&Look Up in Dictionary",
        R,
        "D",
        handler="chinese.lookup.look_up_selection",
        note="the selection; or Ctrl+click or Alt+click a character",
    ),
    # -- navigation
    _spec(
        "next_section", "&Next Section", N, "Ctrl+PgDown", "]", handler="navigation.next_section"
    ),
    _spec(
        "previous_section",
        "&Previous Section",
        N,
        "Ctrl+PgUp",
        "[",
        handler="navigation.previous_section",
    ),
    _spec("back", "&Back", N, "Alt+Left", standard=Key.Back, handler="navigation.go_back"),
    _spec(
        "forward", "&Forward", N, "Alt+Right", standard=Key.Forward, handler="navigation.go_forward"
    ),
    _spec(
        "beginning",
        "B&eginning",
        N,
        "Ctrl+Home",
        handler="navigation.scroll_to_beginning",
        page_keys=("Home",),
    ),
    _spec("end", "&End", N, "Ctrl+End", handler="navigation.scroll_to_end", page_keys=("End",)),
    # -- search
    _spec("find", "&Find…", S, "Ctrl+F", standard=Key.Find, handler="panels.start_search"),
    _spec("find_next", "Find &Next", S, "F3", standard=Key.FindNext, handler="search.next_hit"),
    _spec(
        "find_previous",
        "Find &Previous",
        S,
        "Shift+F3",
        standard=Key.FindPrevious,
        handler="search.previous_hit",
    ),
    _spec("clear_search", "C&lear Search", S, "Esc", handler="escape"),
    _spec(
        "search_all",
        "Search &Everything…",
        S,
        "Ctrl+Shift+F",
        handler="library_search.show",
        title="Search Every Document and Note",
    ),
    _spec("next_hit_in_box", "Next Match", S, page_keys=("Enter",), note="in the search box"),
    _spec(
        "previous_hit_in_box",
        "Previous Match",
        S,
        page_keys=("Shift+Enter",),
        note="in the search box",
    ),
    # -- highlights
    _spec("highlight", "&Highlight Selection", H, "H", handler="gestures.highlight_selection"),
    _spec("note", "Highlight with &Note…", H, "N", handler="gestures.note_on_selection"),
    _spec(
        "undo",
        "&Undo",
        H,
        "Ctrl+Z",
        standard=Key.Undo,
        handler="annotations.undo",
        enabled_when="can_undo",
    ),
    _spec(
        "redo",
        "&Redo",
        H,
        "Ctrl+Shift+Z",
        "Ctrl+Y",
        standard=Key.Redo,
        handler="annotations.redo",
        enabled_when="can_redo",
    ),
    _spec(
        "export_markdown",
        "As &Markdown…",
        H,
        handler="annotation_files.export",
        args=("markdown",),
        title="Export Annotations as Markdown",
        enabled_when="has_document",
    ),
    _spec(
        "export_w3c",
        "As W3C &Web Annotations (JSON-LD)…",
        H,
        handler="annotation_files.export",
        args=("w3c",),
        title="Export Annotations as W3C Web Annotations",
        enabled_when="has_document",
    ),
    _spec("notebook", "&Notebook: All Annotations", H, "Ctrl+Shift+N", handler="notebook.show"),
    _spec(
        "export_kindle",
        "As &Kindle Clippings…",
        H,
        handler="annotation_files.export",
        args=("kindle",),
        title="Export Annotations as Kindle Clippings",
        enabled_when="has_document",
    ),
    _spec(
        "export_koreader",
        "As K&OReader JSON…",
        H,
        handler="annotation_files.export",
        args=("koreader",),
        title="Export Annotations as KOReader JSON",
        enabled_when="has_document",
    ),
    _spec(
        "import_annotations",
        "&Import Highlights…",
        H,
        handler="highlight_imports.choose_file",
        enabled_when="has_document",
    ),
    # -- view
    _spec(
        "zoom_in",
        "Zoom &In",
        V,
        "Ctrl++",
        "Ctrl+=",
        standard=Key.ZoomIn,
        handler="appearance.zoom_in",
    ),
    _spec(
        "zoom_out", "Zoom &Out", V, "Ctrl+-", standard=Key.ZoomOut, handler="appearance.zoom_out"
    ),
    _spec("actual_size", "&Actual Size", V, "Ctrl+0", handler="appearance.reset_font_size"),
    _spec("pinyin", "&Pinyin", V, "P", handler="chinese.display.toggle_pinyin"),
    _spec(
        "full_width",
        "Full-&width Punctuation",
        V,
        handler="chinese.display.toggle_full_width_punctuation",
    ),
    _spec("contents_panel", "&Contents Panel", V, "F9", panel="panels.toc_dock"),
    _spec("search_panel", "&Search Panel", V, panel="panels.search_dock"),
    _spec("annotations_panel", "&Annotations Panel", V, "F10", panel="panels.annotations_dock"),
    _spec(
        "full_screen",
        "&Full Screen",
        V,
        "F11",
        standard=Key.FullScreen,
        handler="appearance.toggle_full_screen",
    ),
    # -- file
    _spec("open", "&Open…", F, "Ctrl+O", standard=Key.Open, handler="choose_file"),
    _spec("open_bundled", "Open the &Bundled Article", F, handler="open_bundled_article"),
    _spec("library", "&Library…", F, "Ctrl+L", handler="library_screen.toggle"),
    _spec("add_files", "Add &Files to Library…", F, handler="library_screen.add_files"),
    _spec("add_folder", "Add F&older to Library…", F, handler="library_screen.add_folder"),
    _spec("library_remove", "Remove from Library", F, page_keys=("Del",), note="in the library"),
    _spec("quit", "&Quit", F, "Ctrl+Q", standard=Key.Quit, handler="close"),
    _spec("sync", "&Sync…", F, handler="sync.show_dialog", title="Settings › Sync"),
    # -- help
    _spec(
        "shortcuts",
        "&Keyboard Shortcuts",
        Group.HELP,
        "Ctrl+/",
        standard=Key.HelpContents,
        handler="help.shortcuts",
    ),
    _spec("about", "&About Reader", Group.HELP, handler="help.about"),
)

BY_ID = {spec.id: spec for spec in ACTIONS}


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The keys bound to `spec`'s action: the platform's first, then the portable ones, each
    once (a standard key may already be the explicit one, FindNext is F3 on Linux, and Qt
    ignores a shortcut that is bound twice as ambiguous)."""
    sequences = [QKeySequence(spec.standard)] if spec.standard is not None else []
    sequences += [QKeySequence(key) for key in spec.keys]
    unique = {s.toString(): s for s in sequences if not s.isEmpty()}
    return list(unique.values())


def listed_keys(spec: ActionSpec) -> list[str]:
    """Every key of `spec` as the user reads it: bound keys, then the page's own."""
    native = QKeySequence.SequenceFormat.NativeText
    keys = [s.toString(native) for s in key_sequences(spec)]
    keys += [QKeySequence(key).toString(native) for key in spec.page_keys]
    return list(dict.fromkeys(keys))


def ambiguous_keys(specs: tuple[ActionSpec, ...] = ACTIONS) -> dict[str, list[str]]:
    """Keys claimed by more than one command (Qt would run neither), with their commands."""
    owners: dict[str, list[str]] = {}
    for spec in specs:
        for key in dict.fromkeys(
            [s.toString() for s in key_sequences(spec)]
            + [QKeySequence(k).toString() for k in spec.page_keys]
        ):
            owners.setdefault(key, []).append(spec.id)
    return {key: ids for key, ids in owners.items() if len(ids) > 1}
