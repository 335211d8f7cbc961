"""Bringing the library index up to date, in this process or in a child.

`update_index` indexes only what changed: documents that are new or whose fingerprint changed,
removing those that left the library, then the notes. Documents are committed in batches of a
few million characters (progress is reported per document), so a build that is stopped (a
quit, a crash, a kill) resumes from its last commit; the segments those commits add are merged
once at the end when there are many.

Whoosh's writer is pure Python with long stretches that hold the interpreter lock, so the window
runs the build in a child process (`start_update`): the window stays fluid and the build gets
the second core. The child reports through a one-way pipe: ``("progress", fraction)`` messages,
then one ``("done", problems)`` or ``("failed", message)``; a child whose parent has gone stops
quietly at its next message.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path

from reader.search.library_index import LibraryIndex, LibraryIndexError
from reader.search.library_model import IndexedDocument, IndexedNote, LoadDocument

Message = tuple[str, float | str]
Progress = Callable[[float], None]
BUILD_NICENESS = 10


def update_index(
    cache_dir: Path,
    documents: Sequence[IndexedDocument],
    notes: Sequence[IndexedNote],
    load: LoadDocument,
    progress: Progress | None = None,
) -> list[str]:
    """Bring the index up to date; returns what the user should hear (unreadable files).

    Raises `LibraryIndexError` when the index cannot be written at all (a full disk: what was
    committed before stays, and is used)."""
    library_index = LibraryIndex.open(cache_dir, create=True)
    try:
        indexed = library_index.indexed_fingerprints()
        wanted = {document.document_id for document in documents}
        gone = [key for key in indexed if key not in wanted]
        if gone:
            library_index.remove_documents(gone)
        pending = [d for d in documents if indexed.get(d.document_id) != d.fingerprint]
        sizes = {document.document_id: _size(document.path) for document in pending}
        total, done = max(sum(sizes.values()), 1), 0

        def indexed_one(document: IndexedDocument) -> None:
            nonlocal done
            done += sizes[document.document_id]
            if progress is not None:
                progress(done / total)

        problems = library_index.add_documents(pending, load, indexed_one)
        library_index.sync_notes(notes)
        library_index.merge_segments()
    except LibraryIndexError:
        raise
    except Exception as error:  # Whoosh tripping over a damaged index: rebuilt next time
        raise LibraryIndexError(f"The library index could not be updated ({error!r}).") from None
    finally:
        library_index.close()
    return problems


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class ChildMessages:
    """The parent's end of a build's pipe, read without waiting."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get_nowait(self) -> Message:
        """The next message; `queue.Empty` when none has arrived (or the child is gone)."""
        try:
            if self._connection.poll():
                kind, value = self._connection.recv()
                return str(kind), value
        except (EOFError, OSError):
            pass
        raise queue.Empty

    def close(self) -> None:
        """Stop listening (the child's next message ends it quietly)."""
        self._connection.close()


def start_update(
    cache_dir: Path,
    documents: Sequence[IndexedDocument],
    notes: Sequence[IndexedNote],
    load: LoadDocument,
) -> tuple[SpawnProcess, ChildMessages]:
    """Start `update_index` in a fresh process (`load` must be a module-level function)."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
    receiver, sender = context.Pipe(duplex=False)
    arguments = (cache_dir, list(documents), list(notes), load, sender)
    process = context.Process(target=update_in_child, args=arguments, daemon=True)
    process.start()
    sender.close()  # the child has its own copy; the parent's would keep the pipe open
    return process, ChildMessages(receiver)


def update_in_child(
    cache_dir: Path,
    documents: Sequence[IndexedDocument],
    notes: Sequence[IndexedNote],
    load: LoadDocument,
    sender: Connection,
) -> None:
    """The child's work: update, reporting progress and how it ended."""
    signal.signal(signal.SIGTERM, lambda _number, _frame: sys.exit(1))
    with contextlib.suppress(OSError):
        os.nice(BUILD_NICENESS)  # the reader's window comes first on a busy machine

    def say(kind: str, value: float | str) -> None:
        try:
            sender.send((kind, value))
        except OSError:  # the parent is gone (BrokenPipeError): nobody needs the index now
            sys.exit(0)

    try:
        problems = update_index(
            cache_dir, documents, notes, load, lambda fraction: say("progress", fraction)
        )
    except LibraryIndexError as error:
        say("failed", str(error))
    except Exception as error:  # the parent must always hear how it ended
        say("failed", f"The library index could not be built ({error!r}).")
    else:
        say("done", "\n".join(problems))
