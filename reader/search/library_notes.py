"""Bringing the notes of an existing library index up to date, and nothing else.

A note edited in the window should be answered from the index within a second, without a whole
build: this writes only the notes that changed (one small commit), in whatever thread calls it.
It never creates an index: before the first build there is nothing to update, and the build
indexes every note anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reader.search.library_index import LibraryIndex, LibraryIndexError
from reader.search.library_model import IndexedNote


def sync_index_notes(cache_dir: Path, notes: Sequence[IndexedNote]) -> int:
    """Make the index's notes exactly `notes`; how many were written or removed (0 when there
    is no usable index yet). Raises `LibraryIndexError` when the index cannot be written."""
    try:
        library_index = LibraryIndex.open(cache_dir)
    except LibraryIndexError:
        return 0  # missing, damaged or outdated: the next build makes it, notes included
    try:
        return library_index.sync_notes(notes)
    except LibraryIndexError:
        raise
    except Exception as error:  # Whoosh tripping over damage found only now
        raise LibraryIndexError(f"The library index could not be updated ({error!r}).") from None
    finally:
        library_index.close()
