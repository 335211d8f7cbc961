"""Hypothesis annotations as its API returns them: ``{"total", "rows": [...]}``, a list of
rows, or one row.

A row has ``id``, ``uri``, ``text`` (the note), ``tags``, ``created``/``updated``,
``document.title`` and ``target: [{"source", "selector": [...]}]`` whose TextQuoteSelector
gives the quote with prefix and suffix. A page note (no selector) is kept, with no quote; a
reply (``references``) is someone's answer in a conversation, not a highlight, and is skipped.
Hypothesis' orphans (their text no longer on the page) come through like any other row:
anchoring keeps them as "could not be placed". Rows are grouped into books by ``uri``.
"""

from __future__ import annotations

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.jsonio import (
    JsonObject,
    json_kind,
    load_json,
    optional_number,
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

FORMAT = "hypothesis"


def looks_like_hypothesis(parsed: object) -> bool:
    """The API's search result, or rows with its ``uri`` and ``target`` list."""
    if isinstance(parsed, dict) and isinstance(parsed.get("rows"), list):
        return True
    row = parsed[0] if isinstance(parsed, list) and parsed else parsed
    return isinstance(row, dict) and "uri" in row and isinstance(row.get("target"), list)


def parse_hypothesis(data: bytes | str | object) -> ForeignFile:
    """The annotations of a Hypothesis API answer, grouped by page (the file or its value)."""
    parsed = load_json(data, "Hypothesis") if isinstance(data, bytes | str) else data
    if isinstance(parsed, dict) and "rows" in parsed:
        rows = require_list(parsed["rows"], "rows")
    elif isinstance(parsed, list):
        rows = parsed
    else:
        rows = [require_object(parsed, "the file")]
    check_count(len(rows), "annotations")
    books: dict[str, tuple[str, list[ForeignHighlight]]] = {}
    for number, value in enumerate(rows, start=1):
        where = f"annotation {number}"
        row = require_object(value, where)
        if row.get("references"):
            continue
        uri = optional_text(row, "uri", where)
        books.setdefault(uri, (_title(row), []))[1].append(_highlight(row, where))
    return ForeignFile(
        FORMAT,
        tuple(
            ForeignBook(title, identifier=uri, highlights=tuple(items))
            for uri, (title, items) in books.items()
        ),
    )


def _title(row: JsonObject) -> str:
    document = row.get("document")
    if not isinstance(document, dict):
        return ""
    titles = document.get("title")
    if isinstance(titles, list) and titles and isinstance(titles[0], str):
        return titles[0]
    return titles if isinstance(titles, str) else ""


def _highlight(row: JsonObject, where: str) -> ForeignHighlight:
    identifier = optional_text(row, "id", where)
    if not identifier:
        raise ImportFormatError(f"{where}: has no id.")
    tags = row.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ImportFormatError(f"{where}: tags is {json_kind(tags)}, not a list of text.")
    quote, prefix, suffix, position = "", "", "", None
    for target in require_list(row.get("target", []), f"{where}: target"):
        for selector in _selectors(target, where):
            kind = selector.get("type")
            if kind == "TextQuoteSelector" and not quote:
                quote = optional_text(selector, "exact", where)
                prefix = optional_text(selector, "prefix", where)
                suffix = optional_text(selector, "suffix", where)
            elif kind == "TextPositionSelector" and position is None:
                start = optional_number(selector, "start", where)
                end = optional_number(selector, "end", where)
                if start is not None and end is not None and start <= end:
                    position = (start, end)
    created = iso_time(optional_text(row, "created", where))
    return ForeignHighlight(
        quote,
        prefix,
        suffix,
        note=optional_text(row, "text", where),
        tags=tuple(tags),
        created=created,
        modified=iso_time(optional_text(row, "updated", where)) or created,
        source_id=identifier,
        hints=PositionHints(text_position=position),
    )


def _selectors(target: object, where: str) -> list[JsonObject]:
    selectors = require_object(target, f"{where}: target").get("selector", [])
    return [s for s in require_list(selectors, f"{where}: selector") if isinstance(s, dict)]
