"""The command line: structure as text or JSON, exit statuses, messages on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from reader.cli.common import EXIT_BROKEN_PIPE, EXIT_ERROR, EXIT_OK
from reader.cli.main import run
from reader.document.loader import load_document


def run_cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(arguments), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def test_toc_json_of_the_bundled_article() -> None:
    status, out, err = run_cli("toc", "--json")
    assert (status, err) == (EXIT_OK, "")
    toc = json.loads(out)
    assert toc["title"] == "從大模型到AI算力再到智算中心"
    assert toc["encoding"] == "utf-8"
    assert len(toc["fingerprint"]) == 24
    assert toc["sections"][0]["title"] == "智慧的火花:OpenAI的誕生與GPT的革命"
    assert len(toc["sections"]) == 5
    assert all(s["level"] == 1 for s in toc["sections"])


def test_toc_json_offsets_point_at_the_headings(novel_path: Path) -> None:
    status, out, _err = run_cli("toc", str(novel_path), "--json")
    toc = json.loads(out)
    text = load_document(novel_path).text
    assert status == EXIT_OK
    assert len(toc["sections"]) == 120
    for section in toc["sections"]:
        assert text[section["start"] :].startswith(section["title"].split(" ")[0])


def test_toc_as_text_lists_the_opening_and_sections() -> None:
    status, out, _err = run_cli("toc")
    lines = out.splitlines()
    assert status == EXIT_OK
    assert "從大模型到AI算力再到智算中心" in lines[0]
    assert len(lines) == 1 + 6
    assert lines[-1].strip().endswith("美國還能卡中國的脖子嗎?")


def test_a_missing_file_is_an_error_on_stderr_with_status_2(tmp_path: Path) -> None:
    status, out, err = run_cli("toc", str(tmp_path / "missing.txt"))
    assert (status, out) == (EXIT_ERROR, "")
    assert err.startswith("reader: ") and "does not exist" in err


def test_a_folder_is_an_error(tmp_path: Path) -> None:
    status, _out, err = run_cli("toc", str(tmp_path))
    assert status == EXIT_ERROR
    assert "folder" in err


def test_a_binary_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))
    status, _out, err = run_cli("toc", str(path))
    assert status == EXIT_ERROR
    assert "PNG" in err


def test_the_installed_command_answers_help_and_version() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "reader", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == f"reader {__version__}"
    help_text = subprocess.run(
        [sys.executable, "-m", "reader", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "toc [PATH] [--json]" in help_text
    assert "PATH" in help_text


def test_an_unknown_encoding_is_an_error() -> None:
    status, _out, err = run_cli("toc", "--encoding", "klingon")
    assert status == EXIT_ERROR
    assert "klingon" in err


# --- forced encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [(b"+2AA-", "utf-7"), (b"\\ud800", "unicode_escape"), (b"6869", "hex"), (b"x", "zlib")],
)
def test_an_encoding_that_gives_no_valid_text_is_a_clear_refusal(
    tmp_path: Path, data: bytes, encoding: str
) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    status, out, err = run_cli("toc", str(path), "--encoding", encoding)
    assert (status, out) == (EXIT_ERROR, "")
    assert err.startswith("reader: ") and err.count("\n") == 1
    assert "Traceback" not in err


# --- hostile titles and file names ---------------------------------------------------------------

ACTIVE = ("\x1b", "\x07", "\x9b", "\x7f", "\r", "\u202e", "\u2066")


def hostile_book(folder: Path) -> Path:
    """A book whose file name (so its title) carries escape sequences and whose chapter
    heading carries a bidi override (the cleanup drops C0/C1 controls from the text itself)."""
    path = folder / "evil\x1b]0;pwned\x07\x1b[2J.txt"
    path.write_text(
        "第一回 甄士隐\u202e梦幻识通灵\n\n正文在此，甄士隐\u2066醒来。\n", encoding="utf-8"
    )
    return path


def assert_inert(output: str) -> None:
    assert not [char for char in ACTIVE if char in output], repr(output)


def test_toc_shows_a_hostile_title_and_heading_as_visible_escapes(tmp_path: Path) -> None:
    status, out, err = run_cli("toc", str(hostile_book(tmp_path)))
    assert (status, err) == (EXIT_OK, "")
    assert_inert(out)
    assert out.startswith("evil\\x1b]0;pwned\\x07\\x1b[2J  (utf-8, ")
    assert "第一回 甄士隐\\u202e梦幻识通灵" in out


def test_search_shows_hostile_sections_and_snippets_as_visible_escapes(tmp_path: Path) -> None:
    status, out, err = run_cli("search", "醒来", str(hostile_book(tmp_path)))
    assert (status, err) == (EXIT_OK, "")
    assert_inert(out)
    assert "甄士隐\\u2066【醒来】" in out


@pytest.mark.parametrize("command", [["toc"], ["search", "甄士隐"]], ids=["toc", "search"])
def test_json_output_escapes_bidi_controls_and_keeps_the_text(
    tmp_path: Path, command: list[str]
) -> None:
    status, out, _err = run_cli(*command, str(hostile_book(tmp_path)), "--json")
    assert status == EXIT_OK
    assert_inert(out)
    assert "\\u202e" in out and "梦幻识通灵" in out
    assert "第一回 甄士隐\u202e梦幻识通灵" in json.dumps(json.loads(out), ensure_ascii=False)


def undecodable_name(folder: Path) -> Path:
    """A real file whose name has the byte 0xff, which is not UTF-8."""
    path = folder / os.fsdecode(b"bad\xff.txt")
    path.write_text("第一回 开篇\n\n正文在此。\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [["toc"], ["toc", "--json"], ["search", "正文"], ["search", "正文", "--json"]],
    ids=" ".join,
)
def test_a_file_name_with_an_undecodable_byte_prints_readably(
    tmp_path: Path, command: list[str]
) -> None:
    status, out, err = run_cli(*command[:2], str(undecodable_name(tmp_path)), *command[2:])
    assert (status, err) == (EXIT_OK, "")
    out.encode("utf-8")  # strict, as a UTF-8 terminal's stdout is: no lone surrogate
    if command == ["toc"]:
        assert out.startswith("bad\\xff  (utf-8, ")
    if command == ["toc", "--json"]:
        toc = json.loads(out)
        assert toc["title"] == "bad\\xff"
        assert toc["path"] == str(tmp_path / "bad\\xff.txt")


def test_an_error_about_an_undecodable_file_name_is_readable(tmp_path: Path) -> None:
    missing = tmp_path / os.fsdecode(b"gone\xff.txt")
    status, _out, err = run_cli("toc", str(missing))
    assert status == EXIT_ERROR
    assert err == f"reader: {tmp_path}/gone\\xff.txt does not exist.\n"


def test_the_installed_command_prints_an_undecodable_name_on_a_strict_utf8_stdout(
    tmp_path: Path,
) -> None:
    path = undecodable_name(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "reader", "toc", str(path)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
        check=False,
    )
    assert (result.returncode, result.stderr) == (EXIT_OK, b"")
    assert result.stdout.startswith(b"bad\\xff  (utf-8, ")


# --- output closed early (reader toc BOOK | head) ------------------------------------------------


def run_with_stdout_closed(*arguments: str) -> subprocess.CompletedProcess[bytes]:
    """Run the installed command with a stdout nobody reads: the pipe's read end is closed
    before the child starts, so its first write fails, as under ``| head -1`` on a long
    listing, without depending on timing."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "reader", *arguments],
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=600,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "command",
    [["toc"], ["toc", "--json"], ["search", "宝玉"], ["search", "宝玉", "--json"], ["annotations"]],
    ids=" ".join,
)
def test_a_closed_output_ends_the_command_quietly(novel_path: Path, command: list[str]) -> None:
    result = run_with_stdout_closed(*command[:2], str(novel_path), *command[2:])
    assert result.stderr == b""
    assert result.returncode == EXIT_BROKEN_PIPE


def test_head_of_a_listing_prints_no_traceback(novel_path: Path) -> None:
    """The real pipeline, for good measure: whether `head` leaves before or after the whole
    listing is written, the command says nothing on stderr."""
    result = subprocess.run(
        f'"{sys.executable}" -m reader toc "{novel_path}" | head -1',
        shell=True,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    assert result.stderr == ""
    assert result.stdout.startswith("红楼梦  (utf-8, ")
