"""Schema 4, the library's columns: older databases migrate into it with every annotation and
document kept, the complete check reads the new values, and opening a file records it."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from reader.annotations import integrity, rows, schema
from reader.annotations.documents import LAST_READ_RESOLUTION
from reader.annotations.errors import DamagedError
from reader.annotations.model import annotate
from reader.annotations.store import AnnotationStore
from reader.document.metadata import Details

TEXT = "满纸荒唐言，一把辛酸泪。"


def old_database(data: Path, version: int) -> sqlite3.Connection:
    data.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(data / AnnotationStore.DATABASE_NAME, isolation_level=None)
    schema.migrate(conn, up_to=version)
    return conn


def test_a_schema_3_database_migrates_with_its_files_in_the_library(tmp_path: Path) -> None:
    data = tmp_path / "data"
    conn = old_database(data, 3)
    book = bytes(tmp_path / "book.txt")
    conn.executemany(
        "INSERT INTO documents (id, fingerprint, title, path, seen) VALUES (?, ?, ?, ?, ?)",
        [("d1", "f1", "Book", book, 2), ("d2", "f2", "Imported", None, 1)],
    )
    annotation = replace(annotate(TEXT, "d1", "f1", 0, 2, note="kept"), revision=1)
    rows.insert(conn, rows.StoredRow(annotation))
    conn.execute("UPDATE counter SET revision = 1")
    conn.close()
    with AnnotationStore.open(data) as store:
        assert any("upgraded from schema 3 to 4" in m for m in store.report.messages)
        [row] = store.library()
        assert (row.id, row.title, row.path, row.annotations) == (
            "d1",
            "Book",
            Path(book.decode()),
            1,
        )
        assert (row.size, row.length, row.added, row.last_read, row.author) == (
            None, None, None, None, "",
        )  # fmt: skip
        assert store.get(annotation.id) == annotation
        assert store.library_row("d2") is None  # no file: never in the library
        backups = list((data / "backups").iterdir())
    assert len(backups) == 1 and integrity.check_file(backups[0]).version == 3


@pytest.mark.parametrize("version", [1, 2])
def test_the_oldest_databases_still_migrate_to_the_newest(tmp_path: Path, version: int) -> None:
    conn = old_database(tmp_path / "data", version)
    conn.close()
    with AnnotationStore.open(tmp_path / "data") as store:
        conn = store._connection()
        assert schema.user_version(conn) == schema.CURRENT_VERSION == 4
        assert integrity.check(conn).version == 4


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("in_library", 7),
        ("size", -1),
        ("length", "many"),
        ("author", b"\xff"),
        ("last_read", b"\x00"),
    ],
)
def test_a_library_value_of_the_wrong_kind_is_damage(
    tmp_path: Path, column: str, value: object
) -> None:
    conn = old_database(tmp_path / "data", 4)
    conn.execute(
        "INSERT INTO documents (id, fingerprint, title, path, seen) VALUES ('d', 'f', 't', NULL, 1)"
    )
    integrity.check(conn)
    conn.execute(f"UPDATE documents SET {column} = ?", (value,))
    with pytest.raises(DamagedError, match="library values"):
        integrity.check(conn)


def test_opening_records_details_and_writes_nothing_when_nothing_is_news(
    tmp_path: Path,
) -> None:
    path = tmp_path / "book.txt"
    path.write_text(TEXT, encoding="utf-8")
    details = Details("曹雪芹", "TXT", 36, len(TEXT))
    with AnnotationStore.open(tmp_path / "data") as store:
        first = store.open_document("f1", "Book", path, details=details)
        conn = store._connection()
        changes = conn.total_changes
        again = store.open_document("f1", "Book", path, details=details)
        assert again == first and conn.total_changes == changes  # read lately: no write
        row = store.library_row(first.id)
        assert row is not None and (row.author, row.size, row.length) == ("曹雪芹", 36, 12)
        long_ago = "2000-01-01T00:00:00.000Z"
        conn.execute("UPDATE documents SET last_read = ?", (long_ago,))
        store.open_document("f1", "Book", path, details=details)
        row = store.library_row(first.id)
        assert row is not None and row.last_read is not None and row.last_read > long_ago
        assert LAST_READ_RESOLUTION.total_seconds() == 3600


def test_a_document_without_a_file_never_joins_the_library(tmp_path: Path) -> None:
    with AnnotationStore.open(tmp_path / "data") as store:
        record = store.open_document("f1", "Pasted text", None)
        assert store.library() == [] and store.library_row(record.id) is None
