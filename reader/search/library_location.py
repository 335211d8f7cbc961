"""Where the library index lives, known without loading Whoosh: the window asks, right after
its first page, whether there is an index to keep current."""

from __future__ import annotations

from pathlib import Path

LIBRARY_ANALYSIS_VERSION = 3
"""The version of the library index's analysis (`reader.search.library_analysis`), part of the
index directory's name: change it whenever folding or the terms change, and every library
index is rebuilt."""
DIRECTORY_PREFIX = "library-index-a"


def library_index_directory(cache_dir: Path) -> Path:
    """Where this analysis version's library index lives."""
    return cache_dir / f"{DIRECTORY_PREFIX}{LIBRARY_ANALYSIS_VERSION}"
