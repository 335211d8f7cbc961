"""How the novel opens as EPUB (pandoc, calibre) beside the same novel as text, same run.

For each file: in-process load (`load_document`: unzip, parse, walk, assemble), then in a
fresh offscreen child the window's open -> first paint of the book, full background layout,
the longest UI stall while it lays out, and the child's peak RSS. Medians, with the ratio to
the text file measured in the same run. Never pass/fail: the issue's targets are printed
beside the figures (first paint < 1.0 s, stall < 100 ms, RSS < 300 MB).

    .venv/bin/python benchmarks/bench_formats.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

import bench_open
from bench_open import run_child, time_in_process

CORPUS = bench_open.ROOT / ".." / "shared" / "corpus"
FILES = {
    "text": CORPUS / "hongloumeng.txt",
    "pandoc epub": CORPUS / "epub" / "hongloumeng.pandoc.epub",
    "calibre epub": CORPUS / "epub" / "hongloumeng.calibre.epub",
}
METRICS = (
    ("load in process", "s", "—"),
    ("open -> first paint", "s", "< 1.0 s"),
    ("fully laid out", "s", "—"),
    ("longest UI stall", "s", "< 100 ms"),
    ("peak RSS", "MB", "< 300 MB"),
)


def child(path: str) -> None:
    """The GUI probe of bench_open, on `path` instead of the text novel."""
    bench_open.NOVEL = Path(path).resolve()
    bench_open.child_open_novel()


def measure(path: Path, runs: int) -> dict[str, list[float]]:
    from reader.document.loader import load_document

    figures: dict[str, list[float]] = {
        "load in process": time_in_process(lambda: load_document(path), runs)
    }
    for _ in range(runs):
        result = run_child(
            [sys.executable, str(Path(__file__).resolve()), "--child", str(path)]
        ).result
        figures.setdefault("open -> first paint", []).append(result["first_paint_s"])
        figures.setdefault("fully laid out", []).append(result["laid_out_s"])
        figures.setdefault("longest UI stall", []).append(result["stall_s"])
        figures.setdefault("peak RSS", []).append(result["maxrss_kb"] / 1024)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        child(arguments.child)
        return 0
    results = {name: measure(path, arguments.runs) for name, path in FILES.items()}
    text = results["text"]
    print(f"{'file':<14}{'metric':<22}{'median':>10}{'text':>10}{'ratio':>8}  target")
    for name, figures in results.items():
        for metric, unit, target in METRICS:
            median = statistics.median(figures[metric])
            base = statistics.median(text[metric])
            ratio = f"{median / base:.1f}x" if base else "—"
            figures_cell = f"{median:>8.3f}{unit:<2}{base:>8.3f}{unit:<2}"
            print(f"{name:<14}{metric:<22}{figures_cell}{ratio:>8}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
