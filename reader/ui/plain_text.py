"""Showing text from documents, notes and file names as exactly that text, never as markup.

Qt guesses the format of a tooltip, and of a label left at `AutoText`: when `Qt::mightBeRichText`
says a string looks like HTML it is rendered as HTML, and an ``<img src>`` in it makes Qt read
that local file. A heading such as ``第一回 <img src="/some/file.png">`` is ordinary document
text, so every place that shows such text goes through one of the helpers below: escaped inside
deliberately built rich text, or in a label fixed to plain text.

File names that are not valid UTF-8 reach us from `os.fsdecode` with lone surrogates, which Qt
silently drops; `readable` shows each as U+FFFD instead, as file managers do.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_TITLE_PLACEHOLDER = "[*]"
"""Qt replaces this in window titles with the modified marker; doubled, it shows as itself."""


def readable(text: str) -> str:
    """`text` with each lone surrogate (an undecodable file-name byte) shown as U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def escaped(text: str) -> str:
    """HTML that shows exactly `text`, for use inside rich text built on purpose."""
    return html.escape(readable(text), quote=False)


def rich_tooltip(body: str) -> str:
    """A tooltip from HTML built on purpose (every piece of user text in it `escaped`),
    keeping line breaks and runs of spaces as written."""
    return f"<p style='white-space:pre-wrap'>{body}</p>"


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as it is, whatever markup it seems to contain."""
    return rich_tooltip(escaped(text)) if text else ""


def menu_text(text: str) -> str:
    """`text` for a menu item or button: a single ``&`` would mark a shortcut letter."""
    return readable(text).replace("&", "&&")


def window_title(text: str) -> str:
    """`text` for `setWindowTitle`, where ``[*]`` would otherwise vanish."""
    return readable(text).replace(_TITLE_PLACEHOLDER, _TITLE_PLACEHOLDER * 2)


def plain_label(parent: QWidget | None = None) -> QLabel:
    """A label that shows its text as plain text, whatever the text looks like."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
