"""Kindle's ``My Clippings.txt``: every highlight, note and bookmark of every book, in one file.

Each clipping is a title line (``红楼梦 (曹雪芹)``), a header line, an empty line, the text, and a
line of ten ``=``::

    Title (Author)
    - Your Highlight on page 12 | Location 180-182 | Added on Monday, 3 June 2024 10:00:00

    the highlighted text
    ==========

The header is written in the Kindle's language (``- 您在第 12 页（位置 #180-182）的标注 | 添加于
2024年6月3日星期一 上午10:00:00``, ``- Ihre Markierung auf Seite 12 | Position 180-182 |
Hinzugefügt am …``), so its kind, page and location are recognised by keywords in several
languages. Kindles write a BOM (sometimes before every title), CRLF line ends, and a note as a
clipping of its own right after its highlight, at the highlight's last location: it is joined
to that highlight. A highlight extended or shortened on the Kindle leaves its old clipping in
the file too: the revision replaces it. A highlight beyond the publisher's export limit has a
placeholder instead of its text; it is kept (and will be listed as not placed), never dropped.
Bookmarks carry no text and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.records import (
    ForeignBook,
    ForeignFile,
    ForeignHighlight,
    PositionHints,
    check_count,
    text_of,
)
from reader.annotations.exchange.times import kindle_time

SEPARATOR = "=========="
KINDLE_LOCATION_BYTES = 128
"""A Kindle location is about 128 bytes of the book's text."""
FORMAT = "kindle"

_HIGHLIGHT_WORDS = ("highlight", "标注", "標註", "markierung", "surlignement", "subrayado",
                    "evidenziazione", "destaque", "ハイライト", "markering")  # fmt: skip
_NOTE_WORDS = ("note", "笔记", "筆記", "notiz", "nota", "メモ", "notitie")
_BOOKMARK_WORDS = ("bookmark", "书签", "書籤", "lesezeichen", "signet", "marcador",
                   "segnalibro", "ブックマーク", "bladwijzer")  # fmt: skip
_LOCATION = re.compile(
    r"(?:location|loc\.|位置(?:\s*no\.)?|position|emplacement|posición|posizione|posição)"
    r"\s*#?\s*(\d+)(?:\s*-\s*(\d+))?",
    re.IGNORECASE,
)
_PAGE = re.compile(
    r"(?:page|seite|página|pagina)\s*(\d+)|第\s*(\d+)\s*[页頁]|(\d+)\s*ページ", re.IGNORECASE
)
_TITLE_AUTHOR = re.compile(r"^(.*?)\s*[(（]([^()（）]*)[)）]\s*$")
_LIMIT_WORDS = ("limit", "上限", "límite", "limite")


@dataclass
class _Clipping:
    book: tuple[str, str]
    kind: str
    hints: PositionHints
    created: str
    text: str


def looks_like_kindle(text: str) -> bool:
    """Whether `text` is a My Clippings file: a header line, and the separator."""
    head = text[:4096]
    return SEPARATOR in head and "\n- " in head.replace("\r\n", "\n")


def parse_kindle(data: bytes | str) -> ForeignFile:
    """The books and highlights of a My Clippings file; ImportFormatError naming the first
    clipping that is not one (counted from 1, with its line)."""
    text = text_of(data, "Kindle clippings").replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split(SEPARATOR)
    check_count(len(chunks), "clippings")
    clippings: list[_Clipping] = []
    line = 1
    for number, chunk in enumerate(chunks, start=1):
        if chunk.strip():
            clipping = _clipping(chunk, f"clipping {number} (line {line})")
            if clipping is not None:
                clippings.append(clipping)
        line += chunk.count("\n")
    if not clippings:
        raise ImportFormatError(
            "The file holds no Kindle clippings (title line, “- Your Highlight …” line, text, "
            f"{SEPARATOR})."
        )
    return ForeignFile(FORMAT, _books(clippings))


