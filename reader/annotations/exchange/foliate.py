"""Foliate's exported annotations (JSON): ``{"annotations": [...], "metadata": {...}}``.

An annotation is ``{"value": "epubcfi(…)", "text", "note", "color", "created", "modified"}``;
``metadata`` describes the book (``title``, ``author`` — text, a list, or objects with a
``name`` — and ``identifier``). Foliate 2 wrote the same shape with the book's ``identifier``
at the top level too.
"""

from __future__ import annotations

from reader.annotations.exchange.colours import colour_named
from reader.annotations.exchange.jsonio import (
    JsonObject,
    load_json,
    optional_text,
    require_list,
    require_object,
)
from reader.annotations.exchange.records import (
    ForeignBook,
    ForeignFile,
    ForeignHighlight,
    PositionHints,
    check_count,
)
from reader.annotations.exchange.times import iso_time

FORMAT = "foliate"


def looks_like_foliate(parsed: object) -> bool:
    """Foliate's shape: annotations whose positions are EPUB CFIs in ``value``."""
    if not isinstance(parsed, dict) or not isinstance(parsed.get("annotations"), list):
        return False
    first = next(iter(parsed["annotations"]), None)
    return first is None or (isinstance(first, dict) and "value" in first)


def parse_foliate(data: bytes | str | object) -> ForeignFile:
    """The book and highlights of a Foliate export (the file or its parsed value)."""
    parsed = load_json(data, "Foliate annotations") if isinstance(data, bytes | str) else data
    top = require_object(parsed, "the file")
    items = require_list(top.get("annotations"), "annotations")
    check_count(len(items))
    metadata = require_object(top.get("metadata", {}), "metadata")
    highlights = tuple(
        _highlight(require_object(item, f"annotation {n}"), f"annotation {n}")
        for n, item in enumerate(items, start=1)
    )
    identifier = optional_text(metadata, "identifier", "metadata") or optional_text(
        top, "identifier", "the file"
    )
    book = ForeignBook(
        _name(metadata.get("title")),
        _name(metadata.get("author")),
        identifier=identifier,
        highlights=highlights,
    )
    return ForeignFile(FORMAT, (book,))


def _highlight(item: JsonObject, where: str) -> ForeignHighlight:
    cfi = optional_text(item, "value", where)
    created = iso_time(optional_text(item, "created", where))
    modified = iso_time(optional_text(item, "modified", where)) or created
    return ForeignHighlight(
        optional_text(item, "text", where),
        note=optional_text(item, "note", where),
        colour=colour_named(optional_text(item, "color", where)),
        created=created,
        modified=modified,
        source_id=cfi,
        hints=PositionHints(cfi=cfi),
    )


def _name(value: object) -> str:
    """A title or author as Foliate gives it: text, ``{"name": …}``, or a list of either (a
    language map ``{"zh": …}`` gives its first value)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(name for name in (_name(v) for v in value[:20]) if name)
    if isinstance(value, dict):
        if "name" in value:
            return _name(value["name"])
        return next((v for v in value.values() if isinstance(v, str)), "")
    return ""
