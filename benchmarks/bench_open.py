"""Figures for issue 2: start-up, opening the novel, UI stalls, peak memory, chapter detection.

Run from the project root::

    .venv/bin/python benchmarks/bench_open.py [--runs N]

Every figure is the median of N runs, printed beside a baseline measured in the same run of the
script (a Python process that only reads and decodes the same file). It prints figures only and
never passes or fails on time.

The GUI measurements run in fresh child processes (this file again, with ``--child MODE``), on
the offscreen Qt platform, each with its own empty XDG config/data/cache directories, so no
saved settings or reading positions carry over between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import RESULT_PREFIX, child_env, emit, max_rss_kb

ROOT = Path(__file__).resolve().parent.parent
NOVEL = Path("/work/shared/corpus/hongloumeng.txt")
ARTICLE = ROOT / "resources" / "article.txt"
CHILD_TIMEOUT_S = 120.0
STALL_TICK_MS = 5
POLL_MS = 10
SETTLE_MS = 500

BASELINE_CODE = (
    "import resource, sys\n"
    "from pathlib import Path\n"
    "text = Path(sys.argv[1]).read_bytes().decode('utf-8')\n"
    "print('done', flush=True)\n"
    "print('RESULT {\"maxrss_kb\": %d}' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " flush=True)\n"
)
"""The baseline child: Python start-up plus reading and decoding the file, nothing else."""


# -- the parent: spawning children and timing them ---------------------------------------------


@dataclass
class ChildRun:
    """What one child process reported."""

    ready_s: float
    """Wall-clock seconds from just before spawning to reading the child's first line."""
    result: dict[str, Any]
    """The JSON object the child printed last."""


def run_child(command: Sequence[str]) -> ChildRun:
    """Spawn `command` with a fresh environment; time it until its first line of output."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-open-") as tmp,
        tempfile.TemporaryFile("w+") as stderr,
    ):
        env = child_env(Path(tmp))
        t0 = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        assert process.stdout is not None
        first = process.stdout.readline()
        ready = time.perf_counter() - t0
        rest = process.stdout.read()  # the child exits by itself (it has a watchdog)
        process.wait(timeout=CHILD_TIMEOUT_S)
        stderr.seek(0)
        errors = stderr.read()
    lines = [first, *rest.splitlines()]
    results = [line[len(RESULT_PREFIX) :] for line in lines if line.startswith(RESULT_PREFIX)]
    if process.returncode != 0 or not results:
        raise RuntimeError(
            f"child {' '.join(command)} failed (exit {process.returncode}):\n{errors}"
        )
    return ChildRun(ready, json.loads(results[-1]))


def baseline_command(path: Path) -> list[str]:
    """A child that starts Python and reads and decodes `path`."""
    return [sys.executable, "-c", BASELINE_CODE, str(path)]


def probe_command(mode: str) -> list[str]:
    """A child that runs this file's probe `mode`."""
    return [sys.executable, str(Path(__file__).resolve()), "--child", mode]


