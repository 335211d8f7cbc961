"""The annotation store: the user's highlights and notes in SQLite, in their data directory.

An annotation is saved when its transaction has committed, and every method that writes returns
only after that. Each write is one `BEGIN IMMEDIATE ... COMMIT` (autocommit connection, WAL,
`synchronous=FULL`, a busy timeout), so a second window or the command line can write at the
same time without "database is locked" and without losing each other's changes; an update reads
the row inside its transaction and changes only the fields it was given. Deletes are soft and
every change takes the next value of a revision counter, so order never depends on clocks.

Opening checks the database completely (`integrity.check`) and repairs what it can: see
`opening.open_database` for damage, read-only folders and full disks.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from reader.annotations import documents, library_rows, opening, recovery, rows
from reader.annotations.errors import (
    DamagedError,
    NewerDatabaseError,
    NewerSchemaError,
    StoreError,
    StoreReadOnlyError,
    write_error,
)
from reader.annotations.importing import ImportCount, merge_imported
from reader.annotations.library_rows import LibraryRow
from reader.annotations.model import (
    Annotation,
    Colour,
    DocumentRecord,
    TextPosition,
    TextQuote,
    normalise_tags,
)
from reader.annotations.model import now as current_time
from reader.annotations.schema import CURRENT_VERSION
from reader.annotations.transaction import write_transaction
from reader.document.metadata import Details

__all__ = [
    "AnnotationStore",
    "DocumentRecord",
    "ImportCount",
    "LibraryRow",
    "NewerDatabaseError",
    "StoreError",
    "StoreReadOnlyError",
]


_READING_ORDER = "ORDER BY position_start, created, id"


class AnnotationStore:
    """The annotation database of one data directory. Use `AnnotationStore.open`.

    Safe to call from several threads (calls are serialised); two stores on the same directory,
    in one process or two, see each other's changes (`changed_elsewhere`).
    """

    DATABASE_NAME = "annotations.sqlite3"

    def __init__(self, path: Path, opened: opening.Opened) -> None:
        """Use `AnnotationStore.open`."""
        self._conn: sqlite3.Connection | None = opened.conn
        self._lock = threading.RLock()
        self._read_only_reason = opened.read_only_reason
        self.path = path
        self.read_only = opened.read_only_reason is not None
        self.report = opening.OpenReport(opened.messages, opened.restored, self.read_only)
        self._data_version = self._pragma_data_version()

    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False) -> AnnotationStore:
        """Open (creating if needed) the store in `data_dir`; see `report` for what happened.

        Raises `NewerDatabaseError` for a database from a newer reader, and `StoreError` when
        the database cannot be read at all; a folder that cannot be written gives a read-only
        store instead.
        """
        path = Path(data_dir) / cls.DATABASE_NAME
        try:
            return cls(path, opening.open_database(path, read_only=read_only))
        except NewerSchemaError as error:
            raise NewerDatabaseError(
                f"The annotation database {path} was written by a newer version of reader"
                f" (schema {error.version}); this version understands up to {CURRENT_VERSION}."
                " Your annotations are untouched."
            ) from error
        except (sqlite3.Error, OSError, DamagedError) as error:
            raise StoreError(recovery.describe_failure(path, error)) from error

    def close(self) -> None:
        """Close the database; every acknowledged change is already on disk."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- documents -------------------------------------------------------------------------

    def open_document(
        self,
        fingerprint: str,
        title: str,
        path: Path | None,
        *,
        details: Details | None = None,
        exists: Callable[[Path], bool] = os.path.lexists,
    ) -> DocumentRecord:
        """The store's document for the file at `path` whose text is `fingerprint`.

        A document is a file the user opened, whatever its text is now; its annotations behave
        as if they were inside the file:
        - The same path (symlinks resolved): the same document, even if the text changed (its
          annotations are then re-anchored, see `session`).
        - A new path with a text known from a file that is gone (moved, renamed), or from no
          file at all (imported annotations): that document, now at the new path.
        - A new path whose text is also in a file that is still there (a copy): a new document
          that starts with copies of the original's annotations, and from then on each keeps
          its own: a copy edited apart never takes the original's.
        A file opened joins the library, if it was not in it, with its `details`, and is the
        one read last. Writes (one transaction) only when something is news; a read-only store
        answers without writing. `exists` is how "still there" is checked (tests pass their
        own).
        """
        with self._reading() as conn:
            known, current = documents.look_up(conn, fingerprint, title, path, exists, details)
        if current or self.read_only:
            return known
        with self._writing() as conn:
            return documents.record(conn, fingerprint, title, path, exists, details)

    # --- the library -----------------------------------------------------------------------

    def catalogue(
        self, files: Sequence[tuple[str, str, Path, Details]]
    ) -> list[tuple[DocumentRecord, bool]]:
        """Add files (fingerprint, title, path, details) to the library in one transaction;
        each one's document, and whether it was in the library already. A file is the
        document `open_document` would find for it (the same identity rules), but adding is
        not reading: when it was read last stays as it was."""
        with self._writing() as conn:
            return library_rows.catalogue(conn, files)

    def library(self) -> list[LibraryRow]:
        """Every document in the library, the one read most recently first."""
        with self._reading() as conn:
            return library_rows.in_library(conn)

    def library_row(self, document_id: str) -> LibraryRow | None:
        """A document of the library, or None when it is not in the library."""
        with self._reading() as conn:
            return library_rows.find(conn, document_id)

    def remove_from_library(self, document_id: str) -> bool:
        """Take a document out of the library (its file and annotations stay); False when it
        was not in the library."""
        with self._writing() as conn:
            return library_rows.remove(conn, document_id)

    def move_document(self, document_id: str, fingerprint: str, path: Path) -> None:
        """Record that a document's file is now at `path`, whose text is `fingerprint`.

        Raises `StoreError` when the text is not the document's (the file at `path` is
        another text) or when another document already is the file at `path`."""
        with self._writing() as conn:
            library_rows.move_checked(conn, document_id, fingerprint, path)

    def documents(self) -> list[DocumentRecord]:
        """Every document the store knows, the most recently read first."""
        with self._reading() as conn:
            return documents.all_records(conn)

    # --- reading ---------------------------------------------------------------------------

    def get(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, trashed or not; None if there is none."""
        with self._reading() as conn:
            row = rows.fetch(conn, annotation_id)
        return None if row is None else row.annotation

    def annotations(self, document_id: str) -> list[Annotation]:
        """The live annotations of a document (orphans included), in reading order."""
        where = "WHERE document_id = ? AND deleted = 0"
        return self._select(f"{rows.SELECT} {where} {_READING_ORDER}", (document_id,))

    def all_annotations(self) -> list[Annotation]:
        """Every live annotation of every document (what the library search indexes)."""
        return self._select(f"{rows.SELECT} WHERE deleted = 0", ())

    def trash(self, document_id: str) -> list[Annotation]:
        """The document's deleted annotations, most recently deleted first."""
        where = "WHERE document_id = ? AND deleted = 1 ORDER BY deleted_revision DESC"
        return self._select(f"{rows.SELECT} {where}", (document_id,))

    def reading(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """The connection, held for reads that span documents (`notebook`, `synced`); never
        write on it."""
        return self._reading()

    def writing(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """One write transaction on the connection, for the modules that keep their own rows'
        logic beside the store (`synced`): all of it commits, or none."""
        return self._writing()

    def changed_elsewhere(self) -> bool:
        """Whether another connection committed since the last call (cheap enough to poll)."""
        with self._lock:
            version = self._pragma_data_version()
            changed, self._data_version = version != self._data_version, version
            return changed

    def revision(self) -> int:
        """The revision of the latest change: a cheap way to see whether anything changed."""
        with self._reading() as conn:
            return int(conn.execute("SELECT revision FROM counter WHERE id = 1").fetchone()[0])

    # --- writing ---------------------------------------------------------------------------

    def add(self, annotation: Annotation) -> Annotation:
        """Save a new annotation; the stored value, with its revision, once committed."""
        annotation = rows.prepared(annotation)
        with self._writing() as conn:
            if rows.fetch(conn, annotation.id) is not None:
                raise StoreError(f"An annotation with the id {annotation.id} already exists.")
            stored = rows.StoredRow(replace(annotation, revision=rows.next_revision(conn)))
            rows.insert(conn, stored)
        return stored.annotation

    def update(
        self,
        annotation_id: str,
        *,
        colour: Colour | None = None,
        note: str | None = None,
        tags: tuple[str, ...] | None = None,
        quote: TextQuote | None = None,
        position: TextPosition | None = None,
        fingerprint: str | None = None,
        orphan: bool | None = None,
    ) -> Annotation:
        """Change the given fields (only those) of an annotation, in one transaction; the
        stored value. Moving an annotation means a new position, quote and fingerprint (and
        orphan=False) together: a half-moved annotation would be painted on the wrong text."""
        with self._writing() as conn:
            row = rows.require(conn, annotation_id)
            a = row.annotation
            changed = replace(
                a,
                colour=a.colour if colour is None else colour,
                note=a.note if note is None else note,
                tags=a.tags if tags is None else normalise_tags(tags),
                quote=a.quote if quote is None else quote,
                position=a.position if position is None else position,
                fingerprint=a.fingerprint if fingerprint is None else fingerprint,
                orphan=a.orphan if orphan is None else orphan,
                modified=current_time(),
                revision=rows.next_revision(conn),
            )
            row = replace(row, annotation=rows.storable(changed))
            rows.save(conn, row)
        return row.annotation

    def relocate(self, placed: Sequence[Annotation]) -> None:
        """Save re-anchored annotations (their fingerprint, selectors and orphan flag) in one
        transaction: ten thousand commits would cost seconds, and a half-done re-anchoring
        would leave annotations on the wrong text. `modified` stays the user's last edit:
        re-anchoring is not one.

        Each annotation is written whole, on the condition that its row still has the revision
        it was read at; one that changed meanwhile (edited or deleted by another process) is
        read again and only its selectors change. Reading every row again first cost a third of
        a re-anchoring of ten thousand.
        """
        with self._writing() as conn:
            revision = rows.next_revision(conn)
            changed_meanwhile: list[Annotation] = []
            for annotation in placed:
                moved = rows.StoredRow(rows.storable(replace(annotation, revision=revision)))
                if not rows.save_if_unchanged(conn, moved, annotation.revision):
                    changed_meanwhile.append(annotation)
            for annotation in changed_meanwhile:
                row = rows.require(conn, annotation.id)
                current = replace(
                    row.annotation,
                    fingerprint=annotation.fingerprint,
                    position=annotation.position,
                    quote=annotation.quote,
                    orphan=annotation.orphan,
                    revision=revision,
                )
                rows.save(conn, replace(row, annotation=rows.storable(current)))

    def delete(self, annotation_id: str) -> Annotation:
        """Move an annotation to the trash (a soft delete; `restore` brings it back)."""
        return self._set_deleted(annotation_id, True)

    def restore(self, annotation_id: str) -> Annotation:
        """Take an annotation out of the trash."""
        return self._set_deleted(annotation_id, False)

    def import_annotations(self, annotations: Sequence[Annotation]) -> ImportCount:
        """Add or update many annotations in one transaction: all of them, or none.

        A known id with the same content is unchanged (never a duplicate). With other content it
        is updated only if the imported `modified` is newer than the local one: an item without
        a time is older than anything local, so a re-import never undoes a local edit. An id
        that belongs to another document here is left alone. New items without times get now.
        """
        incoming = [rows.prepared(a) for a in annotations]
        with self._writing() as conn:
            return merge_imported(conn, incoming)

    # --- internals -------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("The annotation store is closed.")
        return self._conn

    def _pragma_data_version(self) -> int:
        with self._reading() as conn:
            return int(conn.execute("PRAGMA data_version").fetchone()[0])

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._connection()
            except DamagedError as error:
                raise StoreError(
                    f"The annotation database is damaged ({error}); restart reader to restore"
                    " it from a backup. Nothing was changed."
                ) from error
            except sqlite3.Error as error:
                raise StoreError(f"Could not read the annotations: {error}.") from error

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (`write_transaction`), its SQLite errors told as the user's."""
        if self._read_only_reason is not None:
            raise StoreReadOnlyError(
                f"Cannot save annotations: {self._read_only_reason}."
                " Nothing already saved was changed."
            )
        with self._reading() as conn:
            try:
                with write_transaction(conn):
                    yield conn
            except sqlite3.Error as error:
                raise write_error(error, self.path) from error

    def _select(self, query: str, parameters: tuple[object, ...]) -> list[Annotation]:
        """The rows are fetched under the lock and decoded after it: the window's thread
        takes the lock too (to poll for changes), and decoding thousands of rows for the
        library search would keep it waiting."""
        with self._reading() as conn:
            found = conn.execute(query, parameters).fetchall()
        return [rows.decode(values, verify=False).annotation for values in found]

    def _set_deleted(self, annotation_id: str, deleted: bool) -> Annotation:
        with self._writing() as conn:
            row = rows.require(conn, annotation_id)
            if row.deleted == deleted:
                return row.annotation
            revision = rows.next_revision(conn)
            row = rows.StoredRow(
                replace(row.annotation, revision=revision),
                deleted=deleted,
                deleted_revision=revision if deleted else None,
            )
            rows.save(conn, row)
        return row.annotation
