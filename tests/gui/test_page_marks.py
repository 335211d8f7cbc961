"""What the page marks: highlights that span paragraphs are painted paragraph by paragraph (so
putting them on a freshly opened book never makes Qt lay out the whole book at once), and
walking search hits moves one strong mark instead of marking every hit again."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTextEdit
from pytestqt.qtbot import QtBot

from reader.document.loader import document_from_text
from reader.ui.marks import Mark
from reader.ui.page_marks import PageMarks
from reader.ui.reader_view import ReaderView
from reader.ui.theme import THEMES

from .conftest import HANG_TIMEOUT_MS

PARAGRAPH = "天地玄黃，宇宙洪荒。日月盈昃，辰宿列張。" * 12
YELLOW = QColor("#f5e27a")


def test_a_highlight_across_paragraphs_is_painted_per_paragraph_without_laying_out_the_book(
    qtbot: QtBot,
) -> None:
    document = document_from_text("\n".join([PARAGRAPH] * 4000))  # about a million characters
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view, timeout=HANG_TIMEOUT_MS)
    view.show_document(document)
    first, second = document.paragraphs[0], document.paragraphs[1]
    start, end = first.end - 5, second.start + 7  # the end of one paragraph, the next's start
    page = view.document()
    assert page.lastBlock().layout().lineCount() == 0, "precondition: the end is not laid out"

    view.set_annotation_marks([Mark(start, end, YELLOW, key="across")])  # on after first paint
    qtbot.waitUntil(lambda: bool(view.extraSelections()), timeout=HANG_TIMEOUT_MS)

    assert page.lastBlock().layout().lineCount() == 0, "the whole book was laid out"
    painted = [
        (s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format.background().color())
        for s in view.extraSelections()
    ]
    assert painted == [(start, first.end, YELLOW), (second.start, end, YELLOW)]
    assert view.annotation_keys_at(first.end - 1) == ["across"] == view.annotation_keys_at(end - 1)


STEPS = st.tuples(st.booleans(), st.one_of(st.none(), st.integers(0, 9)))
EVERYWHERE = (0, 10**6, 10**6)


class Spans(list[tuple[int, int]]):
    """Hits as a plain list of spans (the window gives the answer's lazy list)."""

    def spans_between(self, low: int, high: int, limit: int) -> list[tuple[int, int]]:
        return [span for span in self if span[1] > low and span[0] < high][:limit]


@given(st.lists(STEPS, min_size=1, max_size=12))
def test_walking_the_hits_marks_what_marking_them_afresh_marks(
    steps: list[tuple[bool, int | None]],
) -> None:
    """Steps either mark new hits or move the current one (Enter, F3) along the same ones; a
    hit that keeps its strength keeps its mark (the page then keeps its Qt selections)."""
    walked = PageMarks(QTextEdit(), lambda _y: 0, lambda offset: offset)
    spans = Spans((n * 10, n * 10 + 2) for n in range(10))
    before: list[Mark] = []
    for new_hits, current in steps:
        if new_hits:
            spans = Spans((start + 1, end + 1) for start, end in spans)
        span = None if current is None else spans[current]
        walked.set_search(spans, span, THEMES["light"])
        afresh = PageMarks(QTextEdit(), lambda _y: 0, lambda offset: offset)
        afresh.set_search(spans, span, THEMES["light"])
        marks = walked.search.between(*EVERYWHERE)
        assert marks == afresh.search.between(*EVERYWHERE)
        if not new_hits:
            kept = [mark for mark in marks if mark.key == "hit" and mark in before]
            assert all(any(mark is old for old in before) for mark in kept)
        before = marks
    walked.recolour(THEMES["dark"])
    dark = PageMarks(QTextEdit(), lambda _y: 0, lambda offset: offset)
    last = steps[-1][1]
    dark.set_search(spans, None if last is None else spans[last], THEMES["dark"])
    assert walked.search.between(*EVERYWHERE) == dark.search.between(*EVERYWHERE)
