"""Figures for issue 3: building the search index of the novel, and query latency.

Run from the project root::

    .venv/bin/python benchmarks/bench_search.py [--runs N] [--per-query] [--profile]

On ``/work/shared/corpus/hongloumeng.txt``, in one run of the script, it measures:

- the index build (``DocumentSearcher(document, cache_dir).ensure_index()``), N times, each in a
  fresh child process (this file again, with ``--child build CACHE_DIR``) into a fresh temporary
  cache directory, with the child's peak memory and its memory before the build started; the
  size of the index on disk; the time to open (and verify) an existing index;
- the latency of a fixed set of 50 queries (`QUERIES`), each the median of N repetitions of what
  the UI and the command line do: ``searcher.search(q)``, snippets for the first 20 hits and the
  offsets of every hit; reported as p50, p95 and max over the queries, overall and per category;
- the same queries answered by the brute-force scan (a searcher whose index was never built, so
  that ``search`` scans, with the same ranking and snippets), and by a bare ``all(t in p ...)``
  loop over the folded paragraphs, for reference; the paragraph sets are compared.

It prints figures only and never passes or fails on time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import RESULT_PREFIX, emit, percentile

ROOT = Path(__file__).resolve().parent.parent
NOVEL = Path("/work/shared/corpus/hongloumeng.txt")
CHILD_TIMEOUT_S = 300.0
SNIPPETS_SHOWN = 20
"""Snippets are made for the first hits only, as the results panel and `reader search` do."""

QUERIES: dict[str, tuple[str, ...]] = {
    "1-char common": ("了", "不", "的", "道", "人"),
    "1-char rare": ("鄂", "霹", "褴", "峥", "砾"),
    "2-char": ("宝玉", "黛玉", "凤姐", "贾母", "袭人", "平儿", "银子", "和尚", "寶釵", "电脑"),
    "4-char": (
        "太虚幻境",
        "通灵宝玉",
        "荣国府中",
        "林黛玉道",
        "宝玉笑道",
        "刘姥姥道",
        "一面说着",
        "不知怎么",
        "老太太的",
        "风月宝鉴",
    ),
    "multi-word": (
        "宝玉 黛玉",
        "凤姐 平儿",
        "贾母 王夫人 宝玉",
        "袭人 晴雯",
        "宝钗 湘云 探春",
        "黛玉 哭",
        "银子 两",
        "刘姥姥 板儿",
        "贾政 宝玉 书",
        "和尚 道士",
    ),
    "phrase": (
        '"林黛玉"',
        '"贾宝玉"',
        '"凤姐儿笑道"',
        '"宝玉道："',
        '"一语未了"',
        '"众人听了"',
        '"只见宝玉"',
        '"黛玉冷笑道"',
        '"好了歌"',
        '"宝玉 黛玉"',
    ),
}
"""The fixed 50 queries: common and rare single characters (the rare ones occur once or twice),
names and words, four-character runs, words that must share a paragraph, and exact phrases
(one with full-width punctuation, one with a space). `寶釵` is Traditional (folded to `宝钗`);
`电脑` and `"宝玉 黛玉"` find nothing."""


# -- the child: one index build ------------------------------------------------------------------


def max_rss_kb() -> int:
    """This process's peak resident set size so far, in KiB (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_build(cache_dir: Path) -> None:
    """Load the novel, then build its index into `cache_dir`; report time and memory."""
    from reader.document.loader import load_document
    from reader.search.searcher import DocumentSearcher, IndexState

    document = load_document(NOVEL)
    searcher = DocumentSearcher(document, cache_dir)  # folds the text
    before_kb = max_rss_kb()
    t0 = time.perf_counter()
    searcher.ensure_index()
    build_s = time.perf_counter() - t0
    ready = searcher.state is IndexState.READY
    searcher.close()
    emit(
        {
            "ok": ready,
            "build_s": build_s,
            "characters": len(document.text),
            "before_kb": before_kb,
            "peak_kb": max_rss_kb(),
        }
    )


def run_build_child(cache_dir: Path) -> dict[str, Any]:
    """Build the index into `cache_dir` in a fresh child process; return what it reported."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "build", str(cache_dir)]
    process = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False
    )
    lines = [line for line in process.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"build child failed (exit {process.returncode}):\n{process.stderr}")
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    return result


def directory_size(directory: Path) -> int:
    """Total size in bytes of the files under `directory`."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


# -- the queries -----------------------------------------------------------------------------------


def answer(searcher: Any, text: str) -> tuple[Any, list[Any], list[tuple[int, int]]]:
    """What the UI and the CLI do with a query: search, snippets for the first hits, and the
    offsets of every hit (to highlight them all)."""
    result = searcher.search(text)
    snippets = [result.snippet(hit) for hit in result.hits[:SNIPPETS_SHOWN]]
    offsets = [(hit.start, hit.end) for hit in result.hits]
    return result, snippets, offsets


