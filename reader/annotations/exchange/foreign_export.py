"""Our annotations in other readers' formats: a Kindle ``My Clippings.txt`` and KOReader's JSON.

Both are read by many tools (Readwise, calibre plugins, note-taking apps), and both are read back
by our own importers (`kindle`, `koreader`). Positions are given in the terms those formats use,
derived from ours the same way the importers turn them back into a place to look: a Kindle
location is 128 bytes of text, a KOReader page `PAGE_CHARACTERS` characters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from reader.annotations.exchange.kindle import KINDLE_LOCATION_BYTES, SEPARATOR
from reader.annotations.model import Annotation, Colour
from reader.document.model import Document

PAGE_CHARACTERS = 500
"""About a screen page of Chinese text."""
_KOREADER_COLOURS = {Colour.PINK: "red"}  # KOReader has no pink; red comes back as pink


def to_kindle(document: Document, annotations: Sequence[Annotation]) -> str:
    """A My Clippings file: a highlight clipping per annotation, its note as the next clipping
    (at the highlight's last location, as Kindles write it); BOM and CRLF like a Kindle's."""
    clippings: list[str] = []
    title = _one_line(document.title) or "Untitled"
    ratio = bytes_per_character(document)
    for annotation in sorted(annotations, key=lambda a: (a.orphan, a.start)):
        first = int(annotation.start * ratio / KINDLE_LOCATION_BYTES) + 1
        last = max(first, int(annotation.end * ratio / KINDLE_LOCATION_BYTES) + 1)
        added = _kindle_time(annotation.created)
        clippings.append(
            f"{title}\r\n- Your Highlight at location {first}-{last} | Added on {added}\r\n\r\n"
            f"{_crlf(annotation.quote.exact)}\r\n{SEPARATOR}\r\n"
        )
        if annotation.note:
            clippings.append(
                f"{title}\r\n- Your Note at location {last} | Added on "
                f"{_kindle_time(annotation.modified)}\r\n\r\n{_crlf(annotation.note)}\r\n"
                f"{SEPARATOR}\r\n"
            )
    return "\ufeff" + "".join(clippings)


def to_koreader(document: Document, annotations: Sequence[Annotation]) -> str:
    """KOReader's JSON export of one book (its exporter plugin's shape)."""
    pages = max(1, -(-len(document.text) // PAGE_CHARACTERS))
    entries = []
    for annotation in sorted(annotations, key=lambda a: (a.orphan, a.start)):
        section = document.section_at(annotation.start)
        entries.append(
            {
                "page": annotation.start // PAGE_CHARACTERS + 1,
                "time": _unix(annotation.created),
                "sort": "highlight",
                "text": annotation.quote.exact,
                "note": annotation.note,
                "chapter": section.title if section is not None else "",
                "drawer": "lighten",
                "color": _KOREADER_COLOURS.get(annotation.colour, annotation.colour.value),
            }
        )
    book = {
        "title": document.title,
        "author": "",
        "number_of_pages": pages,
        "entries": entries,
        "created_on": int(datetime.now(UTC).timestamp()),
        "version": "reader",
    }
    return json.dumps(book, ensure_ascii=False, indent=1)


def bytes_per_character(document: Document) -> float:
    """UTF-8 bytes per character of the text (sampled): what turns locations into offsets."""
    sample = document.text[: 1 << 16]
    return max(1.0, len(sample.encode("utf-8", "surrogatepass")) / max(1, len(sample)))


def _parsed(timestamp: str) -> datetime:
    try:
        value = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _kindle_time(timestamp: str) -> str:
    value = _parsed(timestamp)
    return f"{value:%A}, {value.day} {value:%B %Y %H:%M:%S}"


def _unix(timestamp: str) -> int:
    return int(_parsed(timestamp).timestamp())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _crlf(text: str) -> str:
    """Text for a clipping: CRLF line ends, and no line that would end the clipping early."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\r\n".join(line if line.strip() != SEPARATOR else line + " " for line in lines)
