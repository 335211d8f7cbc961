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
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
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
from reader.annotations.model import (
    Annotation,
    Colour,
    TextPosition,
    TextQuote,
    new_id,
    normalise_tags,
)
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


@dataclass
class ImportCount:
    """What the store did with an import's annotations."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    """Already here as they are in the file (or kept by another document here)."""
    kept: int = 0
    """Changed here since the file's version (or the file gives no time): the local one stays."""
    changed_ids: list[str] = field(default_factory=list)
    """The ids added or updated, in file order."""


@dataclass(frozen=True)
class DocumentRecord:
    """A document as this machine's store knows it: a file the user opened, and its text now."""

    id: str
    fingerprint: str
    title: str
    path: Path | None


@dataclass(frozen=True)
class _FoundDocument:
    record: DocumentRecord
    path: bytes | None
    seen: int


def new_document_id() -> str:
    """An id for a document never seen before (local to this machine's store)."""
    return uuid.uuid4().hex


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

    def open_document(
        self,
        fingerprint: str,
        title: str,
        path: Path | None,
        *,
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
        Writes (one transaction) only when something is news; a read-only store answers without
        writing. `exists` is how "still there" is checked (tests pass their own).
        """
        where, title = _encode_path(path), _storable_text(title)
        with self._reading() as conn:
            found = _resolve_document(conn, fingerprint, where, exists)
            newest = conn.execute("SELECT max(seen) FROM documents").fetchone()[0]
        if found is not None and _is_current(found, fingerprint, title, where, newest):
            return found.record
        if self.read_only:
            identifier = found.record.id if found is not None else new_document_id()
            return DocumentRecord(identifier, fingerprint, title, path)
        with self._writing() as conn:
            found = _resolve_document(conn, fingerprint, where, exists)
            identifier = found.record.id if found is not None else new_document_id()
            conn.execute(
                "INSERT INTO documents (id, fingerprint, title, path, seen)"
                " VALUES (?, ?, ?, ?, (SELECT coalesce(max(seen), 0) + 1 FROM documents))"
                " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,"
                " title = excluded.title, path = excluded.path, seen = excluded.seen",
                (identifier, fingerprint, title, where),
            )
            if found is None:
                _copy_annotations_of_original(conn, fingerprint, identifier)
        return DocumentRecord(identifier, fingerprint, title, path)

    # --- reading ---------------------------------------------------------------------------

    def get(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, trashed or not; None if there is none."""
        with self._reading() as conn:
            row = _fetch(conn, annotation_id)
        return None if row is None else row.annotation

    def annotations(self, document_id: str) -> list[Annotation]:
        """The live annotations of a document (orphans included), in reading order."""
        where = "WHERE document_id = ? AND deleted = 0"
        return self._select(f"{_SELECT} {where} {_READING_ORDER}", (document_id,))

    def trash(self, document_id: str) -> list[Annotation]:
        """The document's deleted annotations, most recently deleted first."""
        where = "WHERE document_id = ? AND deleted = 1 ORDER BY deleted_revision DESC"
        return self._select(f"{_SELECT} {where}", (document_id,))

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
        fingerprint: str | None = None,
        orphan: bool | None = None,
    ) -> Annotation:
        """Change the given fields (only those) of an annotation, in one transaction; the
        stored value. Moving an annotation means a new position, quote and fingerprint (and
        orphan=False) together: a half-moved annotation would be painted on the wrong text."""
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
                fingerprint=a.fingerprint if fingerprint is None else fingerprint,
                orphan=a.orphan if orphan is None else orphan,
                modified=current_time(),
                revision=_next_revision(conn),
            )
            row = replace(row, annotation=_storable(changed))
            _save(conn, row)
        return row.annotation

    def relocate(self, placed: Sequence[Annotation]) -> None:
        """Save re-anchored annotations (their fingerprint, selectors and orphan flag; nothing
        else) in one transaction: ten thousand commits would cost seconds, and a half-done
        re-anchoring would leave annotations on the wrong text. `modified` stays the user's
        last edit: re-anchoring is not one."""
        with self._writing() as conn:
            revision = _next_revision(conn)
            for annotation in placed:
                row = _require(_fetch(conn, annotation.id), annotation.id)
                moved = replace(
                    row.annotation,
                    fingerprint=annotation.fingerprint,
                    position=annotation.position,
                    quote=annotation.quote,
                    orphan=annotation.orphan,
                    revision=revision,
                )
                _save(conn, replace(row, annotation=_storable(moved)))

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
        incoming = [_prepared(a) for a in annotations]
        count = ImportCount()
        revision: int | None = None
        with self._writing() as conn:
            for annotation in incoming:
                row = _fetch(conn, annotation.id)
                if row is not None and (
                    row.annotation.document_id != annotation.document_id
                    or _same_content(row.annotation, annotation)
                ):
                    count.unchanged += 1
                    continue
                if row is not None and not _newer(annotation.modified, row.annotation.modified):
                    count.kept += 1
                    continue
                revision = revision or _next_revision(conn)
                if row is None:
                    created = annotation.created or current_time()
                    fresh = replace(
                        annotation,
                        created=created,
                        modified=annotation.modified or created,
                        revision=revision,
                    )
                    conn.execute(_INSERT, encode(StoredRow(fresh)))
                    count.added += 1
                else:  # the trash flag stays the user's
                    newer = replace(
                        annotation,
                        created=annotation.created or row.annotation.created,
                        revision=revision,
                    )
                    _save(conn, replace(row, annotation=newer))
                    count.updated += 1
                count.changed_ids.append(annotation.id)
        return count

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

    def _set_deleted(self, annotation_id: str, deleted: bool) -> Annotation:
        with self._writing() as conn:
            row = _require(_fetch(conn, annotation_id), annotation_id)
            if row.deleted == deleted:
                return row.annotation
            revision = _next_revision(conn)
            row = StoredRow(
                replace(row.annotation, revision=revision),
                deleted=deleted,
                deleted_revision=revision if deleted else None,
            )
            _save(conn, row)
        return row.annotation


