"""Carrying annotations over to an edited file: moved in one go, orphans kept, none lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.annotations.model import Colour, TextPosition, annotate, quote_of
from reader.annotations.store import AnnotationStore, StoreError
from reader.annotations.versions import bring_forward
from reader.document.loader import load_document


def test_an_edited_file_brings_its_annotations_forward_and_orphans_the_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "book.txt"
    kept, lost = "這一段會留下來。", "這一段會被刪掉。"
    path.write_text(f"序言。\n{kept}\n{lost}\n", encoding="utf-8")
    first = load_document(path)
    with AnnotationStore.open(tmp_path / "data") as store:
        assert bring_forward(store, first) is None  # nothing earlier to carry
        a = store.add(
            annotate(
                first.text,
                first.fingerprint,
                first.text.index(kept),
                first.text.index(kept) + 3,
                note="甲",
            )
        )
        b = store.add(
            annotate(
                first.text,
                first.fingerprint,
                first.text.index(lost),
                first.text.index(lost) + 5,
                Colour.PINK,
            )
        )
        path.write_text(f"新的一行在最前面。\n序言。\n{kept}\n", encoding="utf-8")
        second = load_document(path)
        result = bring_forward(store, second)
        assert result is not None
        orphan_ids = {o.id for o in store.orphans(second.fingerprint)}
        [moved] = [x for x in store.annotations(second.fingerprint) if x.id not in orphan_ids]
        assert moved.id == a.id and moved.note == "甲"
        assert second.text[moved.start : moved.end] == kept[:3]
        assert [o.id for o in store.orphans(second.fingerprint)] == [b.id]
        assert store.annotations(first.fingerprint) == []


def test_relocate_is_all_or_nothing(tmp_path: Path) -> None:
    text = "天地玄黃，宇宙洪荒。日月盈昃，辰宿列張。"
    with AnnotationStore.open(tmp_path / "data") as store:
        a = store.add(annotate(text, "doc1", 0, 4))
        with pytest.raises(StoreError):
            store.relocate(
                "doc2",
                [(a.id, TextPosition(5, 9), quote_of(text, 5, 9))],
                ["urn:uuid:not-there"],
            )
        unchanged = store.get(a.id)
        assert unchanged is not None and unchanged.document == "doc1" and unchanged.start == 0
