"""Preferences and reading state, persisted as plain JSON.

Settings are convenience, not precious data: a missing or damaged file means defaults, and every
save replaces the file atomically so a crash mid-write never leaves half a file behind. Damage is
never silent, though: a file that cannot be read, or that holds any value of the wrong shape, is
kept as ``settings.json.bad`` so the user can see what was dropped.

Paths are kept as Python strings from `os.fsdecode`, so a file name that is not valid UTF-8
carries lone surrogates (``\\udcff`` for the byte 0xFF). JSON escapes them, which keeps the file
valid UTF-8 and gives back the very same string, and so the very same file, when read.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reader.app.atomic import write_atomically

THEMES = ("light", "sepia", "dark")
DEFAULT_FONT_SIZE = 15.0
MIN_FONT_SIZE = 9.0
MAX_FONT_SIZE = 40.0
MAX_RECENT_FILES = 10
MAX_REMEMBERED_POSITIONS = 500
MAX_TITLE_LENGTH = 300
BUNDLED_DOCUMENT = "bundled"
"""`last_document` when it was the bundled article: its path changes with each installation
(and each run of a bundled executable), and no absolute path can be mistaken for this word."""
CHARACTER_FORMS = ("simplified", "traditional")
"""The values of `Settings.character_forms` (`reader.chinese.characters.CharacterForm`)."""
MAX_SETTINGS_BYTES = 16 * 1024 * 1024
"""Far beyond any real settings file (500 positions with long paths); a bigger one is damage."""
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_FieldReader = Callable[["Settings", Any], bool]
"""Sets one field from a JSON value if it has the right shape; True if taken as it stood."""


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
    recent_titles: dict[str, str] = field(default_factory=dict)
    """The title of each recent file, by path, for the Open Recent menu."""
    last_document: str = ""
    """What to reopen at start: the path of the last document read, `BUNDLED_DOCUMENT`, or
    empty before the first document was ever opened."""
    positions: dict[str, ReadingPosition] = field(default_factory=dict)
    pinyin: bool = False
    """Pinyin over the Han characters (View › Pinyin)."""
    full_width_punctuation: bool = True
    """Half-width punctuation in Chinese text shown full-width (display only)."""
    character_forms: dict[str, str] = field(default_factory=dict)
    """Per document fingerprint, the characters it is shown in (one of CHARACTER_FORMS);
    a document not listed is shown as written."""

    def remember_position(self, fingerprint: str, offset: int, path: Path | None) -> None:
        """Record the reading position, most recent last, forgetting the oldest beyond a cap."""
        self.positions.pop(fingerprint, None)
        self.positions[fingerprint] = ReadingPosition(offset, str(path) if path else None)
        while len(self.positions) > MAX_REMEMBERED_POSITIONS:
            del self.positions[next(iter(self.positions))]

    def take_synced_position(self, fingerprint: str, offset: int) -> None:
        """Take the reading position another machine reached, keeping the path known here."""
        known = self.positions.get(fingerprint)
        path = Path(known.path) if known is not None and known.path else None
        self.remember_position(fingerprint, offset, path)

    def position_of(self, fingerprint: str) -> int:
        """The remembered offset in a document, or 0 for one never read."""
        remembered = self.positions.get(fingerprint)
        return remembered.offset if remembered else 0

    def add_recent_file(self, path: Path, title: str = "") -> None:
        """Put `path` first in the recent files, without duplicates, with its `title`."""
        text = str(path)
        self.recent_files = [text, *(p for p in self.recent_files if p != text)]
        del self.recent_files[MAX_RECENT_FILES:]
        if title:
            self.recent_titles[text] = title[:MAX_TITLE_LENGTH]
        self.recent_titles = {p: t for p, t in self.recent_titles.items() if p in self.recent_files}

    def recent_title(self, path: str) -> str:
        """The title remembered for a recent file, or "" when none is known."""
        return self.recent_titles.get(path, "")


def decoded_blob(text: str) -> bytes | None:
    """The bytes of a base64 window blob, or None if `text` is not strict base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def load_settings(path: Path) -> Settings:
    """Read settings; fall back to defaults for whatever is damaged, keeping the file aside."""
    try:
        content = _read_regular_file(path)
    except FileNotFoundError:
        return Settings()
    except OSError:
        _move_aside(path)
        return Settings()
    try:
        raw = json.loads(content.decode("utf-8"))
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        _keep_copy(path, content)
        return Settings()
    settings, clean = _settings_from_json(raw)
    if not clean:
        _keep_copy(path, content)
    return settings


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings atomically (no fsync: it costs tens of milliseconds on the window's
    thread, and settings are not precious; after a power cut a damaged file is set aside)."""
    text = json.dumps(asdict(settings), ensure_ascii=False, indent=1)
    # Lone surrogates (undecodable file-name bytes) can only sit inside JSON strings: write them
    # as \\udcXX escapes, so the file stays UTF-8 and other text stays readable.
    write_atomically(path, _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _read_regular_file(path: Path) -> bytes:
    """The file's bytes; OSError for anything but a regular file of sane size (opened without
    blocking, so a FIFO put in its place cannot hang the start)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_SETTINGS_BYTES:
            raise OSError(f"{path} is not a settings file")
        return stream.read(MAX_SETTINGS_BYTES + 1)


