"""Which document to open, and telling whoever asked how it went.

At start the reader reopens the last document it showed: the bundled article on a first start;
when that file is gone, the library (and it says which file). A second `reader PATH` hands
its file to this window and waits for the answer (see `reader.ui.single_instance`), so a file
the window refuses is reported in the terminal too, not only in the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reader.app.bundled import BUNDLED_ARTICLE_TITLE, bundled_article_path
from reader.app.settings import BUNDLED_DOCUMENT, Settings
from reader.document.model import Document
from reader.ui.plain_text import readable
from reader.ui.workers import DocumentLoader

Reply = Callable[[str | None], None]
"""Told once how an open request ended: None when the document is shown, else why not."""


class Opening(QObject):
    """Starts loads, remembers what was opened, and answers for each request."""

    loading = Signal(str)
    """A load began; the file's name, for the status line."""
    loaded = Signal(object)
    """A `Document` is ready to be shown."""
    failed = Signal(str)
    """A file could not be opened; the message names it and says why."""
    lost = Signal()
    """At start, the document read last could not be reopened (after `failed` said so): the
    window shows the library instead."""

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.loader = DocumentLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self._requested: tuple[Path, Reply] | None = None
        self._restoring: Path | None = None

    def request(
        self, path: str | None, encoding: str | None, reply: Reply | None, showing: bool
    ) -> None:
        """Open `path` for a caller that waits for the `reply`. No path: a window `showing` a
        document keeps it; otherwise the last document read is reopened."""
        if path is not None:
            self.open_path(Path(path), encoding, reply)
            return
        if not showing and not self.loader.busy:
            self.open_last_document()
        if reply is not None:
            reply(None)

    def open_last_document(self) -> None:
        """Start-up: reopen the last document read, or the bundled article the first time."""
        last = self._settings.last_document
        if last in ("", BUNDLED_DOCUMENT):
            self.open_bundled_article()
            return
        self.open_path(Path(last))
        self._restoring = Path(last)

    def open_bundled_article(self, reply: Reply | None = None) -> None:
        """Open the article that ships with the reader."""
        self._load(bundled_article_path(), None, BUNDLED_ARTICLE_TITLE, reply)

    def open_path(
        self, path: Path, encoding: str | None = None, reply: Reply | None = None
    ) -> None:
        """Open a user's file in the background; the current document stays until it is ready."""
        self._load(path.expanduser().absolute(), encoding, None, reply)

    def _load(
        self, path: Path, encoding: str | None, title: str | None, reply: Reply | None
    ) -> None:
        if self._requested is not None:  # only the latest request is ever shown
            earlier, _reply = self._requested
            self._answer(
                f"{readable(str(earlier))} was not opened: another file was opened in the "
                "window before it finished loading."
            )
        self._restoring = None
        self._requested = (path, reply) if reply is not None else None
        self.loading.emit(path.name)
        self.loader.load(path, encoding, title)

    def _on_loaded(self, document: Document) -> None:
        self._remember(document)
        self.loaded.emit(document)
        self._answer(None)

    def _on_failed(self, message: str) -> None:
        gone, self._restoring = self._restoring, None
        if gone is not None:
            self.failed.emit(
                f"The document you were reading could not be reopened: "
                f"{_naming(gone, message)} Choose another here, or select it and Locate… "
                "it if it was moved."
            )
            self.lost.emit()
            return
        self.failed.emit(message)
        if self._requested is not None:
            self._answer(_naming(self._requested[0], message))

    def _answer(self, error: str | None) -> None:
        requested, self._requested = self._requested, None
        if requested is not None:
            requested[1](error)

    def _remember(self, document: Document) -> None:
        """The document to reopen at the next start, and the recent files with its title."""
        source = document.source
        if source is None:
            return
        if source == bundled_article_path():
            self._settings.last_document = BUNDLED_DOCUMENT
            return
        self._settings.last_document = str(source)
        self._settings.add_recent_file(source, document.title)


def _naming(path: Path, message: str) -> str:
    """`message`, starting with the file's name unless it names the file already."""
    name = readable(str(path))
    return message if name in message else f"{name}: {message}"
