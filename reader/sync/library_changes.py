"""The library's list between the store and the sync journal: which texts the user keeps.

One thing per text (its fingerprint): a version says it is in the library with its title,
author and format; a delete says it was taken out. A machine that has no file of a text lists
it without one (missing, located again by its content). As with annotations, a local change
is noticed by content, against what the last merge left here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping

from reader.annotations.shelf import ShelfEntry, put_on_shelf, shelf
from reader.annotations.store import AnnotationStore
from reader.sync.changes import Change
from reader.sync.journal import Journal
from reader.sync.merge import merge

KIND = "document"
_FINGERPRINT = re.compile(r"[0-9a-f]{8,128}")
_MAX_NAME = 1000


def record_local_edits(store: AnnotationStore, journal: Journal, now_ms: int) -> int:
    """Turn every text whose place in the library changed here into a change; how many."""
    shown = journal.shown(KIND)
    with store.reading() as conn:
        entries = shelf(conn)
    edited = [
        entry
        for entry in entries.values()
        if (entry.in_library or entry.fingerprint in shown)
        and shown.get(entry.fingerprint) != _digest(entry)
    ]
    if edited:
        with journal.recording() as maker:
            for entry in edited:
                body = {"title": entry.title, "author": entry.author, "format": entry.format}
                deleted = not entry.in_library
                maker.make(
                    KIND, entry.fingerprint, now_ms, body, deleted=deleted, digest=_digest(entry)
                )
    return len(edited)


def apply_merged(
    store: AnnotationStore, journal: Journal, keys: Iterable[str], read: Iterable[Change] = ()
) -> tuple[int, list[str]]:
    """Put the texts `keys` names in the library (or take them out) as all their known changes
    merge to; how many changed here, and the changes that were skipped, said why."""
    subjects = [(KIND, key) for key in keys if _FINGERPRINT.fullmatch(key)]
    problems: list[str] = []
    entries: list[ShelfEntry] = []
    for thing in merge(journal.changes_of(subjects, read)).values():
        version = thing.current or thing.last_version
        entry = None if version is None else _entry(version.key, version.body, thing.current)
        if entry is None:
            problems.append("Skipped a library entry from another machine: it is malformed.")
        else:
            entries.append(entry)
    if not entries:
        return 0, problems
    with store.writing() as conn:
        changed = sum(put_on_shelf(conn, entry) for entry in entries)
    journal.set_shown(KIND, {entry.fingerprint: _digest(entry) for entry in entries})
    return changed, problems


def _entry(
    fingerprint: str, body: Mapping[str, object], current: Change | None
) -> ShelfEntry | None:
    names = [body.get(name, "") for name in ("title", "author", "format")]
    if not all(isinstance(name, str) and len(name) <= _MAX_NAME for name in names):
        return None
    title, author, kind = (str(name) for name in names)
    return ShelfEntry(fingerprint, title, author, kind, in_library=current is not None)


def _digest(entry: ShelfEntry) -> str:
    """What the library shows of a text, as a short fingerprint."""
    content = [entry.title, entry.author, entry.format, entry.in_library]
    encoded = json.dumps(content, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()[:32]
