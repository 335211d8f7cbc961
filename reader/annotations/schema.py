"""The annotation database's schema, built step by step by numbered migrations.

The schema only ever grows by migrations, each one transaction, its number kept in
`PRAGMA user_version`. Opening the store (`opening`) backs an older database up before it runs
the missing ones.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import replace

from reader.annotations import rows
from reader.annotations.rows import StoredRow, checksum, decode, select_rows
from reader.annotations.transaction import write_transaction


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database header."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _create_tables(conn: sqlite3.Connection) -> None:
    """Version 1: the revision counter, the documents seen, and the annotations."""
    for statement in (
        "CREATE TABLE counter (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL)",
        "INSERT INTO counter (id, revision) VALUES (1, 0)",
        "CREATE TABLE documents (fingerprint TEXT PRIMARY KEY, title TEXT NOT NULL,"
        " path TEXT, seen INTEGER NOT NULL)",
        "CREATE INDEX documents_by_path ON documents (path, seen)",
        "CREATE TABLE annotations (id TEXT PRIMARY KEY, document TEXT NOT NULL,"
        " exact TEXT NOT NULL, prefix TEXT NOT NULL, suffix TEXT NOT NULL,"
        " position_start INTEGER NOT NULL, position_end INTEGER NOT NULL,"
        " colour TEXT NOT NULL, note TEXT NOT NULL, tags TEXT NOT NULL,"
        " created TEXT NOT NULL, modified TEXT NOT NULL, revision INTEGER NOT NULL,"
        " deleted INTEGER NOT NULL DEFAULT 0, deleted_revision INTEGER)",
        "CREATE INDEX annotations_by_document"
        " ON annotations (document, deleted, position_start, created)",
    ):
        conn.execute(statement)


def _add_orphan_flag_and_checksums(conn: sqlite3.Connection) -> None:
    """Version 2: an orphan flag (re-anchoring failed) and a checksum on every row."""
    conn.execute("ALTER TABLE annotations ADD COLUMN orphan INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE annotations ADD COLUMN checksum TEXT NOT NULL DEFAULT ''")
    old = [decode(values, version=1) for values in conn.execute(select_rows(1)).fetchall()]
    conn.executemany(
        "UPDATE annotations SET checksum = ? WHERE id = ?",
        [(_v2_checksum(row), row.annotation.id) for row in old],
    )


def _v2_values(row: StoredRow) -> tuple[object, ...]:
    """A row's values as schema 2 kept them (`document` holding the fingerprint), checksum
    excepted."""
    a = row.annotation
    return (
        a.id, a.fingerprint, a.quote.exact, a.quote.prefix, a.quote.suffix, a.position.start,
        a.position.end, a.colour.value, a.note, json.dumps(list(a.tags), ensure_ascii=False),
        a.created, a.modified, a.revision, int(row.deleted), row.deleted_revision, int(a.orphan),
    )  # fmt: skip


def _v2_checksum(row: StoredRow) -> str:
    """The checksum schema 2 gave a row."""
    return checksum(_v2_values(row))


def _documents_by_file(conn: sqlite3.Connection) -> None:
    """Version 3: a document is a file this machine opened, with a local id, and each
    annotation says which text its selectors were made on.

    Schema 2 keyed documents by their text, one path per text, so a copy of a file that was
    then edited took the original's annotations. Now a document row is a file (its path, as
    bytes, since Linux paths need not be UTF-8) with the fingerprint of its current text. Old
    rows keep their fingerprint as their id; an older text last seen at the same path as a newer
    one joins the newer one's document, its annotations keeping their old fingerprint so that
    they are re-anchored when the file is next opened.
    """
    record_of: dict[str, str] = {}
    newest_at: dict[str, str] = {}
    records: list[tuple[str, str, str, bytes | None, int]] = []
    old = conn.execute("SELECT fingerprint, title, path, seen FROM documents ORDER BY seen DESC")
    for fingerprint, title, path, seen in old.fetchall():
        if path is not None and path in newest_at:
            record_of[fingerprint] = newest_at[path]
            continue
        if path is not None:
            newest_at[path] = fingerprint
        record_of[fingerprint] = fingerprint
        encoded = None if path is None else os.fsencode(path)
        records.append((fingerprint, fingerprint, title, encoded, seen))
    old_rows = [decode(values, 2) for values in conn.execute(select_rows(2)).fetchall()]
    for row in old_rows:
        fingerprint = row.annotation.fingerprint
        if fingerprint not in record_of:
            record_of[fingerprint] = fingerprint
            records.append((fingerprint, fingerprint, "", None, 0))
    for statement in (
        "DROP TABLE documents",
        "CREATE TABLE documents (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
        " title TEXT NOT NULL, path BLOB UNIQUE, seen INTEGER NOT NULL)",
        "CREATE INDEX documents_by_fingerprint ON documents (fingerprint, seen)",
        "DROP INDEX annotations_by_document",
        "ALTER TABLE annotations RENAME COLUMN document TO document_id",
        "ALTER TABLE annotations ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX annotations_by_document"
        " ON annotations (document_id, deleted, position_start, created)",
    ):
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO documents (id, fingerprint, title, path, seen) VALUES (?, ?, ?, ?, ?)",
        records,
    )
    for row in old_rows:
        moved = replace(row.annotation, document_id=record_of[row.annotation.fingerprint])
        rows.save(conn, replace(row, annotation=moved))


def _library_catalogue(conn: sqlite3.Connection) -> None:
    """Version 4: the library, as columns of the documents it lists.

    A document is in the library (`in_library`) from the first time the user opens or adds it
    until they remove it; removing only clears the flag, so its annotations stay and come back
    when the file is added again. What the library shows of a file (author, format, size in
    bytes, length in characters) is learnt whenever the file is read; `added` and `last_read`
    are wall-clock times for people to read (order still comes from `seen`). Every document
    that has a file was opened by the user, so it starts in the library; its details stay
    unknown (NULL) until the file is read again.
    """
    for statement in (
        "ALTER TABLE documents ADD COLUMN in_library INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE documents ADD COLUMN author TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE documents ADD COLUMN format TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE documents ADD COLUMN size INTEGER",
        "ALTER TABLE documents ADD COLUMN length INTEGER",
        "ALTER TABLE documents ADD COLUMN added TEXT",
        "ALTER TABLE documents ADD COLUMN last_read TEXT",
        "UPDATE documents SET in_library = 1 WHERE path IS NOT NULL",
    ):
        conn.execute(statement)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_tables,
    _add_orphan_flag_and_checksums,
    _documents_by_file,
    _library_catalogue,
)
"""Migration n (counting from 1) takes a database from version n - 1 to version n."""

CURRENT_VERSION = len(MIGRATIONS)
"""The newest schema: the one this program writes."""

if rows.COLUMNS_VERSION > CURRENT_VERSION:
    raise AssertionError("rows.COLUMNS must be columns that a migration makes")


def migrate(conn: sqlite3.Connection, up_to: int = CURRENT_VERSION) -> list[int]:
    """Run the missing migrations, each in its own transaction; the versions reached.

    Each step re-reads the version under the write lock, so two processes opening the same
    new database at once do not both create it.
    """
    reached: list[int] = []
    for target in range(1, up_to + 1):
        with write_transaction(conn):
            if user_version(conn) < target:
                MIGRATIONS[target - 1](conn)
                conn.execute(f"PRAGMA user_version = {int(target)}")
                reached.append(target)
    return reached
