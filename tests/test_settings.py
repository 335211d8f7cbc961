"""Settings survive a round trip, and damage never stops the reader from starting."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from reader.settings import (
    MAX_RECENT_FILES,
    MAX_REMEMBERED_POSITIONS,
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