def _settings_from_json(raw: object) -> tuple[Settings, bool]:
    """Take each known field if it has the right shape, else its default; also whether every
    known field was taken as it stood (unknown fields are ignored: a newer version's)."""
    settings = Settings()
    if not isinstance(raw, dict):
        return settings, False
    clean = True
    for name, value in raw.items():
        reader = _FIELD_READERS.get(name)
        if reader is not None:
            clean = reader(settings, value) and clean
    return settings, clean


def _read_theme(settings: Settings, value: Any) -> bool:
    if isinstance(value, str) and value in THEMES:
        settings.theme = value
        return True
    return False


def _read_font_size(settings: Settings, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        size = float(value)
    except OverflowError:  # an integer beyond any float
        return False
    if not math.isfinite(size):
        return False
    settings.font_size = min(max(size, MIN_FONT_SIZE), MAX_FONT_SIZE)
    return settings.font_size == value


def _read_blob(name: str) -> _FieldReader:
    def read(settings: Settings, value: Any) -> bool:
        if isinstance(value, str) and decoded_blob(value) is not None:
            setattr(settings, name, value)
            return True
        return False

    return read


def _read_toc_visible(settings: Settings, value: Any) -> bool:
    if isinstance(value, bool):
        settings.toc_visible = value
        return True
    return False


def _read_flag(name: str) -> _FieldReader:
    def read(settings: Settings, value: Any) -> bool:
        if isinstance(value, bool):
            setattr(settings, name, value)
            return True
        return False

    return read


def _read_character_forms(settings: Settings, value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    usable = {k: v for k, v in value.items() if isinstance(v, str) and v in CHARACTER_FORMS}
    settings.character_forms = dict(list(usable.items())[-MAX_REMEMBERED_POSITIONS:])
    return settings.character_forms == value


def _read_recent_files(settings: Settings, value: Any) -> bool:
    if not isinstance(value, list):
        return False
    usable = list(dict.fromkeys(p for p in value if _usable_path(p)))
    settings.recent_files = usable[:MAX_RECENT_FILES]
    return settings.recent_files == value


def _read_recent_titles(settings: Settings, value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    usable = {
        path: title
        for path, title in value.items()
        if _usable_path(path) and isinstance(title, str) and 0 < len(title) <= MAX_TITLE_LENGTH
    }
    settings.recent_titles = dict(list(usable.items())[-MAX_RECENT_FILES:])
    return settings.recent_titles == value


def _read_last_document(settings: Settings, value: Any) -> bool:
    if value in ("", BUNDLED_DOCUMENT) or (_usable_path(value) and Path(value).is_absolute()):
        settings.last_document = value
        return True
    return False


def _read_positions(settings: Settings, value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    clean = True
    for fingerprint, position in value.items():
        read = _reading_position(position)
        if read is None:
            clean = False
        else:
            settings.positions[fingerprint] = read
    while len(settings.positions) > MAX_REMEMBERED_POSITIONS:  # keep the most recent
        del settings.positions[next(iter(settings.positions))]
        clean = False
    return clean


def _reading_position(value: Any) -> ReadingPosition | None:
    if not isinstance(value, dict) or set(value) - {"offset", "path"}:
        return None
    offset, path = value.get("offset"), value.get("path")
    if type(offset) is not int or offset < 0:
        return None
    if path is not None and not _usable_path(path):
        return None
    return ReadingPosition(offset, path)


def _usable_path(value: Any) -> bool:
    """A non-empty string that names a file the system can be asked for."""
    if not isinstance(value, str) or not value or "\x00" in value:
        return False
    try:
        os.fsencode(value)
    except UnicodeEncodeError:  # a lone surrogate that no file-name byte decodes to
        return False
    return True


_FIELD_READERS: dict[str, _FieldReader] = {
    "theme": _read_theme,
    "font_size": _read_font_size,
    "window_geometry": _read_blob("window_geometry"),
    "window_state": _read_blob("window_state"),
    "toc_visible": _read_toc_visible,
    "recent_files": _read_recent_files,
    "recent_titles": _read_recent_titles,
    "last_document": _read_last_document,
    "positions": _read_positions,
    "pinyin": _read_flag("pinyin"),
    "full_width_punctuation": _read_flag("full_width_punctuation"),
    "character_forms": _read_character_forms,
}


def _keep_copy(path: Path, content: bytes) -> None:
    """Keep the damaged file's bytes as ``settings.json.bad``; the next save replaces the
    file itself with what could be read from it."""
    with contextlib.suppress(OSError):
        path.with_name(path.name + ".bad").write_bytes(content)


def _move_aside(path: Path) -> None:
    """Move a file that could not be read at all (a directory, a FIFO) out of the way."""
    with contextlib.suppress(OSError):
        path.replace(path.with_name(path.name + ".bad"))
