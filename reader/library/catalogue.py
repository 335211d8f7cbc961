"""The library: every document the user reads, with what a reader wants to see of each.

The catalogue is kept in the annotation store (schema 4), beside the documents' identities and
annotations, so it is backed up, checked and repaired with them, and two windows or processes
change it safely. A document joins when it is opened (`AnnotationStore.open_document`) or
added here; removing it only takes it off the list. Its identity is the store's: the same real
path is the same document, a moved file is found again by its text, a copy is a new document.

Reading progress is not stored: it is the remembered reading position (kept per text, with
the other reading state, by the application) over the length of the text. One place keeps
where the reader is, the store is not written on every scroll, and a position always pairs with
the length of the very text it was measured on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.annotations.errors import StoreError

if TYPE_CHECKING:  # the store (SQLite) loads when the library is first used
    from reader.annotations.store import AnnotationStore, LibraryRow
from reader.document.errors import DocumentError
from reader.library.adding import (
    AddReport,
    Progress,
    ReadAll,
    Skipped,
    add_all,
    read_for_library,
    read_here,
)
from reader.library.walking import Walk, text_files

MIN_ID_PREFIX = 4
"""The shortest start of an id the command line accepts for a document, as git does."""


class LibraryError(Exception):
    """The library could not do what was asked; the message is written for the user."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One document of the library, as the user sees it.

    `size` (bytes) and `length` (characters) are None until the file is read once since the
    library began; `progress` (0 to 1) is None without a length; `last_read` (ISO time) is
    None for a document added but never opened; `missing` when its file is no longer there.
    """

    id: str
    title: str
    author: str
    format: str
    path: Path | None
    size: int | None
    length: int | None
    progress: float | None
    last_read: str | None
    added: str | None
    annotations: int
    missing: bool
    fingerprint: str


class Library:
    """The user's library, over their annotation store."""

    def __init__(
        self,
        store: AnnotationStore,
        position_of: Callable[[str], int] = lambda _fingerprint: 0,
        exists: Callable[[Path], bool] = os.path.isfile,
    ) -> None:
        """`position_of` gives the reading position remembered for a text (by fingerprint);
        `exists` says whether a file is still there to be read (anything else at its path,
        a folder say, leaves the document missing)."""
        self.store = store
        self._position_of = position_of
        self._exists = exists

    def entries(self) -> list[Entry]:
        """Every document in the library, the one read most recently first."""
        return [self._entry(row) for row in self.store.library()]

    def entry(self, document_id: str) -> Entry:
        """The document with this id (or an unambiguous start of it, at least
        `MIN_ID_PREFIX` characters); `LibraryError` when there is none."""
        row = self.store.library_row(document_id)
        if row is not None:
            return self._entry(row)
        found = [
            e
            for e in self.entries()
            if len(document_id) >= MIN_ID_PREFIX and e.id.startswith(document_id)
        ]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise LibraryError(
                f"{document_id!r} starts the ids of {len(found)} documents; give more of it."
            )
        raise LibraryError(f"There is no document with the id {document_id!r} in the library.")

    # --- adding -----------------------------------------------------------------------------

    def add(
        self,
        paths: Iterable[Path],
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        read_all: ReadAll = read_here,
    ) -> AddReport:
        """Add files and folders. A file the user names is read whatever its name; a folder
        gives every text file under it (see `walking.text_files`), and its files of other
        kinds are skipped as not text without being read. `progress` is told (done, total);
        `cancelled` is asked before each file; `read_all` reads them (here, by default)."""
        files: list[Path] = []
        report = AddReport()
        for path in paths:
            if path.is_dir():
                walk = Walk()
                files += text_files(path, walk)
                report.skipped += [
                    Skipped(p, "not text", f"{p} is not a text file.") for p in walk.not_text
                ]
                report.skipped += [
                    Skipped(p, "unreadable", f"{p} cannot be read: {why}.")
                    for p, why in walk.unreadable
                ]
            else:
                files.append(path)
        return add_all(self.store, files, report, progress, cancelled, read_all)

    # --- changing ---------------------------------------------------------------------------

    def remove(self, document_id: str) -> Entry:
        """Take a document out of the library; the entry it was. Its file is never touched,
        and its annotations stay: they come back when the file is added again."""
        entry = self.entry(document_id)
        self.store.remove_from_library(entry.id)
        return entry

    def locate(self, document_id: str, path: Path) -> Entry:
        """Tell the library where a missing document's file is now: it must hold the same
        text (a different text is refused, nothing changes). The entry, found."""
        entry = self.entry(document_id)
        try:
            fingerprint, _title, _path, _details = read_for_library(path)
        except DocumentError as error:
            raise LibraryError(str(error)) from error
        try:
            self.store.move_document(entry.id, fingerprint, path)
        except StoreError as error:
            raise LibraryError(str(error)) from error
        return self.entry(entry.id)

    def _entry(self, row: LibraryRow) -> Entry:
        progress = None
        if row.length:
            progress = min(1.0, self._position_of(row.fingerprint) / row.length)
        return Entry(
            id=row.id,
            title=row.title,
            author=row.author,
            format=row.format,
            path=row.path,
            size=row.size,
            length=row.length,
            progress=progress,
            last_read=row.last_read,
            added=row.added,
            annotations=row.annotations,
            missing=row.path is None or not self._exists(row.path),
            fingerprint=row.fingerprint,
        )
