"""Reading files for the library in a child process, for a window that must never stall.

Adding a folder reads every book in it (decoding, cleaning, finding chapters: pure Python, a
tenth of a second a novel). On a thread of the window's process that work shares the
interpreter lock with the window and its allocations set off garbage collections that stop
every thread: the window stalled for 140 ms and more while a folder of novels was added. A
child reads them instead and hands back what the library keeps of each (fingerprint, title,
path, details) or why it was skipped: a few hundred bytes a file. The window's worker saves
them in batches as before.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reader.library.adding import Read, Skipped, read_or_skip

CHUNK_FILES = 8
"""Files handed to the child at a time: few enough for progress to move, enough that ten
thousand tiny files do not cost ten thousand round trips."""


def read_in_child(files: list[Path]) -> Iterator[Read | Skipped]:
    """Each file read in a child process, in order; closing the iterator (the adding was
    stopped) stops the child."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    try:
        yield from pool.map(read_or_skip, files, chunksize=CHUNK_FILES)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
