"""Figures for Search Everything (issue 11, item 2): the window while the library index builds.

Run from the project root::

    .venv/bin/python benchmarks/bench_search_everything.py [--books N] [--runs N]

Each run is a fresh offscreen child with empty XDG directories: a store that knows N books of
the corpus library, the reading window, and the Search Everything window. It measures

- the longest UI stall (the longest gap between the ticks of a 10 ms timer) while the window is
  idle, as the baseline; while queries are typed during the build (they load and scan the books
  the index lacks, on a worker thread); while the build goes on in its child process; and while
  queries are typed once it is built. The issue asks for < 100 ms while it builds;
- typed query -> answer shown, while the index is built (scanning what it lacks) and after
  (answered from the index), over the same fixed queries;
- the build's wall time, from the window's request to its end.

Medians over runs, with the ratio to the baseline measured in the same run. Figures only, never
pass/fail: on a busy machine they are noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import RESULT_PREFIX, child_env, emit

CORPUS = Path("/work/shared/corpus")
QUERIES = ("宝玉", "先生", "天下", "和尚", '"不亦说乎"', "君子 -小人", "银子", "不存在的词语")
TICK_MS = 10
IDLE_SECONDS = 2.0


def child(books: int) -> None:
    """One measured run (in an offscreen child)."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from reader.annotations.store import AnnotationStore
    from reader.app.paths import AppPaths
    from reader.app.services import Services
    from reader.document.loader import load_document
    from reader.ui.window import MainWindow

    app = QApplication([])
    paths = AppPaths.from_environment()
    chosen = sorted((CORPUS / "library").glob("*.txt"))[:books]
    with AnnotationStore.open(paths.data_dir) as store:
        for path in chosen:
            document = load_document(path)
            store.open_document(document.fingerprint, document.title, path)
    window = MainWindow(Services(paths))
    window.show()
    link = window.library_search
    worst = [0.0]
    clock = QElapsedTimer()
    clock.start()

    def tick() -> None:
        worst[0] = max(worst[0], clock.restart() - TICK_MS)

    ticker = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=TICK_MS)
    ticker.timeout.connect(tick)

    def wait(seconds: float, until: object = None) -> None:
        loop = QEventLoop()
        deadline = time.monotonic() + seconds
        poll = QTimer(interval=5)
        poll.timeout.connect(
            lambda: (time.monotonic() > deadline or (callable(until) and until())) and loop.quit()
        )
        poll.start()
        loop.exec()
        poll.stop()

    def ask(text: str) -> float:
        view = link.view
        assert view is not None
        answered: list[float] = []

        def note(_answer: object) -> None:
            answered.append(time.perf_counter())

        link.session.answered.connect(note)
        started = time.perf_counter()
        view.query_edit.setText(text)
        QTest.keyClick(view.query_edit, Qt.Key.Key_Return)  # no typing pause
        wait(120, lambda: bool(answered))
        link.session.answered.disconnect(note)
        return (answered[0] - started) * 1000

    ticker.start()
    clock.restart()
    wait(IDLE_SECONDS)  # the baseline: the reading window, idle
    idle_stall, worst[0] = worst[0], 0.0
    build_started = time.perf_counter()
    link.show()  # Ctrl+Shift+F: the window opens and the build starts
    while_building = [ask(query) for query in QUERIES]
    typing_stall, worst[0] = worst[0], 0.0
    wait(3600, lambda: not link.indexer.building)
    build_ms = (time.perf_counter() - build_started) * 1000
    build_stall = worst[0]
    worst[0] = 0.0
    from_index = [ask(query) for query in QUERIES]
    indexed_stall = worst[0]
    ticker.stop()
    emit(
        {
            "idle_stall_ms": idle_stall,
            "build_stall_ms": build_stall,
            "typing_stall_ms": typing_stall,
            "indexed_stall_ms": indexed_stall,
            "build_ms": build_ms,
            "while_building_ms": statistics.median(while_building),
            "from_index_ms": statistics.median(from_index),
            "characters": sum(len(load_document(p).text) for p in chosen),
        }
    )
    window.close()
    app.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.books)
        return
    runs = []
    for _run in range(arguments.runs):
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, __file__, "--child", "--books", str(arguments.books)],
                env=child_env(Path(tmp)),
                capture_output=True,
                text=True,
                check=False,
            )
        lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        if not lines:
            sys.exit(f"a run failed:\n{done.stderr[-3000:]}")
        runs.append(json.loads(lines[-1][len(RESULT_PREFIX) :]))

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    idle, build = median("idle_stall_ms"), median("build_stall_ms")
    scanning, indexed = median("while_building_ms"), median("from_index_ms")
    characters = runs[0]["characters"]
    print(
        f"Search Everything, {arguments.books} books ({characters:,} characters), {len(runs)} runs"
    )
    print(f"  longest UI stall, idle (baseline):       {idle:8.1f} ms")
    ratio = build / max(idle, 1)
    typing, indexed_typing = median("typing_stall_ms"), median("indexed_stall_ms")
    print(f"  longest UI stall, building, after typing: {build:7.1f} ms  ({ratio:.1f}x)")
    print(f"  longest UI stall, typing while building:  {typing:7.1f} ms  (queries scan the books)")
    print(f"  longest UI stall, typing, index built:    {indexed_typing:7.1f} ms")
    print(f"  build, request to end:                  {median('build_ms') / 1000:8.1f} s")
    print(f"  query -> answer while building (median): {scanning:7.1f} ms")
    print(
        f"  query -> answer from the index (median): {indexed:7.1f} ms  ({indexed / scanning:.2f}x)"
    )


if __name__ == "__main__":
    main()
