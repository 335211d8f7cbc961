"""Figures for issue 11: the library index over the 22 books of the corpus library plus the
novel, beside a scan of all texts held in memory, measured in the same run.

Run from the project root::

    .venv/bin/python benchmarks/bench_library.py [--scale 1 3 10] [--runs N]

For each scale k the library is k copies of the books (each copy with one character changed, so
fingerprints differ). It prints: loading all texts; the build (characters/s); the index size
against the UTF-8 text; 50 fixed queries, top 20 with snippets (p50, p95), beside the in-memory
scan of every text; adding one more novel to the built library; and the projected build time
and size for 1,000 books. Figures only, never pass/fail.

The build and the queries each run in a fresh child process, as in the app (the window builds
in a child and searches with the index open), so each peak RSS is its own: `build_rss_mb` for
the build, `search_rss_mb` for a process with the library index open answering the queries.
The in-memory scan, which holds every text, runs in this process.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import RESULT_PREFIX, emit, percentile

from reader.document.loader import load_document
from reader.document.model import Document
from reader.search.folded import FoldedDocument
from reader.search.library_build import update_index
from reader.search.library_index import library_index_directory
from reader.search.library_model import IndexedDocument
from reader.search.library_searcher import LibrarySearcher
from reader.search.query import parse_query

CORPUS = Path("/work/shared/corpus")
BOOKS = [*sorted((CORPUS / "library").glob("*.txt")), CORPUS / "hongloumeng.txt"]
QUERIES = (
    *("的", "了", "道", "人", "鄂", "霹", "峥", "砾"),  # single characters
    *("宝玉", "黛玉", "凤姐", "天下", "先生", "银子", "和尚", "寶釵", "电脑", "君子"),  # bigrams
    *("贾宝玉", "孔子", "祥子", "方鸿渐", "姜子牙", "曾国藩", "翠翠", "阿Q", "觉新", "王熙凤"),
    *('"太虚幻境"', '"学而时习之"', '"道可道"', '"关关雎鸠"', '"天下大势"', '"林黛玉道"'),
    *("宝玉 黛玉", "天下 -宝玉", "先生 银子", "孔子 曰", "子曰 君子 -小人", "祥子 车"),
    *("不存在的词语", "电脑 网络", "量子力学", "Python", "GPT"),  # no hits
    *("中国", "北平", "上海", "战争", "日本"),
)
TOP = 20


def make_library(root: Path, scale: int) -> list[Path]:
    """`scale` copies of the books; copy n > 0 has its first character replaced."""
    paths = []
    for copy in range(scale):
        for book in BOOKS:
            text = book.read_text(encoding="utf-8")
            if copy:
                text = f"{copy % 10}" + text[1:]
            path = root / f"{copy:02d}-{book.name}"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    return paths


def indexed(paths: list[Path]) -> tuple[list[IndexedDocument], list[Document], float]:
    start = time.perf_counter()
    texts = [load_document(path) for path in paths]
    seconds = time.perf_counter() - start
    documents = [
        IndexedDocument(f"d{n}", text.fingerprint, text.title, path)
        for n, (text, path) in enumerate(zip(texts, paths, strict=True))
    ]
    return documents, texts, seconds


def load(document: IndexedDocument) -> Document:
    return load_document(document.path)


def size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def timed_queries(
    searcher: LibrarySearcher, documents: list[IndexedDocument], runs: int
) -> list[float]:
    times = []
    for query in QUERIES:
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            result = searcher.search(query, documents, [], TOP)
            assert result.from_index
            samples.append(time.perf_counter() - start)
        times.append(statistics.median(samples))
    return times


def scan_queries(folded: list[FoldedDocument]) -> list[float]:
    times = []
    for query in QUERIES:
        parsed = parse_query(query)
        start = time.perf_counter()
        for document in folded:
            document.scan(parsed)
        times.append(time.perf_counter() - start)
    return times


def child(action: str, cache: Path, listing: Path, runs: int) -> dict[str, float]:
    """Run `action` ("build", "add" or "search") in a fresh process; its result line."""
    command = [sys.executable, __file__, "--child", action, str(cache), str(listing), str(runs)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith(RESULT_PREFIX))
    return dict(json.loads(line[len(RESULT_PREFIX) :]))


def run_child(action: str, cache: Path, listing: Path, runs: int) -> None:
    """The child's side of `child`."""
    documents = [
        IndexedDocument(key, fingerprint, title, Path(path))
        for key, fingerprint, title, path in json.loads(listing.read_text(encoding="utf-8"))
    ]
    if action == "search":
        searcher = LibrarySearcher(cache, load)
        times = timed_queries(searcher, documents, runs)
        result = {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}
    else:
        start = time.perf_counter()
        update_index(cache, documents, [], load)
        result = {"seconds": time.perf_counter() - start}
    emit({**result, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def write_listing(path: Path, documents: list[IndexedDocument]) -> Path:
    rows = [[d.document_id, d.fingerprint, d.title, str(d.path)] for d in documents]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def one_scale(scale: int, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "books").mkdir()
        paths = make_library(root / "books", scale)
        documents, texts, load_s = indexed(paths)
        characters = sum(len(text.text) for text in texts)
        utf8 = sum(path.stat().st_size for path in paths)
        cache = root / "cache"
        listing = write_listing(root / "library.json", documents)
        built = child("build", cache, listing, runs)
        index_bytes = size(library_index_directory(cache))
        searched = child("search", cache, listing, runs)
        folded = [FoldedDocument(text) for text in texts]
        scan_times = scan_queries(folded)
        del folded, texts
        novel = root / "books" / "added-novel.txt"
        novel.write_text("新" + BOOKS[-1].read_text(encoding="utf-8")[1:], encoding="utf-8")
        added = load_document(novel)
        more = [*documents, IndexedDocument("added", added.fingerprint, added.title, novel)]
        add = child("add", cache, write_listing(root / "more.json", more), runs)
    return {
        "books": len(paths),
        "characters": characters,
        "load_s": load_s,
        "build_s": built["seconds"],
        "chars_per_s": characters / built["seconds"],
        "size_mb": index_bytes / 1e6,
        "size_ratio": index_bytes / utf8,
        "query_p50_ms": 1000 * searched["p50"],
        "query_p95_ms": 1000 * searched["p95"],
        "scan_p50_ms": 1000 * percentile(scan_times, 0.5),
        "scan_p95_ms": 1000 * percentile(scan_times, 0.95),
        "add_novel_s": add["seconds"],
        "build_rss_mb": max(built["rss_mb"], add["rss_mb"]),
        "search_rss_mb": searched["rss_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=4, metavar=("ACTION", "CACHE", "LISTING", "RUNS"))
    options = parser.parse_args()
    if options.child:
        action, cache, listing, runs = options.child
        run_child(action, Path(cache), Path(listing), int(runs))
        return
    rows = [one_scale(scale, options.runs) for scale in options.scale]
    keys = list(rows[0])
    print("scale".ljust(14) + "".join(f"{s}x".rjust(12) for s in options.scale))
    for key in keys:
        print(key.ljust(14) + "".join(f"{row[key]:12.1f}" for row in rows))
    last = rows[-1]
    per_book = last["characters"] / last["books"]
    thousand = 1000 * per_book
    print(
        f"\nquery p50 against the in-memory scan of the same texts: "
        f"{last['query_p50_ms'] / last['scan_p50_ms']:.2f}x "
        f"(the scan needs all texts loaded first: {last['load_s']:.1f} s)"
    )
    print(
        f"1,000 books of this library's average ({per_book / 1e6:.2f} M characters each): "
        f"build about {thousand / last['chars_per_s'] / 60:.0f} min, index about "
        f"{last['size_mb'] * 1000 / last['books'] / 1000:.1f} GB at this run's rates."
    )
    if len(rows) > 1:
        first = rows[0]
        growth = (last["query_p95_ms"] / first["query_p95_ms"]) / (
            last["characters"] / first["characters"]
        )
        print(
            f"query p95 grew {last['query_p95_ms'] / first['query_p95_ms']:.1f}x for "
            f"{last['characters'] / first['characters']:.0f}x the characters "
            f"({growth:.2f} of linear); at 1,000 books, linearly: about "
            f"{last['query_p95_ms'] * thousand / last['characters'] / 1000:.1f} s."
        )


if __name__ == "__main__":
    main()
