"""The annotation session without Qt: operations, what they say changed, undo and redo."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.annotations.model import Colour
from reader.annotations.session import AnnotationSession, Changes, open_session
from reader.annotations.store import AnnotationStore, StoreError
from reader.document.loader import load_document
from reader.document.model import Document

TEXT = "第一段，說的是天地玄黃。\n第二段，說的是宇宙洪荒。\n第三段，說的是日月盈昃。\n"


@pytest.fixture
def document(tmp_path: Path) -> Document:
    path = tmp_path / "book.txt"
    path.write_text(TEXT, encoding="utf-8")
    return load_document(path)


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    opened = AnnotationStore.open(tmp_path / "data")
    yield opened  # type: ignore[misc]
    opened.close()


def span(document: Document, phrase: str) -> tuple[int, int]:
    start = document.text.index(phrase)
    return start, start + len(phrase)


def test_every_operation_says_what_it_changed_and_the_store_agrees(
    store: AnnotationStore, document: Document
) -> None:
    session = AnnotationSession.open(store, document)
    first, made = session.highlight(*span(document, "天地玄黃"), Colour.BLUE, note="甲")
    assert made == Changes(added=(first.id,))
    second, _ = session.highlight(*span(document, "宇宙洪荒"))
    assert [a.id for a in session.placed] == [first.id, second.id]  # reading order
    assert session.recolour(first.id, Colour.PINK) == Changes(updated=(first.id,))
    assert session.recolour(first.id, Colour.PINK) == Changes()  # nothing to do, nothing done
    assert session.edit_note(first.id, "乙") == Changes(updated=(first.id,))
    assert session.set_tags(first.id, ["x", " x "]).updated == (first.id,)
    assert session.delete(second.id) == Changes(removed=(second.id,))
    assert [a.id for a in session.placed] == [first.id]
    assert [a.id for a in session.trash()] == [second.id]
    assert store.annotations(session.document_id) == session.placed
    stored = store.get(first.id)
    assert stored is not None and (stored.colour, stored.note, stored.tags) == (
        Colour.PINK,
        "乙",
        ("x",),
    )


def test_undo_and_redo_replay_through_the_store(store: AnnotationStore, document: Document) -> None:
    session = AnnotationSession.open(store, document)
    made, _ = session.highlight(*span(document, "天地玄黃"))
    session.recolour(made.id, Colour.GREEN)
    for note in ("一", "一二", "一二三"):  # typing: one undo step
        session.edit_note(made.id, note)
    assert session.history.undo_text == "Edit Note"
    session.undo()
    assert store.get(made.id).note == ""  # type: ignore[union-attr]
    assert session.history.undo_text == "Recolour" and session.history.redo_text == "Edit Note"
    session.undo()
    assert store.get(made.id).colour is Colour.YELLOW  # type: ignore[union-attr]
    session.undo()
    assert session.placed == [] and store.annotations(session.document_id) == []
    assert session.undo() == Changes()  # nothing left to undo
    session.redo()
    session.redo()
    session.redo()
    again = store.get(made.id)
    assert again is not None and (again.colour, again.note) == (Colour.GREEN, "一二三")
    assert session.placed == [again]


def test_a_new_change_clears_what_could_be_redone(
    store: AnnotationStore, document: Document
) -> None:
    session = AnnotationSession.open(store, document)
    made, _ = session.highlight(*span(document, "天地玄黃"))
    session.recolour(made.id, Colour.GREEN)
    session.undo()
    session.edit_note(made.id, "新")
    assert session.history.redo_text is None and session.redo() == Changes()


def test_a_refused_undo_changes_nothing_and_stays_undoable(
    tmp_path: Path, document: Document
) -> None:
    with AnnotationStore.open(tmp_path / "data") as store:
        session = AnnotationSession.open(store, document)
        made, _ = session.highlight(*span(document, "天地玄黃"))
        session.recolour(made.id, Colour.GREEN)
    with AnnotationStore.open(tmp_path / "data", read_only=True) as read_only:
        session.store = read_only  # the same steps, replayed against a store that refuses
        with pytest.raises(StoreError, match="read-only"):
            session.undo()
        assert session.history.undo_text == "Recolour"  # still there to try again
        assert read_only.get(made.id).colour is Colour.GREEN  # type: ignore[union-attr]


def test_re_attaching_an_orphan_is_one_undoable_change(
    tmp_path: Path, store: AnnotationStore, document: Document
) -> None:
    session = AnnotationSession.open(store, document)
    lost, _ = session.highlight(*span(document, "日月盈昃"), note="找不到了")
    path = document.source
    assert path is not None
    path.write_text(TEXT.replace("第三段，說的是日月盈昃。\n", ""), encoding="utf-8")
    edited = load_document(path)
    later = open_session(store, edited)
    assert [a.id for a in later.orphans] == [lost.id] and later.placed == []
    start, end = span(edited, "宇宙洪荒")
    assert later.reattach(lost.id, start, end) == Changes(updated=(lost.id,))
    [placed] = later.placed
    assert (placed.start, placed.orphan, placed.fingerprint) == (start, False, edited.fingerprint)
    later.undo()
    back = store.get(lost.id)
    assert back is not None and back.orphan and later.orphans == [back]


def test_changes_to_another_documents_annotation_are_refused(
    store: AnnotationStore, document: Document, tmp_path: Path
) -> None:
    session = AnnotationSession.open(store, document)
    made, _ = session.highlight(*span(document, "天地玄黃"))
    other_path = tmp_path / "other.txt"
    other_path.write_text("另一本書的文字。\n", encoding="utf-8")
    other = AnnotationSession.open(store, load_document(other_path))
    with pytest.raises(StoreError, match="no annotation"):
        other.recolour(made.id, Colour.GREEN)
    assert store.get(made.id).colour is Colour.YELLOW  # type: ignore[union-attr]


def test_a_reload_says_that_anything_may_have_changed(
    store: AnnotationStore, document: Document
) -> None:
    session = AnnotationSession.open(store, document)
    session.highlight(*span(document, "天地玄黃"))
    assert session.reload() == Changes(everything=True)
    assert not session.highlight(*span(document, "日月"))[1].everything


def test_placed_one_finds_the_placed_value_of_an_id(
    store: AnnotationStore, document: Document
) -> None:
    session = AnnotationSession.open(store, document)
    twins = [session.highlight(*span(document, "宇宙"))[0] for _ in range(3)]  # one span
    first, _ = session.highlight(*span(document, "天地"))
    assert [session.placed_one(a.id) for a in [first, *twins]] == [first, *twins]
    session.recolour(first.id, Colour.GREEN)
    recoloured = session.placed_one(first.id)
    assert recoloured is not None and recoloured.colour is Colour.GREEN
    session.delete(twins[1].id)
    assert [session.placed_one(a.id) for a in twins] == [twins[0], None, twins[2]]
    assert session.placed_one("urn:uuid:nothing") is None
