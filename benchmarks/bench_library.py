"""Figures for issue 11: the library index over the 22 books of the corpus library plus the
novel, beside a scan of all texts held in memory, measured in the same run.

Run from the project root::

    .venv/bin/python benchmarks/bench_library.py [--scale 1 3 10] [--runs N]

For each scale k the library is k copies of the books (each copy with one character changed, so
fingerprints differ). It prints: loading all texts; the build (characters/s); the index size
against the UTF-8 text; 50 fixed queries, top 20 with snippets (p50, p95), beside the in-memory
scan of every text; adding one more novel to the built library; this process's peak RSS; and
the projected build time and size for 1,000 books. Figures only, never pass/fail.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from harness import percentile

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


def one_scale(scale: int, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "books").mkdir()
        paths = make_library(root / "books", scale)
        documents, texts, load_s = indexed(paths)
        characters = sum(len(text.text) for text in texts)
        utf8 = sum(path.stat().st_size for path in paths)
        cache = root / "cache"
        start = time.perf_counter()
        update_index(cache, documents, [], load)
        build_s = time.perf_counter() - start
        index_bytes = size(library_index_directory(cache))
        searcher = LibrarySearcher(cache, load)
        query_times = timed_queries(searcher, documents, runs)
        folded = [FoldedDocument(text) for text in texts]
        scan_times = scan_queries(folded)
        novel = root / "books" / "added-novel.txt"
        novel.write_text("新" + BOOKS[-1].read_text(encoding="utf-8")[1:], encoding="utf-8")
        added = load_document(novel)
        more = [*documents, IndexedDocument("added", added.fingerprint, added.title, novel)]
        start = time.perf_counter()
        update_index(cache, more, [], load)
        add_s = time.perf_counter() - start
        searcher.forget_index()
    return {
        "books": len(paths),
        "characters": characters,
        "load_s": load_s,
        "build_s": build_s,
        "chars_per_s": characters / build_s,
        "size_mb": index_bytes / 1e6,
        "size_ratio": index_bytes / utf8,
        "query_p50_ms": 1000 * percentile(query_times, 0.5),
        "query_p95_ms": 1000 * percentile(query_times, 0.95),
        "scan_p50_ms": 1000 * percentile(scan_times, 0.5),
        "scan_p95_ms": 1000 * percentile(scan_times, 0.95),
        "add_novel_s": add_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
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


if __name__ == "__main__":
    main()
