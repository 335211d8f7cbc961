"""Annotations from a W3C Web Annotation JSON-LD file (as `w3c_export` writes them, or as
another tool does).

Import is strict, because it writes into the only precious data: the whole file is checked
before anything is returned, and the first problem is reported with where it is (``item 12:
target has no TextQuoteSelector``, items counted from 1). Unknown fields are ignored. Selectors
pointing beyond the text are not an error here: anchoring turns such annotations into orphans.
Two items with the same id in one file are refused, since it is impossible to tell which one the
user meant to keep. The colour is the target's ``styleClass`` (yellow for other tools' classes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.w3c_export import DOCUMENT_URN
from reader.annotations.model import (
    Annotation,
    Colour,
    TextPosition,
    TextQuote,
    normalise_tags,
)
from reader.document.errors import DocumentError, FileTooLargeError
from reader.document.loader import read_text_file_bytes

MAX_IMPORT_BYTES = 40 * 1024 * 1024
"""Ten thousand annotations with notes export to about 15 MB; a larger file is refused before
it is read (a 50 MB file is not an annotation file anyone made here)."""

_FINGERPRINT = re.compile(r"[0-9a-f]{1,64}")
_MAX_ID_LENGTH = 4096


def load_w3c_file(
    path: Path,
    document_fingerprint: str | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
    books: Mapping[str, str] | None = None,
) -> list[Annotation]:
    """`from_w3c` on the file at `path`, refusing a non-file or an oversized one before reading
    (opened first and then checked, as documents are: a FIFO swapped in never hangs it)."""
    try:
        data = read_text_file_bytes(path, max_bytes)
    except FileTooLargeError:
        raise ImportFormatError(_too_large(path.stat().st_size, max_bytes)) from None
    except DocumentError as error:
        raise ImportFormatError(str(error)) from None
    return from_w3c(data, document_fingerprint, max_bytes, books)


def from_w3c(
    data: bytes | str,
    document_fingerprint: str | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
    books: Mapping[str, str] | None = None,
) -> list[Annotation]:
    """The annotations in a W3C Web Annotation JSON(-LD) document.

    Accepts an `AnnotationCollection` (with `first.items` or `items`), an `AnnotationPage`, a
    single `Annotation` or a JSON list of them. The text an annotation's selectors were made
    on comes from its target's ``urn:reader:document:`` source, or from `books` (a book's
    identifier, as an EPUB's package gives it, to its text's fingerprint) when the source is
    one of those identifiers, else is `document_fingerprint`;
    which local document it goes to is the importer's choice (`document_id` is left empty).
    A missing `created` or `modified` stays empty: unknown, so older than any local edit.
    Raises `ImportFormatError` on the first problem found.
    """
    # A character is at least one byte, so a long string is refused before it is encoded.
    size = len(data)
    if isinstance(data, str) and size <= max_bytes:
        size = len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ImportFormatError(_too_large(size, max_bytes))
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFormatError("The file is not UTF-8 text, so it is not JSON.") from None
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    except (ValueError, RecursionError):
        raise ImportFormatError("The file is not JSON this program can read.") from None
    items = _items_of(parsed)
    annotations: list[Annotation] = []
    first_seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        annotation = annotation_from_w3c(item, f"item {number}", document_fingerprint, books)
        if annotation.id in first_seen:
            raise ImportFormatError(
                f"Items {first_seen[annotation.id]} and {number} have the same id "
                f"{annotation.id!r}; the file is ambiguous and was not imported."
            )
        first_seen[annotation.id] = number
        annotations.append(annotation)
    return annotations


def _too_large(size: int, limit: int) -> str:
    return (
        f"The file is {size / (1024 * 1024):.1f} MB; annotation files up to "
        f"{limit / (1024 * 1024):.0f} MB can be imported."
    )


def _has_type(value: dict[str, object], name: str) -> bool:
    kind = value.get("type")
    return kind == name or (isinstance(kind, list) and name in kind)


def _items_of(parsed: object) -> list[object]:
    if isinstance(parsed, list):
        return parsed
    if not isinstance(parsed, dict):
        raise ImportFormatError(
            "The file holds no annotations: expected a JSON object or list, "
            f"found {_json_kind(parsed)}."
        )
    if _has_type(parsed, "Annotation"):
        return [parsed]
    if _has_type(parsed, "AnnotationPage"):
        return _page_items(parsed, "the annotation page")
    if _has_type(parsed, "AnnotationCollection"):
        if "items" in parsed:
            return _page_items(parsed, "the collection")
        first = parsed.get("first")
        if isinstance(first, dict):
            return _page_items(first, "the collection's first page")
        if first is None and parsed.get("total") == 0:
            return []
        raise ImportFormatError(
            "The collection does not contain its annotations (its first page is missing or "
            "only a link, and nothing is fetched from the network)."
        )
    raise ImportFormatError(
        "The file is not a W3C Web Annotation file: the top-level object's type is "
        f"{parsed.get('type')!r}, not AnnotationCollection, AnnotationPage or Annotation."
    )


def _page_items(page: dict[str, object], where: str) -> list[object]:
    items = page.get("items")
    if not isinstance(items, list):
        raise ImportFormatError(f"In {where}, items is {_json_kind(items)}, not a list.")
    if isinstance(page.get("next"), str | dict):
        raise ImportFormatError(
            f"{where[0].upper()}{where[1:]} continues on further pages that are not in this "
            "file; export everything into one file."
        )
    return items


def annotation_from_w3c(
    item: object,
    where: str,
    document_fingerprint: str | None,
    books: Mapping[str, str] | None = None,
) -> Annotation:
    """The annotation a W3C item describes (`where` names it in messages); raises
    `ImportFormatError` for anything this reader cannot take."""
    if not isinstance(item, dict):
        raise ImportFormatError(
            f"{where}: expected an annotation object, found {_json_kind(item)}."
        )
    if not _has_type(item, "Annotation"):
        raise ImportFormatError(f"{where}: type is {item.get('type')!r}, not 'Annotation'.")
    identifier = item.get("id")
    if not isinstance(identifier, str) or not identifier.strip():
        raise ImportFormatError(f"{where}: has no id.")
    if len(identifier) > _MAX_ID_LENGTH:
        raise ImportFormatError(f"{where}: its id is {len(identifier)} characters long.")
    target = _single_target(item.get("target"), where)
    quote, position = _selectors(target.get("selector"), where)
    note, tags = _bodies(item, where)
    created = _timestamp(item, "created", where) or ""
    modified = _timestamp(item, "modified", where) or created
    return Annotation(
        id=identifier,
        document_id="",
        fingerprint=_document_of(target, where, document_fingerprint, books or {}),
        quote=quote,
        position=position,
        colour=_colour_of(target),
        note=note,
        tags=normalise_tags(tags),
        created=created,
        modified=modified,
    )


def _single_target(target: object, where: str) -> dict[str, object]:
    if isinstance(target, list):
        if len(target) != 1:
            raise ImportFormatError(
                f"{where}: has {len(target)} targets; exactly one passage is supported."
            )
        target = target[0]
    if isinstance(target, str):
        raise ImportFormatError(f"{where}: target is only a link, with no selector of a passage.")
    if not isinstance(target, dict):
        raise ImportFormatError(f"{where}: has no target (found {_json_kind(target)}).")
    return target


UNKNOWN_POSITION = TextPosition(0, 0)
"""The position of an annotation that gives only its quote (or only an EPUB CFI): anchoring
finds it by the quote, and one with neither stays an orphan."""


def _selectors(selector: object, where: str) -> tuple[TextQuote, TextPosition]:
    """The quote and position; a quote alone is enough (other tools, Hypothesis among them,
    often give only that), and an EPUB CFI alone gives an empty quote: kept, never placed."""
    selectors = selector if isinstance(selector, list) else [selector]
    quote: TextQuote | None = None
    position: TextPosition | None = None
    cfi = False
    for candidate in selectors:
        if not isinstance(candidate, dict):
            continue
        if _has_type(candidate, "TextQuoteSelector") and quote is None:
            quote = _quote_selector(candidate, where)
        elif _has_type(candidate, "TextPositionSelector") and position is None:
            position = _position_selector(candidate, where)
        elif _is_cfi(candidate):
            cfi = True
    if quote is None and not cfi:
        raise ImportFormatError(f"{where}: target has no TextQuoteSelector.")
    return quote or TextQuote(""), position or UNKNOWN_POSITION


def _is_cfi(selector: dict[str, object]) -> bool:
    """An EPUB CFI selector (a FragmentSelector conforming to EPUB CFI)."""
    value, conforms = selector.get("value"), selector.get("conformsTo")
    return _has_type(selector, "FragmentSelector") and (
        (isinstance(value, str) and value.startswith("epubcfi("))
        or (isinstance(conforms, str) and "epub-cfi" in conforms)
    )


def _quote_selector(selector: dict[str, object], where: str) -> TextQuote:
    values: dict[str, str] = {}
    for key in ("exact", "prefix", "suffix"):
        value = selector.get(key, "")
        if not isinstance(value, str):
            raise ImportFormatError(
                f"{where}: TextQuoteSelector {key} is {_json_kind(value)}, not text."
            )
        values[key] = value
    if not values["exact"]:
        raise ImportFormatError(f"{where}: TextQuoteSelector has no exact text.")
    return TextQuote(values["exact"], values["prefix"], values["suffix"])


def _position_selector(selector: dict[str, object], where: str) -> TextPosition:
    start, end = _offset(selector, "start", where), _offset(selector, "end", where)
    if start > end:
        raise ImportFormatError(
            f"{where}: TextPositionSelector starts ({start}) after it ends ({end})."
        )
    return TextPosition(start, end)


MAX_OFFSET = 2**63 - 1
"""SQLite's largest integer: no text is longer, and a larger offset would not even store."""


