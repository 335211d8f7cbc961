"""A reader for Lua table literals, the way KOReader stores a book's highlights: as data only.

KOReader's ``metadata.epub.lua`` is a Lua program (``return { ["annotations"] = { … } }``), and
running it would run whatever it contains; here it is only *parsed*, and only the literal
subset is accepted: ``return``, table constructors, strings (with every Lua escape and long
brackets), numbers, ``true``/``false``/``nil``, and comments. An identifier, a call, an operator,
``function`` or anything else is refused with its line and column, as is nesting deeper than
`MAX_DEPTH`, more than `MAX_VALUES` values, or a file larger than `MAX_LUA_BYTES`.

Why not a library: `slpp` and `luadata` are unmaintained and lean on regular expressions (and
`luadata` on an evaluator); `luaparser` parses all of Lua into an AST through an ANTLR runtime,
which is a larger dependency for a job whose point is to accept *less* than Lua.
"""

from __future__ import annotations

import re

from reader.annotations.errors import ImportFormatError

MAX_LUA_BYTES = 16 * 1024 * 1024
"""A metadata file with ten thousand highlights is a few megabytes."""
MAX_DEPTH = 32
"""KOReader nests four or five tables deep."""
MAX_VALUES = 2_000_000

LuaValue = str | int | float | bool | None | dict[object, object]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?",
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f",
                   "v": "\v", "\\": "\\", '"': '"', "'": "'", "\n": "\n"}  # fmt: skip
