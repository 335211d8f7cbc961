"""Annotations imported from a file, merged into the store's without undoing a local edit.

Imports come from another reader, or from this one's own exports; the same file may be imported
again after the user went on editing here. An annotation's id says which it is: a known id is
updated only when the file's version is newer than the local one, and never becomes a duplicate.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from reader.annotations.model import Annotation
from reader.annotations.model import now as current_time
from reader.annotations.rows import StoredRow, fetch, insert, next_revision, save


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


def merge_imported(conn: sqlite3.Connection, incoming: Sequence[Annotation]) -> ImportCount:
    """Add or update `incoming` (checked by the store), inside the caller's write transaction;
    what was done (see `AnnotationStore.import_annotations` for the rules)."""
    count = ImportCount()
    revision: int | None = None
    for annotation in incoming:
        row = fetch(conn, annotation.id)
        if row is not None and (
            row.annotation.document_id != annotation.document_id
            or _same_content(row.annotation, annotation)
        ):
            count.unchanged += 1
            continue
        if row is not None and not _newer(annotation.modified, row.annotation.modified):
            count.kept += 1
            continue
        revision = revision or next_revision(conn)
        if row is None:
            created = annotation.created or current_time()
            fresh = replace(
                annotation,
                created=created,
                modified=annotation.modified or created,
                revision=revision,
            )
            insert(conn, StoredRow(fresh))
            count.added += 1
        else:  # the trash flag stays the user's
            newer = replace(
                annotation,
                created=annotation.created or row.annotation.created,
                revision=revision,
            )
            save(conn, replace(row, annotation=newer))
            count.updated += 1
        count.changed_ids.append(annotation.id)
    return count


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
