"""KOReader's highlights: its JSON export, and the ``metadata.<ext>.lua`` sidecar next to a book.

The JSON export (exporter plugin) is one book ``{"title", "author", "entries": [...],
"number_of_pages", "created_on", "version"}`` or several under ``"documents"``; each entry has
``text``, ``note``, ``page``, ``time`` (seconds since 1970), ``chapter``, ``drawer``, ``color``.

The sidecar is a Lua table literal (read by `lua_data`, never run). KOReader 2024 and later keep
highlights in ``annotations`` (a list of ``{text, note, pos0, pos1, page, datetime, color, …}``,
``pos0``/``pos1`` being CREngine XPointers); older versions in ``highlight`` (page -> list) with
the notes in ``bookmarks``. The book is ``doc_props`` (title, authors, identifiers), and
``partial_md5_checksum`` is KOReader's own id of the file, used as the source id's root.
"""

from __future__ import annotations

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.colours import colour_named
from reader.annotations.exchange.jsonio import (
    json_kind,
    load_json,
    optional_number,
    optional_text,
    require_list,
    require_object,
)
from reader.annotations.exchange.lua_data import parse_lua_table
from reader.annotations.exchange.records import (
    ForeignBook,
    ForeignFile,
    ForeignHighlight,
    PositionHints,
    check_count,
    text_of,
)
from reader.annotations.exchange.times import iso_time, unix_time

FORMAT = "koreader"


def looks_like_koreader_json(parsed: object) -> bool:
    """A KOReader JSON export: entries (or documents of entries) with KOReader's fields."""
    return isinstance(parsed, dict) and (
        isinstance(parsed.get("entries"), list) or isinstance(parsed.get("documents"), list)
    )


def looks_like_koreader_lua(text: str) -> bool:
    """A KOReader sidecar: a Lua file returning a table (its first statement)."""
    for line in text[:4096].splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            return stripped.startswith("return")
    return False


# --- the JSON export -----------------------------------------------------------------------------


def parse_koreader_json(data: bytes | str | object) -> ForeignFile:
    """The books of a KOReader JSON export (the file, or its already parsed value)."""
    parsed = load_json(data, "KOReader") if isinstance(data, bytes | str) else data
    top = require_object(parsed, "the file")
    if "documents" in top:
        documents = require_list(top["documents"], "documents")
        check_count(len(documents), "books")
        books = [_json_book(d, f"book {n}") for n, d in enumerate(documents, start=1)]
    elif "entries" in top:
        books = [_json_book(top, "the book")]
    else:
        raise ImportFormatError("The file is not a KOReader export: it has no entries.")
    return ForeignFile(FORMAT, tuple(books))


def _json_book(value: object, where: str) -> ForeignBook:
    book = require_object(value, where)
    entries = require_list(book.get("entries"), f"{where}: entries")
    check_count(len(entries))
    pages = optional_number(book, "number_of_pages", where)
    highlights = tuple(
        _json_entry(entry, f"{where}, entry {number}", pages)
        for number, entry in enumerate(entries, start=1)
    )
    return ForeignBook(
        optional_text(book, "title", where),
        optional_text(book, "author", where),
        highlights=highlights,
    )


def _json_entry(value: object, where: str, pages: int | None) -> ForeignHighlight:
    entry = require_object(value, where)
    if isinstance(entry.get("text"), list):  # the exporter nests an entry in a list sometimes
        raise ImportFormatError(f"{where}: text is a list, not text.")
    time = entry.get("time")
    if time is not None and (isinstance(time, bool) or not isinstance(time, int | float)):
        raise ImportFormatError(f"{where}: time is {json_kind(time)}, not a number of seconds.")
    created = unix_time(time)
    page = entry.get("page")
    return ForeignHighlight(
        optional_text(entry, "text", where),
        note=optional_text(entry, "note", where),
        colour=colour_named(optional_text(entry, "color", where)),
        created=created,
        modified=created,
        hints=PositionHints(
            page=page if isinstance(page, int) and not isinstance(page, bool) else None,
            pages=pages,
            xpointer=(
                optional_text(entry, "pos0", where),
                optional_text(entry, "pos1", where),
            ),
        ),
    )


# --- the Lua sidecar ---------------------------------------------------------------------------