def _clipping(chunk: str, where: str) -> _Clipping | None:
    lines = [line.strip("\ufeff \t") for line in chunk.strip("\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    if len(lines) < 2 or not lines[1].startswith("-"):
        raise ImportFormatError(
            f"{where}: expected a title line and a “- Your Highlight …” line; "
            "this is not a Kindle My Clippings file, or it is damaged."
        )
    title_line, header = lines[0], lines[1]
    kind = _kind(header)
    if kind is None:
        raise ImportFormatError(
            f"{where}: the line {header[:80]!r} names no highlight, note or bookmark."
        )
    if kind == "bookmark":
        return None
    parts = header.split("|")
    hints = _hints(" ".join(parts[:-1]) if len(parts) > 1 else header)
    created = kindle_time(parts[-1]) if len(parts) > 1 else ""
    body = "\n".join(lines[2:]).strip()
    return _Clipping(_title_and_author(title_line), kind, hints, created, body)


def _kind(header: str) -> str | None:
    lowered = header.lower()
    for kind, words in (
        ("highlight", _HIGHLIGHT_WORDS),
        ("bookmark", _BOOKMARK_WORDS),
        ("note", _NOTE_WORDS),
    ):
        if any(word in lowered for word in words):
            return kind
    return None


def _hints(where: str) -> PositionHints:
    location = _LOCATION.search(where)
    span: tuple[int, int] | None = None
    if location:
        first = int(location.group(1))
        last = _full_end(location.group(1), location.group(2)) if location.group(2) else first
        span = (first, max(first, last))
    page = _PAGE.search(where)
    number = next((int(g) for g in page.groups() if g), None) if page else None
    return PositionHints(kindle_location=span, page=number)


def _full_end(first: str, last: str) -> int:
    """Old Kindles shorten the end of a range to its differing digits: ``Loc. 1234-56``."""
    if int(last) >= int(first) or len(last) >= len(first):
        return int(last)
    return int(first[: len(first) - len(last)] + last)


def _title_and_author(line: str) -> tuple[str, str]:
    match = _TITLE_AUTHOR.match(line)
    if match and match.group(1):
        return match.group(1).strip(), match.group(2).strip()
    return line.strip(), ""


def _books(clippings: list[_Clipping]) -> tuple[ForeignBook, ...]:
    """Group by book (first appearance order); join each note to its highlight."""
    books: dict[tuple[str, str], list[ForeignHighlight]] = {}
    for clipping in clippings:
        highlights = books.setdefault(clipping.book, [])
        if clipping.kind == "highlight":
            _add_highlight(highlights, _highlight(clipping))
            continue
        owner = _owner_of_note(highlights, clipping.hints)
        if owner is None:
            highlights.append(  # a note typed on no highlighted text: kept, with no quote
                ForeignHighlight("", note=clipping.text, created=clipping.created,
                                 modified=clipping.created, hints=clipping.hints)
            )  # fmt: skip
        else:
            joined = "\n\n".join(n for n in (highlights[owner].note, clipping.text) if n)
            newest = max(highlights[owner].modified, clipping.created)
            highlights[owner] = replace(highlights[owner], note=joined, modified=newest)
    return tuple(
        ForeignBook(title, author, highlights=tuple(items))
        for (title, author), items in books.items()
    )


def _add_highlight(highlights: list[ForeignHighlight], highlight: ForeignHighlight) -> None:
    """Add `highlight`, or let it take the place of the one it revises: a Kindle keeps the old
    clipping when a highlight is extended or shortened, and the new one's text contains the
    old one's (or the reverse) at overlapping locations. The revision keeps the first one's
    note and creation time. An exact repeat is added as it is (the importer skips it as a
    duplicate and says so)."""
    revised = _revised_by(highlights, highlight)
    if revised is None:
        highlights.append(highlight)
        return
    old = highlights[revised]
    note = "\n\n".join(n for n in (old.note, highlight.note) if n)
    highlights[revised] = replace(highlight, note=note, created=old.created or highlight.created)


def _revised_by(highlights: list[ForeignHighlight], new: ForeignHighlight) -> int | None:
    """The latest highlight that `new` extends or shortens, if any."""
    span = new.hints.kindle_location
    if span is None or not new.quote or is_clipping_limit(new.quote):
        return None
    for index in range(len(highlights) - 1, -1, -1):
        old = highlights[index]
        old_span = old.hints.kindle_location
        if old_span is None or not old.quote or old.quote == new.quote:
            continue
        overlapping = old_span[0] <= span[1] and span[0] <= old_span[1]
        nested = old.quote in new.quote or new.quote in old.quote
        if overlapping and nested and not is_clipping_limit(old.quote):
            return index
    return None


def _highlight(clipping: _Clipping) -> ForeignHighlight:
    return ForeignHighlight(
        clipping.text,
        created=clipping.created,
        modified=clipping.created,
        hints=clipping.hints,
    )


def is_clipping_limit(text: str) -> bool:
    """Whether a clipping's text is the Kindle's placeholder for text beyond the export limit
    (``<You have reached the clipping limit for this item>``, ``<您已达到本内容的剪贴上限>``)."""
    stripped = text.strip()
    return (
        stripped.startswith("<")
        and stripped.endswith(">")
        and any(word in stripped.lower() for word in _LIMIT_WORDS)
    )


def _owner_of_note(highlights: list[ForeignHighlight], hints: PositionHints) -> int | None:
    """The latest highlight whose locations contain the note's (Kindles put it at the end)."""
    if hints.kindle_location is None:
        return None
    at = hints.kindle_location[0]
    for index in range(len(highlights) - 1, -1, -1):
        span = highlights[index].hints.kindle_location
        if span is not None and span[0] <= at <= span[1] and highlights[index].quote:
            return index
    return None
