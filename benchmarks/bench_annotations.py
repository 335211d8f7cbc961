"""Figures for issue 4: the novel with 10,000 annotations.

Run from the project root::

    .venv/bin/python benchmarks/bench_annotations.py [--runs N]

On ``/work/shared/corpus/hongloumeng.txt`` with 10,000 annotations spread through it (made by
`make_annotations` from a fixed seed: lengths 2-40 characters, the five colours, about a fifth
with a note, some with tags), saved with one ``store.import_annotations`` call into a fresh data
directory each time, it measures:

1. opening the novel with its annotations shown: from ``window.open_path`` to the first paint of
   the page after the view's extra selections (the painted highlights) became non-empty, and to
   the first paint at which every annotation on the page (told by the paragraphs in view) has
   its selection, in a fresh GUI child process; the baseline is the same child with an empty
   store (its first paint of the novel);
2. creating one annotation, commit included: ``store.add(annotate(...))`` on the store holding
   the 10,000 (baseline: an empty store), in this process; and through the window,
   ``window.annotations.highlight(start, end)`` (which also reloads the list and repaints), both
   the call and the time until the page has painted, in the GUI children;
3. re-anchoring all 10,000 after a few characters were inserted in chapter 1 (the annotations
   were made on the original file at the same path): ``anchor_all`` alone (baseline: the same
   on the unchanged text) and ``open_session`` (anchoring plus the one-transaction relocate);
4. scrolling with the 10,000 shown, once the page is laid out: a page every 16 ms from several
   places, reading-speed paging, and big jumps, while a 5 ms timer records the longest gap
   between its ticks (a UI stall); the baseline is the same scroll with no annotations;
5. exchanging them: ``from_w3c`` on their W3C JSON-LD, ``import_file`` of that file into a fresh
   store (what ``reader import`` does; baseline: the bulk import of parsed annotations), and
   refusing a 50 MB file by its size.

Figures are medians of N runs (or, for single operations, median and p95 of all of them) beside
their baseline, measured in the same run of the script. GUI children run this file again
(``--child``) on the offscreen Qt platform with their own empty XDG config/data/cache
directories. It prints figures only and never passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import RESULT_PREFIX, child_env, emit, max_rss_kb, percentile

if TYPE_CHECKING:
    from reader.annotations.anchoring import AnchoringResult
    from reader.annotations.model import Annotation
    from reader.document.model import Document

ROOT = Path(__file__).resolve().parent.parent
NOVEL = Path("/work/shared/corpus/hongloumeng.txt")
CHILD_TIMEOUT_S = 300.0

ANNOTATIONS = 10_000
SEED = 20_240_404
NOTE_SHARE = 0.2
TAG_SHARE = 0.1
TAGS = ("人物", "诗词", "伏笔", "服饰", "饮食", "待考")
NOTE_PHRASES = (
    "此处伏笔，后文呼应。",
    "脂批：妙极！",
    "Cf. chapter 5, the registers of Jinling.",
    "宝黛初会，一见如故。",
    "注意称谓的变化",
    "<b>not markup</b> & *not emphasis*",
)
CREATED = "2024-04-04T08:00:00.000Z"

STORE_ADDS = 200
"""`store.add` calls in all, over the N runs (and as many on the empty store)."""
CONTROLLER_ADDS = 50
"""`window.annotations.highlight` calls in all, over the N GUI children of each kind."""

EDIT_AFTER = "列位看官："
EDIT_INSERTED = "（此处新添几字）"
"""The small edit: inserted into the first paragraph of chapter 1 of the file."""

STALL_TICK_MS = 5
POLL_MS = 10
SETTLE_MS = 500
"""The layout is complete once the scroll range has not grown for this long."""
REFRESH_WAIT_MS = 250
"""A pause long enough for the view to re-mark the page (it does so 120 ms after scrolling)."""
SCROLL_PLACES = (0.02, 0.2, 0.4, 0.6, 0.8)
"""Where the fast scrolls start, as fractions of the scroll range."""
SCROLL_PAGES = 300
SCROLL_STEP_MS = 16
PAGING_PAGES = 20
PAGING_STEP_MS = 150
"""Reading-speed paging: each page turn is followed by the view's 120 ms re-marking."""
JUMPS = (0.97, 0.08, 0.66, 0.33, 1.0, 0.0, 0.5)
PAINT_TIMEOUT_MS = 2000
HUGE_IMPORT_BYTES = 50 * 1024 * 1024
"""A (sparse) import file over the 40 MB limit: refused by its size, before it is read."""
HIGHLIGHT_GAP_MS = 50


