"""Which document a file is: edited, moved, copied, linked, imported, oddly named; and the
annotations that follow from it, never on the wrong text."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from reader.annotations import rows, schema
from reader.annotations.exchange.w3c_export import to_w3c
from reader.annotations.model import Annotation, annotate
from reader.annotations.placement import (
    import_file,
    open_annotations,
)
from reader.annotations.session import open_session
from reader.annotations.store import AnnotationStore, StoreError
from reader.document.loader import load_document
from reader.document.model import Document

FIRST = "序言。\n這一段會留下來，它講的是一件又長又不會被改動的事情。\n這一段會被刪掉。\n"


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    opened = AnnotationStore.open(tmp_path / "data")
    yield opened  # type: ignore[misc]
    opened.close()


def write(path: Path, text: str) -> Document:
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def highlight(
    store: AnnotationStore, document: Document, phrase: str, **fields: object
) -> Annotation:
    record = open_annotations(store, document).record
    start = document.text.index(phrase)
    fresh = annotate(document.text, record.id, document.fingerprint, start, start + len(phrase))
    return store.add(replace(fresh, **fields))  # type: ignore[arg-type]


def test_an_edited_file_keeps_its_annotations_re_anchored_and_its_orphans(
    tmp_path: Path, store: AnnotationStore
) -> None:
    path = tmp_path / "book.txt"
    first = write(path, FIRST)
    kept = highlight(store, first, "這一段會留下來，它講的是一件又長", note="甲")
    lost = highlight(store, first, "這一段會被刪掉")
    second = write(
        path, "新的一行在最前面。\n序言。\n這一段會留下來，它講的是一件又長又不會被改動的事情。\n"
    )
    opened = open_session(store, second)
    assert opened.record.id == kept.document_id  # the same file is the same document
    assert opened.record.fingerprint == second.fingerprint != first.fingerprint
    [moved] = opened.placed
    assert (moved.id, moved.note, moved.fingerprint) == (kept.id, "甲", second.fingerprint)
    assert second.text[moved.start : moved.end] == "這一段會留下來，它講的是一件又長"
    assert [a.id for a in opened.orphans] == [lost.id] and opened.stale == []
    assert moved.modified == kept.modified  # re-anchoring is not the user's edit


def test_a_moved_file_finds_its_annotations_by_its_text(
    tmp_path: Path, store: AnnotationStore
) -> None:
    old = tmp_path / "old name.txt"
    document = write(old, FIRST)
    mine = highlight(store, document, "序言")
    new = tmp_path / "folder" / "new name.txt"
    new.parent.mkdir()
    old.rename(new)
    opened = open_annotations(store, load_document(new))
    assert opened.record.id == mine.document_id and opened.record.path == new
    assert [a.id for a in opened.placed] == [mine.id]


def test_a_copy_starts_with_copies_and_then_keeps_its_own(
    tmp_path: Path, store: AnnotationStore
) -> None:
    original = write(tmp_path / "original.txt", FIRST)
    mine = highlight(store, original, "序言", note="原")
    copy = write(tmp_path / "copy.txt", FIRST)
    on_copy = open_annotations(store, copy)
    assert on_copy.record.id != mine.document_id
    [copied] = on_copy.placed
    assert copied.id != mine.id
    assert (copied.quote, copied.position, copied.note) == (mine.quote, mine.position, "原")
    store.update(copied.id, note="改在副本")
    highlight(store, copy, "這一段會留下來")
    edited = write(tmp_path / "copy.txt", "多了一行。\n" + FIRST)
    assert len(open_session(store, edited).placed) == 2
    back = open_annotations(store, original)  # the original is untouched by all of it
    assert back.placed == [mine] and back.record.id == mine.document_id
    assert len(open_annotations(store, copy).placed) == 0  # copy.txt now holds `edited`


def test_a_symlink_is_the_file_it_names(tmp_path: Path, store: AnnotationStore) -> None:
    real = tmp_path / "real.txt"
    document = write(real, FIRST)
    mine = highlight(store, document, "序言")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    opened = open_annotations(store, load_document(link))
    assert opened.record.id == mine.document_id and opened.placed == [mine]


def test_imported_annotations_join_the_first_file_with_their_text(
    tmp_path: Path, store: AnnotationStore
) -> None:
    document = write(tmp_path / "book.txt", FIRST)
    start = document.text.index("序言")
    item = annotate(document.text, "", document.fingerprint, start, start + 2, note="外來")
    exported = tmp_path / "notes.jsonld"
    exported.write_text(json.dumps(to_w3c(document, [item])), encoding="utf-8")
    report = import_file(store, open_annotations(store, document).record, document, exported)
    assert (report.count.added, report.moved, report.unplaced) == (1, 0, 0)
    [placed] = open_annotations(store, document).placed
    assert (placed.id, placed.note, placed.start) == (item.id, "外來", start)


def test_opening_an_unchanged_document_writes_nothing(
    tmp_path: Path, store: AnnotationStore
) -> None:
    document = write(tmp_path / "book.txt", FIRST)
    first = open_annotations(store, document).record
    changes = store._connection().total_changes
    assert open_annotations(store, document).record == first
    assert store._connection().total_changes == changes


def test_a_file_name_that_is_not_utf8_keeps_its_annotations(tmp_path: Path) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/bad\xff name.txt"))
    document = write(path, FIRST)
    data = tmp_path / "data"
    with AnnotationStore.open(data) as store:
        mine = highlight(store, document, "序言")
        assert open_annotations(store, document).record.path == path
    with AnnotationStore.open(data) as store:  # and it is all still there when reopened
        opened = open_annotations(store, document)
        assert opened.record.path == path and opened.placed == [mine]


def test_stale_annotations_are_never_shown_as_placed_until_re_anchored(
    tmp_path: Path, store: AnnotationStore
) -> None:
    """Whatever interrupted an earlier re-anchoring (a crash, Ctrl+C), an annotation whose
    selectors were made on another text is listed as stale, not painted, and placed next time."""
    path = tmp_path / "book.txt"
    first = write(path, FIRST)
    mine = highlight(store, first, "這一段會留下來")
    second = write(path, "插入的一行。\n" + FIRST)
    opened = open_annotations(store, second)  # as if the process died right here
    assert opened.placed == [] and [a.id for a in opened.stale] == [mine.id]
    again = open_session(store, second)
    [placed] = again.placed
    assert second.text[placed.start : placed.end] == "這一段會留下來"


def test_an_interrupted_import_leaves_nothing_and_a_retry_places_everything(
    tmp_path: Path, store: AnnotationStore, article_path: Path
) -> None:
    article = load_document(article_path)
    shift = 7  # every position off by a few characters: each must be placed by its quote
    items = []
    for number, start in enumerate(range(0, 3000 * 2, 2)):
        at = start % (len(article.text) - 10)
        fresh = annotate(article.text, "", article.fingerprint, at, at + 3)
        items.append(
            replace(
                fresh,
                id=f"urn:test:{number}",
                position=replace(fresh.position, start=at + shift, end=at + shift + 3),
            )
        )
    exported = tmp_path / "many.jsonld"
    exported.write_text(json.dumps(to_w3c(article, items), ensure_ascii=False), encoding="utf-8")
    conn = sqlite3.connect(store.path)
    conn.execute(
        "CREATE TRIGGER interrupt BEFORE INSERT ON annotations WHEN NEW.id = 'urn:test:2999'"
        " BEGIN SELECT RAISE(ABORT, 'interrupted'); END"
    )
    conn.commit()
    with pytest.raises(StoreError, match="interrupted"):
        import_file(store, open_annotations(store, article).record, article, exported)
    assert open_annotations(store, article).placed == []  # nothing half-imported
    conn.execute("DROP TRIGGER interrupt")
    conn.commit()
    conn.close()
    report = import_file(store, open_annotations(store, article).record, article, exported)
    assert report.count.added == 3000 and report.unplaced == 0
    opened = open_annotations(store, article)
    assert len(opened.placed) == 3000 and opened.stale == []
    assert all(article.text[a.start : a.end] == a.quote.exact for a in opened.placed)


def test_an_import_past_the_end_of_the_text_is_never_stretched(
    tmp_path: Path, store: AnnotationStore
) -> None:
    document = write(tmp_path / "book.txt", FIRST)
    text = document.text
    tail = annotate(text, "", document.fingerprint, len(text) - 4, len(text))
    stretched = replace(tail, position=replace(tail.position, end=len(text) + 500))
    exported = tmp_path / "past-the-end.jsonld"
    exported.write_text(json.dumps(to_w3c(document, [stretched])), encoding="utf-8")
    report = import_file(store, open_annotations(store, document).record, document, exported)
    [placed] = open_annotations(store, document).placed
    assert (placed.start, placed.end) == (len(text) - 4, len(text))
    assert report.moved == 1  # reported as placed by its quote, not taken as it was


def test_a_schema_2_database_becomes_documents_by_file(tmp_path: Path) -> None:
    """Two texts seen at one path (an edit whose annotations were never carried over), one
    without a path, one known only from its annotations: each annotation keeps its text and
    joins the file's document."""
    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / AnnotationStore.DATABASE_NAME, isolation_level=None)
    schema.migrate(conn, up_to=2)
    book = str(tmp_path / "book.txt")
    conn.executemany(
        "INSERT INTO documents (fingerprint, title, path, seen) VALUES (?, ?, ?, ?)",
        [("v1", "Book", book, 1), ("v2", "Book", book, 2), ("bundled", "Article", None, 3)],
    )
    for identifier, fingerprint in (("a1", "v1"), ("a2", "v2"), ("a3", "bundled"), ("a4", "x")):
        annotation = annotate(FIRST, fingerprint, fingerprint, 0, 2)
        row = rows.StoredRow(replace(annotation, id=identifier, revision=1))
        values = (*schema._v2_values(row), schema._v2_checksum(row))
        columns = ", ".join(rows.V2_COLUMNS)
        conn.execute(f"INSERT INTO annotations ({columns}) VALUES ({', '.join('?' * 17)})", values)
    conn.execute("UPDATE counter SET revision = 1")
    conn.close()
    with AnnotationStore.open(data) as store:
        assert any("upgraded from schema 2" in m for m in store.report.messages)
        found = {i: store.get(i) for i in ("a1", "a2", "a3", "a4")}
        assert {i: (a.document_id, a.fingerprint) for i, a in found.items() if a} == {
            "a1": ("v2", "v1"),  # joins the file's newest text, to be re-anchored there
            "a2": ("v2", "v2"),
            "a3": ("bundled", "bundled"),
            "a4": ("x", "x"),
        }