_CONSTANTS: dict[str, LuaValue] = {"true": True, "false": False, "nil": None}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.at, self.values = text, 0, 0

    # --- errors and whitespace -----------------------------------------------------------------

    def fail(self, what: str) -> ImportFormatError:
        line = self.text.count("\n", 0, self.at) + 1
        column = self.at - (self.text.rfind("\n", 0, self.at) + 1) + 1
        found = self.text[self.at : self.at + 20].split("\n")[0] or "the end of the file"
        return ImportFormatError(
            f"line {line}, column {column}: {what}, found {found!r}. KOReader metadata is read "
            "as data (a table of values), never run, and this file holds something else."
        )

    def skip_space(self) -> None:
        text = self.text
        while self.at < len(text):
            if text[self.at] in " \t\r\n\f\v":
                self.at += 1
            elif text.startswith("--", self.at):
                self.at += 2
                level = self._long_bracket_level()
                if level is not None:
                    self._long_string(level)
                else:
                    end = text.find("\n", self.at)
                    self.at = len(text) if end == -1 else end + 1
            else:
                break

    # --- values ----------------------------------------------------------------------------------

    def value(self, depth: int) -> LuaValue:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.fail(f"more than {MAX_VALUES:,} values")
        self.skip_space()
        text, at = self.text, self.at
        character = text[at : at + 1]
        if character == "{":
            return self.table(depth + 1)
        if character in ('"', "'"):
            return self.quoted(character)
        if character == "[" and self._long_bracket_level() is not None:
            level = self._long_bracket_level()
            assert level is not None
            return self._long_string(level)
        if character == "-" or character.isdigit() or character == ".":
            return self.number()
        name = _NAME.match(text, at)
        if name and name.group() in _CONSTANTS:
            self.at = name.end()
            return _CONSTANTS[name.group()]
        raise self.fail("expected a value (a table, text, a number, true, false or nil)")

    def table(self, depth: int) -> dict[object, object]:
        if depth > MAX_DEPTH:
            raise self.fail(f"tables nested more than {MAX_DEPTH} deep")
        self.at += 1  # {
        result: dict[object, object] = {}
        position = 1
        while True:
            self.skip_space()
            if self.text.startswith("}", self.at):
                self.at += 1
                return result
            key: object
            if self.text.startswith("[", self.at) and self._long_bracket_level() is None:
                self.at += 1
                key = self.value(depth)
                self.skip_space()
                self.expect("]")
                self.expect("=")
            else:
                name = _NAME.match(self.text, self.at)
                after = name.end() if name else self.at
                if name and name.group() not in _CONSTANTS and self._next_is("=", after):
                    key = name.group()
                    self.at = after
                    self.expect("=")
                else:
                    key, position = position, position + 1
            if key is None:
                raise self.fail("a table key that is nil")
            result[key] = self.value(depth)
            self.skip_space()
            if self.text[self.at : self.at + 1] in (",", ";"):
                self.at += 1
            elif not self.text.startswith("}", self.at):
                raise self.fail("expected “,” or “}” in a table")

    def _next_is(self, token: str, at: int) -> bool:
        saved = self.at
        self.at = at
        self.skip_space()
        found = self.text.startswith(token, self.at) and not self.text.startswith("==", self.at)
        self.at = saved
        return found

    def expect(self, token: str) -> None:
        self.skip_space()
        if not self.text.startswith(token, self.at):
            raise self.fail(f"expected “{token}”")
        self.at += len(token)

    def number(self) -> int | float:
        negative = self.text.startswith("-", self.at)
        if negative:
            self.at += 1
        match = _NUMBER.match(self.text, self.at)
        if match is None:
            raise self.fail("expected a number")
        self.at = match.end()
        if _NAME.match(self.text, self.at):
            raise self.fail("a number followed by a name")
        literal = match.group()
        value: int | float = (
            int(literal, 16)
            if literal[:2].lower() == "0x"
            else float(literal)
            if any(c in literal for c in ".eE")
            else int(literal)
        )
        return -value if negative else value

    def quoted(self, quote: str) -> str:
        text, at = self.text, self.at + 1
        pieces: list[str] = []
        while True:
            if at >= len(text) or text[at] == "\n":
                self.at = at
                raise self.fail("text that is never closed")
            character = text[at]
            if character == quote:
                self.at = at + 1
                return "".join(pieces)
            if character != "\\":
                pieces.append(character)
                at += 1
                continue
            self.at = at
            piece, at = self._escape(at + 1)
            pieces.append(piece)

    def _escape(self, at: int) -> tuple[str, int]:
        text = self.text
        character = text[at : at + 1]
        if character in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[character], at + 1
        if character == "z":  # skips the following white space
            at += 1
            while at < len(text) and text[at].isspace():
                at += 1
            return "", at
        if character == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[at + 1 : at + 3]):
            return chr(int(text[at + 1 : at + 3], 16)), at + 3
        decimal = re.match(r"\d{1,3}", text[at : at + 3])
        if decimal and int(decimal.group()) < 256:
            return chr(int(decimal.group())), at + len(decimal.group())
        unicode = re.match(r"u\{([0-9a-fA-F]{1,6})\}", text[at : at + 10])
        if unicode and int(unicode.group(1), 16) <= 0x10FFFF:
            return chr(int(unicode.group(1), 16)), at + len(unicode.group())
        raise self.fail("an unknown escape in text")

    def _long_bracket_level(self) -> int | None:
        match = re.match(r"\[(=*)\[", self.text[self.at : self.at + 64])
        return len(match.group(1)) if match else None

    def _long_string(self, level: int) -> str:
        start = self.at + level + 2
        close = "]" + "=" * level + "]"
        end = self.text.find(close, start)
        if end == -1:
            raise self.fail("a long string that is never closed")
        self.at = end + len(close)
        content = self.text[start:end]
        return content[1:] if content.startswith("\n") else content


def parse_lua_table(text: str) -> dict[object, object]:
    """The table a ``return { … }`` file returns; ImportFormatError for anything else."""
    if len(text) > MAX_LUA_BYTES:
        raise ImportFormatError(
            f"The file has {len(text):,} characters; KOReader metadata files up to "
            f"{MAX_LUA_BYTES // (1024 * 1024)} MB are read."
        )
    parser = _Parser(text)
    parser.skip_space()
    if not text.startswith("return", parser.at) or _NAME.match(text, parser.at + 6):
        raise parser.fail("expected “return {”")
    parser.at += len("return")
    parser.skip_space()
    if not text.startswith("{", parser.at):
        raise parser.fail("expected “{” after return")
    result = parser.table(0)
    parser.skip_space()
    if text.startswith(";", parser.at):
        parser.at += 1
        parser.skip_space()
    if parser.at != len(text):
        raise parser.fail("expected the end of the file after the table")
    return result
