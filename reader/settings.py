"""Preferences and reading state, persisted as plain JSON.

Settings are convenience, not precious data: a missing or damaged file means defaults (the
damaged one is kept aside for inspection), and every save replaces the file atomically so a
crash mid-write never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from reader.atomic import write_atomically

THEMES = ("light", "sepia", "dark")
DEFAULT_FONT_SIZE = 15.0
MIN_FONT_SIZE = 9.0
MAX_FONT_SIZE = 40.0
MAX_RECENT_FILES = 10
MAX_REMEMBERED_POSITIONS = 500


@dataclass
class ReadingPosition:
    """Where the reader was in one document, keyed elsewhere by its fingerprint."""

    offset: int
    path: str | None = None


@dataclass
class Settings:
    """Everything the reader remembers between runs, other than annotations."""

    theme: str = "light"
    font_size: float = DEFAULT_FONT_SIZE
    window_geometry: str = ""
    """`QMainWindow.saveGeometry()` bytes, base64-encoded by the window."""
    window_state: str = ""
    """`QMainWindow.saveState()` bytes (dock layout), base64-encoded by the window."""
    toc_visible: bool = True
    recent_files: list[str] = field(default_factory=list)
    positions: dict[str, ReadingPosition] = field(default_factory=dict)

    def remember_position(self, fingerprint: str, offset: int, path: Path | None) -> None:
        """Record the reading position, most recent last, forgetting the oldest beyond a cap."""
        self.positions.pop(fingerprint, None)
        self.positions[fingerprint] = ReadingPosition(offset, str(path) if path else None)
        while len(self.positions) > MAX_REMEMBERED_POSITIONS:
            del self.positions[next(iter(self.positions))]

    def position_of(self, fingerprint: str) -> int:
        """The remembered offset in a document, or 0 for one never read."""
        remembered = self.positions.get(fingerprint)
        return remembered.offset if remembered else 0

    def add_recent_file(self, path: Path) -> None:
        """Put `path` first in the recent files, without duplicates."""
        text = str(path)
        self.recent_files = [text, *(p for p in self.recent_files if p != text)]
        del self.recent_files[MAX_RECENT_FILES:]


def load_settings(path: Path) -> Settings:
    """Read settings; fall back to defaults (keeping the bad file aside) if they are damaged."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError):
        _set_aside(path)
        return Settings()
    if not isinstance(raw, dict):
        _set_aside(path)
        return Settings()
    return _settings_from_json(raw)


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings atomically (no fsync: it costs tens of milliseconds on the window's
    thread, and settings are not precious; after a power cut a damaged file is set aside)."""
    write_atomically(path, json.dumps(asdict(settings), ensure_ascii=False, indent=1))


def _settings_from_json(raw: dict[str, Any]) -> Settings:
    """Take each known field if it has the right shape; ignore anything else."""
    defaults = Settings()
    values: dict[str, Any] = {}
    for spec in fields(Settings):
        value = raw.get(spec.name, getattr(defaults, spec.name))
        values[spec.name] = value
    settings = Settings()
    if values["theme"] in THEMES:
        settings.theme = values["theme"]
    if isinstance(values["font_size"], int | float):
        settings.font_size = min(max(float(values["font_size"]), MIN_FONT_SIZE), MAX_FONT_SIZE)
    for name in ("window_geometry", "window_state"):
        if isinstance(values[name], str):
            setattr(settings, name, values[name])
    if isinstance(values["toc_visible"], bool):
        settings.toc_visible = values["toc_visible"]
    if isinstance(values["recent_files"], list):
        settings.recent_files = [p for p in values["recent_files"] if isinstance(p, str)][
            :MAX_RECENT_FILES
        ]
    if isinstance(values["positions"], dict):
        for fingerprint, position in values["positions"].items():
            if isinstance(position, dict) and isinstance(position.get("offset"), int):
                path = position.get("path")
                settings.positions[str(fingerprint)] = ReadingPosition(
                    max(0, position["offset"]), path if isinstance(path, str) else None
                )
    return settings


def _set_aside(path: Path) -> None:
    """Keep a damaged settings file as ``settings.json.bad`` rather than silently losing it."""
    with contextlib.suppress(OSError):
        path.replace(path.with_name(path.name + ".bad"))
