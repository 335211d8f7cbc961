"""The File menu's lists made from state: recently opened files and the encodings to reopen
with. They are not commands of the action table (nor rows of the shortcuts dialog)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QMenu

from reader.document.decode import SUPPORTED_ENCODINGS
from reader.ui.plain_text import menu_text, plain_tooltip


def fill_encoding_menu(menu: QMenu, reopen: Callable[[str], None]) -> None:
    """One item per encoding the decoder supports."""
    for codec, label in SUPPORTED_ENCODINGS:
        action = menu.addAction(label)
        action.triggered.connect(lambda _checked=False, c=codec: reopen(c))


def fill_recent_menu(menu: QMenu, recent: Sequence[str], open_path: Callable[[Path], None]) -> None:
    """One item per recent file, newest first; the menu is disabled when there are none.
    A path is shown as it is (never as markup, never with `&` taken as a mnemonic)."""
    menu.clear()
    for path in recent:
        action = menu.addAction(menu_text(path))
        action.setToolTip(plain_tooltip(path))
        action.triggered.connect(lambda _checked=False, p=path: open_path(Path(p)))
    menu.setEnabled(bool(recent))
