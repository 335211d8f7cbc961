"""calibre's exported annotations: the viewer's ``calibre_annotation_collection`` JSON.

``{"type": "calibre_annotation_collection", "version": 1, "annotations": [...]}``; a highlight
is ``{"type": "highlight", "uuid", "highlighted_text", "notes", "start_cfi", "end_cfi",
"spine_index", "style": {"kind": "color", "which": "yellow"}, "timestamp", "removed"}``.
Bookmarks are skipped (no text), and so are highlights the user removed (``"removed": true``:
calibre keeps them as tombstones for its own syncing). The file names no book, so the user says
which document it belongs to.
"""

from __future__ import annotations

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.colours import colour_named
from reader.annotations.exchange.jsonio import (
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

FORMAT = "calibre"
COLLECTION_TYPE = "calibre_annotation_collection"


def looks_like_calibre(parsed: object) -> bool:
    """A calibre annotation collection (or a bare list of its annotations)."""
    if isinstance(parsed, dict):
        return parsed.get("type") == COLLECTION_TYPE
    return (
        isinstance(parsed, list)
        and bool(parsed)
        and isinstance(parsed[0], dict)
        and "highlighted_text" in parsed[0]
    )


def parse_calibre(data: bytes | str | object) -> ForeignFile:
    """The highlights of a calibre annotation collection (the file or its parsed value)."""
    parsed = load_json(data, "calibre annotations") if isinstance(data, bytes | str) else data
    if isinstance(parsed, dict):
        if parsed.get("type") != COLLECTION_TYPE:
            raise ImportFormatError(f"The file's type is not {COLLECTION_TYPE!r}.")
        items = require_list(parsed.get("annotations"), "annotations")
    else:
        items = require_list(parsed, "the file")
    check_count(len(items))
    highlights: list[ForeignHighlight] = []
    for number, value in enumerate(items, start=1):
        where = f"annotation {number}"
        item = require_object(value, where)
        if item.get("type") != "highlight" or item.get("removed") is True:
            continue
        highlights.append(_highlight(item, where))
    return ForeignFile(FORMAT, (ForeignBook("", highlights=tuple(highlights)),))


def _highlight(item: dict[str, object], where: str) -> ForeignHighlight:
    style = item.get("style")
    colour = ""
    if isinstance(style, dict) and style.get("kind") == "color":
        colour = optional_text(style, "which", f"{where}: style")
    start = optional_text(item, "start_cfi", where)
    spine = item.get("spine_index")
    cfi = f"epubcfi(/6/{(spine + 1) * 2}!{start})" if isinstance(spine, int) and start else ""
    created = iso_time(optional_text(item, "timestamp", where))
    return ForeignHighlight(
        optional_text(item, "highlighted_text", where),
        note=optional_text(item, "notes", where),
        colour=colour_named(colour),
        created=created,
        modified=created,
        source_id=optional_text(item, "uuid", where),
        hints=PositionHints(cfi=cfi or start),
    )
