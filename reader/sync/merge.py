"""What the changes from every machine add up to: one state per thing, the same everywhere.

`merge` is a pure function of the *set* of changes (copies of a change count once), so machines
that have read the same changes agree, in whatever order the files arrived: merging is
idempotent, commutative and associative. The rules, for each thing:

- The latest live version wins (latest by hybrid-clock stamp, ties broken by machine): two
  machines that edited the same note while apart both keep their version, the later one shown,
  the other in the thing's history.
- A delete removes the versions its machine had seen (`Change.seen`), never one it had not: a
  delete on one machine and an edit on another made while apart leave the edit standing, and
  the delete is reported as overruled, so the user can be told.
- A restore is a new version made after seeing the delete, so it stands until a later delete.
- A delete carries the whole state it put in the trash (a note edited in the trash is a new
  delete with the new note), so a deleted thing shows its newest state, live or deleted, and
  every other state, deleted ones included, is in its history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reader.sync.changes import Change, encode


@dataclass(frozen=True)
class MergedThing:
    """One annotation, position or library entry as all known changes leave it."""

    subject: tuple[str, str]
    current: Change | None
    """The version shown; None when the thing is deleted."""
    deleted_by: Change | None
    """The delete that removed it (None while it stands)."""
    last_version: Change | None
    """The newest change, a version or a delete (a deleted thing shows its body in the
    trash)."""
    history: tuple[Change, ...]
    """Every other change with a different body, deletes included, newest first: what a
    restore can bring back."""
    overruled_deletes: tuple[Change, ...]
    """Deletes made without seeing the version that stands: the user hears about them."""


def merge(changes: Iterable[Change]) -> dict[tuple[str, str], MergedThing]:
    """The state of every thing the changes mention."""
    unique: dict[tuple[str, int], Change] = {}
    for change in changes:
        known = unique.setdefault(change.identity, change)
        if known != change:  # one id, two contents (a hostile or restored file): pick by content
            unique[change.identity] = min(known, change, key=encode)
    by_subject: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for change in unique.values():
        by_subject[change.subject].append(change)
    return {subject: merge_one(subject, found) for subject, found in by_subject.items()}


def merge_one(subject: tuple[str, str], changes: list[Change]) -> MergedThing:
    """The state of one thing from all of its changes (any order, no duplicates)."""
    everything = _newest_first(changes)
    versions = [c for c in everything if not c.deleted]
    deletes = [c for c in everything if c.deleted]
    standing = [v for v in versions if not any(_saw(d, v) for d in deletes)]
    current = standing[0] if standing else None
    last_version = everything[0] if everything else None
    return MergedThing(
        subject=subject,
        current=current,
        deleted_by=None if current is not None or not deletes else deletes[0],
        last_version=last_version,
        history=_history(everything, last_version if current is None else current),
        overruled_deletes=() if current is None else _overruled(deletes, current),
    )


def _newest_first(changes: Iterable[Change]) -> list[Change]:
    """Newest stamp first (a stamp names its machine, so two changes never tie)."""
    return sorted(changes, key=lambda change: (change.stamp, change.sequence), reverse=True)


def _history(changes: list[Change], shown: Change | None) -> tuple[Change, ...]:
    """The changes other than `shown`, newest first, one per distinct body."""
    bodies = [] if shown is None else [shown.body]
    kept = []
    for version in changes:
        if version is not shown and version.body not in bodies:
            bodies.append(version.body)
            kept.append(version)
    return tuple(kept)


def causal_past(
    changes: Iterable[Change], known: Mapping[str, int] | None = None
) -> dict[str, int]:
    """The version vector of a change made after merging `changes` (all to one thing) and the
    changes `known` sums up: for each machine, its latest change among them or among what they
    had seen themselves."""
    vector: dict[str, int] = dict(known or {})
    for change in changes:
        for machine, sequence in (*change.seen.items(), (change.machine, change.sequence)):
            if sequence > vector.get(machine, 0):
                vector[machine] = sequence
    return vector


def _saw(later: Change, earlier: Change) -> bool:
    """Whether `later`'s machine had merged `earlier` when it made `later`."""
    return later.seen.get(earlier.machine, 0) >= earlier.sequence


def _overruled(deletes: list[Change], current: Change) -> tuple[Change, ...]:
    """Deletes that the standing version was not made after seeing (as a restore is)."""
    return tuple(d for d in deletes if not _saw(current, d))
