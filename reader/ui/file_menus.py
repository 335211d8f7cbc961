"""The File menu's lists made from state: recently opened files and the encodings to reopen
with. They are not commands of the action table (nor rows of the shortcuts dialog). And what
File › Open offers: every format the reader opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMenu

from reader.app.settings import Settings
from reader.document.decode import SUPPORTED_ENCODINGS
from reader.document.formats.sniff import EPUB_SUFFIXES, HTML_SUFFIXES, MARKDOWN_SUFFIXES
from reader.ui.plain_text import menu_text, plain_tooltip

TEXT_SUFFIXES = (".txt", ".text")


def _patterns(suffixes: tuple[str, ...]) -> str:
    return " ".join(f"*{suffix}" for suffix in suffixes)


OPEN_FILE_FILTER = ";;".join(
    (
        "Books and texts ("
        + _patterns(TEXT_SUFFIXES + EPUB_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES)
        + ")",
        f"EPUB books ({_patterns(EPUB_SUFFIXES)})",
        f"Markdown ({_patterns(MARKDOWN_SUFFIXES)})",
        f"Web pages ({_patterns(HTML_SUFFIXES)})",
        f"Plain text ({_patterns(TEXT_SUFFIXES)})",
        "All files (*)",
    )
)
"""File › Open's filter, from the suffixes the format sniffer knows (a dragged file of any
name is opened too: the sniffer reads its first bytes)."""


def fill_encoding_menu(menu: QMenu, reopen: Callable[[str], None]) -> None:
    """One item per encoding the decoder supports."""
    for codec, label in SUPPORTED_ENCODINGS:
        action = menu.addAction(label)
        action.triggered.connect(lambda _checked=False, c=codec: reopen(c))


def fill_recent_menu(menu: QMenu, settings: Settings, open_path: Callable[[Path], None]) -> None:
    """One item per recent file, newest first, named by its title (two of the same title are
    told apart by file name), with the full path as its tooltip; the menu is
    disabled when there are none. Nothing is shown as markup or with `&` as a mnemonic."""
    menu.clear()
    menu.setToolTipsVisible(True)
    recent = settings.recent_files
    titles = [settings.recent_title(path) or Path(path).name for path in recent]
    for path, title in zip(recent, titles, strict=True):
        shown = title if titles.count(title) == 1 else f"{title} ({Path(path).name})"
        action = menu.addAction(menu_text(shown))
        action.setToolTip(plain_tooltip(path))
        action.triggered.connect(lambda _checked=False, p=path: open_path(Path(p)))
    menu.setEnabled(bool(recent))
