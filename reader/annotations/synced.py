"""Annotations as the sync folder sees them: every row, and rows set to a merged state.

Sync (reader/sync) decides what each annotation should be after merging every machine's
changes; this module reads and writes the rows for it, inside the store's transactions. Only
what a user sees of an annotation travels (colour, note, tags, whether it is in the trash): where
it sits in the text is this machine's business (re-anchoring), so it is set only for an
annotation new here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

from reader.annotations import documents, rows
from reader.annotations.model import Annotation
from reader.annotations.rows import StoredRow

if TYPE_CHECKING:
    from reader.annotations.store import AnnotationStore


@dataclass(frozen=True)
class SyncedState:
    """What one annotation should become, and the row it was decided on."""

    annotation: Annotation
    """Its merged content (its `document_id` is ignored: documents are local)."""
    deleted: bool
    read_at: int | None
    """The row's revision when sync read it; None if the row did not exist. A row changed
    since (the user edited it meanwhile) is left alone: the next sync sends the edit."""
    title: str = ""
    """The document's title, for a document this machine has never opened."""


class Content(NamedTuple):
    """What a user sees of an annotation, and the revision of its row."""

    id: str
    revision: int
    colour: str
    note: str
    tags: tuple[str, ...]
    deleted: bool


def contents(store: AnnotationStore) -> list[Content]:
    """What a user sees of every annotation, the trash included (a quick read: no selectors)."""
    with store.reading() as conn:
        found = conn.execute("SELECT id, revision, colour, note, tags, deleted FROM annotations")
        return [
            Content(key, revision, colour, note, tuple(json.loads(tags)), bool(deleted))
            for key, revision, colour, note, tags, deleted in found
        ]


def rows_with_ids(store: AnnotationStore, ids: Iterable[str]) -> list[StoredRow]:
    """The rows of these annotations (those that exist), with their place in the trash."""
    with store.reading() as conn:
        found = (rows.fetch(conn, key) for key in ids)
        return [row for row in found if row is not None]


def same_content(row: StoredRow, annotation: Annotation, deleted: bool) -> bool:
    """Whether a row already shows what a merged state says (selectors do not count)."""
    local = row.annotation
    shown = (local.colour, local.note, local.tags, row.deleted)
    return shown == (annotation.colour, annotation.note, annotation.tags, deleted)


def apply(store: AnnotationStore, states: Sequence[SyncedState]) -> list[str]:
    """Set annotations to what merging every machine's changes gave, in one transaction; the
    ids written (a row the user changed meanwhile is left for the next sync)."""
    with store.writing() as conn:
        return _apply(conn, states)


def _apply(conn: sqlite3.Connection, states: Sequence[SyncedState]) -> list[str]:
    revision: int | None = None
    written: list[str] = []
    for state in states:
        row = rows.fetch(conn, state.annotation.id)
        if (None if row is None else row.annotation.revision) != state.read_at:
            continue  # changed meanwhile, or appeared meanwhile: the next sync decides
        if row is not None and same_content(row, state.annotation, state.deleted):
            continue
        revision = revision or rows.next_revision(conn)
        if row is None:
            rows.insert(conn, _new_row(conn, state, revision))
        else:
            rows.save(conn, _changed_row(row, state, revision))
        written.append(state.annotation.id)
    return written


def _changed_row(row: StoredRow, state: SyncedState, revision: int) -> StoredRow:
    merged = state.annotation
    changed = replace(
        row.annotation,
        colour=merged.colour,
        note=merged.note,
        tags=merged.tags,
        modified=merged.modified,
        revision=revision,
    )
    deleted_revision = row.deleted_revision if row.deleted == state.deleted else revision
    return StoredRow(
        rows.storable(changed),
        deleted=state.deleted,
        deleted_revision=deleted_revision if state.deleted else None,
    )


def _new_row(conn: sqlite3.Connection, state: SyncedState, revision: int) -> StoredRow:
    document_id = _document_with_text(conn, state.annotation.fingerprint, state.title)
    new = replace(state.annotation, document_id=document_id, revision=revision)
    return StoredRow(
        rows.prepared(new),
        deleted=state.deleted,
        deleted_revision=revision if state.deleted else None,
    )


def _document_with_text(conn: sqlite3.Connection, fingerprint: str, title: str) -> str:
    """The document here with this text (the one read last), or a new record of it without a
    file, which the file takes over when the user opens it (see `documents.look_up`)."""
    found = conn.execute(
        "SELECT id FROM documents WHERE fingerprint = ? ORDER BY seen DESC LIMIT 1",
        (fingerprint,),
    ).fetchone()
    if found is not None:
        return str(found[0])
    return documents.record(conn, fingerprint, title, None, lambda path: False).id
