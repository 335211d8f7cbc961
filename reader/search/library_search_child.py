"""Answering library queries in a child process, for a window that must never stall.

A library query makes many objects (a hit with its snippet for every occurrence in the books
scanned while the index is built: 110,000 for `的` over the corpus library) and reads Whoosh's
postings in pure Python. On a thread of the window's process that work shares the interpreter
lock with the window, and the garbage collections it sets off stop every thread: measured, the
window's thread waited 116 ms for one query (26 ms with the collector off). A child process
does it instead: it keeps the searcher, its open index and the texts it has scanned between
queries, and sends back each result trimmed to the hits a window shows
(`LibraryResult.trimmed`), so reading the answer is quick too.

`SearchChild` is the parent's side, used from one worker thread at a time: each call blocks
that thread (never the window's) until the child answers. The library's documents and notes go
to the child only when they changed. A child that died (killed, out of memory) is started
again for the next question, which it answers.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path

from reader.search.library_model import IndexedDocument, IndexedNote, LibraryResult, LoadDocument

SEARCH_NICENESS = 5
"""Below the window, above a build (which the reader waits for less than an answer)."""


class SearchChildError(Exception):
    """The child could not answer (it died twice, or the searcher raised); says why."""


Contents = tuple[list[IndexedDocument], list[IndexedNote]]


class SearchChild:
    """A child process that answers library queries; started with the first question."""

    def __init__(self, cache_dir: Path | None, load: LoadDocument, keep_hits: int) -> None:
        """`load` must be a module-level function (the child is handed it by name)."""
        self._cache_dir, self._load, self._keep = cache_dir, load, keep_hits
        self._process: SpawnProcess | None = None
        self._connection: Connection | None = None
        self._sent: Contents | None = None
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The running child's process id (None before the first question)."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the child now (it takes a moment to import what it needs), if not running."""
        if self._process is None or not self._process.is_alive():
            self._spawn()

    def search(
        self, text: str, documents: Sequence[IndexedDocument], notes: Sequence[IndexedNote]
    ) -> LibraryResult:
        """The child's answer to `text` over this library (see `LibrarySearcher.search`)."""
        contents = (list(documents), list(notes))
        try:
            return self._ask(text, contents)
        except (EOFError, OSError):  # it died since the last question: once more, afresh
            self._spawn()
            try:
                return self._ask(text, contents)
            except (EOFError, OSError) as error:
                raise SearchChildError(f"The search process stopped ({error!r}).") from None

    def forget_index(self) -> None:
        """Let the child open the index afresh for its next query (a build replaced it)."""
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.send(("forget",))

    def close(self) -> None:
        """Stop the child for good (a query it is answering is abandoned)."""
        self._closed = True
        self._stop()

    def _stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if self._process is not None:
            self._process.terminate()
            self._process.join(1)
        self._process, self._connection, self._sent = None, None, None

    def _ask(self, text: str, contents: Contents) -> LibraryResult:
        if self._connection is None:
            self._spawn()
        connection = self._connection
        assert connection is not None
        if contents != self._sent:
            connection.send(("contents", contents))
            self._sent = contents
        connection.send(("search", text))
        kind, value = connection.recv()
        if kind == "failed":
            raise SearchChildError(str(value))
        assert isinstance(value, LibraryResult)
        return value

    def _spawn(self) -> None:
        if self._closed:
            raise SearchChildError("Search Everything was closed.")
        self._stop()
        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
        mine, theirs = context.Pipe(duplex=True)
        arguments = (self._cache_dir, self._load, self._keep, theirs)
        process = context.Process(target=serve, args=arguments, daemon=True)
        process.start()
        theirs.close()
        self._process, self._connection = process, mine


def serve(
    cache_dir: Path | None, load: LoadDocument, keep_hits: int, connection: Connection
) -> None:
    """The child's loop: answer each question until the parent goes (its end of the pipe
    closes)."""
    from reader.search.library_searcher import LibrarySearcher

    with contextlib.suppress(OSError):
        os.nice(SEARCH_NICENESS)
    searcher = LibrarySearcher(cache_dir, load)
    contents: Contents = ([], [])
    while True:
        try:
            question = connection.recv()
        except (EOFError, OSError):
            return
        if question[0] == "contents":
            contents = question[1]
        elif question[0] == "forget":
            searcher.forget_index()
        else:
            try:
                result = searcher.search(question[1], *contents).trimmed(keep_hits)
            except Exception as error:  # a bug must not leave the window waiting
                reply: tuple[str, object] = ("failed", f"{error!r}")
            else:
                reply = ("answered", result)
            try:
                connection.send(reply)
            except OSError:
                return