# -- the annotations ------------------------------------------------------------------------------


def stable_id(rng: random.Random) -> str:
    """A UUID URN drawn from `rng`, so every run saves the very same annotations."""
    return f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def make_annotations(document: Document, count: int = ANNOTATIONS) -> list[Annotation]:
    """`count` annotations spread evenly (with jitter) through `document`, from a fixed seed."""
    from reader.annotations.model import Colour, annotate

    rng = random.Random(SEED)
    text, colours = document.text, list(Colour)
    step = len(text) / count
    made = []
    for number in range(count):
        length = rng.randint(2, 40)
        start = int(number * step) + rng.randrange(max(int(step) - length, 1))
        start = min(start, len(text) - length)
        note = ""
        if rng.random() < NOTE_SHARE:
            note = "\n".join(rng.choices(NOTE_PHRASES, k=rng.randint(1, 4)))
        tags = tuple(rng.sample(TAGS, rng.randint(1, 2))) if rng.random() < TAG_SHARE else ()
        colour = rng.choice(colours)
        fresh = annotate(
            text,
            document.fingerprint,
            document.fingerprint,
            start,
            start + length,
            colour,
            note,
            tags,
        )
        made.append(replace(fresh, id=stable_id(rng), created=CREATED, modified=CREATED))
    return made


