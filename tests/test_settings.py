"""Settings survive a round trip, and damage never stops the reader from starting."""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import threading
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from reader.app.settings import (
    BUNDLED_DOCUMENT,
    DEFAULT_FONT_SIZE,
    MAX_FONT_SIZE,
    MAX_RECENT_FILES,
    MAX_REMEMBERED_POSITIONS,
    MAX_TITLE_LENGTH,
    MIN_FONT_SIZE,
    THEMES,
    Settings,
    load_settings,
    save_settings,
)


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    settings = Settings(theme="dark", font_size=18.0, window_geometry="AAEC", toc_visible=False)
    settings.remember_position("abc", 1234, Path("/books/紅樓夢.txt"))
    settings.add_recent_file(Path("/books/紅樓夢.txt"))
    save_settings(settings, path)
    assert load_settings(path) == settings


def test_missing_settings_mean_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nothing.json") == Settings()


def test_damaged_settings_are_set_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'{"theme": "dark", \x00\xff')
    assert load_settings(path) == Settings()
    assert (tmp_path / "settings.json.bad").read_bytes().startswith(b'{"theme"')


def test_wrongly_shaped_values_are_ignored_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "theme": "neon",
                "font_size": 400,
                "recent_files": ["/a.txt", 3, None],
                "positions": {"ok": {"offset": 5}, "bad": {"offset": "x"}, "worse": 7},
                "toc_visible": "yes",
                "unknown": 1,
            }
        ),
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.theme == "light"
    assert settings.font_size == 40.0
    assert settings.recent_files == ["/a.txt"]
    assert settings.position_of("ok") == 5
    assert settings.position_of("bad") == 0
    assert settings.toc_visible is True


def test_recent_files_are_unique_most_recent_first_and_capped() -> None:
    settings = Settings()
    for number in range(MAX_RECENT_FILES + 3):
        settings.add_recent_file(Path(f"/books/{number}.txt"))
    settings.add_recent_file(Path("/books/5.txt"))
    assert settings.recent_files[0] == "/books/5.txt"
    assert len(settings.recent_files) == MAX_RECENT_FILES
    assert len(set(settings.recent_files)) == MAX_RECENT_FILES


def test_the_last_document_and_recent_titles_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings()
    settings.add_recent_file(Path("/books/紅樓夢.txt"), "紅樓夢")
    settings.add_recent_file(Path("/books/無題.txt"))
    settings.last_document = "/books/紅樓夢.txt"
    save_settings(settings, path)
    loaded = load_settings(path)
    assert loaded == settings
    assert loaded.recent_title("/books/紅樓夢.txt") == "紅樓夢"
    assert loaded.recent_title("/books/無題.txt") == ""
    settings.last_document = BUNDLED_DOCUMENT
    save_settings(settings, path)
    assert load_settings(path).last_document == BUNDLED_DOCUMENT


def test_settings_of_an_older_version_without_titles_or_last_document_load_cleanly(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"recent_files": ["/a.txt"], "theme": "dark"}), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.recent_files == ["/a.txt"] and loaded.recent_title("/a.txt") == ""
    assert loaded.last_document == ""
    assert not (tmp_path / "settings.json.bad").exists()


def test_titles_of_files_that_left_the_recent_list_are_forgotten() -> None:
    settings = Settings()
    for number in range(MAX_RECENT_FILES + 3):
        settings.add_recent_file(Path(f"/books/{number}.txt"), f"第{number}本")
    assert set(settings.recent_titles) == set(settings.recent_files)
    assert (
        settings.recent_title(f"/books/{MAX_RECENT_FILES + 2}.txt") == f"第{MAX_RECENT_FILES + 2}本"
    )


def test_positions_forget_the_least_recently_read_beyond_the_cap() -> None:
    settings = Settings()
    for number in range(MAX_REMEMBERED_POSITIONS + 1):
        settings.remember_position(f"doc{number}", number, None)
    assert settings.position_of("doc0") == 0
    assert settings.position_of(f"doc{MAX_REMEMBERED_POSITIONS}") == MAX_REMEMBERED_POSITIONS


def test_a_failed_save_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(theme="sepia"), path)
    tmp_path.chmod(0o500)
    try:
        with contextlib.suppress(OSError):
            save_settings(Settings(theme="dark"), path)
        assert load_settings(path).theme in {"sepia", "dark"}  # root may still write
        assert not list(tmp_path.glob(".settings.json-*"))
    finally:
        tmp_path.chmod(0o700)


# -- garbage in, defaults out ------------------------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(
        ["\ud800", "\udcff", "abc", "AAEC", "", "light", "/a\x00b", "==", "/a.txt", "bundled"]
    )
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["offset", "path", "/a.txt"]), children
        )
    ),
    max_leaves=12,
)
FIELD_NAMES = [spec.name for spec in fields(Settings)]


