"""Figures for issue 16: finding in the open document (a scan of its folded text) on the novel.

Run from the project root::

    .venv/bin/python benchmarks/bench_find.py [--runs N] [--baseline TREE]

Each of 50 fixed queries (`QUERIES`: common and rare single characters, names, four-character
runs, words that must share a paragraph, exact phrases) is answered twice over:

- core: as ``reader search`` and the panel ask the searcher: ``DocumentSearcher.search``, the
  hit count, and the hits and snippets of the first 20 (best first);
- window: as the user sees it, in a real window on the novel (offscreen): from the query sent
  by the panel (the debounce after the last key is left out) until its answer is shown and the
  window idle again: the count in the status line, the list's rows and the page's marks
  painted, as the event loop paints them.

Per query the median of every answer is kept; the table shows p50, p95 and max over the 50
queries, in wall-clock and CPU time (CPU time is steadier on a busy machine; in the window it
includes the search worker's thread).

With ``--baseline TREE`` (another checkout, e.g. ``git worktree add ../base main``) the same
queries run in that tree's code too, each tree in its own child processes (N each, answering
every query three times), the two alternating so that drift of the machine hits both alike;
the answers (every hit, in order) must be the same. It never passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import RESULT_PREFIX, child_env, emit, percentile

ROOT = Path(__file__).resolve().parent.parent
NOVEL = Path("/work/shared/corpus/hongloumeng.txt")
SNIPPETS_SHOWN = 20
ANSWERS_PER_CHILD = 3
QUERIES = (
    *("了", "不", "的", "道", "人"),
    *("鄂", "霹", "褴", "峥", "砾"),
    *("宝玉", "黛玉", "凤姐", "贾母", "袭人", "平儿", "银子", "和尚", "寶釵", "电脑"),
    *("太虚幻境", "通灵宝玉", "荣国府中", "林黛玉道", "宝玉笑道", "刘姥姥道", "一面说着"),
    *("不知怎么", "老太太的", "风月宝鉴"),
    *("宝玉 黛玉", "凤姐 平儿", "贾母 王夫人 宝玉", "袭人 晴雯", "宝钗 湘云 探春"),
    *("黛玉 哭", "银子 两", "刘姥姥 板儿", "贾政 宝玉 书", "和尚 道士"),
    *('"林黛玉"', '"贾宝玉"', '"凤姐儿笑道"', '"宝玉道："', '"一语未了"', '"众人听了"'),
    *('"只见宝玉"', '"黛玉冷笑道"', '"好了歌"', '"宝玉 黛玉"'),
)
"""The queries of the former bench_search.py: `寶釵` is Traditional (folded to `宝钗`); `电脑`
and `"宝玉 黛玉"` find nothing."""
SETTLING_ROUNDS = 3
"""Rounds of posted events handled after an answer: its paints (status line, list rows, page
marks) and any layout they wait for, so that no work is left over for the next query."""
MODES = {"core": "--child", "window": "--window"}
"""What is measured (see the module docstring), and the flag that runs its child."""


def child(runs: int) -> None:
    """Answer every query `runs` times with the code this interpreter imports; report."""
    from reader.document.loader import load_document
    from reader.search.searcher import DocumentSearcher

    searcher = DocumentSearcher(load_document(NOVEL))
    wall: dict[str, list[float]] = {query: [] for query in QUERIES}
    cpu: dict[str, list[float]] = {query: [] for query in QUERIES}
    answers: dict[str, list[list[Any]]] = {}
    for _ in range(runs):
        for query in QUERIES:
            t0, c0 = time.perf_counter(), time.process_time()
            result = searcher.search(query)
            count = len(result.hits)
            snippets = [result.snippet(hit) for hit in result.hits[:SNIPPETS_SHOWN]]
            wall[query].append(time.perf_counter() - t0)
            cpu[query].append(time.process_time() - c0)
            answers[query] = [list(hit) for hit in result.hits]
            del count, snippets
    import reader

    emit({"wall": wall, "cpu": cpu, "answers": answers, "reader": reader.__file__})


def window_child(runs: int) -> None:
    """Send every query `runs` times from the find panel of a window on the novel; report the
    time until its answer is shown: status line, list rows and page marks painted."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from reader.app.services import Services
    from reader.ui.window import MainWindow

    app = QApplication([])
    app.setStyle("Fusion")
    window = MainWindow(Services.from_environment())
    window.resize(1200, 800)
    window.show()
    window.open_path(NOVEL)
    search, panel = window.search, window.search_panel
    window.panels.search_dock.show()
    window.panels.search_dock.raise_()  # it shares its place with the annotations panel

    def wait(done: Any) -> None:
        while not done():
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    wait(lambda: window.current_document() is not None and search.session.searcher is not None)
    wall: dict[str, list[float]] = {query: [] for query in QUERIES}
    cpu: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _ in range(runs):
        for query in QUERIES:
            t0, c0 = time.perf_counter(), time.process_time()
            panel.search_for(query)
            wait(lambda q=query: search.result is not None and search.result.query.text == q)
            for _ in range(SETTLING_ROUNDS):  # the paints and layouts the answer asked for
                app.sendPostedEvents()
                app.processEvents()
            wall[query].append(time.perf_counter() - t0)
            cpu[query].append(time.process_time() - c0)
    import reader

    emit({"wall": wall, "cpu": cpu, "reader": reader.__file__})