def bare_scan(paragraphs: Sequence[str], text: str) -> list[int]:
    """The simplest possible search: parse, then test every folded paragraph with `in`."""
    from reader.search.query import parse_query

    query = parse_query(text)
    if query.is_empty:
        return []
    required, excluded = query.required, query.excluded
    return [
        index
        for index, paragraph in enumerate(paragraphs)
        if all(term in paragraph for term in required)
        and not any(term in paragraph for term in excluded)
    ]


def timed(work: Callable[[], object]) -> float:
    """Wall-clock seconds of one call of `work()`."""
    t0 = time.perf_counter()
    work()
    return time.perf_counter() - t0


@dataclass
class QueryFigures:
    """Latencies (seconds) of one query, one entry per repetition, and what it found."""

    category: str
    text: str
    index: list[float] = field(default_factory=list)
    scan: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    hits: int = 0
    paragraphs: int = 0
    same_paragraphs: bool = True
    methods: tuple[str, str] = ("", "")

    def median(self, which: str) -> float:
        """The median latency of `which` ("index", "scan" or "bare")."""
        values: list[float] = getattr(self, which)
        return statistics.median(values)


def measure_queries(indexed: Any, scanning: Any, runs: int) -> list[QueryFigures]:
    """Time every query `runs` times through the index, the scan and the bare loop, the three
    interleaved so that drift of the machine hits them alike; check they agree."""
    folded = indexed.folded
    paragraphs = [folded.paragraph(i) for i in range(len(folded.document.paragraphs))]
    figures = [QueryFigures(c, q) for c, queries in QUERIES.items() for q in queries]
    for _ in range(runs):
        for entry in figures:
            entry.index.append(timed(lambda e=entry: answer(indexed, e.text)))
            entry.scan.append(timed(lambda e=entry: answer(scanning, e.text)))
            entry.bare.append(timed(lambda e=entry: bare_scan(paragraphs, e.text)))
    for entry in figures:
        by_index, _, _ = answer(indexed, entry.text)
        by_scan, _, _ = answer(scanning, entry.text)
        index_set = {hit.paragraph for hit in by_index.hits}
        scan_set = {hit.paragraph for hit in by_scan.hits}
        bare_set = set(bare_scan(paragraphs, entry.text))
        entry.same_paragraphs = index_set == scan_set == bare_set and sorted(
            by_index.hits
        ) == sorted(by_scan.hits)
        entry.hits, entry.paragraphs = len(by_index.hits), len(index_set)
        entry.methods = (by_index.method.value, by_scan.method.value)
    return figures


# -- the report ------------------------------------------------------------------------------------