def _assert_well_formed(settings: Settings) -> None:
    """Every value is one the window can use as it is."""
    assert settings.theme in THEMES
    assert math.isfinite(settings.font_size)
    assert MIN_FONT_SIZE <= settings.font_size <= MAX_FONT_SIZE
    for blob in (settings.window_geometry, settings.window_state):
        assert isinstance(blob, str)
        base64.b64decode(blob, validate=True)
    assert isinstance(settings.toc_visible, bool)
    assert len(settings.recent_files) <= MAX_RECENT_FILES
    for recent in settings.recent_files:
        assert recent and "\x00" not in recent
        os.fsencode(recent)
    assert len(settings.recent_titles) <= MAX_RECENT_FILES
    for recent, title in settings.recent_titles.items():
        assert recent and "\x00" not in recent
        os.fsencode(recent)
        assert isinstance(title, str) and 0 < len(title) <= MAX_TITLE_LENGTH
    last = settings.last_document
    assert last in ("", BUNDLED_DOCUMENT) or (Path(last).is_absolute() and "\x00" not in last)
    os.fsencode(last)
    assert len(settings.positions) <= MAX_REMEMBERED_POSITIONS
    for fingerprint, position in settings.positions.items():
        assert isinstance(fingerprint, str)
        assert type(position.offset) is int and position.offset >= 0
        if position.path is not None:
            assert position.path and "\x00" not in position.path
            os.fsencode(position.path)