def run_child(tree: Path, runs: int, mode: str = "--child") -> dict[str, Any]:
    """`child` (or `window_child`) in a fresh process importing `reader` from `tree`."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(child_env(Path(tmp)), PYTHONPATH=str(tree))
        command = [sys.executable, str(Path(__file__).resolve()), mode, str(runs)]
        process = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    lines = [line for line in process.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"child for {tree} failed:\n{process.stderr}")
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    return result


def summary(children: list[dict[str, Any]], clock: str) -> tuple[float, float, float]:
    """p50, p95 and max over the queries of each query's median over every answer."""
    medians = [
        statistics.median(value for c in children for value in c[clock][query]) for query in QUERIES
    ]
    return statistics.median(medians), percentile(medians, 0.95), max(medians)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="child processes per tree")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--window", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child is not None:
        child(options.child)
        return 0
    if options.window is not None:
        window_child(options.window)
        return 0
    trees = {"this tree": ROOT}
    if options.baseline is not None:
        trees["baseline"] = options.baseline.resolve()
    figures: dict[str, dict[str, list[dict[str, Any]]]] = {
        mode: {name: [] for name in trees} for mode in MODES
    }
    for _ in range(options.runs):  # trees alternating, so that drift hits both alike
        for mode, flag in MODES.items():
            for name, tree in trees.items():
                figures[mode][name].append(run_child(tree, ANSWERS_PER_CHILD, flag))
    answers = options.runs * ANSWERS_PER_CHILD
    print(f"{len(QUERIES)} queries on {NOVEL.name}, {answers} answers each; load {load()}")
    for name in trees:
        print(f"{name}: {figures['core'][name][0]['reader']}")
    header = f"{'measure':<8} {'tree':<10} {'clock':<5} {'p50':>8} {'p95':>8} {'max':>8}"
    print(header, "\n" + "-" * len(header))
    for mode, children in figures.items():
        for name in trees:
            for clock in ("wall", "cpu"):
                p50, p95, worst = summary(children[name], clock)
                print(f"{mode:<8} {name:<10} {clock:<5} {ms(p50)} {ms(p95)} {ms(worst)}")
    if "baseline" in trees:
        for mode, children in figures.items():
            for clock in ("wall", "cpu"):
                ratio = (
                    summary(children["this tree"], clock)[1]
                    / summary(children["baseline"], clock)[1]
                )
                print(f"p95 ratio this tree / baseline ({mode}, {clock}): {ratio:.2f}")
        core = figures["core"]
        same = core["this tree"][0]["answers"] == core["baseline"][0]["answers"]
        print("answers identical to the baseline's:", "yes" if same else "NO")
    return 0


def ms(seconds: float) -> str:
    """Milliseconds, right-aligned."""
    return f"{seconds * 1000:6.1f}ms"


def load() -> str:
    """The machine's load averages (the figures are noisy on a busy machine)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