def time_in_process(work: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock seconds of `work()`, `runs` times."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return times


# -- the children: the GUI probes ----------------------------------------------------------------


def instrument(on_paint: Callable[[Any], None], timings: dict[str, list[float]]) -> None:
    """Patch the reader's classes (before any is built) to report paints and time the slots.

    `on_paint(view)` runs right after each paint of the page has finished. The time spent in
    `MainWindow._on_loaded` and `ReaderView.show_document` is appended to `timings`.
    """
    from PySide6.QtWidgets import QTextBrowser

    from reader.ui.reader_view import ReaderView
    from reader.ui.window import MainWindow

    def paint_event(self: ReaderView, event: Any) -> None:
        QTextBrowser.paintEvent(self, event)
        on_paint(self)

    def timed(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                timings.setdefault(name, []).append(time.perf_counter() - t0)

        return wrapper

    ReaderView.paintEvent = paint_event  # type: ignore[method-assign]
    ReaderView.show_document = timed("show_document", ReaderView.show_document)  # type: ignore[method-assign]
    MainWindow._on_loaded = timed("on_loaded", MainWindow._on_loaded)  # type: ignore[method-assign]


def child_start_article() -> None:
    """Start as `reader` with no argument does; print a line once the article is painted."""
    from PySide6.QtCore import QTimer

    import reader.app.main  # noqa: F401  (the real entry point's imports belong to start-up)
    from reader.app.services import Services
    from reader.ui.launch import create_application
    from reader.ui.window import MainWindow

    timings: dict[str, list[float]] = {}
    state = {"done": False}

    def on_paint(view: Any) -> None:
        if state["done"] or window.current_document() is None:
            return
        state["done"] = True
        print("painted", flush=True)  # the parent stops its clock on this line
        QTimer.singleShot(0, app.quit)

    instrument(on_paint, timings)
    app = create_application(sys.argv[:1])
    window = MainWindow(Services.from_environment())
    window.show()
    QTimer.singleShot(0, window.open_bundled_article)
    QTimer.singleShot(int(CHILD_TIMEOUT_S * 1000), lambda: app.exit(3))
    code = app.exec()
    emit({"ok": state["done"], "maxrss_kb": max_rss_kb(), "timings": timings})
    sys.exit(code)


def child_open_novel() -> None:
    """With the window up and painted, open the novel and follow it until fully laid out.

    Reports seconds from the `open_path` call to the first paint showing the novel, to the last
    growth of the laid-out height (final once unchanged for SETTLE_MS), the longest gap between
    ticks of a STALL_TICK_MS timer (minus the tick), and the peak memory at the end.
    """
    from PySide6.QtCore import Qt, QTimer

    from reader.app.services import Services
    from reader.ui.launch import create_application
    from reader.ui.window import MainWindow

    timings: dict[str, list[float]] = {}
    marks: dict[str, float] = {}
    stalls: list[tuple[float, float]] = []  # (gap seconds, time of the tick ending it)
    target = NOVEL.absolute()

    def on_paint(view: Any) -> None:
        now = time.perf_counter()
        marks.setdefault("window_painted", now)
        shown = window.current_document()
        if "open" in marks and shown is not None and shown.source == target:
            marks.setdefault("first_paint", now)

    instrument(on_paint, timings)
    app = create_application(sys.argv[:1])
    window = MainWindow(Services.from_environment())

    stall_timer = QTimer()
    stall_timer.setTimerType(Qt.TimerType.PreciseTimer)
    stall_timer.setInterval(STALL_TICK_MS)
    last_tick = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        stalls.append((now - last_tick[0], now))
        last_tick[0] = now

    stall_timer.timeout.connect(tick)

    poll_timer = QTimer()
    poll_timer.setInterval(POLL_MS)
    layout_state = {"maximum": -1.0, "changed": 0.0}

    def poll() -> None:
        now = time.perf_counter()
        if "first_paint" not in marks:
            return
        # Only the scroll bar: documentSize() would force the whole layout synchronously and
        # cause the very stall this probe is measuring.
        maximum = window.view.verticalScrollBar().maximum()
        if maximum != layout_state["maximum"]:
            layout_state.update(maximum=maximum, changed=now)
        elif now - layout_state["changed"] >= SETTLE_MS / 1000:
            marks["laid_out"] = layout_state["changed"]
            stall_timer.stop()
            poll_timer.stop()
            app.quit()

    poll_timer.timeout.connect(poll)

    def start() -> None:
        if "window_painted" not in marks:  # the app is up only once the window has painted
            QTimer.singleShot(10, start)
            return
        last_tick[0] = time.perf_counter()
        stall_timer.start()
        poll_timer.start()
        marks["open"] = time.perf_counter()
        window.open_path(NOVEL)

    window.show()
    QTimer.singleShot(0, start)
    QTimer.singleShot(int(CHILD_TIMEOUT_S * 1000), lambda: app.exit(3))
    code = app.exec()
    ok = "laid_out" in marks and window.current_document() is not None
    worst_gap, worst_at = max(stalls) if stalls else (0.0, marks.get("open", 0.0))
    open_t = marks.get("open", 0.0)
    print("done", flush=True)
    emit(
        {
            "ok": ok,
            "first_paint_s": marks.get("first_paint", open_t) - open_t,
            "laid_out_s": marks.get("laid_out", open_t) - open_t,
            "stall_s": max(worst_gap - STALL_TICK_MS / 1000, 0.0),
            "stall_at_s": worst_at - open_t,
            "scroll_max_px": layout_state["maximum"],
            "maxrss_kb": max_rss_kb(),
            "timings": timings,
        }
    )
    sys.exit(code)


CHILD_MODES: dict[str, Callable[[], None]] = {
    "start-article": child_start_article,
    "open-novel": child_open_novel,
}


# -- the report ------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table."""

    metric: str
    values: list[float]
    baseline: float | None
    unit: str
    target: str

    def cells(self) -> list[str]:
        """The row's cells, formatted."""
        median = statistics.median(self.values)
        spread = f"({fmt(min(self.values), self.unit)}–{fmt(max(self.values), self.unit)})"
        if self.baseline:
            base, ratio = fmt(self.baseline, self.unit), f"{median / self.baseline:.1f}×"
        else:
            base, ratio = "—", "—"
        return [self.metric, fmt(median, self.unit), spread, base, ratio, self.target]


def fmt(value: float, unit: str) -> str:
    """`value` (seconds or MiB) for the table."""
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.0f} MiB"


def print_table(rows: list[Row]) -> None:
    """A plain, aligned table."""
    header = ["metric", "median", "(min–max)", "baseline", "ratio", "target"]
    table = [header, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for index, line in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def machine() -> str:
    """One line about where the figures come from."""
    import PySide6
    from PySide6.QtCore import qVersion

    return (
        f"nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"PySide6 {PySide6.__version__} (Qt {qVersion()}), {platform.platform()}"
    )


def median_of(runs: list[ChildRun], key: str) -> float:
    """The median of one timing the children measured on themselves (seconds)."""
    values = [sum(run.result["timings"].get(key, [0.0])) for run in runs]
    return statistics.median(values)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--child", choices=sorted(CHILD_MODES), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        CHILD_MODES[options.child]()
        return 0
    runs: int = options.runs

    print(machine())
    print(f"runs: {runs} (medians), article {ARTICLE.name}, novel {NOVEL}")
    print(f"novel: {NOVEL.stat().st_size / 1e6:.1f} MB, article: {ARTICLE.stat().st_size} bytes")

    # Interleave GUI runs and baselines so that drift of the machine hits both alike.
    start, start_base, novel, novel_base = [], [], [], []
    for _ in range(runs):
        start_base.append(run_child(baseline_command(ARTICLE)))
        start.append(run_child(probe_command("start-article")))
        novel_base.append(run_child(baseline_command(NOVEL)))
        novel.append(run_child(probe_command("open-novel")))
    failed = [run for run in start + novel if not run.result.get("ok")]
    if failed:
        print(f"warning: {len(failed)} GUI run(s) did not finish as expected", file=sys.stderr)

    from reader.document.cleanup import clean_paragraphs
    from reader.document.loader import load_document
    from reader.document.structure import detect_headings

    decode_times = time_in_process(lambda: NOVEL.read_bytes().decode("utf-8"), runs)
    core_times = time_in_process(lambda: load_document(NOVEL), runs)
    paragraphs = clean_paragraphs(NOVEL.read_bytes().decode("utf-8"))
    heading_times = time_in_process(lambda: detect_headings(paragraphs), runs)
    decode_median = statistics.median(decode_times)
    mib = 1 / 1024

    rows = [
        Row(
            "start -> article painted",
            [run.ready_s for run in start],
            statistics.median(run.ready_s for run in start_base),
            "s",
            "< 1.0 s",
        ),
        Row(
            "novel: open -> first paint",
            [run.result["first_paint_s"] for run in novel],
            decode_median,
            "s",
            "< 1.5 s",
        ),
        Row(
            "novel: open -> laid out",
            [run.result["laid_out_s"] for run in novel],
            decode_median,
            "s",
            "—",
        ),
        Row(
            "novel: longest UI stall",
            [run.result["stall_s"] for run in novel],
            None,
            "s",
            "< 100 ms",
        ),
        Row(
            "novel: peak memory",
            [run.result["maxrss_kb"] * mib for run in novel],
            statistics.median(run.result["maxrss_kb"] * mib for run in novel_base),
            "MiB",
            "< 300 MB",
        ),
        Row("novel: read + decode (in-process)", decode_times, None, "s", "baseline"),
        Row("novel: core load_document", core_times, decode_median, "s", "—"),
        Row("novel: chapter detection (detect_headings)", heading_times, None, "s", "< 100 ms"),
    ]
    print()
    print_table(rows)

    stalls = [run.result["stall_s"] for run in novel]
    print()
    print(f"longest stall over all runs: {fmt(max(stalls), 's')}")
    print(
        "where the time goes in the novel child (medians): "
        f"MainWindow._on_loaded {fmt(median_of(novel, 'on_loaded'), 's')}, "
        f"of which ReaderView.show_document {fmt(median_of(novel, 'show_document'), 's')}; "
        "worst stall ended at "
        + ", ".join(fmt(run.result["stall_at_s"], "s") for run in novel)
        + " after open_path"
    )
    print(
        "baselines: start -> a child Python that reads and decodes the article; open -> "
        "read_bytes().decode() in this process; memory -> a child that reads and decodes the "
        "novel."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
