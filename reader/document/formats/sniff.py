"""Which reader a file needs: by its first bytes, then by its name."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path


class Format(Enum):
    TEXT = "text"
    EPUB = "epub"
    HTML = "html"
    MARKDOWN = "markdown"


EPUB_SUFFIXES = (".epub",)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)


def format_by_name(path: Path) -> Format | None:
    """What the name says, or None for a name that says nothing (``notes``, ``a.txt``)."""
    suffix = path.suffix.lower()
    if suffix in EPUB_SUFFIXES:
        return Format.EPUB
    if suffix in HTML_SUFFIXES:
        return Format.HTML
    if suffix in MARKDOWN_SUFFIXES:
        return Format.MARKDOWN
    return None


def sniff_format(data: bytes, path: Path) -> Format:
    """The content decides where it is unambiguous (a zip with an EPUB mimetype, an HTML
    document); otherwise the name; otherwise text."""
    if data.startswith(b"PK\x03\x04"):
        return (
            Format.EPUB
            if b"application/epub+zip" in data[:200] or format_by_name(path) is Format.EPUB
            else Format.TEXT
        )
    if _HTML_START.match(data[:4096]):
        return Format.HTML
    by_name = format_by_name(path)
    if by_name is Format.EPUB:
        return Format.EPUB
    return by_name or Format.TEXT
