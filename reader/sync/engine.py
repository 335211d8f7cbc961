"""One round of sync: send this machine's edits, read everybody's, merge, tell the user.

Safe to run at any moment and as often as wanted: everything it does is idempotent. A folder
that is missing, read-only, full or gone leaves everything working locally: the edits stay in
the journal and go out at a later round.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from reader.annotations.store import AnnotationStore
from reader.sync import annotation_changes, library_changes, position_changes
from reader.sync.folder import MachineStatus, SyncFolder, SyncFolderError
from reader.sync.journal import Journal


@dataclass
class SyncReport:
    """What a round did, in numbers and in sentences for the user."""

    sent: int = 0
    """Changes of this machine written to the folder."""
    received: int = 0
    """Annotations here changed by other machines' changes."""
    shelved: int = 0
    """Texts put in the library here, or taken out, by other machines' changes."""
    positions: dict[str, int] = field(default_factory=dict)
    """Reading positions (offset by document fingerprint) other machines moved, oldest first:
    the caller applies them (without moving a page being read)."""
    notices: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def synchronise(
    store: AnnotationStore,
    journal: Journal,
    folder: SyncFolder,
    positions: Mapping[str, int] | None = None,
) -> SyncReport:
    """Run one round of sync between the store and the folder; with `positions` (this
    machine's reading positions by fingerprint) those too, the moved ones in the report."""
    report = SyncReport()
    now = datetime.now(UTC)
    now_ms = int(now.timestamp() * 1000)
    annotation_changes.record_local_edits(store, journal, now_ms)
    library_changes.record_local_edits(store, journal, now_ms)
    if positions is not None:
        position_changes.record_local_positions(journal, positions, now_ms)
    if not folder.root.is_dir():  # an unmounted share or a removed stick: nothing to read
        report.problems.append(
            f"The sync folder {folder.root} is missing (not mounted?); your changes are kept "
            "here and go out when it is back."
        )
        return report
    report.sent = _send(journal, folder, report)
    reading = folder.read()
    report.problems += reading.problems
    fresh = journal.add(reading.changes)
    keys = {key for kind, key in fresh if kind == "annotation"}
    incoming = annotation_changes.apply_merged(store, journal, keys, reading.changes)
    report.received = incoming.written
    report.notices += incoming.notices
    report.problems += incoming.problems
    texts = {key for kind, key in fresh if kind == library_changes.KIND}
    report.shelved, problems = library_changes.apply_merged(store, journal, texts, reading.changes)
    report.problems += problems
    if positions is not None:
        moved = position_changes.merged_positions(
            journal, {key for kind, key in fresh if kind == position_changes.KIND}
        )
        report.positions = moved.offsets
        report.problems += moved.problems
    _tell_the_others(journal, folder, now, report)
    return report


def _send(journal: Journal, folder: SyncFolder, report: SyncReport) -> int:
    unwritten = journal.unwritten()
    if not unwritten:
        return 0
    try:
        folder.write_batch(unwritten)
    except SyncFolderError as error:
        report.problems.append(
            f"The sync folder {folder.root} cannot be written ({error.strerror}); your changes "
            "are kept here and go out when it can."
        )
        return 0
    journal.mark_written(unwritten[-1].sequence)
    return len(unwritten)


def _tell_the_others(
    journal: Journal, folder: SyncFolder, now: datetime, report: SyncReport
) -> None:
    """Write how far this machine has read, and join files everybody has read.

    The status is written only when it says something new (changes sent or read): a window
    syncs whenever another machine's files change, so a status written every round would wake
    the other machine's window, whose status would wake this one, for ever."""
    seen = journal.read_up_to()
    status = MachineStatus(
        journal.machine, socket.gethostname(), now.isoformat(timespec="seconds"), seen
    )
    try:
        statuses = {s.machine: s for s in folder.statuses()}
        told = statuses.get(journal.machine)
        if report.sent or told is None or told.seen != seen:
            folder.write_status(status)
            statuses[journal.machine] = status
        everyone = [s.seen.get(journal.machine, 0) for s in statuses.values()]
        folder.compact(min(everyone, default=0))
    except SyncFolderError:
        pass  # said once already by _send when it matters; the status is only a courtesy
