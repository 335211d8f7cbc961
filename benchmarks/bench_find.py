"""Figures for issue 16: finding in the open document (a scan of its folded text) on the novel.

Run from the project root::

    .venv/bin/python benchmarks/bench_find.py [--runs N] [--baseline TREE]

Each of 50 fixed queries (`QUERIES`: common and rare single characters, names, four-character
runs, words that must share a paragraph, exact phrases) is answered as the find panel and
``reader search`` answer it: ``DocumentSearcher.search``, snippets for the first 20 hits, and
the offsets of every hit (to mark them all). Per query the median of N answers is kept; the
table shows p50, p95 and max over the 50 queries, in wall-clock and CPU time (CPU time is
steadier on a busy machine).

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
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import RESULT_PREFIX, emit, percentile

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
            snippets = [result.snippet(hit) for hit in result.hits[:SNIPPETS_SHOWN]]
            offsets = [(hit.start, hit.end) for hit in result.hits]
            wall[query].append(time.perf_counter() - t0)
            cpu[query].append(time.process_time() - c0)
            answers[query] = [list(hit) for hit in result.hits]
            del snippets, offsets
    import reader

    emit({"wall": wall, "cpu": cpu, "answers": answers, "reader": reader.__file__})


def run_child(tree: Path, runs: int) -> dict[str, Any]:
    """`child` in a fresh process importing `reader` from `tree`."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(runs)]
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
    options = parser.parse_args(argv)
    if options.child is not None:
        child(options.child)
        return 0
    trees = {"this tree": ROOT}
    if options.baseline is not None:
        trees["baseline"] = options.baseline.resolve()
    children: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    for _ in range(options.runs):  # one answer per query per child, trees alternating
        for name, tree in trees.items():
            children[name].append(run_child(tree, ANSWERS_PER_CHILD))
    answers = options.runs * ANSWERS_PER_CHILD
    print(f"{len(QUERIES)} queries on {NOVEL.name}, {answers} answers each; load {load()}")
    for name in trees:
        print(f"{name}: {children[name][0]['reader']}")
    header = f"{'tree':<10} {'clock':<5} {'p50':>8} {'p95':>8} {'max':>8}"
    print(header, "\n" + "-" * len(header))
    for name in trees:
        for clock in ("wall", "cpu"):
            p50, p95, worst = summary(children[name], clock)
            print(f"{name:<10} {clock:<5} {ms(p50)} {ms(p95)} {ms(worst)}")
    if "baseline" in trees:
        for clock in ("wall", "cpu"):
            ratio = (
                summary(children["this tree"], clock)[1] / summary(children["baseline"], clock)[1]
            )
            print(f"p95 ratio this tree / baseline ({clock}): {ratio:.2f}")
        same = children["this tree"][0]["answers"] == children["baseline"][0]["answers"]
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
