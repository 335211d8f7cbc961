"""Figures for issue 13: the dictionary (first load, each look-up), the display transforms on
the novel, and scrolling the novel with pinyin on.

Run from the project root::

    .venv/bin/python benchmarks/bench_chinese.py [--runs N] [--pages P]

Each figure is a median over N runs, printed beside a baseline measured in the same run:
for look-ups, a bare dictionary get of the clicked character; for scrolling, the same scroll
with pinyin off (and the draw-only cost of repainting the readings of a page already placed).
The scroll measure is the longest time one page step keeps the window busy
(scroll, lay out, paint the page and the readings in hand; readings of paragraphs never seen
are worked out in the readings child and painted when they arrive), and its 95th percentile,
on Qt's offscreen platform: once right after pinyin is first turned on (the readings' tables
loading, the page laid out anew), then on a page laid out to its end. It prints figures only
and never passes or fails on time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

NOVEL = Path("/work/shared/corpus/hongloumeng.txt")
LOOKUPS = 2000
SETTLE_S = 8.0


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:9.3f} ms"


def core_figures(runs: int) -> None:
    from reader.chinese.characters import CharacterForm, convert_characters
    from reader.chinese.dictionary import Dictionary
    from reader.chinese.punctuation import full_width_punctuation
    from reader.chinese.readings import readings
    from reader.document.loader import load_document

    text = load_document(NOVEL).text
    loads = [timed(Dictionary.bundled) for _ in range(runs)]
    print(f"dictionary first load (parse CC-CEDICT)   median {fmt(statistics.median(loads))}")
    dictionary = Dictionary.bundled()
    offsets = random.Random(13).sample(range(len(text)), LOOKUPS)
    lookup = [timed(lambda o=o: dictionary.matches_at(text, o)) for o in offsets]
    bare = [timed(lambda o=o: dictionary.entries(text[o])) for o in offsets]
    ratio = statistics.median(lookup) / statistics.median(bare)
    print(
        f"look-up around a character ({LOOKUPS} clicks)  median {fmt(statistics.median(lookup))}"
        f"  max {fmt(max(lookup))}  baseline (one get) {fmt(statistics.median(bare))}"
        f"  ratio {ratio:.1f}x"
    )
    paragraph = max(text.split("\n")[:400], key=len)
    reading = [timed(lambda: readings(paragraph)) for _ in range(runs)]
    print(f"pinyin of the longest early paragraph ({len(paragraph)} chars)  {fmt(min(reading))}")
    for label, work in (
        (
            "novel -> Traditional display",
            lambda: convert_characters(text, CharacterForm.TRADITIONAL),
        ),
        ("novel full-width punctuation", lambda: full_width_punctuation(text)),
    ):
        print(f"{label:40s} median {fmt(statistics.median(timed(work) for _ in range(runs)))}")


def scroll_figures(runs: int, pages: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        (tmp / name).mkdir()
        os.environ[name] = str(tmp / name)
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from reader.app.services import Services
    from reader.ui.window import MainWindow

    window = MainWindow(Services.from_environment())
    window.resize(1100, 780)
    window.show()
    window.open_path(NOVEL)
    while window.current_document() is None:
        app.processEvents()
    settle = time.perf_counter() + SETTLE_S  # search preparation and the like, out of the way
    while time.perf_counter() < settle:
        app.processEvents()
    view, display = window.view, window.chinese.display
    bar = view.verticalScrollBar()

    def pump() -> None:
        """What the window's event loop does between two events, deferred deletes included
        (a bare processEvents leaves replaced pages alive, still laying themselves out)."""
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def page_steps(pages: int) -> list[float]:
        """How long each of `pages` page steps keeps the window busy."""
        steps = []
        for page in range(pages):
            target = bar.value() + view.viewport().height()
            if page % 25 == 24:  # now and then a jump far ahead: pages never seen before
                target = bar.value() + 40 * view.viewport().height()

            def step(to: int = target) -> None:
                bar.setValue(to)
                view.viewport().repaint()
                display.pinyin.repaint()
                pump()

            steps.append(timed(step))
        return steps

    # A reader turns pinyin on and scrolls at once: the readings' first load, and the rest of
    # the page laid out again, happen while the pages go by.
    bar.setValue(0)
    pump()
    toggle = timed(lambda: (display.toggle_pinyin(), pump()))
    first = page_steps(min(pages, 60))
    print(
        f"pinyin turned on (the page laid out again)  {fmt(toggle)}; then scrolling at once,"
        f" longest of {len(first)} page steps {fmt(max(first))}"
        f"  95th percentile {fmt(percentile(first, 95))}"
    )
    display.toggle_pinyin()

    def longest_step() -> tuple[float, float]:
        view.relayout()  # both measures scroll the same fresh page, laid out to the end
        pump()
        view.document().documentLayout().documentSize()  # Qt's lazy layout, done up front
        bar.setValue(0)
        pump()
        steps = page_steps(pages)
        return max(steps), percentile(steps, 95)

    plain, with_pinyin = [], []
    for _ in range(runs):  # alternating, so background noise falls on both alike
        plain.append(longest_step())
        display.toggle_pinyin()
        with_pinyin.append(longest_step())
        display.toggle_pinyin()
    display.toggle_pinyin()
    layer = display.pinyin
    layer.placements()  # asks for the readings of the page in sight
    while layer.busy:
        app.processEvents()
        layer.placements()
    layer.repaint()
    repaints = [timed(layer.repaint) for _ in range(runs * 40)]
    print(
        f"pinyin repaint of a page already placed ({len(layer.placements())} readings)"
        f"  median {fmt(statistics.median(repaints))}  min {fmt(min(repaints))}"
    )
    display.toggle_pinyin()
    for label, index in (("longest page step", 0), ("95th percentile step", 1)):
        base = statistics.median(run[index] for run in plain)
        pinyin = statistics.median(run[index] for run in with_pinyin)
        print(
            f"novel, {label} over {pages} pages: pinyin off {fmt(base)}  "
            f"pinyin on {fmt(pinyin)}  ratio {pinyin / base:.2f}x  (issue: < 50 ms with pinyin)"
        )
    window.close()


def percentile(values: list[float], percent: int) -> float:
    """The value below which `percent` % of `values` lie."""
    return statistics.quantiles(values, n=100)[percent - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=150)
    options = parser.parse_args()
    core_figures(options.runs)
    scroll_figures(options.runs, options.pages)


if __name__ == "__main__":
    main()
