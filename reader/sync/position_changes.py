"""Reading positions between the caller's memory of them and the sync journal.

A position is one change of kind "position", keyed by the document's content fingerprint (the
same book at different paths on two machines is one book), whose body is ``{"offset": N}``: the
canonical text offset at the top of the page. The latest position wins, like any other thing.

Positions live in the caller's settings, not in a store this package knows, so everything here
takes and returns plain values: the window or the command line applies what comes back, and
decides itself not to move a page the user is reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reader.sync.journal import Journal
from reader.sync.merge import merge

KIND = "position"
MAX_OFFSET = 1 << 40
"""Far beyond any text: a larger offset is not one this reader wrote."""
NEVER_APPLIED = ""
"""The digest of a position read from the folder but not yet given to any caller."""
SKIPPED = "skipped"
"""The digest of a position whose change was not one of ours: told once, then left alone."""


@dataclass
class IncomingPositions:
    """Positions that other machines' changes moved, oldest first, and what was skipped."""

    offsets: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def record_local_positions(journal: Journal, positions: Mapping[str, int], now_ms: int) -> int:
    """Turn every position that differs from what the last merge left into a change of this
    machine; how many. A position read but never applied is not an edit: it is applied first."""
    shown = journal.shown(KIND)
    moved = {
        key: offset
        for key, offset in positions.items()
        if shown.get(key) not in (_digest(offset), NEVER_APPLIED) and 0 < len(key) <= 200
    }
    if moved:
        with journal.recording() as maker:
            for key, offset in moved.items():
                maker.make(
                    KIND, key, now_ms, {"offset": offset}, deleted=False, digest=_digest(offset)
                )
    return len(moved)


def merged_positions(journal: Journal, keys: Iterable[str]) -> IncomingPositions:
    """What every known change makes of the positions `keys` names, and of any read earlier
    but never applied; the caller must apply them (the journal now counts them as shown)."""
    never_applied = {k for k, digest in journal.shown(KIND).items() if digest == NEVER_APPLIED}
    subjects = [(KIND, key) for key in {*keys, *never_applied}]
    incoming = IncomingPositions()
    if not subjects:
        return incoming
    standing = [t.current for t in merge(journal.changes_of(subjects)).values() if t.current]
    digests: dict[str, str] = {}
    for change in sorted(standing, key=lambda c: c.stamp):
        offset = change.body.get("offset")
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < MAX_OFFSET:
            incoming.problems.append(
                f"Skipped a reading position from another machine: {offset!r} is not an offset"
            )
            digests[change.key] = SKIPPED
            continue
        incoming.offsets[change.key] = offset
        digests[change.key] = _digest(offset)
    journal.set_shown(KIND, digests)
    return incoming


def _digest(offset: int) -> str:
    return str(offset)
