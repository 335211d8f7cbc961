"""Annotations between the store and the sync journal: local edits out, merged states in.

A local edit is noticed by what the user sees of an annotation (colour, note, tags, trash),
compared with what the last merge made of it here (`Journal.shown`), not by revisions: so a
crash between writing the store and the journal, a re-anchoring (which only moves it) or a
merge applied here never passes for an edit. Where an annotation sits in the text stays this
machine's business.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.annotations import synced
from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.w3c_export import w3c_annotation
from reader.annotations.exchange.w3c_import import annotation_from_w3c
from reader.annotations.model import Annotation
from reader.annotations.store import AnnotationStore
from reader.annotations.synced import Content, SyncedState
from reader.sync.changes import Change
from reader.sync.journal import Journal
from reader.sync.merge import MergedThing, merge

KIND = "annotation"


@dataclass
class Incoming:
    """What merging other machines' changes did here."""

    written: int = 0
    notices: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def record_local_edits(store: AnnotationStore, journal: Journal, now_ms: int) -> int:
    """Turn every annotation that differs from what the last merge left into a change of this
    machine; how many."""
    shown = journal.shown(KIND)
    edited = [c.id for c in synced.contents(store) if shown.get(c.id) != _digest(c)]
    if edited:
        with journal.recording() as maker:
            for row in synced.rows_with_ids(store, edited):
                body = w3c_annotation(row.annotation)
                digest = _content_digest(row.annotation, row.deleted)
                maker.make(
                    KIND, row.annotation.id, now_ms, body, deleted=row.deleted, digest=digest
                )
    return len(edited)


def apply_merged(
    store: AnnotationStore, journal: Journal, keys: Iterable[str], read: Iterable[Change] = ()
) -> Incoming:
    """Set the annotations `keys` names to what all their known changes merge to (`read`: the
    changes just read from the folder, already decoded)."""
    subjects = [(KIND, key) for key in keys]
    incoming = Incoming()
    if not subjects:
        return incoming
    merged = merge(journal.changes_of(subjects, read))
    local = {content.id: content for content in synced.contents(store)}
    states: list[SyncedState] = []
    digests: dict[str, str] = {}
    for (_, key), thing in sorted(merged.items()):
        version = thing.current or thing.last_version
        if version is None:
            continue
        try:
            annotation = annotation_from_w3c(version.body, f"change {version.sequence}", None)
        except ImportFormatError as error:
            incoming.problems.append(f"Skipped a change from another machine: {error}")
            continue
        row = local.get(key)
        deleted = thing.current is None
        read_at = None if row is None else row.revision
        states.append(SyncedState(annotation, deleted, read_at))
        digests[key] = _content_digest(annotation, deleted)
        incoming.notices += _overruled(thing, annotation)
    incoming.written = len(synced.apply(store, states))
    journal.set_shown(KIND, digests)
    return incoming


def annotation_keys(changes: Iterable[Change]) -> set[str]:
    """The annotations some changes are about."""
    return {change.key for change in changes if change.kind == KIND}


def history(journal: Journal, annotation_id: str) -> MergedThing | None:
    """Every version of an annotation known here (for "earlier versions" of a note)."""
    return merge(journal.changes_of([(KIND, annotation_id)])).get((KIND, annotation_id))


@dataclass(frozen=True)
class NoteVersion:
    """An earlier note of an annotation, for the note editor's "Earlier versions"."""

    note: str
    made_ms: int
    """When it was written (the change's clock, milliseconds since the epoch)."""
    machine: str


def note_versions(journal: Journal, annotation_id: str) -> list[NoteVersion]:
    """The notes an annotation had in its other versions, newest first, one per text, the
    standing note left out (a version that differs only in colour or tags is no other note)."""
    thing = history(journal, annotation_id)
    if thing is None:
        return []
    shown = thing.current or thing.last_version
    seen = {None if shown is None else _note_of(shown)}
    versions = []
    for change in thing.history:
        note = _note_of(change)
        if note not in seen and note is not None:
            seen.add(note)
            versions.append(NoteVersion(note, change.stamp.wall, change.machine))
    return versions


def _note_of(change: Change) -> str | None:
    try:
        return annotation_from_w3c(change.body, f"change {change.sequence}", None).note
    except ImportFormatError:
        return None


def _overruled(thing: MergedThing, annotation: Annotation) -> list[str]:
    if not thing.overruled_deletes:
        return []
    quote = annotation.quote.exact
    shown = quote if len(quote) <= 24 else quote[:23] + "…"
    return [
        f"The highlight “{shown}” was deleted on one machine while it was edited on another;"
        " the edit was kept."
    ]


def _digest(content: Content) -> str:
    return _digest_of(content.colour, content.note, content.tags, content.deleted)


def _content_digest(annotation: Annotation, deleted: bool) -> str:
    return _digest_of(annotation.colour.value, annotation.note, annotation.tags, deleted)


def _digest_of(colour: str, note: str, tags: tuple[str, ...], deleted: bool) -> str:
    """What a user sees of an annotation, as a short fingerprint."""
    content = [colour, note, list(tags), deleted]
    encoded = json.dumps(content, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()[:32]
