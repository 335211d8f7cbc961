"""How tall each laid-out page was, remembered so a book reopens with its scroll bar final.

Qt lays a long book out lazily, after the first screen, and meanwhile extrapolates the page's
height from the part laid out so far: the scroll bar's handle slides for a second or more after
the text is shown, most visibly when the book reopens far in. A page's height depends only on
what was laid out (the text shown, the fonts, the width, the formats), so the window keys it
by all of that (`page_key`) and the next opening shows the scroll bar as it will end.

This is a cache: a missing, unreadable or damaged file, or an entry that no longer matches
what Qt lays out, costs nothing but the sliding handle once; the entry is then written anew.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from reader.app.atomic import write_atomically

FILE_NAME = "page-heights.json"
MAX_ENTRIES = 64
"""Pages remembered (the most recently laid out): a reader's current books, a small file."""
MAX_FILE_BYTES = 64 * 1024
"""Far beyond MAX_ENTRIES entries; a bigger file is not ours and is ignored."""


def page_key(parts: Iterable[object]) -> str:
    """A stable key for everything a page's height depends on (each part as its `str`; a
    book's whole text among them: 3 ms for the novel, as UTF-16 through SHA-1)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for part in parts:
        data = str(part).encode("utf-16-le", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


class PageHeights:
    """Page heights in pixels by `page_key`, kept in one small JSON file in the cache folder."""

    def __init__(self, cache_dir: Path) -> None:
        self._path = cache_dir / FILE_NAME
        self._heights: dict[str, int] | None = None  # read on first use

    def height_of(self, key: str) -> int | None:
        """The height last recorded for `key`, if any."""
        return self._read().get(key)

    def record(self, key: str, height: int) -> None:
        """Remember `height` for `key` (as the most recent entry) and write the file; a file
        that cannot be written is left as it is (the cache only saves a moment)."""
        heights = self._read()
        if heights.get(key) == height:
            return
        heights.pop(key, None)
        heights[key] = height
        while len(heights) > MAX_ENTRIES:
            del heights[next(iter(heights))]
        with contextlib.suppress(OSError):
            write_atomically(self._path, json.dumps(heights))

    def _read(self) -> dict[str, int]:
        if self._heights is None:
            self._heights = _load(self._path)
        return self._heights


def _load(path: Path) -> dict[str, int]:
    """The entries of the file that are well formed; nothing from a missing or damaged one."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return {}
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(value, dict):
        return {}
    return {
        key: height
        for key, height in value.items()
        if isinstance(key, str) and type(height) is int and height > 0
    }