def parse_koreader_lua(data: bytes | str) -> ForeignFile:
    """The book and highlights of a KOReader ``metadata.*.lua`` sidecar."""
    try:
        table = parse_lua_table(text_of(data, "KOReader metadata"))
    except ImportFormatError as error:
        raise ImportFormatError(f"The KOReader metadata file cannot be read: {error}") from None
    props = _table(table.get("doc_props", {}), "doc_props")
    pages = table.get("doc_pages")
    page_count = pages if isinstance(pages, int) and not isinstance(pages, bool) else None
    root = table.get("partial_md5_checksum")
    root_id = root if isinstance(root, str) else ""
    if "annotations" in table:
        items = _sequence(table["annotations"], "annotations")
    else:
        items = _old_highlights(table)
    check_count(len(items))
    highlights = tuple(
        _lua_item(item, f"annotation {n}", page_count, root_id)
        for n, item in enumerate(items, start=1)
    )
    book = ForeignBook(
        _text(props.get("title"), "doc_props.title"),
        _text(props.get("authors"), "doc_props.authors").replace("\n", ", "),
        identifier=_text(props.get("identifiers"), "doc_props.identifiers").split("\n")[0],
        highlights=tuple(h for h in highlights if h is not None),
    )
    return ForeignFile(FORMAT, (book,))


def _old_highlights(table: dict[object, object]) -> list[object]:
    """Pre-2024 sidecars: ``highlight`` is page -> list of highlights, ``bookmarks`` the notes
    (a bookmark's ``text`` is the note, matched to its highlight by ``pos0``)."""
    notes: dict[str, str] = {}
    for bookmark in _sequence(table.get("bookmarks", {}), "bookmarks"):
        if isinstance(bookmark, dict) and isinstance(bookmark.get("pos0"), str):
            text = bookmark.get("text")
            if isinstance(text, str) and bookmark.get("highlighted"):
                notes[str(bookmark["pos0"])] = text
    items: list[object] = []
    pages = _table(table.get("highlight", {}), "highlight")
    for page in sorted(pages, key=lambda key: key if isinstance(key, int) else 0):
        for item in _sequence(pages[page], f"highlight[{page}]"):
            if isinstance(item, dict):
                note = notes.get(str(item.get("pos0")), "")
                items.append({"note": note, "page": page, **item})
            else:
                items.append(item)
    return items


def _lua_item(
    value: object, where: str, pages: int | None, root_id: str
) -> ForeignHighlight | None:
    item = _table(value, where)
    pos0, pos1 = (
        _text(item.get("pos0"), f"{where}: pos0"),
        _text(item.get("pos1"), f"{where}: pos1"),
    )
    text = _text(item.get("text"), f"{where}: text")
    if not text and not pos0:
        return None  # a bookmark of a page: no passage, nothing to import
    page = item.get("page")
    created = iso_time(_text(item.get("datetime"), f"{where}: datetime"))
    updated = iso_time(_text(item.get("datetime_updated"), f"{where}: datetime_updated"))
    return ForeignHighlight(
        text,
        note=_text(item.get("note"), f"{where}: note"),
        colour=colour_named(_text(item.get("color"), f"{where}: color")),
        created=created,
        modified=updated or created,
        source_id=f"{root_id}:{pos0}:{pos1}" if root_id and pos0 else "",
        hints=PositionHints(
            xpointer=(pos0, pos1),
            page=page if isinstance(page, int) and not isinstance(page, bool) else None,
            pages=pages,
        ),
    )


def _table(value: object, where: str) -> dict[object, object]:
    if not isinstance(value, dict):
        raise ImportFormatError(f"{where} is {_lua_kind(value)}, not a table.")
    return value


def _sequence(value: object, where: str) -> list[object]:
    """A Lua list (a table with keys 1..n) in order; other keys are refused."""
    table = _table(value, where)
    if any(isinstance(k, bool) or not isinstance(k, int) for k in table):
        raise ImportFormatError(f"{where} is not a list: it has named keys.")
    return [table[key] for key in sorted(table)]  # type: ignore[type-var]


def _text(value: object, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFormatError(f"{where} is {_lua_kind(value)}, not text.")
    return value


def _lua_kind(value: object) -> str:
    return "a table" if isinstance(value, dict) else json_kind(value)
