"""A layer of marks changed one mark at a time holds what a layer built afresh holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QColor

from reader.ui.marks import Mark, MarkLayer

marks = st.builds(
    Mark,
    start=st.integers(0, 30),
    end=st.integers(31, 60),
    background=st.sampled_from([QColor("#ff0"), QColor("#0f0")]),
    key=st.sampled_from("abcdef"),
    order=st.tuples(st.sampled_from(["2024", "2025"]), st.sampled_from("abcdef")),
)


@given(st.lists(st.tuples(st.booleans(), marks), max_size=40))
def test_adding_and_removing_marks_one_by_one_matches_a_fresh_layer(
    changes: list[tuple[bool, Mark]],
) -> None:
    layer, expected = MarkLayer(), []
    for adding, mark in changes:
        if adding:
            layer.add(mark)
            expected.append(mark)
        elif mark in expected:
            layer.remove(mark)
            expected.remove(mark)
        else:
            layer.remove(mark)  # not there: nothing happens
    fresh = MarkLayer(expected)
    assert list(layer) == list(fresh)
    for low in range(0, 62, 7):
        assert layer.between(low, low + 5, 100) == fresh.between(low, low + 5, 100)
        assert layer.at(low) == fresh.at(low)
