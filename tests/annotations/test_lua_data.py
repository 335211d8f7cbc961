"""KOReader's Lua sidecars read as data: every literal Lua allows, and nothing that runs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.koreader import parse_koreader_lua
from reader.annotations.exchange.lua_data import MAX_DEPTH, MAX_LUA_BYTES, parse_lua_table


def test_literals_of_every_kind() -> None:
    source = r"""-- a comment
    --[==[ a long
    comment ]==]
    return {
        "positional", 'single \'quoted\'', [[long
string]], [==[with ]] inside]==],
        n = -12, f = 1.5e3, h = 0x1F, t = true, no = false, ["nil-key-value"] = nil;
        ["escapes"] = "\65\066\x43\u{4E2D}\n\t\\\"\z
                       continued",
        [7] = { nested = { deeper = {} } },
    }
    """
    assert parse_lua_table(source) == {
        1: "positional",
        2: "single 'quoted'",
        3: "long\nstring",
        4: "with ]] inside",
        "n": -12,
        "f": 1500.0,
        "h": 31,
        "t": True,
        "no": False,
        "nil-key-value": None,
        "escapes": 'ABC中\n\t\\"continued',
        7: {"nested": {"deeper": {}}},
    }


def lua_literal(value: object) -> str:
    """A Lua literal for a Python value (the way KOReader's dump writes one)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        escaped = "".join(f"\\{ord(c):03d}" if c in '"\\\n\r' or ord(c) < 32 else c for c in value)
        return f'"{escaped}"'
    assert isinstance(value, dict)
    items = ", ".join(f"[{lua_literal(k)}] = {lua_literal(v)}" for k, v in value.items())
    return "{" + items + "}"


keys = st.one_of(st.text(max_size=8), st.integers(-1000, 1000))
leaves = st.one_of(st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=20))
tables = st.recursive(leaves, lambda inner: st.dictionaries(keys, inner, max_size=5), max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(keys, tables, max_size=6))
def test_any_table_of_literals_reads_back_as_written(table: dict[object, object]) -> None:
    assert parse_lua_table("return " + lua_literal(table)) == table


HOSTILE = [
    ('return { os.execute("rm -rf ~") }', "line 1, column 10: expected a value"),
    ("os.execute('touch /tmp/x') return {}", "expected “return {”"),
    ("return { f = function() return 1 end }", "expected a value"),
    ("return { x = 1 }; os.exit()", "expected the end of the file"),
    ('return { ["a"] = "b" .. "c" }', "expected “,” or “}”"),
    ('return { ["a"] = "\\q" }', "an unknown escape"),
    ('return { ["a"] = "never closed }', "text that is never closed"),
    ("return { [[never closed }", "a long string that is never closed"),
    ("return setmetatable({}, {})", "expected “{” after return"),
    ("return { a = 1", "expected “,” or “}”"),
    ("return " + "{" * (MAX_DEPTH + 5) + "}" * (MAX_DEPTH + 5), f"nested more than {MAX_DEPTH}"),
    ("return { [nil] = 1 }", "a table key that is nil"),
    ("return { 12abc }", "a number followed by a name"),
]


@pytest.mark.parametrize(("source", "message"), HOSTILE)
def test_anything_but_data_is_refused_with_its_place(source: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        parse_lua_table(source)


def test_a_refused_sidecar_says_it_was_never_run() -> None:
    with pytest.raises(ImportFormatError, match="never run"):
        parse_koreader_lua('return { ["annotations"] = { [1] = dofile("/etc/passwd") } }')


def test_a_huge_sidecar_is_refused_by_size() -> None:
    with pytest.raises(ImportFormatError, match="up to 16 MB"):
        parse_lua_table("return {" + " " * MAX_LUA_BYTES + "}")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('return { ["doc_props"] = "红楼梦" }', "doc_props is text, not a table"),
        ('return { ["annotations"] = { [1] = { ["text"] = 5 } } }', "text is a number"),
        ('return { ["annotations"] = { x = {} } }', "annotations is not a list"),
    ],
)
def test_a_sidecar_with_wrong_types_is_refused(source: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        parse_koreader_lua(source)
