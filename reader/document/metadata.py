"""What a library shows about a document besides its title: author, format, size, length.

A plain text has no metadata block, so the author is only what the text itself says in its
opening lines, in the forms real books and articles use: an author line under the title
(``曹雪芹 　高鄂  著``, ``作者：老舍``), a name after the title on its line (``《家》巴金``),
or a news byline (``(孫迎新/文)``). Anything else leaves the author empty: a wrong author
is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reader.document.model import Document

OPENING_PARAGRAPHS = 4
"""How far into a text an author line may stand (title, byline, a blank-free preface line)."""
NAME = r"[^\s:：,，。;；!！?？()（）《》/]{2,12}"
"""A personal name as bylines write it: a few characters, no punctuation."""
_NAMES = rf"{NAME}(?:[\s、，,]+{NAME}){{0,3}}"
_AUTHOR_LINES = (
    re.compile(rf"^(?:作者|著者|作\s*者)\s*[:：]\s*(?P<names>{_NAMES})\s*$"),
    re.compile(rf"^(?P<names>{_NAMES})\s*(?:著|撰|编著|编|译|原著)$"),
    re.compile(rf"^《[^《》]{{1,40}}》\s*(?P<names>{NAME})$"),
    re.compile(rf"^\S{{0,12}}[(（](?P<names>{NAME})\s*/\s*文[)）]"),
)
_NOT_A_NAME = frozenset({"不详", "佚名", "未知", "无名氏", "unknown", "Unknown"})
_SEPARATORS = re.compile(r"[\s、，,]+")
FORMAT_NAMES = {".txt": "TXT", ".text": "TXT", ".md": "Markdown", ".markdown": "Markdown"}
_BOOK_FORMATS = {"epub": "EPUB", "html": "HTML", "xhtml": "HTML", "markdown": "Markdown"}
"""The names of the formats the package or markup said (`Metadata.format`), as readers say."""


@dataclass(frozen=True, slots=True)
class Details:
    """A document's facts for the library: who wrote it (if the text says), its format, the
    file's size in bytes (None if it cannot be seen) and its length in characters."""

    author: str
    format: str
    size: int | None
    length: int


def details_of(document: Document) -> Details:
    """The library's facts about `document` (its file is looked at, never read again)."""
    return Details(
        author=document.metadata.author or author_of(document),
        format=_BOOK_FORMATS.get(document.metadata.format) or format_of(document.source),
        size=_size_of(document.source),
        length=len(document.text),
    )


def author_of(document: Document) -> str:
    """The author the opening lines name, several joined by a space; "" when none does."""
    count = min(OPENING_PARAGRAPHS, len(document.paragraphs))
    for index in range(count):
        line = document.paragraph_text(index).strip()
        for pattern in _AUTHOR_LINES:
            match = pattern.match(line)
            if match is not None:
                names = [n for n in _SEPARATORS.split(match["names"]) if n]
                if names and not any(name in _NOT_A_NAME for name in names):
                    return " ".join(names)
    return ""


def format_of(path: Path | None) -> str:
    """The file's format as readers name it ("TXT", "Markdown"); "Text" for any other name."""
    if path is None:
        return "Text"
    return FORMAT_NAMES.get(path.suffix.lower(), "Text")


def _size_of(path: Path | None) -> int | None:
    if path is None:
        return None
    try:
        return path.stat().st_size
    except OSError:
        return None
