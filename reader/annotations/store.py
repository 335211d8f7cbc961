"""The annotation store: the user's highlights and notes in SQLite, in their data directory.

An annotation is saved when its transaction has committed, and every method that writes returns
only after that. Each write is one `BEGIN IMMEDIATE ... COMMIT` (autocommit connection, WAL,
`synchronous=FULL`, a busy timeout), so a second window or the command line can write at the
same time without "database is locked" and without losing each other's changes; an update reads
the row inside its transaction and changes only the fields it was given. Deletes are soft and
every change takes the next value of a revision counter, so order never depends on clocks.

Opening checks the database completely (`migrations.inspect`) and repairs what it can: see
`recovery.open_database` for damage, read-only folders and full disks.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from reader.annotations import backups, recovery
from reader.annotations.migrations import (
    COLUMNS,
    CURRENT_VERSION,
    DamagedError,
    NewerSchemaError,
    StoredRow,
    decode,
    encode,
    writing_problem,
)
from reader.annotations.model import Annotation, Colour, TextPosition, TextQuote, normalise_tags
from reader.annotations.model import now as current_time


class StoreError(Exception):
    """The store could not do what was asked; the message is written for the user."""


class StoreReadOnlyError(StoreError):
    """Nothing can be saved (read-only folder, permissions, full disk); nothing saved is harmed."""


class NewerDatabaseError(StoreError):
    """The database was written by a newer reader; it is left exactly as it is."""


@dataclass(frozen=True)
class OpenReport:
    """What happened when the store was opened, for the user."""

    messages: tuple[str, ...]
    restored_backup: Path | None
    read_only: bool


@dataclass(frozen=True)
class ImportReport:
    """How an import went: new annotations, ones already there, and ones brought up to date."""

    added: int
    unchanged: int
    updated: int
    changed_ids: tuple[str, ...] = ()
    """The ids added or updated (not the unchanged), in file order."""


def write_error(error: sqlite3.Error, path: Path) -> StoreError:
    """The user's version of a SQLite error that stopped a write (which was rolled back)."""
    problem = writing_problem(error)
    if problem is not None:
        return StoreReadOnlyError(
            f"Cannot save annotations to {path}: {problem}. Nothing already saved was harmed."
        )
    if (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF in (5, 6):
        return StoreError(
            "Cannot save: another program kept the annotation database busy for more than"
            " 5 seconds. Nothing was changed; try again."
        )
    return StoreError(f"Cannot save the annotation: {error}. Nothing was changed.")


_SELECT = f"SELECT {', '.join(COLUMNS)} FROM annotations"
_INSERT = f"INSERT INTO annotations ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_UPDATE = f"UPDATE annotations SET {', '.join(f'{c} = ?' for c in COLUMNS[1:])} WHERE id = ?"
_READING_ORDER = "ORDER BY position_start, created, id"


class AnnotationStore:
    """The annotation database of one data directory. Use `AnnotationStore.open`.

    Safe to call from several threads (calls are serialised); two stores on the same directory,
    in one process or two, see each other's changes (`changed_elsewhere`).
    """

    DATABASE_NAME = "annotations.sqlite3"

    def __init__(self, path: Path, opened: recovery.Opened) -> None:
        """Use `AnnotationStore.open`."""
        self._conn: sqlite3.Connection | None = opened.conn
        self._lock = threading.RLock()
        self._read_only_reason = opened.read_only_reason
        self._in_memory = opened.in_memory
        self.path = path
        self.read_only = opened.read_only_reason is not None
        self.report = OpenReport(opened.messages, opened.restored, self.read_only)
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
            return cls(path, recovery.open_database(path, read_only=read_only))
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

    def remember_document(self, fingerprint: str, title: str, path: Path | None) -> None:
        """Record that the text `fingerprint` was last seen at `path` (writes only if news)."""
        where = str(path.absolute()) if path is not None else None
        with self._reading() as conn:
            known = conn.execute(
                "SELECT title, path, seen, (SELECT max(seen) FROM documents WHERE path = ?)"
                " FROM documents WHERE fingerprint = ?",
                (where, fingerprint),
            ).fetchone()
        unchanged = known is not None and tuple(known[:2]) == (title, where)
        if unchanged and (where is None or known[2] == known[3]):
            return
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO documents (fingerprint, title, path, seen)"
                " VALUES (?, ?, ?, (SELECT coalesce(max(seen), 0) + 1 FROM documents))"
                " ON CONFLICT (fingerprint) DO UPDATE"
                " SET title = excluded.title, path = excluded.path, seen = excluded.seen",
                (fingerprint, title, where),
            )

    def previous_versions(self, path: Path, fingerprint: str) -> list[str]:
        """Other texts last seen at `path`, newest first: earlier versions of an edited file."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT fingerprint FROM documents WHERE path = ? AND fingerprint <> ?"
                " ORDER BY seen DESC",
                (str(path.absolute()), fingerprint),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def all_documents(self) -> list[tuple[str, str, str | None]]:
        """(fingerprint, title, path) of every document seen, newest first, then of documents
        known only from their annotations (imported ones), with an empty title and no path."""
        with self._reading() as conn:
            seen = conn.execute("SELECT fingerprint, title, path FROM documents ORDER BY seen DESC")
            rows = [(str(f), str(t), None if p is None else str(p)) for f, t, p in seen]
            others = conn.execute(
                "SELECT DISTINCT document FROM annotations"
                " WHERE document NOT IN (SELECT fingerprint FROM documents) ORDER BY document"
            )
            return rows + [(str(f), "", None) for (f,) in others]

    # --- reading ---------------------------------------------------------------------------

    def get(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, trashed or not; None if there is none."""
        with self._reading() as conn:
            row = _fetch(conn, annotation_id)
        return None if row is None else row.annotation

    def annotations(self, document: str) -> list[Annotation]:
        """The live annotations of a document, in reading order."""
        where = "WHERE document = ? AND deleted = 0"
        return self._select(f"{_SELECT} {where} {_READING_ORDER}", (document,))

    def trash(self, document: str) -> list[Annotation]:
        """The document's deleted annotations, most recently deleted first."""
        where = "WHERE document = ? AND deleted = 1 ORDER BY deleted_revision DESC"
        return self._select(f"{_SELECT} {where}", (document,))

    def orphans(self, document: str) -> list[Annotation]:
        """The live annotations of a document that could not be placed in its text."""
        where = "WHERE document = ? AND deleted = 0 AND orphan = 1"
        return self._select(f"{_SELECT} {where} {_READING_ORDER}", (document,))

    def is_orphan(self, annotation_id: str) -> bool:
        """Whether the annotation is flagged as an orphan; StoreError if there is none."""
        with self._reading() as conn:
            return _require(_fetch(conn, annotation_id), annotation_id).orphan

    def revision(self) -> int:
        """The revision of the latest change: a cheap way to see whether anything changed."""
        with self._reading() as conn:
            return int(conn.execute("SELECT revision FROM counter WHERE id = 1").fetchone()[0])

    def changed_elsewhere(self) -> bool:
        """Whether another connection committed since the last call (cheap enough to poll)."""
        with self._lock:
            version = self._pragma_data_version()
            changed, self._data_version = version != self._data_version, version
            return changed

    # --- writing ---------------------------------------------------------------------------

    def add(self, annotation: Annotation) -> Annotation:
        """Save a new annotation; the stored value, with its revision, once committed."""
        annotation = _prepared(annotation)
        with self._writing() as conn:
            if _fetch(conn, annotation.id) is not None:
                raise StoreError(f"An annotation with the id {annotation.id} already exists.")
            stored = StoredRow(replace(annotation, revision=_next_revision(conn)))
            conn.execute(_INSERT, encode(stored))
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
        document: str | None = None,
    ) -> Annotation:
        """Change the given fields (only those) of an annotation; the stored value."""
        with self._writing() as conn:
            row = _require(_fetch(conn, annotation_id), annotation_id)
            a = row.annotation
            changed = replace(
                a,
                colour=a.colour if colour is None else colour,
                note=a.note if note is None else note,
                tags=a.tags if tags is None else normalise_tags(tags),
                quote=a.quote if quote is None else quote,
                position=a.position if position is None else position,
                document=a.document if document is None else document,
                modified=current_time(),
                revision=_next_revision(conn),
            )
            row = replace(row, annotation=_storable(changed))
            _save(conn, row)
        return row.annotation

    def relocate(
        self,
        document: str,
        moves: Sequence[tuple[str, TextPosition, TextQuote]],
        orphans: Sequence[str] = (),
    ) -> None:
        """Move annotations to `document` with new selectors, and make `orphans` orphans of
        it, all in one transaction: re-anchoring ten thousand annotations after an edit must
        not cost ten thousand commits (about five seconds)."""
        with self._writing() as conn:
            revision = _next_revision(conn)
            for annotation_id, position, quote in moves:
                row = _require(_fetch(conn, annotation_id), annotation_id)
                moved = replace(
                    row.annotation,
                    document=document,
                    position=position,
                    quote=quote,
                    revision=revision,
                )
                _save(conn, replace(row, annotation=_storable(moved), orphan=False))
            for annotation_id in orphans:
                row = _require(_fetch(conn, annotation_id), annotation_id)
                kept = replace(row.annotation, document=document, revision=revision)
                _save(conn, replace(row, annotation=_storable(kept), orphan=True))

    def set_orphan(self, annotation_id: str, orphan: bool) -> Annotation:
        """Flag or unflag an annotation as an orphan (its `modified` time stays the user's)."""
        return self._set_flags(annotation_id, orphan=orphan)

    def delete(self, annotation_id: str) -> Annotation:
        """Move an annotation to the trash (a soft delete; `restore` brings it back)."""
        return self._set_flags(annotation_id, deleted=True)

    def restore(self, annotation_id: str) -> Annotation:
        """Take an annotation out of the trash."""
        return self._set_flags(annotation_id, deleted=False)

    def import_annotations(self, annotations: Sequence[Annotation]) -> ImportReport:
        """Add or update many annotations in one transaction: all of them, or none.

        A known id with the same content is unchanged (never a duplicate); with different
        content it is updated only if the imported `modified` is newer.
        """
        incoming = [_prepared(a) for a in annotations]
        added = updated = unchanged = 0
        changed: list[str] = []
        revision: int | None = None
        with self._writing() as conn:
            for annotation in incoming:
                row = _fetch(conn, annotation.id)
                if row is not None and (
                    _content(row.annotation) == _content(annotation)
                    or not _newer(annotation.modified, row.annotation.modified)
                ):
                    unchanged += 1
                    continue
                revision = revision or _next_revision(conn)
                if row is None:
                    conn.execute(_INSERT, encode(StoredRow(replace(annotation, revision=revision))))
                    added += 1
                else:
                    # New selectors arrive: the old orphan flag no longer says anything (the
                    # caller places what does not fit). The trash flag stays the user's.
                    fresh = replace(row, annotation=replace(annotation, revision=revision))
                    _save(conn, replace(fresh, orphan=False))
                    updated += 1
                changed.append(annotation.id)
        return ImportReport(added, unchanged, updated, tuple(changed))

    def backup_now(self) -> Path | None:
        """Make a verified backup now; its path, or None for a read-only or in-memory store."""
        if self.read_only or self._in_memory:
            return None
        with self._lock:
            try:
                return backups.make_backup(self._connection(), self.path.parent / "backups")[0]
            except sqlite3.Error as error:
                raise write_error(error, self.path) from error
            except (OSError, DamagedError) as error:
                raise StoreError(f"Could not make a verified backup: {error}.") from error

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
        """One write transaction: BEGIN IMMEDIATE, the body, COMMIT; ROLLBACK on any exception."""
        if self._read_only_reason is not None:
            raise StoreReadOnlyError(
                f"Cannot save annotations: {self._read_only_reason}."
                " Nothing already saved was changed."
            )
        with self._reading() as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):  # some I/O errors roll back
                        conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise write_error(error, self.path) from error
                raise

    def _select(self, query: str, parameters: tuple[object, ...]) -> list[Annotation]:
        with self._reading() as conn:
            rows = conn.execute(query, parameters)
            return [decode(values, verify=False).annotation for values in rows]

    def _set_flags(
        self, annotation_id: str, *, deleted: bool | None = None, orphan: bool | None = None
    ) -> Annotation:
        with self._writing() as conn:
            row = _require(_fetch(conn, annotation_id), annotation_id)
            wanted = replace(
                row,
                deleted=row.deleted if deleted is None else deleted,
                orphan=row.orphan if orphan is None else orphan,
            )
            if wanted == row:
                return row.annotation
            revision = _next_revision(conn)
            if wanted.deleted != row.deleted:
                wanted = replace(wanted, deleted_revision=revision if wanted.deleted else None)
            row = replace(wanted, annotation=replace(row.annotation, revision=revision))
            _save(conn, row)
        return row.annotation