def _encode_path(path: Path | None) -> bytes | None:
    """A path as the store keeps it: the file's real path (a symlink is the file it names) as
    bytes, since a Linux file name need not be UTF-8."""
    return None if path is None else os.fsencode(os.path.realpath(path))


def _storable_text(text: str) -> str:
    """`text` as SQLite can keep it: an undecodable byte of a file name (a lone surrogate)
    becomes U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode_path(value: bytes | None) -> Path | None:
    return None if value is None else Path(os.fsdecode(value))


def _resolve_document(
    conn: sqlite3.Connection,
    fingerprint: str,
    path: bytes | None,
    exists: Callable[[Path], bool],
) -> _FoundDocument | None:
    """The known document the file at `path` with text `fingerprint` is (`open_document`)."""
    columns = "SELECT id, fingerprint, title, path, seen FROM documents"
    if path is not None:
        row = conn.execute(f"{columns} WHERE path = ?", (path,)).fetchone()
        if row is not None:
            return _found(row)
    candidates = conn.execute(f"{columns} WHERE fingerprint = ? ORDER BY seen DESC", (fingerprint,))
    for row in candidates.fetchall():
        known = _decode_path(row[3])
        if path is None and known is None:
            return _found(row)
        if path is not None and (known is None or not exists(known)):
            return _found(row)
    return None


def _copy_annotations_of_original(
    conn: sqlite3.Connection, fingerprint: str, document_id: str
) -> None:
    """Give a new copy of a file copies of the live annotations of the most recently read other
    file with the same text (inside the caller's transaction)."""
    original = conn.execute(
        "SELECT id FROM documents WHERE fingerprint = ? AND id <> ? ORDER BY seen DESC LIMIT 1",
        (fingerprint, document_id),
    ).fetchone()
    if original is None:
        return
    rows = conn.execute(f"{_SELECT} WHERE document_id = ? AND deleted = 0", (original[0],))
    originals = [decode(values).annotation for values in rows.fetchall()]
    if not originals:
        return
    revision = _next_revision(conn)
    for annotation in originals:
        copy = replace(annotation, id=new_id(), document_id=document_id, revision=revision)
        conn.execute(_INSERT, encode(StoredRow(copy)))


def _is_current(
    found: _FoundDocument, fingerprint: str, title: str, path: bytes | None, newest: int
) -> bool:
    """Whether the stored document says all there is to say (and was the last one read)."""
    record = found.record
    same = (found.path, record.fingerprint, record.title) == (path, fingerprint, title)
    return same and (path is None or found.seen == newest)


def _found(row: Sequence[object]) -> _FoundDocument:
    identifier, fingerprint, title, path, seen = row
    assert isinstance(path, bytes | None) and isinstance(seen, int)
    record = DocumentRecord(str(identifier), str(fingerprint), str(title), _decode_path(path))
    return _FoundDocument(record, path, seen)


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
    texts: tuple[str, ...] = (a.id, a.document_id, a.fingerprint, a.quote.exact)
    texts += (a.quote.prefix, a.quote.suffix)
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


def _same_content(local: Annotation, incoming: Annotation) -> bool:
    """Whether an imported annotation says nothing new about the local one with its id (a
    missing creation time in the file is no difference)."""
    created = incoming.created or local.created
    fields = ("fingerprint", "quote", "position", "colour", "note", "tags", "orphan")
    return created == local.created and all(
        getattr(local, name) == getattr(incoming, name) for name in fields
    )


def _newer(first: str, second: str) -> bool:
    """Whether the ISO 8601 time `first` is later than `second` (as text if either is odd);
    an unknown (empty) time is never later."""
    if not first:
        return False
    try:
        times = [datetime.fromisoformat(t) for t in (first, second)]
    except ValueError:
        return first > second
    aware = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in times]
    return aware[0] > aware[1]