def edited_novel() -> str:
    """The novel's file content with a few characters inserted in chapter 1."""
    raw = NOVEL.read_bytes().decode("utf-8")
    at = raw.index(EDIT_AFTER) + len(EDIT_AFTER)
    return raw[:at] + EDIT_INSERTED + raw[at:]


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds `work()` took, and what it returned."""
    t0 = time.perf_counter()
    result = work()
    return time.perf_counter() - t0, result


# -- in this process: bulk import, store.add, re-anchoring ----------------------------------------


@dataclass
class CoreFigures:
    """What the in-process measurements found."""

    imports: list[float] = field(default_factory=list)
    adds_full: list[float] = field(default_factory=list)
    adds_empty: list[float] = field(default_factory=list)
    anchor: list[float] = field(default_factory=list)
    anchor_unchanged: list[float] = field(default_factory=list)
    reanchoring: list[float] = field(default_factory=list)
    parse_w3c: list[float] = field(default_factory=list)
    import_file: list[float] = field(default_factory=list)
    refuse_huge: list[float] = field(default_factory=list)
    w3c_bytes: int = 0
    methods: dict[str, int] = field(default_factory=dict)
    orphans: int = 0
    where_expected: int = 0
    edit_at: int = 0
    stored_after: int = 0


def check_placements(
    result: AnchoringResult, edit_at: int, shift: int
) -> tuple[dict[str, int], int]:
    """Placements by method, and how many landed where the edit moved them."""
    methods = Counter(p.method.value for p in result.placed)
    expected = sum(
        p.position.start == p.annotation.start + (shift if p.annotation.start >= edit_at else 0)
        for p in result.placed
    )
    return dict(sorted(methods.items())), expected


def measure_exchange(
    figures: CoreFigures,
    tmp: Path,
    run: int,
    document: Document,
    annotations: list[Annotation],
) -> None:
    """Parsing the 10,000 as W3C JSON-LD, importing them from a file into a fresh store (what
    `reader import` does), and refusing a 50 MB file by its size."""
    from reader.annotations.exchange.w3c_export import to_w3c
    from reader.annotations.exchange.w3c_import import ImportFormatError, from_w3c, load_w3c_file
    from reader.annotations.placement import import_file
    from reader.annotations.store import AnnotationStore

    data = json.dumps(to_w3c(document, annotations), ensure_ascii=False).encode("utf-8")
    figures.w3c_bytes = len(data)
    seconds, parsed = timed(partial(from_w3c, data))
    assert len(parsed) == ANNOTATIONS
    figures.parse_w3c.append(seconds)

    file = tmp / f"annotations-{run}.jsonld"
    file.write_bytes(data)
    store = AnnotationStore.open(tmp / f"imported-{run}")
    seconds, report = timed(
        partial(
            import_file,
            store,
            store.open_document(document.fingerprint, document.title, document.source),
            document,
            file,
        )
    )
    assert report.count.added == ANNOTATIONS, report
    figures.import_file.append(seconds)
    store.close()

    huge = tmp / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(HUGE_IMPORT_BYTES)
    t0 = time.perf_counter()
    try:
        load_w3c_file(huge)
    except ImportFormatError:
        figures.refuse_huge.append(time.perf_counter() - t0)
    else:
        raise AssertionError("a 50 MB file was not refused")


def measure_core(runs: int) -> CoreFigures:
    """Bulk import, store.add, re-anchoring and W3C exchange, each run on fresh data directories."""
    from reader.annotations.anchoring import anchor_all
    from reader.annotations.model import Colour, annotate
    from reader.annotations.placement import open_annotations
    from reader.annotations.session import open_session
    from reader.annotations.store import AnnotationStore
    from reader.document.loader import load_document

    figures = CoreFigures()
    adds_per_run = math.ceil(STORE_ADDS / runs)
    with tempfile.TemporaryDirectory(prefix="bench-annotations-") as tmp_name:
        tmp = Path(tmp_name)
        path = tmp / NOVEL.name
        path.write_bytes(NOVEL.read_bytes())
        original = load_document(path)
        path.write_text(edited_novel(), encoding="utf-8")
        edited = load_document(path)
        edit_at = next(
            i for i, (a, b) in enumerate(zip(original.text, edited.text, strict=False)) if a != b
        )
        shift = len(edited.text) - len(original.text)
        figures.edit_at = edit_at
        annotations = make_annotations(original)
        rng = random.Random(SEED + 1)

        for run in range(runs):
            full = AnnotationStore.open(tmp / f"full-{run}")
            empty = AnnotationStore.open(tmp / f"empty-{run}")
            record = full.open_document(original.fingerprint, original.title, path)
            mine = [replace(a, document_id=record.id) for a in annotations]
            seconds, report = timed(partial(full.import_annotations, mine))
            assert report.added == ANNOTATIONS, report
            figures.imports.append(seconds)

            earlier = open_annotations(full, edited).stale
            assert len(earlier) == ANNOTATIONS
            seconds, result = timed(partial(anchor_all, earlier, edited.text))
            figures.anchor.append(seconds)
            figures.methods, figures.where_expected = check_placements(result, edit_at, shift)
            figures.anchor_unchanged.append(
                timed(lambda: anchor_all(annotations, original.text))[0]
            )
            seconds, moved = timed(partial(open_session, full, edited))
            figures.reanchoring.append(seconds)
            assert [a.position for a in moved.placed] == [p.position for p in result.placed]
            figures.orphans = len(moved.orphans)
            figures.stored_after = len(full.annotations(record.id))

            # Alternate the two stores so that drift of the machine hits both alike.
            for _ in range(adds_per_run):
                start = rng.randrange(len(edited.text) - 40)
                end = start + rng.randint(2, 40)
                colour = rng.choice(list(Colour))
                for store, times in ((full, figures.adds_full), (empty, figures.adds_empty)):
                    t0 = time.perf_counter()
                    fresh = annotate(edited.text, "doc", edited.fingerprint, start, end, colour)
                    store.add(fresh)
                    times.append(time.perf_counter() - t0)
            full.close()
            empty.close()
            measure_exchange(figures, tmp, run, original, annotations)
    return figures


# -- the GUI children ----------------------------------------------------------------------------


class GuiProbe:
    """Drives one window through the phases open -> scroll -> highlight and records figures.

    The reader's classes are patched (before the window is built) to report paints, the extra
    selections the view sets, and the time spent in the slots that matter; every timing is
    filed under the phase it happened in.
    """

    def __init__(self, highlights: int) -> None:
        self.highlights = highlights
        self.phase = "start"
        self.marks: dict[str, float] = {}
        self.worst: dict[str, tuple[float, str]] = {}
        """Per phase: the longest gap between stall-timer ticks, and the step it ended in."""
        self.timings: dict[str, list[float]] = {}
        self.selections: set[tuple[int, int]] = set()
        """The spans (Qt positions) of the extra selections the view set last."""
        self.page_marks: list[int] = []
        """Highlights of the page painted, and on the page, at each open-phase paint."""
        self.step_label = ""
        self.highlight_call: list[float] = []
        self.highlight_painted: list[float] = []
        self._awaiting_paint: float | None = None
        self.missed_paints = 0
        self._steps: list[tuple[int, str, Callable[[], None]]] = []
        self._last_tick = 0.0
        self._layout = {"maximum": -1.0, "changed": 0.0}

    # -- patches ---------------------------------------------------------------------------------

    def instrument(self) -> None:
        """Patch the reader's classes; call before the window is built."""
        from PySide6.QtWidgets import QTextBrowser

        from reader.annotations.session import AnnotationSession
        from reader.annotations.store import AnnotationStore
        from reader.ui.annotations_panel import AnnotationsPanel
        from reader.ui.page_marks import PageMarks
        from reader.ui.reader_view import ReaderView
        from reader.ui.window import MainWindow

        probe = self
        original_paint = ReaderView.paintEvent  # the view's own override does work too

        def paint_event(view: ReaderView, event: Any) -> None:
            t0 = time.perf_counter()
            original_paint(view, event)
            now = time.perf_counter()
            probe.timings.setdefault(f"{probe.phase}:paint", []).append(now - t0)
            probe.on_paint(view, now)

        def set_extra_selections(view: ReaderView, selections: Any) -> None:
            probe.selections = {
                (s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in selections
            }
            QTextBrowser.setExtraSelections(view, selections)

        def wrap(owner: type, name: str) -> None:
            method = getattr(owner, name)

            def wrapper(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return method(*args, **kwargs)
                finally:
                    key = f"{probe.phase}:{owner.__name__}.{name}"
                    probe.timings.setdefault(key, []).append(time.perf_counter() - t0)

            setattr(owner, name, wrapper)

        ReaderView.paintEvent = paint_event  # type: ignore[method-assign, assignment]
        ReaderView.setExtraSelections = set_extra_selections  # type: ignore[method-assign, assignment]
        wrap(MainWindow, "_on_loaded")
        wrap(ReaderView, "show_document")
        wrap(ReaderView, "set_annotation_marks")
        wrap(ReaderView, "change_annotation_marks")
        wrap(PageMarks, "refresh")
        wrap(AnnotationSession, "highlight")
        wrap(AnnotationsPanel, "refresh")
        wrap(AnnotationStore, "add")
        wrap(AnnotationStore, "annotations")

    # -- running ---------------------------------------------------------------------------------

    def run(self, store: Any) -> int:
        """Build the window on `store`, run the phases, and return the event loop's exit code."""
        from PySide6.QtCore import Qt, QTimer

        from reader.app.paths import AppPaths
        from reader.app.services import Services
        from reader.ui.launch import create_application
        from reader.ui.window import MainWindow

        self.instrument()
        self.app = create_application(sys.argv[:1])
        self.window = MainWindow(Services(AppPaths.from_environment(), store=store))
        self.stall_timer = QTimer()
        self.stall_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.stall_timer.setInterval(STALL_TICK_MS)
        self.stall_timer.timeout.connect(self.tick)
        self.poll_timer = QTimer()
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        self.step_timer = QTimer()
        self.step_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.step_timer.setSingleShot(True)
        self.step_timer.timeout.connect(self.next_step)
        self.window.show()
        QTimer.singleShot(0, self.open)
        QTimer.singleShot(int(CHILD_TIMEOUT_S * 1000), lambda: self.app.exit(3))
        return self.app.exec()

    def set_phase(self, phase: str) -> None:
        """Start timing a new phase; the stall clock restarts with it."""
        self.phase = phase
        self._last_tick = time.perf_counter()

    def tick(self) -> None:
        """The stall timer: remember the longest gap between ticks in this phase."""
        now = time.perf_counter()
        gap = max(now - self._last_tick - STALL_TICK_MS / 1000, 0.0)
        self._last_tick = now
        if gap > self.worst.get(self.phase, (-1.0, ""))[0]:
            self.worst[self.phase] = (gap, self.step_label)

    def on_paint(self, view: Any, now: float) -> None:
        """After each paint of the page."""
        self.marks.setdefault("window_painted", now)
        if self.phase == "open" and self.window.current_document() is not None:
            self.marks.setdefault("first_paint", now)
            if self.selections and "marked_paint" not in self.marks:
                self.marks["marked_paint"] = now
            # Asking before the window has opened the session would open it on this thread.
            if "complete_paint" not in self.marks and self.window.annotations.pending is None:
                shown, expected = self.highlights_on_page(view)
                if self.selections:
                    self.page_marks += [shown, expected]
                if shown == expected and (expected or not self.window.annotations.annotations):
                    self.marks["complete_paint"] = now
        if self._awaiting_paint is not None:
            self.highlight_painted.append(now - self._awaiting_paint)
            self._awaiting_paint = None
            self.step_timer.start(HIGHLIGHT_GAP_MS)

    def highlights_on_page(self, view: Any) -> tuple[int, int]:
        """How many of the annotations on the visible page have an extra selection, and how
        many there are, told apart by whole paragraphs (blocks) in view, not by the view's own
        arithmetic."""
        top = view.verticalScrollBar().value()
        bottom = top + view.viewport().height()
        layout = view.document().documentLayout()
        block = view.document().begin()
        low = high = -1
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if rect.bottom() >= top and low < 0:
                low = block.position()
            if rect.top() > bottom:
                break
            high = block.position() + block.length()
            block = block.next()
        first, last = view.canonical_offset(low), view.canonical_offset(high)
        expected = {
            (view.qt_position(a.start), view.qt_position(a.end))
            for a in self.window.annotations.annotations
            if a.start < last and a.end > first
        }
        return len(expected & self.selections), len(expected)

    def open(self) -> None:
        """Once the window has painted: open the novel and follow it until laid out."""
        from PySide6.QtCore import QTimer

        if "window_painted" not in self.marks:
            QTimer.singleShot(10, self.open)
            return
        self.set_phase("open")
        self.stall_timer.start()
        self.poll_timer.start()
        self.marks["open"] = time.perf_counter()
        self.window.open_path(NOVEL)

    def poll(self) -> None:
        """Wait for the whole book to be laid out (the scroll range stops growing)."""
        now = time.perf_counter()
        if "first_paint" not in self.marks:
            return
        maximum = self.window.view.verticalScrollBar().maximum()
        if maximum != self._layout["maximum"]:
            self._layout.update(maximum=maximum, changed=now)
        elif now - self._layout["changed"] >= SETTLE_MS / 1000:
            self.marks["laid_out"] = self._layout["changed"]
            self.poll_timer.stop()
            self.start_scrolling()

    # -- scrolling and highlighting: a list of timed steps ---------------------------------------

    def start_scrolling(self) -> None:
        """Queue the scroll script: fast scrolls from several places, paging, big jumps."""
        bar = self.window.view.verticalScrollBar()
        top, page = bar.maximum(), bar.pageStep()

        def go(value: int) -> Callable[[], None]:
            return lambda: bar.setValue(value)

        def down() -> None:
            bar.setValue(bar.value() + page)

        steps: list[tuple[int, str, Callable[[], None]]] = []
        per_place = SCROLL_PAGES // len(SCROLL_PLACES)
        for fraction in SCROLL_PLACES:
            steps.append((REFRESH_WAIT_MS, f"jump to {fraction:.0%}", go(int(fraction * top))))
            label = f"scrolling from {fraction:.0%}"
            steps += [(SCROLL_STEP_MS, label, down) for _ in range(per_place)]
        steps.append((REFRESH_WAIT_MS, "jump to 90%", go(int(0.9 * top))))
        steps += [(PAGING_STEP_MS, "paging from 90%", down) for _ in range(PAGING_PAGES)]
        steps += [(REFRESH_WAIT_MS, f"jump to {f:.0%}", go(int(f * top))) for f in JUMPS]
        steps.append((REFRESH_WAIT_MS, "done", self.start_highlighting))
        self._steps = steps
        self.set_phase("scroll")
        self.next_step()

    def next_step(self) -> None:
        """Run the next queued step, then wait its delay (a step may queue new steps)."""
        if self._awaiting_paint is not None:  # a highlight that no paint followed
            self.missed_paints += 1
            self._awaiting_paint = None
        if not self._steps:
            return
        delay, self.step_label, action = self._steps.pop(0)
        action()
        if self._steps:
            self.step_timer.start(delay)

    def start_highlighting(self) -> None:
        """Scroll to the middle of the book, then queue highlights on the page, one at a time
        (run as a step: `next_step` starts what this queues)."""
        from reader.annotations.model import Colour

        self.set_phase("settle")
        document = self.window.current_document()
        assert document is not None
        self.window.view.scroll_to_offset(len(document.text) // 2)
        rng = random.Random(SEED + 2)
        self._steps = [(REFRESH_WAIT_MS, "settle", lambda: None)]
        for _ in range(self.highlights):
            offset, length = rng.randrange(20, 300), rng.randint(2, 20)
            colour = rng.choice(list(Colour))
            highlight = self.highlighter(offset, length, colour)
            self._steps.append((PAINT_TIMEOUT_MS, "highlight", highlight))
        self._steps.append((0, "done", self.finish))

    def highlighter(self, offset: int, length: int, colour: Any) -> Callable[[], None]:
        """A step that highlights `length` characters `offset` into the page, timing it."""

        def highlight() -> None:
            self.set_phase("highlight")
            start = self.window.view.top_offset() + offset
            t0 = time.perf_counter()
            stored = self.window.annotations.highlight(start, start + length, colour)
            self.highlight_call.append(time.perf_counter() - t0)
            assert stored is not None
            self._awaiting_paint = t0  # the paint (or the step's time-out) moves on

        return highlight

    def finish(self) -> None:
        """Stop the timers and leave the event loop."""
        self.stall_timer.stop()
        self.marks["done"] = time.perf_counter()
        self.app.quit()

    def result(self, import_s: float | None) -> dict[str, Any]:
        """The figures for the parent."""
        opened = self.marks.get("open", 0.0)
        first = self.marks.get("marked_paint" if import_s is not None else "first_paint", opened)
        complete = self.marks.get("complete_paint", opened)
        worst = {phase: list(value) for phase, value in self.worst.items()}
        return {
            "ok": "done" in self.marks and not self.missed_paints,
            "missed_paints": self.missed_paints,
            "import_s": import_s,
            "open_s": complete - opened,
            "first_marked_s": first - opened,
            "page_marks": self.page_marks,
            "first_paint_s": self.marks.get("first_paint", opened) - opened,
            "laid_out_s": self.marks.get("laid_out", opened) - opened,
            "worst": worst,
            "highlight_call_s": self.highlight_call,
            "highlight_painted_s": self.highlight_painted,
            "maxrss_kb": max_rss_kb(),
            "timings": self.timings,
        }


def child_gui(annotations: int, highlights: int) -> None:
    """One window on a fresh data directory holding `annotations` annotations of the novel."""
    from reader.annotations.store import AnnotationStore
    from reader.app.paths import AppPaths
    from reader.document.loader import load_document

    # Both kinds of child load the novel once before the clock starts (to make the annotations).
    document = load_document(NOVEL)
    store = AnnotationStore.open(AppPaths.from_environment().data_dir)
    record = store.open_document(document.fingerprint, document.title, document.source)
    made = make_annotations(document, annotations) if annotations else []
    made = [replace(a, document_id=record.id) for a in made]  # the novel's document here
    import_s = None
    if made:
        import_s, report = timed(lambda: store.import_annotations(made))
        assert report.added == annotations, report
    probe = GuiProbe(highlights)
    code = probe.run(store)
    print("done", flush=True)
    emit(probe.result(import_s))
    store.close()
    sys.exit(code)


def run_child(annotations: int, highlights: int) -> dict[str, Any]:
    """Run `child_gui` in a fresh process with fresh XDG directories; what it reported."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(annotations),
        "--highlights",
        str(highlights),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-annotations-gui-") as tmp:
        process = subprocess.run(
            command,
            env=child_env(Path(tmp)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S + 30,
            check=False,
        )
    results = [
        line[len(RESULT_PREFIX) :]
        for line in process.stdout.splitlines()
        if line.startswith(RESULT_PREFIX)
    ]
    if process.returncode != 0 or not results:
        raise RuntimeError(
            f"child {' '.join(command)} failed (exit {process.returncode}):\n{process.stderr}"
        )
    result: dict[str, Any] = json.loads(results[-1])
    return result


# -- the report ------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table: a median of runs, or (`each`) median and p95 of operations."""

    metric: str
    values: list[float]
    baseline: list[float] | None
    target: str
    each: bool = False

    def cells(self) -> list[str]:
        """The row's cells, formatted."""
        median = statistics.median(self.values)
        p95 = fmt(percentile(self.values, 0.95)) if self.each else "—"
        spread = f"({fmt(min(self.values))}–{fmt(max(self.values))})"
        if self.baseline:
            base = statistics.median(self.baseline)
            ratio = f"{median / base:.1f}×" if base > 0 else "—"
            base_cell = fmt(base)
            if self.each:
                base_cell += f" / p95 {fmt(percentile(self.baseline, 0.95))}"
        else:
            base_cell, ratio = "—", "—"
        return [self.metric, fmt(median), p95, spread, base_cell, ratio, self.target]


def fmt(seconds: float) -> str:
    """Seconds for the table."""
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def print_table(rows: list[Row]) -> None:
    """A plain, aligned table."""
    header = ["metric", "median", "p95", "(min–max)", "baseline", "ratio", "target"]
    table = [header, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for index, line in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def filesystem_of(path: Path) -> str:
    """The type of the file system holding `path` (from /proc/mounts), or '?'."""
    best, kind = "", "?"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    resolved = str(path.resolve())
    for line in mounts:
        fields = line.split()
        if len(fields) > 2 and resolved.startswith(fields[1]) and len(fields[1]) > len(best):
            best, kind = fields[1], fields[2]
    return kind


def machine() -> str:
    """One line about where the figures come from."""
    import PySide6
    from PySide6.QtCore import qVersion

    tmp = Path(tempfile.gettempdir())
    return (
        f"nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"PySide6 {PySide6.__version__} (Qt {qVersion()}), {platform.platform()}, "
        f"data dirs in {tmp} ({filesystem_of(tmp)})"
    )


def pooled(children: list[dict[str, Any]], key: str) -> list[float]:
    """One list of every child's `key` values."""
    return [value for child in children for value in child[key]]


def per_call(children: list[dict[str, Any]], key: str, calls: int) -> float:
    """The median over children of the time a child spent in `key`, per call of the probe."""
    return float(statistics.median(sum(c["timings"].get(key, [0.0])) / calls for c in children))


def worst_of(child: dict[str, Any], phase: str) -> float:
    """The longest stall a child saw in `phase`."""
    return float(child["worst"].get(phase, [0.0, ""])[0])


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--highlights", type=int, default=10, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child is not None:
        child_gui(options.child, options.highlights)
        return 0
    runs: int = options.runs

    print(machine())
    print(
        f"runs: {runs}; novel {NOVEL} ({NOVEL.stat().st_size / 1e6:.1f} MB), "
        f"{ANNOTATIONS:,} annotations (seed {SEED})"
    )

    highlights = math.ceil(CONTROLLER_ADDS / runs)
    plain, marked = [], []
    for _ in range(runs):  # interleaved, so that drift of the machine hits both alike
        plain.append(run_child(0, highlights))
        marked.append(run_child(ANNOTATIONS, highlights))
    failed = [child for child in plain + marked if not child["ok"]]
    if failed:
        print(f"warning: {len(failed)} GUI run(s) did not finish as expected", file=sys.stderr)
    core = measure_core(runs)

    rows = [
        Row(
            "1. bulk import 10,000 (1 transaction)",
            core.imports + [c["import_s"] for c in marked],
            None,
            "—",
        ),
        Row(
            "1. open -> first highlights painted",
            [c["first_marked_s"] for c in marked],
            [c["open_s"] for c in plain],
            "—",
        ),
        Row(
            "1. open -> all the page's highlights",
            [c["open_s"] for c in marked],
            [c["open_s"] for c in plain],
            "< 2 s",
        ),
        Row(
            "1. open: longest UI stall",
            [worst_of(c, "open") for c in marked],
            [worst_of(c, "open") for c in plain],
            "—",
        ),
        Row("2. store.add + commit", core.adds_full, core.adds_empty, "< 20 ms", each=True),
        Row(
            "2. window highlight() call",
            pooled(marked, "highlight_call_s"),
            pooled(plain, "highlight_call_s"),
            "< 20 ms",
            each=True,
        ),
        Row(
            "2. window highlight() -> painted",
            pooled(marked, "highlight_painted_s"),
            pooled(plain, "highlight_painted_s"),
            "< 20 ms",
            each=True,
        ),
        Row("3. anchor_all after edit", core.anchor, core.anchor_unchanged, "< 5 s"),
        Row("3. open_session (anchor + relocate)", core.reanchoring, None, "< 5 s"),
        Row(
            "4. scroll: longest UI stall",
            [worst_of(c, "scroll") for c in marked],
            [worst_of(c, "scroll") for c in plain],
            "< 100 ms",
        ),
        Row("5. from_w3c: parse 10,000", core.parse_w3c, None, "—"),
        Row("5. import_file: file -> store, 10,000", core.import_file, core.imports, "< 10 s"),
        Row("5. refuse a 50 MB import file", core.refuse_huge, None, "< 2 s"),
    ]
    print()
    print_table(rows)
    print()
    print(
        "baselines: 1 and 4 -> the same GUI child with an empty store; 2 -> an empty store; "
        "3 -> anchor_all on the unchanged text. Imports: N in-process + N in the GUI children."
    )
    print(
        f"3. edit: {len(EDIT_INSERTED)} characters inserted at canonical offset {core.edit_at}; "
        f"placed by method {core.methods}, orphans {core.orphans}, "
        f"at the expected place {core.where_expected:,}/{ANNOTATIONS:,}; "
        f"stored on the new version afterwards {core.stored_after:,}"
    )
    open_calls = 1
    print(
        "1. where the open goes (medians, annotated child): "
        f"MainWindow._on_loaded {fmt(per_call(marked, 'open:MainWindow._on_loaded', open_calls))}"
        f" (plain {fmt(per_call(plain, 'open:MainWindow._on_loaded', open_calls))}), of which "
        f"show_document {fmt(per_call(marked, 'open:ReaderView.show_document', 1))}, "
        f"store.annotations {fmt(per_call(marked, 'open:AnnotationStore.annotations', 1))}, "
        f"set_annotation_marks "
        f"{fmt(per_call(marked, 'open:ReaderView.set_annotation_marks', 1))}, "
        f"AnnotationsPanel.refresh {fmt(per_call(marked, 'open:AnnotationsPanel.refresh', 1))}; "
        "highlights on the page at the first marked paint (painted/there): "
        + ", ".join(f"{c['page_marks'][0]}/{c['page_marks'][1]}" for c in marked if c["page_marks"])
        + "; "
        f"first paint {fmt(statistics.median(c['first_paint_s'] for c in marked))}, laid out "
        f"{fmt(statistics.median(c['laid_out_s'] for c in marked))} "
        f"(plain {fmt(statistics.median(c['laid_out_s'] for c in plain))})"
    )
    print(
        f"2. where a window highlight goes (median per call over {highlights} x {runs}): "
        f"store.add {fmt(per_call(marked, 'highlight:AnnotationStore.add', highlights))}, "
        f"AnnotationSession.highlight "
        f"{fmt(per_call(marked, 'highlight:AnnotationSession.highlight', highlights))} "
        f"(store.annotations "
        f"{fmt(per_call(marked, 'highlight:AnnotationStore.annotations', highlights))}, "
        f"set_annotation_marks "
        f"{fmt(per_call(marked, 'highlight:ReaderView.set_annotation_marks', highlights))}, "
        f"change_annotation_marks "
        f"{fmt(per_call(marked, 'highlight:ReaderView.change_annotation_marks', highlights))}, "
        f"AnnotationsPanel.refresh "
        f"{fmt(per_call(marked, 'highlight:AnnotationsPanel.refresh', highlights))})"
    )
    scroll_stalls = [worst_of(c, "scroll") for c in marked]
    refreshes = [c["timings"].get("scroll:PageMarks.refresh", [0.0]) for c in marked]
    paints = [c["timings"].get("scroll:paint", [0.0]) for c in marked]
    print(
        f"4. scroll: {SCROLL_PAGES} pages at {SCROLL_STEP_MS} ms from {len(SCROLL_PLACES)} "
        f"places, {PAGING_PAGES} at {PAGING_STEP_MS} ms, {len(JUMPS) + 1} jumps; longest stall "
        f"over all runs {fmt(max(scroll_stalls))} "
        f"(plain {fmt(max(worst_of(c, 'scroll') for c in plain))}), during: "
        + ", ".join(sorted({str(c["worst"].get("scroll", [0, "?"])[1]) for c in marked}))
        + f"; mark refreshes per run {statistics.median(len(r) for r in refreshes):.0f}, "
        f"longest {fmt(max(max(r) for r in refreshes))}; paints per run "
        f"{statistics.median(len(p) for p in paints):.0f}, "
        f"longest {fmt(max(max(p) for p in paints))}"
    )
    print(
        f"5. the W3C JSON-LD of the 10,000 is {core.w3c_bytes / 1e6:.1f} MB; import_file is what"
        " `reader import` does (read, parse, one-transaction insert, place misfits); baseline:"
        " the bulk import of already-parsed annotations"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
