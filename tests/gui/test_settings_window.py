"""The window starts whatever the settings file holds, and remembers files whose names are not
valid UTF-8 as faithfully as any other."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reader.app.paths import AppPaths
from reader.app.settings import load_settings
from reader.ui.window import MainWindow

from .conftest import MakeWindow, wait_for_load

BASE64_OF_GARBAGE = json.dumps(
    {
        "window_geometry": base64.b64encode(b"\x01\xd9\xd0\xcb" + b"\xff" * 40).decode(),
        "window_state": base64.b64encode(b"\x00\x00\x00\xff" + b"\x07" * 40).decode(),
    }
).encode()
NASTY_SETTINGS: dict[str, bytes] = {
    "blobs not base64": json.dumps({"window_geometry": "abc", "window_state": "a=b"}).encode(),
    "blobs base64 of garbage": BASE64_OF_GARBAGE,
    "wrong types everywhere": json.dumps(
        {
            "theme": 3,
            "font_size": "big",
            "toc_visible": "no",
            "recent_files": [1, None, {"a": []}, "", "/x\x00y"],
            "positions": {"f": {"offset": "12"}, "g": 4, "h": {"offset": 2, "path": 5}},
        }
    ).encode(),
    "non-finite font size": b'{"font_size": NaN, "theme": "dark"}',
    "a list at the top": b"[1, 2, 3]",
    "invalid UTF-8": b'{"theme": "\xff"}',
    "invalid JSON": b"{",
}


def _write_settings(paths: AppPaths, content: bytes) -> None:
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_bytes(content)


@pytest.mark.parametrize("content", NASTY_SETTINGS.values(), ids=NASTY_SETTINGS.keys())
def test_the_window_starts_whatever_the_settings_hold(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, tmp_path: Path, content: bytes
) -> None:
    _write_settings(app_paths, content)
    window = make_window()
    assert window.isVisible()
    assert window.width() > 200 and window.height() > 200
    path = tmp_path / "書.txt"
    path.write_text("第一回 開始\n\n正文。", encoding="utf-8")
    wait_for_load(qtbot, window, lambda: window.open_path(path))
    assert window.current_path() == path
    window.close()
    if content != BASE64_OF_GARBAGE:  # well-formed for the settings, refused by Qt
        assert (app_paths.settings_file.parent / "settings.json.bad").read_bytes() == content
    assert load_settings(app_paths.settings_file).recent_files == [str(path)]


def test_a_settings_directory_does_not_stop_the_window(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths
) -> None:
    app_paths.settings_file.mkdir(parents=True)
    window = make_window()
    assert window.isVisible()
    window.close()
    assert app_paths.settings_file.is_file()  # saved afresh, the directory moved aside


def test_a_position_beyond_the_end_opens_at_the_end(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, tmp_path: Path
) -> None:
    path = tmp_path / "短.txt"
    path.write_text("第一回 開始\n\n正文。", encoding="utf-8")
    window = make_window()
    wait_for_load(qtbot, window, lambda: window.open_path(path))
    fingerprint = window.current_document().fingerprint  # type: ignore[union-attr]
    window.close()
    _write_settings(
        app_paths, json.dumps({"positions": {fingerprint: {"offset": 10**15}}}).encode()
    )
    reopened = make_window()
    wait_for_load(qtbot, reopened, lambda: reopened.open_path(path))
    assert reopened.current_path() == path


# -- file names that are not UTF-8 ---------------------------------------------------------------


@pytest.fixture
def undecodable_file(tmp_path: Path) -> Path:
    """A real file named with the byte 0xFF, which no UTF-8 name contains."""
    name = os.fsencode(tmp_path) + b"/bad\xff.txt"
    with open(name, "wb") as stream:  # noqa: PTH123 (Path cannot be built from bytes)
        filler = "\n\n".join(["正文一段，足以翻過幾頁。"] * 300)
        stream.write(f"第一回 開始\n\n{filler}\n\n第二回 再續\n\n{filler}".encode())
    return Path(os.fsdecode(name))


def test_a_file_with_an_undecodable_name_is_remembered_and_shown_readably(
    qtbot: QtBot, make_window: MakeWindow, app_paths: AppPaths, undecodable_file: Path
) -> None:
    window = make_window()
    wait_for_load(qtbot, window, lambda: window.open_path(undecodable_file))
    assert window.current_path() == undecodable_file
    assert "bad\\xff" in window.windowTitle()  # the title names the byte, as the CLI does
    window.navigation.go_to_entry(window.toc.entries[1])
    offset = window.view.top_offset()
    assert offset > 0
    window.close()

    settings = load_settings(app_paths.settings_file)
    assert settings.recent_files == [str(undecodable_file)]
    fingerprint = next(iter(settings.positions))
    assert settings.positions[fingerprint].path == str(undecodable_file)
    assert settings.positions[fingerprint].offset == offset

    reopened = make_window()
    [recent] = reopened.recent_menu.actions()
    assert "bad\ufffd.txt" in recent.toolTip() and "\udcff" not in recent.iconText()
    wait_for_load(qtbot, reopened, recent.trigger)
    assert reopened.current_path() == undecodable_file
    assert reopened.view.top_offset() == offset


def test_a_message_about_an_undecodable_name_shows_the_name(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    missing = Path(os.fsdecode(os.fsencode(tmp_path) + b"/gone\xfe.txt"))
    wait_for_load(qtbot, window, lambda: window.open_path(missing))
    assert "gone\ufffd.txt" in window.message_bar.text
