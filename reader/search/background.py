"""Building an index in a child process.

Whoosh's writer is pure Python with long stretches that hold the interpreter lock (sorting a
batch of postings takes a single C call of 100 ms or more), so a build on a thread of the window's
process would freeze the window for that long, again and again. A child process has its own
interpreter: the window stays fluid, and the build gets the second core.

The child reports through a queue: ``("progress", fraction)`` messages, then one
``("done", "")`` or ``("failed", message)``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from pathlib import Path

from reader.document.model import Document
from reader.search.folded import FoldedDocument
from reader.search.index import IndexUnavailableError, SearchIndex, index_directory

Message = tuple[str, float | str]
BUILD_NICENESS = 10


def start_build(document: Document, cache_dir: Path) -> tuple[SpawnProcess, Queue[Message]]:
    """Start building `document`'s index in a fresh process; returns it and its queue."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
    messages: Queue[Message] = context.Queue()
    process = context.Process(
        target=build_in_child, args=(document, cache_dir, messages), daemon=True
    )
    process.start()
    return process, messages


def build_in_child(document: Document, cache_dir: Path, messages: Queue[Message]) -> None:
    """The child's work: build, reporting progress; a terminate() cleans up the workspace."""
    signal.signal(signal.SIGTERM, lambda _number, _frame: sys.exit(1))
    with contextlib.suppress(OSError):
        os.nice(BUILD_NICENESS)  # the reader's window comes first on a busy machine
    try:
        SearchIndex.build(
            FoldedDocument(document),
            index_directory(cache_dir, document.fingerprint),
            progress=lambda fraction: messages.put(("progress", fraction)),
        ).close()
    except IndexUnavailableError as error:
        messages.put(("failed", str(error)))
    except Exception as error:  # the parent must always hear how it ended
        messages.put(("failed", f"The search index could not be built ({error!r})."))
    else:
        messages.put(("done", ""))
