"""Readings worked out in a child process, so that the window never waits for them.

pypinyin is pure Python. Its tables take about 0.2 s to load and a page of new paragraphs tens
of milliseconds to read, and on a thread of the window's process both hold the interpreter
lock: the UI thread, which takes the lock back every time Qt calls into Python during a paint,
waits up to a switch interval each time, and a scroll stalls. Its tables are also some 200,000
objects that every full garbage collection of the window's process would walk. In a child
process none of this touches the window; the answers (lists of short strings) cross back
through a pipe in well under a millisecond a page.

`ReadingsProcess.start` spawns the child and loads the tables there (the moment View › Pinyin
is turned on), `read` hands it paragraphs and calls back with their readings. One child serves
the whole application. Should it be lost (killed, or never started: a system without process
support), paragraphs are read in this process on a thread instead, as correct, only less
smooth.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reader.chinese.readings import readings

if TYPE_CHECKING:  # multiprocessing loads with the child, when pinyin is first shown
    from concurrent.futures import Future, ProcessPoolExecutor

Readings = list[str | None]
Found = dict[str, Readings]
Done = Callable[[Found], None]
"""Called with each paragraph's readings, on a helper thread (never the caller's)."""


def read_all(texts: Sequence[str]) -> Found:
    """The readings of each text (the child's work; module-level, so it can be sent there)."""
    return {text: readings(text) for text in texts}


def _load_tables() -> None:
    """The child's first task: pypinyin's dictionaries loaded before the first page asks."""
    readings("重要")


class ReadingsProcess:
    """A child process that reads paragraphs (`start` it early; `read` starts it anyway)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lost = False
        self._lock = threading.Lock()
        self.ready = threading.Event()
        """Set once the child has loaded the tables (or was lost: the readings come anyway)."""

    @property
    def in_child(self) -> bool:
        """Whether paragraphs are read in the child (False once it was lost)."""
        return not self._lost

    def start(self) -> None:
        """Spawn the child and have it load the tables, unless that was done already."""
        self._child()

    def read(self, texts: Sequence[str], done: Done) -> None:
        """Read `texts` in the child and call `done` with their readings."""
        batch = list(texts)
        pool = self._child()
        if pool is not None:
            try:
                future = pool.submit(read_all, batch)
            except RuntimeError:  # the pool broke (BrokenProcessPool) or was shut down
                self._lose()
            else:
                future.add_done_callback(lambda answer: self._answered(answer, batch, done))
                return
        threading.Thread(target=lambda: done(read_all(batch)), daemon=True).start()

    def close(self) -> None:
        """Let the child go (it finishes the paragraphs in hand)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _child(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._pool is None and not self._lost:
                try:
                    self._pool = _spawn(self.ready)
                except (OSError, RuntimeError, ImportError):  # no process support here
                    self._lost = True
                    self.ready.set()
            return self._pool

    def _answered(self, answer: Future[Found], batch: list[str], done: Done) -> None:
        if answer.cancelled():
            return
        from concurrent.futures.process import BrokenProcessPool

        error = answer.exception()
        if error is None:
            done(answer.result())
        elif isinstance(error, BrokenProcessPool):  # the child died (killed, out of memory)
            self._lose()  # read here from now on
            done(read_all(batch))
        else:  # a text pypinyin trips over: shown without readings rather than waited for
            done({text: [None] * len(text) for text in batch})

    def _lose(self) -> None:
        with self._lock:
            pool, self._pool, self._lost = self._pool, None, True
        self.ready.set()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _spawn(ready: threading.Event) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    pool.submit(_load_tables).add_done_callback(lambda _answer: ready.set())
    return pool


_SHARED: ReadingsProcess | None = None


def shared_process() -> ReadingsProcess:
    """The application's one readings child (spawned on first use; it ends with the
    application, which joins it on the way out)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = ReadingsProcess()
    return _SHARED
