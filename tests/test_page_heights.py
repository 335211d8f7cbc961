"""The remembered page heights: a cache that is read safely whatever is in its file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reader.app.page_heights import FILE_NAME, MAX_ENTRIES, MAX_FILE_BYTES, PageHeights, page_key

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children) | st.dictionaries(st.text(max_size=10), children),
    max_leaves=20,
)


def test_a_recorded_height_is_found_by_a_new_reader_of_the_folder(tmp_path: Path) -> None:
    key = page_key(["fingerprint", "font", 740])
    PageHeights(tmp_path).record(key, 983_711)
    assert PageHeights(tmp_path).height_of(key) == 983_711


def test_the_key_changes_with_every_part_and_with_their_order() -> None:
    parts: list[object] = ["fingerprint", "Noto Serif CJK SC,15", 740]
    keys = {page_key(parts), page_key([*parts[:2], 741]), page_key(parts[::-1])}
    keys.add(page_key(["fingerprint", "Noto Serif CJK SC", ",15", 740]))  # a boundary moved
    assert len(keys) == 4
    assert page_key(parts) == page_key(list(parts)), "the same parts give the same key"


def test_only_the_most_recent_pages_are_kept(tmp_path: Path) -> None:
    heights = PageHeights(tmp_path)
    for number in range(MAX_ENTRIES + 5):
        heights.record(f"key{number}", 1000 + number)
    kept = PageHeights(tmp_path)
    assert kept.height_of("key0") is None, "the oldest pages are forgotten"
    assert kept.height_of(f"key{MAX_ENTRIES + 4}") == 1000 + MAX_ENTRIES + 4
    assert len(json.loads((tmp_path / FILE_NAME).read_text())) == MAX_ENTRIES


@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    )
)
def test_a_damaged_file_is_ignored_and_replaced_on_the_next_record(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / FILE_NAME).write_bytes(content)
        heights = PageHeights(Path(folder))
        for value in (heights.height_of("key"), heights.height_of("")):
            assert value is None or (type(value) is int and value > 0)
        heights.record("key", 1234)
        assert PageHeights(Path(folder)).height_of("key") == 1234


def test_entries_that_are_not_heights_are_dropped_and_good_ones_kept(tmp_path: Path) -> None:
    entries = {"good": 500, "zero": 0, "negative": -3, "text": "500", "float": 5.5, "flag": True}
    (tmp_path / FILE_NAME).write_text(json.dumps(entries))
    heights = PageHeights(tmp_path)
    assert heights.height_of("good") == 500
    for key in ("zero", "negative", "text", "float", "flag"):
        assert heights.height_of(key) is None, key


def test_an_oversized_file_is_not_read(tmp_path: Path) -> None:
    padding = "x" * MAX_FILE_BYTES
    (tmp_path / FILE_NAME).write_text(json.dumps({"key": 500, "padding": padding}))
    assert PageHeights(tmp_path).height_of("key") is None


def test_an_unwritable_cache_folder_costs_nothing_but_the_moment(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    heights = PageHeights(blocker)
    heights.record("key", 700)  # no exception: the cache only saves a moment
    assert heights.height_of("key") == 700
    assert PageHeights(blocker).height_of("key") is None
