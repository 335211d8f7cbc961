"""Figures for issue 15: importing 10,000 Kindle highlights into the novel.

Run from the project root::

    .venv/bin/python benchmarks/bench_import.py [--runs N]

Ten thousand passages of ``/work/shared/corpus/hongloumeng.txt`` (fixed seed: 4-40 characters,
a fifth with a note) are written twice: as a Kindle ``My Clippings.txt`` (title, header with
the Kindle location, quote, no context: what a Kindle gives) and as this reader's W3C JSON-LD
(quote with context and position). Each run imports each file into a fresh store in a fresh
child process, with the novel already loaded: reading and parsing the file, anchoring every
highlight, and the one transaction. The W3C import of the same highlights is the baseline; the
Kindle import must find every passage by its quote alone, near its location. Memory: the
child's peak resident set size (beside a child that only loads the novel, whose loading peak
may hide the import's), and the peak of Python's allocations during the import alone
(tracemalloc, in one more child per format, not timed).

It prints medians of N runs and the ratio to the baseline, and never passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import RESULT_PREFIX, child_env, emit, max_rss_kb
from reader.annotations.exchange import render
from reader.annotations.model import Annotation, Colour, annotate
from reader.document.loader import load_document
from reader.document.model import Document

NOVEL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "hongloumeng.txt"
COUNT = 10_000
SEED = 15


def make_annotations(document: Document, count: int = COUNT) -> list[Annotation]:
    """`count` passages spread through the text (each starting on a character, not a space)."""
    chooser = random.Random(SEED)
    text, colours = document.text, list(Colour)
    made: list[Annotation] = []
    while len(made) < count:
        start = chooser.randrange(0, len(text) - 50)
        end = start + chooser.randint(4, 40)
        if "\n" in text[start:end] or text[start].isspace():
            continue
        note = f"笔记 {len(made)}" if chooser.random() < 0.2 else ""
        made.append(
            annotate(text, "", document.fingerprint, start, end, colours[len(made) % 5], note)
        )
    return made


def child(kind: str, path: Path, data_dir: Path, traced: bool) -> None:
    """Import `path` into a fresh store; print the time and the peak memory (with `traced`,
    the peak of Python's allocations during the import alone, which slows it down)."""
    from reader.annotations.exchange.sniff import parse_foreign, read_import_file
    from reader.annotations.foreign import ImportTarget, import_foreign
    from reader.annotations.placement import import_file
    from reader.annotations.store import AnnotationStore
    from reader.search.folding import fold

    document = load_document(NOVEL)
    fold("预热")  # the folding table's first use is not the import's cost
    with AnnotationStore.open(data_dir) as store:
        record = store.open_document(document.fingerprint, document.title, document.source)
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        if kind == "kindle":
            foreign = parse_foreign(read_import_file(path), "kindle")
            targets = [ImportTarget(book, record, document) for book in foreign.books]
            summary = import_foreign(store, "kindle", targets, fold).summary()
        elif kind == "w3c":
            summary = import_file(store, record, document, path, fold).summary()
        else:
            summary = "loaded only"
        elapsed = time.perf_counter() - started
        traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    emit({"seconds": elapsed, "peak_kb": max_rss_kb(), "traced": traced_peak, "summary": summary})


def run_child(kind: str, path: Path, traced: bool = False) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        command = [sys.executable, __file__, "--child", kind, str(path), str(tmp / "data")]
        command += ["--traced"] if traced else []
        output = subprocess.run(
            command, env=child_env(tmp), capture_output=True, text=True, check=True
        ).stdout
    line = next(line for line in output.splitlines() if line.startswith(RESULT_PREFIX))
    result: dict[str, object] = json.loads(line.removeprefix(RESULT_PREFIX))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "FILE", "DATA"))
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        kind, path, data = arguments.child
        child(kind, Path(path), Path(data), arguments.traced)
        return
    document = load_document(NOVEL)
    annotations = make_annotations(document)
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "kindle": Path(folder) / "My Clippings.txt",
            "w3c": Path(folder) / "annotations.jsonld",
            "loaded": Path(folder) / "none",
        }
        for kind in ("kindle", "w3c"):
            files[kind].write_text(render(document, annotations, [], kind), encoding="utf-8")
        results: dict[str, list[dict[str, object]]] = {kind: [] for kind in files}
        for _run in range(arguments.runs):
            for kind, path in files.items():
                results[kind].append(run_child(kind, path))
        traced = {kind: int(run_child(kind, files[kind], traced=True)["traced"]) / 2**20  # type: ignore[call-overload]
                  for kind in ("kindle", "w3c")}  # fmt: skip
        sizes = {kind: files[kind].stat().st_size for kind in ("kindle", "w3c")}
    print(f"{COUNT:,} highlights on {NOVEL.name} ({len(document.text):,} characters), "
          f"{arguments.runs} runs; Kindle file {sizes['kindle'] / 1e6:.1f} MB, "
          f"W3C file {sizes['w3c'] / 1e6:.1f} MB")  # fmt: skip
    seconds = {k: statistics.median(float(r["seconds"]) for r in v) for k, v in results.items()}
    peaks = {k: max(int(r["peak_kb"]) for r in v) / 1024 for k, v in results.items()}  # type: ignore[call-overload]
    for kind, label in (("w3c", "W3C import (baseline)"), ("kindle", "Kindle import")):
        summary = results[kind][-1]["summary"]
        print(f"  {label:<24} median {seconds[kind]:7.2f} s   peak RSS {peaks[kind]:6.0f} MB   "
              f"import's own peak {traced[kind]:5.0f} MB   {summary}")  # fmt: skip
    print(f"  {'novel loaded only':<24} {'':>16}   peak RSS {peaks['loaded']:6.0f} MB")
    print(f"  Kindle / W3C time: {seconds['kindle'] / seconds['w3c']:.2f}x")


if __name__ == "__main__":
    main()
