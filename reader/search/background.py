"""Building an index in a child process.

Whoosh's writer is pure Python with long stretches that hold the interpreter lock (sorting a
batch of postings takes a single C call of 100 ms or more), so a build on a thread of the window's
process would freeze the window for that long, again and again. A child process has its own
interpreter: the window stays fluid, and the build gets the second core.

The child reports through a one-way pipe: ``("progress", fraction)`` messages, then one
``("done", "")`` or ``("failed", message)``. A pipe, not a `multiprocessing.Queue`: the child
inherits its end as a plain descriptor, while a queue's lock is a named semaphore that vanishes
with the parent, so a child started just before its parent quit died with a traceback while
unpickling it. A child whose parent has gone stops quietly at its next message.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import sys
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path

from reader.document.model import Document
from reader.search.folded import FoldedDocument
from reader.search.index import IndexUnavailableError, SearchIndex, index_directory

Message = tuple[str, float | str]
BUILD_NICENESS = 10


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


def start_build(document: Document, cache_dir: Path) -> tuple[SpawnProcess, ChildMessages]:
    """Start building `document`'s index in a fresh process; returns it and its messages."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=build_in_child, args=(document, cache_dir, sender), daemon=True
    )
    process.start()
    sender.close()  # the child has its own copy; the parent's would keep the pipe open
    return process, ChildMessages(receiver)


def build_in_child(document: Document, cache_dir: Path, sender: Connection) -> None:
    """The child's work: build, reporting progress; a terminate() cleans up the workspace, and
    a parent that has gone away ends it quietly (its pipe is closed)."""
    signal.signal(signal.SIGTERM, lambda _number, _frame: sys.exit(1))
    with contextlib.suppress(OSError):
        os.nice(BUILD_NICENESS)  # the reader's window comes first on a busy machine

    def say(kind: str, value: float | str) -> None:
        try:
            sender.send((kind, value))
        except OSError:  # the parent is gone (BrokenPipeError): nobody needs the index now
            sys.exit(0)

    try:
        SearchIndex.build(
            FoldedDocument(document),
            index_directory(cache_dir, document.fingerprint),
            progress=lambda fraction: say("progress", fraction),
        ).close()
    except IndexUnavailableError as error:
        say("failed", str(error))
    except Exception as error:  # the parent must always hear how it ended
        say("failed", f"The search index could not be built ({error!r}).")
    else:
        say("done", "")
