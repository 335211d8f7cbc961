"""Which reader wrote an import file, told from its content (the name says little: everyone
calls theirs ``annotations.json``), and the file read into books by that format's parser.

The user can name the format instead (``--from``); a file that fits none is refused with the
list of what is understood.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange import calibre, foliate, hypothesis, kindle, koreader
from reader.annotations.exchange.records import MAX_FOREIGN_BYTES, ForeignFile, text_of
from reader.annotations.import_formats import FORMATS, W3C
from reader.document.errors import DocumentError, FileTooLargeError
from reader.document.loader import read_text_file_bytes

_JSON_SHAPES: tuple[tuple[str, Callable[[object], bool]], ...] = (
    ("calibre", calibre.looks_like_calibre),
    ("foliate", foliate.looks_like_foliate),
    ("hypothesis", hypothesis.looks_like_hypothesis),
    ("koreader", koreader.looks_like_koreader_json),
)
_UNDERSTOOD = (
    "Kindle My Clippings.txt, KOReader (JSON export or metadata.*.lua), calibre or Foliate "
    "annotations (JSON), Hypothesis (API JSON) or W3C Web Annotations (JSON-LD)"
)


def read_import_file(path: Path) -> bytes:
    """The bytes of an import file, refusing a non-file or an oversized one before reading it."""
    try:
        return read_text_file_bytes(path, MAX_FOREIGN_BYTES)
    except FileTooLargeError:
        size = path.stat().st_size
        raise ImportFormatError(
            f"The file is {size / (1024 * 1024):.1f} MB; annotation files up to "
            f"{MAX_FOREIGN_BYTES // (1024 * 1024)} MB can be imported."
        ) from None
    except DocumentError as error:
        raise ImportFormatError(str(error)) from None


def sniff(data: bytes) -> str:
    """The name of the format `data` is in (one of `FORMATS`)."""
    if not data.strip():
        return W3C  # its importer says the file is empty
    try:
        text = data[:65536].decode("utf-8-sig").lstrip()
    except UnicodeDecodeError as error:
        if error.start < 65536 - 4:  # not merely a character cut at the sample's end
            raise ImportFormatError("The file is not UTF-8 text, so no reader wrote it.") from None
        text = data[: error.start].decode("utf-8-sig").lstrip()
    if kindle.looks_like_kindle(text):
        return kindle.FORMAT
    if koreader.looks_like_koreader_lua(text):
        return koreader.FORMAT
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        if text.startswith(("{", "[")):
            return W3C  # its importer says precisely what is wrong with the JSON
    else:
        return json_format(parsed)
    raise ImportFormatError(f"The file's format is not one this reader imports: {_UNDERSTOOD}.")


def json_format(parsed: object) -> str:
    """Which JSON format a parsed file is in (W3C unless another's shape is recognised)."""
    for name, looks_like in _JSON_SHAPES:
        if looks_like(parsed):
            return name
    return W3C


def parse_foreign(data: bytes, format_name: str) -> ForeignFile:
    """The books and highlights of `data` read as `format_name` (not W3C)."""
    if format_name == kindle.FORMAT:
        return kindle.parse_kindle(data)
    if format_name == koreader.FORMAT:
        text = text_of(data, "KOReader")
        if koreader.looks_like_koreader_lua(text):
            return koreader.parse_koreader_lua(text)
        return koreader.parse_koreader_json(text)
    parsers = {
        calibre.FORMAT: calibre.parse_calibre,
        foliate.FORMAT: foliate.parse_foliate,
        hypothesis.FORMAT: hypothesis.parse_hypothesis,
    }
    if format_name not in parsers:
        raise ImportFormatError(f"Unknown format {format_name!r}; known: {', '.join(FORMATS)}.")
    return parsers[format_name](data)