def fmt(value: float, unit: str) -> str:
    """`value` for the table: seconds, MiB or characters per second."""
    if unit == "s":
        if value < 0.01:
            return f"{value * 1000:.2f} ms"
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "chars/s":
        return f"{value / 1000:.0f} k chars/s"
    return f"{value:g} {unit}"


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """A plain, aligned table."""
    table = [header, *rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for index, line in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def row(
    metric: str, values: list[float], baseline: float | None, unit: str, target: str
) -> list[str]:
    """One line of the build table: median, spread, baseline and ratio."""
    median = statistics.median(values)
    spread = f"({fmt(min(values), unit)}–{fmt(max(values), unit)})"
    if baseline:
        base, ratio = fmt(baseline, unit), f"{median / baseline:.2f}×"
    else:
        base, ratio = "—", "—"
    return [metric, fmt(median, unit), spread, base, ratio, target]


def latency_rows(figures: list[QueryFigures]) -> list[list[str]]:
    """Per category, then overall: p50 / p95 / max of the per-query medians, for the index,
    the scan and the bare loop, and the index/scan ratios."""
    groups = [(c, [f for f in figures if f.category == c]) for c in QUERIES]
    groups.append(("all 50", figures))
    rows = []
    for name, group in groups:
        index = [f.median("index") for f in group]
        scan = [f.median("scan") for f in group]
        bare = [f.median("bare") for f in group]
        i50, i95, s50, s95 = (
            percentile(index, 0.5),
            percentile(index, 0.95),
            percentile(scan, 0.5),
            percentile(scan, 0.95),
        )
        rows.append(
            [
                name,
                str(len(group)),
                fmt(i50, "s"),
                fmt(i95, "s"),
                fmt(max(index), "s"),
                fmt(s50, "s"),
                fmt(s95, "s"),
                fmt(max(scan), "s"),
                f"{i50 / s50:.2f}×",
                f"{i95 / s95:.2f}×",
                fmt(percentile(bare, 0.5), "s"),
            ]
        )
    return rows


def query_rows(figures: list[QueryFigures]) -> list[list[str]]:
    """One line per query."""
    return [
        [
            f.category,
            f.text,
            str(f.hits),
            str(f.paragraphs),
            fmt(f.median("index"), "s"),
            fmt(f.median("scan"), "s"),
            f"{f.median('index') / f.median('scan'):.2f}×",
            fmt(f.median("bare"), "s"),
        ]
        for f in figures
    ]


def profile_query(searcher: Any, text: str, runs: int) -> str:
    """cProfile of `runs` answers to `text`: the top functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        answer(searcher, text)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
    return out.getvalue()


def machine() -> str:
    """One line about where the figures come from."""
    import whoosh

    return (
        f"nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"Whoosh {whoosh.versionstring()}, {platform.platform()}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--per-query", action="store_true", help="also print every query")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the slowest query through the index"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "CACHE_DIR"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        mode, cache_dir = options.child
        if mode != "build":
            parser.error(f"unknown child mode {mode}")
        child_build(Path(cache_dir))
        return 0
    runs: int = max(options.runs, 1)

    from reader.document.loader import load_document
    from reader.search.index import index_directory
    from reader.search.searcher import DocumentSearcher

    document = load_document(NOVEL)
    print(machine())
    print(
        f"runs: {runs} (medians); novel {NOVEL}: {NOVEL.stat().st_size / 2**20:.1f} MiB, "
        f"{len(document.text):,} characters, {len(document.paragraphs):,} paragraphs"
    )

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        builds, sizes = [], []
        for run in range(runs):
            cache_dir = Path(tmp) / f"cache-{run}"
            cache_dir.mkdir()
            builds.append(run_build_child(cache_dir))
            sizes.append(directory_size(index_directory(cache_dir, document.fingerprint)))
        if not all(build["ok"] for build in builds):
            print("warning: a build child did not end with a ready index", file=sys.stderr)

        def open_index() -> float:
            searcher = DocumentSearcher(document, cache_dir)  # the last build's cache
            seconds = timed(searcher.open_index)
            searcher.close()
            return seconds

        open_times = [open_index() for _ in range(runs)]

        indexed = DocumentSearcher(document, cache_dir)
        indexed.ensure_index()  # opens the index built above
        empty_cache = Path(tmp) / "never-built"
        empty_cache.mkdir()
        scanning = DocumentSearcher(document, empty_cache)  # never built: search() scans
        figures = measure_queries(indexed, scanning, runs)

        mib = 1 / 1024
        build_s = [build["build_s"] for build in builds]
        build_rows = [
            row("index build (ensure_index)", build_s, None, "s", "< 10 s"),
            row(
                "build throughput",
                [len(document.text) / seconds for seconds in build_s],
                None,
                "chars/s",
                "—",
            ),
            row(
                "build child: peak RSS",
                [build["peak_kb"] * mib for build in builds],
                statistics.median(build["before_kb"] * mib for build in builds),
                "MiB",
                "report",
            ),
            row(
                "index size on disk",
                [size / 2**20 for size in sizes],
                NOVEL.stat().st_size / 2**20,
                "MiB",
                "report",
            ),
            row("open existing index (verified)", open_times, None, "s", "—"),
        ]
        print()
        print_table(["metric", "median", "(min–max)", "baseline", "ratio", "target"], build_rows)
        print(
            "baselines: peak RSS -> the same child after loading and folding the novel, before "
            "building; size -> the novel's file (UTF-8)."
        )

        print()
        print(
            f"query latency: per query, the median of {runs} answers (search + {SNIPPETS_SHOWN} "
            "snippets + all hit offsets); then p50 / p95 (nearest rank) / max over the queries"
        )
        print_table(
            [
                "queries",
                "n",
                "index p50",
                "p95",
                "max",
                "scan p50",
                "p95",
                "max",
                "ratio p50",
                "ratio p95",
                "bare loop p50",
            ],
            latency_rows(figures),
        )
        print(
            "targets (index, all 50): p50 < 10 ms, p95 < 30 ms.  scan = the same searcher code "
            "with no index (same ranking and snippets); ratio = index / scan; bare loop = "
            "parse + all(t in paragraph) over the folded paragraphs, no hits or snippets."
        )

        if options.per_query:
            print()
            print_table(
                ["category", "query", "hits", "paras", "index", "scan", "ratio", "bare"],
                query_rows(figures),
            )

        slowest = sorted(figures, key=lambda f: f.median("index"), reverse=True)[:5]
        print()
        print(
            "slowest through the index: "
            + ", ".join(
                f"{f.text} {fmt(f.median('index'), 's')} ({f.hits} hits, {f.paragraphs} paras)"
                for f in slowest
            )
        )
        agreeing = sum(f.same_paragraphs for f in figures)
        print(
            f"sanity: index, scan and bare loop give the same paragraph sets (and index and "
            f"scan the same hits) for {agreeing}/{len(figures)} queries"
            + (
                ""
                if agreeing == len(figures)
                else "; differing: " + ", ".join(f.text for f in figures if not f.same_paragraphs)
            )
        )
        wrong_method = [f.text for f in figures if f.methods != ("index", "scan")]
        if wrong_method:
            print(f"warning: not answered by index/scan as intended: {', '.join(wrong_method)}")

        if options.profile:
            print()
            print(f"cProfile of {slowest[0].text!r} through the index, {runs} answers:")
            print(profile_query(indexed, slowest[0].text, runs))
        indexed.close()
        scanning.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
