"""Reading the JSON exports of other readers strictly: one clear message for anything odd.

Shared by the calibre, Foliate, Hypothesis and KOReader importers, so that a truncated file, a
file nested ten thousand deep or a field of the wrong type is refused the same way everywhere
(``item 3: notes is a number, not text``), before anything reaches the store.
"""

from __future__ import annotations

import json

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.records import text_of

JsonObject = dict[str, object]


def load_json(data: bytes | str, what: str) -> object:
    """The parsed file; ImportFormatError naming the line and column of a syntax error."""
    text = text_of(data, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); perhaps it was cut short."
        ) from None
    except (ValueError, RecursionError):
        raise ImportFormatError("The file is not JSON this program can read.") from None


def json_kind(value: object) -> str:
    """What a JSON value is, in words."""
    if value is None:
        return "missing or null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def require_object(value: object, where: str) -> JsonObject:
    """`value` if it is a JSON object."""
    if not isinstance(value, dict):
        raise ImportFormatError(f"{where}: expected an object, found {json_kind(value)}.")
    return value


def require_list(value: object, where: str) -> list[object]:
    """`value` if it is a JSON list."""
    if not isinstance(value, list):
        raise ImportFormatError(f"{where}: expected a list, found {json_kind(value)}.")
    return value


def optional_text(item: JsonObject, key: str, where: str) -> str:
    """The text field `key` of `item`, empty when absent or null; refused when of another type."""
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFormatError(f"{where}: {key} is {json_kind(value)}, not text.")
    return value


def optional_number(item: JsonObject, key: str, where: str) -> int | None:
    """The whole-number field `key` of `item`, None when absent or null."""
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ImportFormatError(f"{where}: {key} is {json_kind(value)}, not a whole number.")
    if not 0 <= value < 2**53:
        raise ImportFormatError(f"{where}: {key} is {value}, out of range.")
    return int(value)
