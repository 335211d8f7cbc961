"""What the library search covers, read for each query typed: the notes are read again only
after the store changed, and what is returned is always the library as it is now."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reader.annotations import store as store_module
from reader.annotations.session import AnnotationSession
from reader.annotations.store import AnnotationStore
from reader.app.library_search import LibraryContents, library_contents
from tests.notebook_store import TwoDocuments, annotate_two_documents


@pytest.fixture
def store(tmp_path: Path, article_path: Path) -> AnnotationStore:
    return AnnotationStore.open(tmp_path / "data")


@pytest.fixture
def two(store: AnnotationStore, article_path: Path, tmp_path: Path) -> TwoDocuments:
    return annotate_two_documents(store, article_path, tmp_path / "texts")


def test_the_notes_are_read_again_only_after_a_change(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    contents = LibraryContents()
    documents, notes = contents.read(store)
    assert (documents, notes) == library_contents(store)
    assert len(documents) == 2 and len(notes) == 5
    again_documents, again = contents.read(store)
    assert again_documents == documents
    assert all(a is b for a, b in zip(again, notes, strict=True))  # nothing read again

    session = AnnotationSession.open(store, two.small)
    temple = two.on_small[0]
    session.edit_note(temple.id, "秋窗风雨夕")
    _documents, edited = contents.read(store)
    assert edited == library_contents(store)[1]
    assert [n.note for n in edited if n.annotation_id == temple.id] == ["秋窗风雨夕"]


def test_a_document_removed_from_the_library_takes_its_notes_out_at_once(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    contents = LibraryContents()
    contents.read(store)
    small_id = AnnotationSession.open(store, two.small).document_id
    assert store.remove_from_library(small_id)  # no annotation changed: the revision stays
    documents, notes = contents.read(store)
    assert [d.title for d in documents] == [two.article.title]
    assert {n.annotation_id for n in notes} == {a.id for a in two.on_article}
    assert (documents, notes) == library_contents(store)


def test_no_store_no_library() -> None:
    assert LibraryContents().read(None) == ([], [])


def test_rows_are_decoded_after_the_store_lock_is_released(
    store: AnnotationStore, two: TwoDocuments, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's thread polls the store for changes: reading thousands of annotations for
    the library search must not keep it waiting on the lock while the rows are decoded."""
    decode = store_module.rows.decode
    lock_free: list[bool] = []

    def decode_and_look(*arguments: object, **keywords: object) -> object:
        other = threading.Thread(target=lambda: lock_free.append(_try_lock(store)))
        other.start()
        other.join()
        return decode(*arguments, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module.rows, "decode", decode_and_look)
    assert len(store.all_annotations()) == 5
    assert lock_free == [True] * 5


def _try_lock(store: AnnotationStore) -> bool:
    lock = store._lock
    if lock.acquire(blocking=False):
        lock.release()
        return True
    return False
