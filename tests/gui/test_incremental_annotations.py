"""A change to a few annotations repaints and relists only those; the page and the list must
end up exactly as a rebuild from scratch would make them.

Two windows show the same file on one store: the first makes the changes (the incremental
path), the second reads everything again after each one (the full path, as after a change made
by another process); their highlights, hit-testing, rows, headers, tag filter and chosen
annotation are compared after every step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.annotations.model import Colour
from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.ui.annotation_rows import ANNOTATION_ROLE
from reader.ui.annotations_panel import ALL
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load

CHAPTERS = ("第一回　甄士隱夢幻識通靈", "第二回　賈夫人仙逝揚州城", "第三回　托內兄如海薦西賓")
PARAGRAPH = "此開卷第一回也。作者自云曾歷過一番夢幻之後，故將真事隱去，而借通靈說此石頭記一書也。"
TEXT = "\n".join(f"{title}\n{PARAGRAPH}\n{PARAGRAPH[::-1]}" for title in CHAPTERS) + "\n"
TAGS = ("人物", "詩詞", "伏筆")
WORDS = ("夢幻", "石頭", "筆")


@dataclass
class Pair:
    """The window that changes (`live`) and the one that rebuilds after each change."""

    live: MainWindow
    rebuilt: MainWindow
    store: AnnotationStore

    def both(self) -> tuple[MainWindow, MainWindow]:
        return self.live, self.rebuilt


def open_pair(qtbot: QtBot, app_paths: AppPaths, folder: Path) -> Pair:
    folder.mkdir()
    path = folder / "石頭記.txt"
    path.write_text(TEXT, encoding="utf-8")
    store = AnnotationStore.open(folder / "data")
    windows = []
    for _ in range(2):
        window = MainWindow(Services(app_paths, store=store))
        window.resize(900, 700)
        window.show()
        qtbot.waitExposed(window, timeout=HANG_TIMEOUT_MS)
        window.panels.annotations_dock.show()
        with qtbot.waitSignal(window.annotations.opened, timeout=HANG_TIMEOUT_MS):
            wait_for_load(qtbot, window, lambda w=window: w.open_path(path))
        windows.append(window)
    return Pair(windows[0], windows[1], store)


def close_pair(pair: Pair) -> None:
    """Close and delete both windows (their timers with them), then the store."""
    for window in pair.both():
        window.close()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    pair.store.close()


@pytest.fixture
def pair(qtbot: QtBot, app_paths: AppPaths, tmp_path: Path) -> Iterator[Pair]:
    opened = open_pair(qtbot, app_paths, tmp_path / "pair")
    yield opened
    close_pair(opened)


# -- what is compared --------------------------------------------------------------------------


def painted(window: MainWindow) -> list[tuple[int, int, str, object, str]]:
    """The highlights given to Qt, in drawing order: span, colour, underline."""
    selections = window.view.extraSelections()
    return [
        (
            s.cursor.selectionStart(),
            s.cursor.selectionEnd(),
            s.format.background().color().name(QColor.NameFormat.HexArgb),
            s.format.underlineStyle(),
            s.format.underlineColor().name(),
        )
        for s in selections
    ]


def listed(window: MainWindow) -> dict[str, Any]:
    """Everything the annotations panel shows, and which annotation is chosen."""
    panel = window.annotations_panel
    groups = []
    for number in range(panel.tree.topLevelItemCount()):
        header = panel.tree.topLevelItem(number)
        assert header is not None
        rows = [header.child(n) for n in range(header.childCount())]
        groups.append(
            (
                header.text(0),
                header.isExpanded(),
                [
                    (
                        row.data(0, ANNOTATION_ROLE),
                        row.text(0),
                        row.toolTip(0),
                        row.icon(0).pixmap(16, 16).toImage().pixel(8, 8),
                    )
                    for row in rows
                    if row is not None
                ],
            )
        )
    current = panel.tree.currentItem()
    return {
        "groups": groups,
        "tags": [panel.tag.itemText(n) for n in range(panel.tag.count())],
        "tag filter": panel.tag.currentData(),
        "current": current.data(0, ANNOTATION_ROLE) if current is not None else None,
        "selected": [item.data(0, ANNOTATION_ROLE) for item in panel.tree.selectedItems()],
        "editor": panel.editor.annotation_id,
    }


def state(window: MainWindow) -> dict[str, Any]:
    text_length = len(window.current_document().text)  # type: ignore[union-attr]
    return {
        "painted": painted(window),
        "topmost": [window.view.annotation_keys_at(offset) for offset in range(text_length)],
        **listed(window),
    }


def assert_same_as_rebuilt(pair: Pair, step: object) -> None:
    pair.rebuilt.annotations.reload()  # reads everything again: the full path
    live, rebuilt = state(pair.live), state(pair.rebuilt)
    for key in live:
        assert live[key] == rebuilt[key], f"after {step!r}: {key} differs from a rebuild"


# -- the steps -----------------------------------------------------------------------------------

SPANS = [(start, start + length) for start in (12, 14, 40, 80, 120, 130, 230) for length in (2, 6)]
"""Few places, so that highlights share spans and overlap (drawing order matters)."""

Step = tuple[Any, ...]
steps = st.one_of(
    st.tuples(
        st.just("highlight"),
        st.sampled_from(SPANS),
        st.sampled_from(list(Colour)),
        st.sampled_from(["", "批"]),
    ),
    st.tuples(st.just("recolour"), st.integers(0, 99), st.sampled_from(list(Colour))),
    st.tuples(st.just("note"), st.integers(0, 99), st.sampled_from(["", "夢", "石頭\n記"])),
    st.tuples(st.just("tags"), st.integers(0, 99), st.lists(st.sampled_from(TAGS), max_size=2)),
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("restore"), st.integers(0, 99)),
    st.tuples(st.just("reattach"), st.integers(0, 99), st.sampled_from(SPANS)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
    st.tuples(st.just("choose"), st.integers(0, 99)),
    st.tuples(st.just("colour filter"), st.sampled_from([ALL, *(c.value for c in Colour)])),
    st.tuples(st.just("tag filter"), st.sampled_from([ALL, *TAGS])),
    st.tuples(st.just("text filter"), st.sampled_from(["", *WORDS])),
)


def run(pair: Pair, step: Step) -> None:
    """Make `step` through the live window (filters and choices go to both panels)."""
    controller = pair.live.annotations
    kind, *values = step
    live_ids = [a.id for a in controller.annotations]
    pick = values[0] if values and isinstance(values[0], int) else None
    chosen = live_ids[pick % len(live_ids)] if live_ids and pick is not None else None
    if kind == "highlight":
        (start, end), colour, note = values
        controller.highlight(start, end, colour, note)
    elif kind == "recolour" and chosen:
        controller.recolour(chosen, values[1])
    elif kind == "note" and chosen:
        controller.edit_note(chosen, values[1])
    elif kind == "tags" and chosen:
        controller.set_tags(chosen, values[1])
    elif kind == "delete" and chosen:
        controller.delete(chosen)
    elif kind == "restore":
        trash = controller.trash()
        if trash:
            controller.restore(trash[values[0] % len(trash)].id)
    elif kind == "reattach" and chosen:
        controller.reattach(chosen, *values[1])
    elif kind == "undo":
        controller.undo()
    elif kind == "redo":
        controller.redo()
    else:
        for window in pair.both():
            choose_or_filter(window, kind, values, chosen)


def choose_or_filter(window: MainWindow, kind: str, values: list[Any], chosen: str | None) -> None:
    panel = window.annotations_panel
    if kind == "choose" and chosen:
        panel.choose(chosen)
    elif kind == "colour filter":
        panel.colour.setCurrentIndex(panel.colour.findData(values[0]))
    elif kind == "tag filter" and panel.tag.findData(values[0]) >= 0:
        panel.tag.setCurrentIndex(panel.tag.findData(values[0]))
    elif kind == "text filter":
        panel.filter.setText(values[0])


# -- the tests -----------------------------------------------------------------------------------


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=1, max_size=25))
def test_any_series_of_changes_shows_what_a_rebuild_shows(
    qtbot: QtBot, app_paths: AppPaths, tmp_path_factory: pytest.TempPathFactory, series: list[Step]
) -> None:
    pair = open_pair(qtbot, app_paths, tmp_path_factory.mktemp("series") / "pair")
    try:
        for number, step in enumerate(series):
            run(pair, step)
            assert_same_as_rebuilt(pair, (number, step))
    finally:
        close_pair(pair)


def test_a_scripted_series_on_the_chosen_annotation_shows_what_a_rebuild_shows(
    pair: Pair,
) -> None:
    """Every kind of change, to the annotation open in the editor, with a filter on."""
    controller = pair.live.annotations
    script: list[Step] = [
        ("highlight", (12, 18), Colour.YELLOW, ""),
        ("highlight", (12, 18), Colour.GREEN, "批"),  # the same span: drawn on top
        ("highlight", (120, 122), Colour.BLUE, ""),  # another chapter: a new header
        ("choose", 1),
        ("tags", 1, ["人物"]),
        ("tag filter", "人物"),
        ("recolour", 1, Colour.PINK),
        ("note", 1, "石頭\n記"),
        ("tags", 1, []),  # the tag filtered by disappears: everything is listed again
        ("reattach", 1, (230, 236)),  # to the third chapter
        ("undo",),
        ("redo",),
        ("delete", 1),
        ("undo",),
        ("text filter", "夢幻"),
        ("delete", 0),
        ("restore", 0),
        ("text filter", ""),
    ]
    for number, step in enumerate(script):
        run(pair, step)
        assert_same_as_rebuilt(pair, (number, step))
    assert len(controller.annotations) == 3
    first_chapter = pair.live.current_document().toc()[0].title  # type: ignore[union-attr]
    assert pair.live.annotations_panel.group_titles()[0].startswith(first_chapter)
