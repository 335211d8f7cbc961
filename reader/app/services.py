"""The composition root: every service the reader runs on, built once, handed to the window or
the command line.

Nothing else builds a store, reads the settings or finds the bundled article: the window and
each command receive a `Services` and ask it. Each service is made on first use, so a command
that needs none of them (``reader toc``) never opens the annotation database, and the window
can show its first page before the store is checked.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.app.bundled import BUNDLED_ARTICLE_TITLE, bundled_article_path
from reader.app.paths import AppPaths
from reader.app.settings import Settings, load_settings
from reader.document.loader import load_document
from reader.document.model import Document

if TYPE_CHECKING:
    from reader.annotations.store import AnnotationStore
    from reader.library.catalogue import Library
    from reader.sync.journal import Journal


class Services:
    """The reader's services for one process (or one test): paths first, the rest on demand."""

    def __init__(self, paths: AppPaths, *, store: AnnotationStore | None = None) -> None:
        """`store`: an annotation store opened elsewhere (a test's read-only one)."""
        self.paths = paths
        self._settings: Settings | None = None
        self._store = store
        self._store_messages: list[str] = []
        self._store_error: str | None = None
        self._library: Library | None = None
        self._store_lock = threading.RLock()
        """The window opens the store on a worker while the UI may ask for it: opened once."""

    @classmethod
    def from_environment(cls) -> Services:
        """The services of the user running the program (XDG variables honoured)."""
        return cls(AppPaths.from_environment())

    @property
    def settings(self) -> Settings:
        """Preferences and reading state, read once (damaged values fall back to defaults)."""
        if self._settings is None:
            self._settings = load_settings(self.paths.settings_file)
        return self._settings

    def annotation_store(self) -> AnnotationStore:
        """The user's annotation store, opened (checked, repaired) on first use; raises
        `StoreError` when it cannot be opened at all. Any thread may ask; a second asker waits
        for the first."""
        with self._store_lock:
            if self._store is None:
                from reader.annotations.store import AnnotationStore

                self._store = AnnotationStore.open(self.paths.data_dir)
                self._store_messages = list(self._store.report.messages)
            return self._store

    def annotation_store_if_possible(self) -> tuple[AnnotationStore | None, list[str]]:
        """The store, or None when it cannot be opened (the reader still reads); and what the
        user should hear about it (repairs, read-only, or why it is unavailable)."""
        from reader.annotations.store import StoreError

        with self._store_lock:
            if self._store is None and self._store_error is None:
                try:
                    self.annotation_store()
                except StoreError as error:
                    self._store_error = f"Annotations are unavailable: {error}"
            messages = [self._store_error] if self._store_error else self._store_messages
            return self._store, list(messages)

    def library(self) -> Library:
        """The user's library, over the annotation store (opened if needed; `StoreError` when
        it cannot be), with progress from the reading positions in the settings."""
        if self._library is None:
            from reader.library.catalogue import Library

            self._library = Library(self.annotation_store(), self.settings.position_of)
        return self._library

    @contextlib.contextmanager
    def sync_journal(self) -> Iterator[Journal]:
        """This machine's sync journal (beside the store, never in the sync folder), open for
        the duration of the `with`: each caller (a command, a background round) opens its own."""
        from reader.sync.journal import Journal

        self.paths.data_dir.mkdir(parents=True, exist_ok=True)
        journal = Journal(self.paths.data_dir / "sync.sqlite")
        try:
            yield journal
        finally:
            journal.close()

    def load_document(
        self, path: Path | None, encoding: str | None = None, title: str | None = None
    ) -> Document:
        """The document at `path`, or the bundled article when `path` is None; raises
        `DocumentError` with a message for the user."""
        if path is None:
            return load_document(bundled_article_path(), encoding, BUNDLED_ARTICLE_TITLE)
        return load_document(path, encoding, title)

    def close(self) -> None:
        """Close what was opened; every acknowledged change is already on disk."""
        with self._store_lock:  # not while a worker is opening it
            if self._store is not None:
                self._store.close()
                self._store = None
                self._library = None
