"""Figures for the UI stalls removed from the window: how long the UI thread stops answering.

Run from the project root::

    .venv/bin/python benchmarks/bench_stalls.py [--runs N] [--baseline ../base] [--only NAME]

Each figure comes from a fresh GUI child on the offscreen platform with empty XDG directories;
a 5 ms timer ticks meanwhile, and the longest gap between its ticks is the longest UI stall.
With ``--baseline PATH`` the same child runs against another checkout's ``reader``
(``git worktree add --detach ../base main``) in the same run, and each row prints the ratio.

- ``store``: 10,000 annotations over 20 documents (``bench_notebook.populate``); the window
  opens one of them (its text loads on a worker); from the Open command to its annotations
  shown (the store's first opening, on the first start of a day: an integrity check over
  every row and a backup), the time taken and the longest stall.
- ``library``: 10,000 tiny files added to the library; from showing the Library screen to its
  list read (one query, a look at every file) and shown.
- ``rebuild``: a Markdown book with 20 photographs (copies of the calibre EPUB's cover); the
  page rebuilt for a theme change (median of four changes), the images decoded anew or not.

It prints medians and ratios only; it never passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import shutil
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
CORPUS = ROOT.parent / "shared" / "corpus"
TIMEOUT_S = 300
"""A hang detector for a GUI child, not a budget."""


class Ticker:
    """A 5 ms timer on the UI thread: the longest gap between its ticks is the longest stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self._timer = QTimer(interval=5)
        self._timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def measure(self, action: Callable[[], object], done: Callable[[], bool]) -> dict[str, float]:
        """Run `action`, process events until `done`: the time taken and the longest stall."""
        from PySide6.QtCore import QEventLoop
        from PySide6.QtWidgets import QApplication

        began = time.perf_counter()
        self.ticks[:] = [began]
        self._timer.start()
        action()
        while not done():  # waiting (the GIL released) for the next event, the ticks at least
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            if time.perf_counter() - began > TIMEOUT_S:
                raise SystemExit("the window never finished")
        ended = time.perf_counter()
        self._timer.stop()
        stall = max((b - a) * 1000 for a, b in pairwise([*self.ticks, ended]))
        return {"took": (ended - began) * 1000, "stall": stall}


def store_child() -> dict[str, float]:
    """The store's first opening after the page, with 10,000 annotations."""
    from bench_notebook import populate
    from PySide6.QtWidgets import QApplication

    from reader.app.paths import AppPaths
    from reader.app.services import Services
    from reader.ui.window import MainWindow

    paths = AppPaths.from_environment()
    texts = paths.data_dir.parent / "texts"
    populate(paths.data_dir, texts)
    app = QApplication([])
    app.setStyle("Fusion")
    window = MainWindow(Services(paths))
    window.show()
    app.processEvents()
    shutil.rmtree(paths.data_dir / "backups", ignore_errors=True)  # as on a new day: one is due
    shown: list[bool] = []
    window.annotations.opened.connect(lambda: shown.append(True))
    return Ticker().measure(lambda: window.open_path(texts / "copy-00.txt"), lambda: bool(shown))


def library_child() -> dict[str, float]:
    """The Library screen shown over 10,000 entries (tiny files in 20 folders)."""
    from bench_catalogue import make_tiny_files
    from PySide6.QtWidgets import QApplication

    from reader.app.paths import AppPaths
    from reader.app.services import Services
    from reader.ui.window import MainWindow

    paths = AppPaths.from_environment()
    tiny = paths.data_dir.parent / "tiny"
    make_tiny_files(tiny, 10_000)
    app = QApplication([])
    app.setStyle("Fusion")
    services = Services(paths)
    services.library().add([tiny])
    window = MainWindow(services)
    window.show()
    app.processEvents()
    screen = window.library_screen
    listing = getattr(screen, "listing", None)  # absent where the list is read on the UI thread
    figures = Ticker().measure(screen.show, lambda: listing is None or not listing.busy)
    assert screen.view.model.rowCount() == 10_000
    return figures


def rebuild_child() -> dict[str, float]:
    """Theme changes on a Markdown book with 20 photographs (the calibre EPUB's cover)."""
    import zipfile

    from PySide6.QtWidgets import QApplication

    from reader.app.paths import AppPaths
    from reader.app.services import Services
    from reader.ui.window import MainWindow

    folder = AppPaths.from_environment().data_dir.parent / "album"
    folder.mkdir(parents=True)
    with zipfile.ZipFile(CORPUS / "epub" / "hongloumeng.calibre.epub") as book:
        photo = book.read("cover_image.jpg")
    lines = ["# 图集", ""]
    for number in range(20):
        (folder / f"photo{number:02}.jpg").write_bytes(photo)
        lines += [f"第{number}幅。", "", f"![图{number}](photo{number:02}.jpg)", ""]
    (folder / "album.md").write_text("\n".join(lines), encoding="utf-8")
    app = QApplication([])
    app.setStyle("Fusion")
    window = MainWindow(Services(AppPaths.from_environment()))
    window.show()
    loaded: list[bool] = []
    window.loader.settled.connect(lambda: loaded.append(True))
    window.open_path(folder / "album.md")
    while not loaded:
        app.processEvents()
    ticker, figures = Ticker(), []
    for theme in ("dark", "light", "dark", "light"):
        figures.append(ticker.measure(lambda t=theme: window.appearance.set_theme(t), lambda: True))
    return {key: statistics.median(f[key] for f in figures) for key in figures[0]}


CHILDREN: dict[str, tuple[str, Callable[[], dict[str, float]]]] = {
    "store": ("store's first opening, 10,000 annotations", store_child),
    "library": ("Library screen shown, 10,000 entries", library_child),
    "rebuild": ("theme change, a book with 20 photographs", rebuild_child),
}


def run_child(name: str, tree: Path | None) -> dict[str, float]:
    """One GUI child's figures (`tree`: measure the `reader` of that tree instead)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, __file__, "--child", name]
        command += ["--tree", str(tree)] if tree else []
        done = subprocess.run(
            command, env=child_env(Path(tmp)), capture_output=True, text=True, timeout=TIMEOUT_S
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        print(done.stderr[-2000:])
        raise SystemExit(f"the {name} child gave no result")
    result: dict[str, float] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    return result


def report(name: str, runs: int, baseline: Path | None) -> None:
    label, _child = CHILDREN[name]
    mine = [run_child(name, None) for _ in range(runs)]
    theirs = [run_child(name, baseline) for _ in range(runs)] if baseline else []
    print(f"{label} ({runs} runs, medians)")
    for key in mine[0]:
        value = statistics.median(r[key] for r in mine)
        line = f"  {key:28} {value:9.1f}"
        if theirs:
            base = statistics.median(r[key] for r in theirs)
            line += f"   baseline ({baseline}) {base:9.1f}   ratio {value / max(base, 0.001):.2f}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured beside this")
    parser.add_argument("--only", choices=sorted(CHILDREN), help="one figure only")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        import bench_notebook  # noqa: F401  (it puts this tree first on the path: import it first)

        sys.path.insert(0, str((arguments.tree or ROOT).resolve()))
        emit(CHILDREN[arguments.child][1]())
        return
    for name in [arguments.only] if arguments.only else list(CHILDREN):
        report(name, arguments.runs, arguments.baseline)


if __name__ == "__main__":
    main()