def _offset(selector: dict[str, object], key: str, where: str) -> int:
    value = selector.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_OFFSET:
        shown = repr(value) if len(repr(value)) < 40 else repr(value)[:40] + "…"
        raise ImportFormatError(
            f"{where}: TextPositionSelector {key} is {shown}, not a whole number "
            "between 0 and the length of a text."
        )
    return value


def _bodies(item: dict[str, object], where: str) -> tuple[str, list[str]]:
    """The note (every describing text joined) and the tags."""
    raw = item.get("body", [])
    bodies = raw if isinstance(raw, list) else [raw]
    notes: list[str] = []
    body_value = item.get("bodyValue")
    if isinstance(body_value, str):
        notes.append(body_value)
    tags: list[str] = []
    for body in bodies:
        if not isinstance(body, dict) or not (
            _has_type(body, "TextualBody") or ("type" not in body and "value" in body)
        ):
            continue  # a link to, or a kind of, body that cannot become a note or a tag
        value = body.get("value")
        if not isinstance(value, str):
            raise ImportFormatError(f"{where}: a TextualBody has no text value.")
        if body.get("purpose") == "tagging":
            tags.append(value)
        else:
            notes.append(value)
    return "\n\n".join(notes), tags


def _timestamp(item: dict[str, object], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise ImportFormatError(f"{where}: {key} is {value!r}, not an ISO 8601 date and time.")


def _document_of(
    target: dict[str, object], where: str, fallback: str | None, books: Mapping[str, str]
) -> str:
    source = target.get("source")
    if isinstance(source, str) and source.strip() in books:
        return books[source.strip()]
    if isinstance(source, str) and source.startswith(DOCUMENT_URN):
        fingerprint = source.removeprefix(DOCUMENT_URN)
        if _FINGERPRINT.fullmatch(fingerprint):
            return fingerprint
        raise ImportFormatError(f"{where}: target source {source!r} is not a valid document id.")
    if fallback is not None:
        return fallback
    raise ImportFormatError(
        f"{where}: its target ({source!r}) does not name a document of this reader; "
        "open the document first and import into it."
    )


def _colour_of(target: dict[str, object]) -> Colour:
    """The colour named by the target's style class; yellow for other tools' classes."""
    style = target.get("styleClass")
    names = style.split() if isinstance(style, str) else []
    for name in names:
        try:
            return Colour(name)
        except ValueError:
            continue
    return Colour.YELLOW


def _json_kind(value: object) -> str:
    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "true/false"),
        ((int, float), "a number"),
        (str, "text"),
        (list, "a list"),
        (dict, "an object"),
    ]
    if value is None:
        return "missing or null"
    for kind, name in kinds:
        if isinstance(value, kind):
            return name
    return type(value).__name__
