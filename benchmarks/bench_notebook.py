"""Figures for the notebook (issue 11, item 3): 10,000 annotations across 20 documents.

Run from the project root::

    .venv/bin/python benchmarks/bench_notebook.py [--runs N] [--baseline ../base] [--gui-only]

A fresh data directory gets 20 documents (copies of the corpus article with one character
changed, so each has its own text), and 10,000 annotations spread over them (a fifth with a
note, some with tags), saved with one ``store.import_annotations`` call per document. Measured:

1. reading the notebook: ``read_notebook`` (one joined query); the baseline is the same rows
   read document by document with ``store.annotations``;
2. filtering it: a text filter the first time (every annotation folded) and again with another
   word (the folded text kept); colour and tag filters; the baseline is one ``fold`` of all the
   notes joined;
3. Export All: ``render_all`` as Markdown and as W3C JSON-LD;
4. the Notebook window, in a fresh GUI child on the offscreen platform, the annotation store
   opened first (as it is whenever a document is on the page; its opening, an integrity check
   and a backup, is timed on its own): from the Notebook
   command to the first paint of the filled list (it is read on a worker thread) and the
   longest gap between the ticks of a 5 ms timer meanwhile (a UI stall), a filter applied and
   painted, four filters each applied and painted (and the longest stall while they are
   computed), and a scroll to the bottom painted; the baseline is the same with one document of
   25 annotations or, with ``--baseline PATH``, the same 10,000 in another checkout's window
   (``git worktree add --detach ../base main``), in the same run.

Medians of N runs beside their baselines, measured in the same run. It prints figures only and
never passes or fails on time.
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
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from harness import RESULT_PREFIX, child_env, emit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ARTICLE = ROOT.parent / "shared" / "corpus" / "000_b4732b532e84408a.txt"
DOCUMENTS = 20
ANNOTATIONS = 10_000
PAINT_TIMEOUT_S = 120
"""A hang detector for the GUI child, not a budget."""


def populate(
    data_dir: Path, texts_dir: Path, documents: int = DOCUMENTS, annotations: int = ANNOTATIONS
) -> None:
    """`documents` copies of the article and `annotations` spread over them (a fixed seed)."""
    from reader.annotations.model import Colour, annotate
    from reader.annotations.session import AnnotationSession
    from reader.annotations.store import AnnotationStore
    from reader.document.loader import load_document

    random.seed(11)
    texts_dir.mkdir(parents=True, exist_ok=True)
    original = ARTICLE.read_text(encoding="utf-8")
    with AnnotationStore.open(data_dir) as store:
        for number in range(documents):
            path = texts_dir / f"copy-{number:02}.txt"
            path.write_text(original.replace("。", "．", 1) + f"\n第{number}份\n", encoding="utf-8")
            document = load_document(path)
            record = AnnotationSession.open(store, document).record
            made = []
            for _ in range(annotations // documents):
                start = random.randrange(0, len(document.text) - 41)
                end = start + random.randint(2, 40)
                note = "".join(random.choices(original, k=60)) if random.random() < 0.2 else ""
                tags = tuple(random.sample(["史", "算力", "芯片", "待讀"], random.randint(0, 2)))
                colour = random.choice(list(Colour))
                made.append(
                    annotate(
                        document.text,
                        record.id,
                        document.fingerprint,
                        start,
                        end,
                        colour,
                        note,
                        tags,
                    )
                )
            store.import_annotations(made)


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def core_figures(runs: int) -> None:
    from reader.annotations.exchange.all_documents import render_all
    from reader.annotations.model import Colour
    from reader.annotations.notebook import NotebookQuery, read_notebook
    from reader.annotations.store import AnnotationStore
    from reader.search.folding import fold

    with tempfile.TemporaryDirectory() as tmp:
        populate(Path(tmp) / "data", Path(tmp) / "texts")
        with AnnotationStore.open(Path(tmp) / "data") as store:
            notebook = read_notebook(store)
            ids = [d.record.id for d in notebook.documents]
            read = median_ms(lambda: read_notebook(store), runs)
            per_document = median_ms(lambda: [store.annotations(i) for i in ids], runs)
            notes = "\n".join(a.note for d in notebook.documents for a in d.annotations)
            fold_all = median_ms(lambda: fold(notes), runs)

            def first_filter() -> None:
                read_notebook(store).filtered(NotebookQuery(text="芯片"), fold)

            again = median_ms(lambda: notebook.filtered(NotebookQuery(text="算力 史"), fold), runs)
            first = median_ms(first_filter, runs) - read
            colour = median_ms(
                lambda: notebook.filtered(NotebookQuery(colour=Colour.PINK, tag="史"), fold), runs
            )
            markdown = median_ms(lambda: render_all(notebook.documents, "markdown"), runs)
            w3c = median_ms(lambda: render_all(notebook.documents, "w3c"), runs)
    print(f"{notebook.total} annotations in {len(notebook.documents)} documents, {runs} runs")
    row("read_notebook", read, "per-document reads", per_document)
    row("text filter, first time", first, "fold of all notes", fold_all)
    row("text filter, again", again)
    row("colour + tag filter", colour)
    row("Export All, Markdown", markdown)
    row("Export All, W3C JSON-LD", w3c)


def row(label: str, value: float, baseline_label: str = "", baseline: float = 0.0) -> None:
    """One figure (a median, in ms), beside its baseline when it has one."""
    line = f"  {label:30} {value:8.1f} ms"
    if baseline_label:
        line += f"   baseline ({baseline_label}) {baseline:8.1f} ms"
        line += f"   ratio {value / max(baseline, 0.001):.2f}"
    print(line)


def gui_child(small: bool) -> None:
    """In a fresh child: the Notebook window's timings, as one result line (`small`: the
    baseline's one document with 25 annotations). It runs against the `reader` first on
    `sys.path`, so `--baseline` measures another tree (an older notebook) the same way."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from reader.app.paths import AppPaths
    from reader.app.services import Services
    from reader.ui.window import MainWindow

    paths = AppPaths.from_environment()
    texts = paths.data_dir.parent / "texts"
    populate(paths.data_dir, texts, *((1, 25) if small else (DOCUMENTS, ANNOTATIONS)))
    app = QApplication([])
    app.setStyle("Fusion")
    window = MainWindow(Services(paths))
    window.show()
    app.processEvents()
    painted: list[float] = []

    class PaintWatch(QObject):
        """Notes each paint of the list (or of its empty state) in the notebook window."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
                inside = watched.parentWidget()
                names = {watched.objectName(), inside.objectName() if inside else ""}
                if names & {"notebookList", "notebookEmpty"}:
                    painted.append(time.perf_counter())
            return False

    ticks: list[float] = []
    ticker = QTimer(interval=5)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def measured(action: Callable[[], object], done: Callable[[], bool]) -> tuple[float, float]:
        """Milliseconds from `action` to the first paint once `done` holds, and the longest gap
        between the ticks of a 5 ms timer meanwhile (the longest UI stall)."""
        began = time.perf_counter()
        ticks[:] = [began]
        ticker.start()
        action()
        while not done():
            app.processEvents()
            if time.perf_counter() - began > PAINT_TIMEOUT_S:
                raise SystemExit("the notebook never showed its answer")
        painted.clear()
        shown = link.view.pages.currentWidget() if link.view is not None else None
        if shown is not None:  # an answer equal to what is shown (no match twice) paints nothing
            shown.update()
        while not painted:
            app.processEvents()
            if time.perf_counter() - began > PAINT_TIMEOUT_S:
                raise SystemExit("the notebook never painted its answer")
        ticker.stop()
        stall = max((b - a) * 1000 for a, b in pairwise([*ticks, painted[0]]))
        return (painted[0] - began) * 1000, stall

    watch = PaintWatch()  # kept: an event filter nothing refers to is collected
    app.installEventFilter(watch)
    link = window.notebook
    began = time.perf_counter()  # as when a document is on the page: the store is open
    window.services.annotation_store()
    store_open = (time.perf_counter() - began) * 1000

    def answered() -> bool:
        view = link.view
        filtering = getattr(view, "filtering", None)  # absent where filtering blocks
        return not link.reading and not (filtering is not None and filtering.busy)

    shown, show_stall = measured(link.show, answered)
    view = link.view
    assert view is not None
    view.resize(900, 500)  # the baseline's 25 rows too are taller than the list
    entries = getattr(view, "entries", None) or view.tree  # a QTreeView before, a list now
    filters, stalls = [], []
    for words in ("算力", "芯片 史", "深度", ""):

        def apply(words: str = words) -> None:
            view.filter.setText(words)
            view.refilter()

        took, stall = measured(apply, answered)
        filters.append(took)
        stalls.append(stall)
    scroll, _stall = measured(entries.scrollToBottom, lambda: True)
    emit(
        {
            "store": store_open,
            "show": shown,
            "stall": show_stall,
            "filter": statistics.median(filters),
            "filter_stall": max(stalls),
            "scroll": scroll,
        }
    )


def gui_run(small: bool, tree: Path | None) -> dict[str, float]:
    """One GUI child's figures (`tree`: measure the `reader` of that tree instead)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, __file__, "--child"] + (["--small"] if small else [])
        command += ["--tree", str(tree)] if tree else []
        done = subprocess.run(
            command, env=child_env(Path(tmp)), capture_output=True, text=True, timeout=600
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        print(done.stderr[-2000:])
        raise SystemExit("a GUI child gave no result")
    result: dict[str, float] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    return result


def gui_figures(runs: int, baseline: Path | None) -> None:
    """This tree with 10,000 annotations beside `baseline`'s (when given) or beside 25."""
    full, base = [], []
    for _ in range(runs):
        full.append(gui_run(False, None))
        base.append(gui_run(False, baseline) if baseline else gui_run(True, None))
    against = f"{baseline.name}, 10,000" if baseline else "25 annotations"
    print(f"Notebook window (GUI child, offscreen), {runs} runs, medians")
    for key, label in (
        ("store", "store opened (by the script)"),
        ("show", "shown, read and painted"),
        ("stall", "longest UI stall meanwhile"),
        ("filter", "filter applied, painted"),
        ("filter_stall", "longest UI stall, 4 filters"),
        ("scroll", "scrolled to the end, painted"),
    ):
        row(
            label,
            statistics.median(r[key] for r in full),
            against,
            statistics.median(r[key] for r in base),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--small", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. a worktree of main) whose notebook window is measured"
        " beside this one's, in the same run",
    )
    parser.add_argument("--gui-only", action="store_true", help="skip the core figures")
    arguments = parser.parse_args()
    if arguments.child:
        if arguments.tree:
            sys.path.insert(0, str(arguments.tree.resolve()))
        gui_child(arguments.small)
        return
    if not arguments.gui_only:
        core_figures(arguments.runs)
    gui_figures(arguments.runs, arguments.baseline)


if __name__ == "__main__":
    main()
