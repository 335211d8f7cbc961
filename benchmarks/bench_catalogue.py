"""Figures for issue 11, the library's catalogue: adding books and folders, and listing them.

Run from the project root::

    .venv/bin/python benchmarks/bench_catalogue.py [--runs N] [--files N]

Each run uses a fresh data directory. It measures:

1. adding the 22 books of ``../shared/corpus/library/`` and ``hongloumeng.txt`` (about 18.5 MB)
   with ``Library.add``, beside the baseline of only reading them (``load_document`` on each,
   which adding must do to know each text): the difference is the catalogue's own cost
   (details, identity look-ups, batched commits);
2. adding a folder of N tiny files (10,000 by default, in 20 sub-folders), beside reading them;
3. listing the library of N + 23 entries (``Library.entries``: one query, a stat per file).

It prints medians of the runs and the ratio against the baseline measured in the same run; it
never passes or fails on time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reader.annotations.store import AnnotationStore
from reader.document.loader import load_document
from reader.library.catalogue import Library
from reader.library.walking import Walk, text_files

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def read_all(folder_or_files: list[Path]) -> None:
    """The baseline: read every text the library would, and nothing else."""
    for path in folder_or_files:
        files = list(text_files(path, Walk())) if path.is_dir() else [path]
        for file in files:
            load_document(file)


def make_tiny_files(folder: Path, count: int) -> None:
    for i in range(count):
        shelf = folder / f"shelf{i % 20:02d}"
        shelf.mkdir(parents=True, exist_ok=True)
        (shelf / f"{i:05d}.txt").write_text(f"第{i}篇\n\n这是第{i}篇的正文。", encoding="utf-8")


def one_run(books: list[Path], tiny: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as data, AnnotationStore.open(Path(data)) as store:
        library = Library(store)
        figures["read books"] = timed(lambda: read_all(books))
        figures["add books"] = timed(lambda: library.add(books))
        figures["read tiny"] = timed(lambda: read_all([tiny]))
        figures["add tiny"] = timed(lambda: library.add([tiny]))
        figures["list"] = timed(library.entries)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=10_000)
    options = parser.parse_args()
    books = [CORPUS / "library", CORPUS / "hongloumeng.txt"]
    with tempfile.TemporaryDirectory() as folder:
        tiny = Path(folder) / "tiny"
        make_tiny_files(tiny, options.files)
        runs = [one_run(books, tiny) for _ in range(options.runs)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(f"runs: {options.runs}, tiny files: {options.files:,}")
    print(
        f"add 23 books (18.5 MB): {median['add books']:.2f} s"
        f"   baseline (read them only): {median['read books']:.2f} s"
        f"   ratio {median['add books'] / median['read books']:.2f}"
    )
    print(
        f"add {options.files:,} tiny files: {median['add tiny']:.2f} s"
        f"   baseline (read them only): {median['read tiny']:.2f} s"
        f"   ratio {median['add tiny'] / median['read tiny']:.2f}"
    )
    print(f"list {options.files + 23:,} entries: {median['list'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
