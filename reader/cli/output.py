"""What the command line prints: text made visible but inert, and JSON without raw controls.

Notes, tags, quotes, titles and file names come from files and from other people; printed raw,
an escape sequence in them drives the terminal (retitles it, clears it, rewrites earlier
lines) and a bidi override makes a line read backwards. Every printer sends such text through
`printable` (plain output) or `dump_json` (``--json``), and every message through `message`.

Plain output shows them as visible escapes: ESC as ``\\x1b``, U+202E as ``\\u202e``, a file
name's undecodable byte as ``\\xff``. A tab is left alone (it is harmless); a newline in a note
becomes an indented continuation line. A backslash is not doubled, so ``\\x1b`` in the output
may also be those four characters in the text: the form is for reading, not for parsing.

JSON keeps every character of the data: ``json.dumps`` already escapes C0 controls, and
`dump_json` also escapes DEL, C1 controls and bidi controls as ``\\u`` escapes, which JSON
decoders turn back into the same characters. CJK stays unescaped. A lone surrogate (only a
file name's undecodable byte can bring one) cannot be valid JSON text, so it is written in the
plain output's readable form: the path ``bad\\xff.txt`` is the JSON string ``"bad\\\\xff.txt"``.
"""

from __future__ import annotations

import json
import re
from typing import TextIO

from reader.document.loader import readable_name

# C0 controls but tab, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
_INERT = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In JSON text C0 controls are escaped already, and a surrogate stands for a file name's byte.
_JSON_INERT = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str, newline: str = "\\n") -> str:
    """`text` for one line of plain output: controls and bidi overrides as visible escapes,
    undecodable file-name bytes as ``\\xff``, and a newline as `newline`."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n":
            return newline
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return _INERT.sub(escape, readable_name(text))


def marked(snippet: str, match_start: int, match_end: int) -> str:
    """A snippet with its match between 【 and 】, for plain output (then made `printable`)."""
    return f"{snippet[:match_start]}【{snippet[match_start:match_end]}】{snippet[match_end:]}"


def message(text: str) -> str:
    """A message for stderr: ``reader: `` and the text, inert (it may quote a path or a title)."""
    return f"reader: {printable(text)}"


def dump_json(value: object, stream: TextIO) -> None:
    """Write `value` as indented JSON and a newline, with nothing a terminal would act on."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    stream.write(_JSON_INERT.sub(_json_escape, text) + "\n")


def _json_escape(match: re.Match[str]) -> str:
    """One character inside a JSON string, escaped (every non-ASCII character of
    ``json.dumps`` output lies inside a string)."""
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return json.dumps(readable_name(char))[1:-1]  # the backslash itself escaped
    return f"\\u{ord(char):04x}"