@hyp_settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=5), JSON_VALUES),
)
def test_any_json_values_load_as_usable_settings_that_round_trip(
    tmp_path: Path, values: dict[str, object]
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    loaded = load_settings(path)
    _assert_well_formed(loaded)
    save_settings(loaded, path)
    assert load_settings(path) == loaded


@hyp_settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=200) | st.text(max_size=50).map(str.encode))
def test_any_bytes_load_as_usable_settings(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    _assert_well_formed(load_settings(path))


NASTY_VALUES: dict[str, dict[str, object]] = {
    "geometry not base64": {"window_geometry": "abc"},
    "state not base64": {"window_state": "!!!"},
    "geometry a number": {"window_geometry": 12},
    "position with a string offset": {"positions": {"f": {"offset": "12", "path": "/a.txt"}}},
    "position with a boolean offset": {"positions": {"f": {"offset": True}}},
    "position with a negative offset": {"positions": {"f": {"offset": -4}}},
    "position path a number": {"positions": {"f": {"offset": 1, "path": 7}}},
    "positions a list": {"positions": [1, 2]},
    "recent files with numbers": {"recent_files": ["/a.txt", 3, None, ["x"]]},
    "recent files huge": {"recent_files": [f"/{n}.txt" for n in range(10_000)]},
    "recent file with a NUL": {"recent_files": ["/a\x00b.txt"]},
    "recent file empty": {"recent_files": [""]},
    "recent file a lone high surrogate": {"recent_files": ["/a\ud800.txt"]},
    "font size an integer beyond any float": {"font_size": 10**400},
    "font size boolean": {"font_size": True},
    "font size a string": {"font_size": "15"},
    "theme a list": {"theme": ["dark"]},
    "recent titles a list": {"recent_titles": ["紅樓夢"]},
    "recent title a number": {"recent_titles": {"/a.txt": 3}},
    "recent title empty": {"recent_titles": {"/a.txt": ""}},
    "recent title far too long": {"recent_titles": {"/a.txt": "長" * 100_000}},
    "recent title for a path with a NUL": {"recent_titles": {"/a\x00.txt": "書"}},
    "recent titles huge": {"recent_titles": {f"/{n}.txt": "書" for n in range(10_000)}},
    "last document relative": {"last_document": "books/a.txt"},
    "last document a number": {"last_document": 7},
    "last document with a NUL": {"last_document": "/a\x00.txt"},
    "last document a lone surrogate": {"last_document": "/a\ud800.txt"},
    "nested garbage": {"theme": {"a": [{"b": None}]}, "toc_visible": [[[]]]},
}


@pytest.mark.parametrize("values", NASTY_VALUES.values(), ids=NASTY_VALUES.keys())
def test_a_bad_value_falls_back_to_its_default_and_the_file_is_kept(
    tmp_path: Path, values: dict[str, object]
) -> None:
    path = tmp_path / "settings.json"
    good = {"toc_visible": False, "recent_files": ["/kept.txt"]}
    content = json.dumps({**good, **values}).encode()
    path.write_bytes(content)
    loaded = load_settings(path)
    _assert_well_formed(loaded)
    assert (tmp_path / "settings.json.bad").read_bytes() == content
    for name in values:
        if name not in ("recent_files", "recent_titles"):  # lists keep their usable part
            assert getattr(loaded, name) == getattr(Settings(), name)
    if "toc_visible" not in values:
        assert loaded.toc_visible is False  # the good values are kept


NASTY_FILES: dict[str, bytes] = {
    "invalid JSON": b'{"theme": "dark",',
    "a list at the top": b'["dark"]',
    "a string at the top": b'"dark"',
    "invalid UTF-8": b'{"theme": "d\xffark"}',
    "NaN font size": b'{"font_size": NaN}',
    "infinite font size": b'{"font_size": Infinity}',
    "overflowing font size": b'{"font_size": 1e400}',
    "deeply nested": b'{"theme": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "an integer too long to parse": b'{"font_size": ' + b"9" * 5000 + b"}",
    "empty": b"",
}


@pytest.mark.parametrize("content", NASTY_FILES.values(), ids=NASTY_FILES.keys())
def test_an_unreadable_file_means_defaults_and_is_kept(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    loaded = load_settings(path)
    _assert_well_formed(loaded)
    assert loaded.font_size == DEFAULT_FONT_SIZE
    assert (tmp_path / "settings.json.bad").read_bytes() == content


def test_good_settings_leave_no_bad_copy(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(theme="dark", window_geometry="AAEC"), path)
    assert load_settings(path).theme == "dark"
    assert not (tmp_path / "settings.json.bad").exists()


def test_a_settings_directory_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    (path / "inside").write_text("x", encoding="utf-8")
    assert load_settings(path) == Settings()
    assert (tmp_path / "settings.json.bad" / "inside").exists()
    save_settings(Settings(theme="sepia"), path)
    assert load_settings(path).theme == "sepia"


def test_a_settings_fifo_does_not_hang_the_start(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    outcome: list[Settings] = []
    loading = threading.Thread(target=lambda: outcome.append(load_settings(path)), daemon=True)
    loading.start()
    loading.join(timeout=30)  # a guard against hanging the suite, not a time budget
    if loading.is_alive():  # unblock the reader so the thread ends, then fail
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        loading.join()
        pytest.fail("load_settings blocked reading a FIFO")
    assert outcome == [Settings()]


# -- paths that are not valid UTF-8 ---------------------------------------------------------------

UNDECODABLE = os.fsdecode(b"/books/bad\xff\xfe name.txt")


def test_undecodable_paths_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings()
    settings.add_recent_file(Path(UNDECODABLE))
    settings.remember_position("fingerprint", 42, Path(UNDECODABLE))
    save_settings(settings, path)
    path.read_bytes().decode("utf-8")  # the file itself is valid UTF-8 JSON
    loaded = load_settings(path)
    assert loaded.recent_files == [UNDECODABLE]
    assert loaded.positions["fingerprint"].path == UNDECODABLE
    assert os.fsencode(loaded.recent_files[0]) == b"/books/bad\xff\xfe name.txt"


def test_readable_paths_stay_readable_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings()
    settings.add_recent_file(Path("/books/紅樓夢.txt"))
    save_settings(settings, path)
    assert "紅樓夢" in path.read_text(encoding="utf-8")


@hyp_settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.binary(min_size=1, max_size=12).filter(lambda b: b"\x00" not in b)),
    offset=st.integers(min_value=0, max_value=10**12),
)
def test_any_file_name_bytes_round_trip(tmp_path: Path, names: list[bytes], offset: int) -> None:
    path = tmp_path / "settings.json"
    settings = Settings()
    for name in names:
        settings.add_recent_file(Path(os.fsdecode(b"/" + name)))
        settings.remember_position(name.hex(), offset, Path(os.fsdecode(b"/" + name)))
    save_settings(settings, path)
    assert load_settings(path) == settings


def test_chinese_display_choices_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(pinyin=True, full_width_punctuation=False)
    settings.character_forms["abc"] = "simplified"
    save_settings(settings, path)
    loaded = load_settings(path)
    assert (loaded.pinyin, loaded.full_width_punctuation) == (True, False)
    assert loaded.character_forms == {"abc": "simplified"}
    assert not path.with_name("settings.json.bad").exists()


def test_damaged_chinese_display_choices_fall_back_and_the_file_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "pinyin": "yes",
                "full_width_punctuation": 1,
                "character_forms": {"a": "traditional", "b": "klingon", "c": 3},
            }
        ),
        encoding="utf-8",
    )
    loaded = load_settings(path)
    assert (loaded.pinyin, loaded.full_width_punctuation) == (False, True)
    assert loaded.character_forms == {"a": "traditional"}
    assert path.with_name("settings.json.bad").exists()