def _fetch(conn: sqlite3.Connection, annotation_id: str) -> StoredRow | None:
    values = conn.execute(f"{_SELECT} WHERE id = ?", (annotation_id,)).fetchone()
    return None if values is None else decode(values)


def _require(row: StoredRow | None, annotation_id: str) -> StoredRow:
    if row is None:
        raise StoreError(f"There is no annotation with the id {annotation_id}.")
    return row


def _save(conn: sqlite3.Connection, row: StoredRow) -> None:
    values = encode(row)
    conn.execute(_UPDATE, (*values[1:], values[0]))


def _next_revision(conn: sqlite3.Connection) -> int:
    """The next value of the revision counter, taken inside the current write transaction."""
    conn.execute("UPDATE counter SET revision = revision + 1 WHERE id = 1")
    return int(conn.execute("SELECT revision FROM counter WHERE id = 1").fetchone()[0])


def _prepared(annotation: Annotation) -> Annotation:
    """A new annotation as the store keeps it: checked, tags normalised."""
    return replace(_storable(annotation), tags=normalise_tags(annotation.tags))


def _storable(annotation: Annotation) -> Annotation:
    """The annotation if SQLite can hold it faithfully; else StoreError saying why not."""
    a = annotation
    if not isinstance(a.tags, tuple | list):
        raise StoreError(f"Annotation {a.id}: its tags are not a list.")
    texts: tuple[str, ...] = (a.id, a.document, a.quote.exact, a.quote.prefix, a.quote.suffix)
    texts += (a.note, a.created, a.modified, *a.tags)
    if not all(isinstance(t, str) for t in texts) or not a.id:
        raise StoreError("An annotation needs an id, and text in its text fields.")
    numbers = (a.position.start, a.position.end)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise StoreError(f"Annotation {a.id}: its position is not a pair of numbers.")
    if not 0 <= a.position.start <= a.position.end or not isinstance(a.colour, Colour):
        raise StoreError(f"Annotation {a.id}: its position or colour is impossible.")
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise StoreError(
            f"Annotation {a.id}: its text holds characters that cannot be stored"
            " (half of a surrogate pair)."
        ) from error
    return annotation


def _content(a: Annotation) -> tuple[object, ...]:
    """What makes two annotations with the same id the same, apart from when they were saved."""
    return (a.document, a.quote, a.position, a.colour, a.note, a.tags, a.created)


def _newer(first: str, second: str) -> bool:
    """Whether the ISO 8601 time `first` is later than `second` (as text if either is odd)."""
    try:
        times = [datetime.fromisoformat(t) for t in (first, second)]
    except ValueError:
        return first > second
    aware = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in times]
    return aware[0] > aware[1]
