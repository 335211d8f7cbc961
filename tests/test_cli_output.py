"""Plain and JSON output of the command line: control characters are visible and inert."""

from __future__ import annotations

import io
import json

import pytest

from reader.cli.output import dump_json, message, printable

# Every character a terminal may act on: C0 but tab, DEL, C1, bidi embeddings/overrides/isolates.
ACTIVE = (
    [chr(c) for c in range(0x20) if c != 0x09]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


@pytest.mark.parametrize("char", ACTIVE, ids=lambda c: f"U+{ord(c):04X}")
def test_printable_shows_each_active_character_as_a_visible_escape(char: str) -> None:
    shown = printable(f"紅{char}樓")
    assert char not in shown
    assert shown.startswith("紅\\") and shown.endswith("樓")
    expected = f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"
    assert shown == f"紅{expected}樓" or (char == "\n" and shown == "紅\\n樓")


def test_printable_leaves_tabs_and_cjk_alone_and_continues_newlines_as_asked() -> None:
    assert printable("甲\t乙") == "甲\t乙"
    assert printable("第一行\n第二行", newline="\n    ") == "第一行\n    第二行"


def test_an_undecodable_file_name_byte_is_shown_as_that_byte() -> None:
    assert printable("bad\udcff.txt") == "bad\\xff.txt"
    assert (
        message("/tmp/bad\udcff.txt does not exist.") == "reader: /tmp/bad\\xff.txt does not exist."
    )


def test_json_escapes_c1_del_and_bidi_but_keeps_the_data_and_the_cjk() -> None:
    value = {"note": "".join(ACTIVE) + "紅樓夢", "tags": ["t\u202e"]}
    stream = io.StringIO()
    dump_json(value, stream)
    out = stream.getvalue()
    assert not any(char in out for char in ACTIVE if char != "\n")
    assert "紅樓夢" in out and out.endswith("}\n")
    assert json.loads(out) == value


def test_json_carries_an_undecodable_file_name_byte_readably() -> None:
    stream = io.StringIO()
    dump_json({"path": "/tmp/bad\udcff.txt"}, stream)
    stream.getvalue().encode("utf-8")  # strict: no lone surrogate is written
    assert json.loads(stream.getvalue()) == {"path": "/tmp/bad\\xff.txt"}
