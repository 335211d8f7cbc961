"""This machine's sync journal: its identity, its clock, and every change it knows.

A small SQLite database beside the annotation store (never in the sync folder: a sync tool
copying a live database breaks it). It keeps every change read or made, so the merged state,
the history of a note and the changes not yet written out survive a folder that is offline, and
a merge after new files arrive only looks again at the things they mention.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from reader.annotations.transaction import read_snapshot, write_transaction
from reader.sync.changes import Change, decode, encode
from reader.sync.clock import HybridClock, Stamp
from reader.sync.merge import causal_past

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), machine TEXT NOT"
    " NULL, made INTEGER NOT NULL, written INTEGER NOT NULL, wall INTEGER NOT NULL,"
    " counter INTEGER NOT NULL, folder TEXT)",
    "CREATE TABLE IF NOT EXISTS changes (machine TEXT NOT NULL, sequence INTEGER NOT NULL,"
    " kind TEXT NOT NULL, key TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (machine, sequence))",
    "CREATE INDEX IF NOT EXISTS changes_by_subject ON changes (kind, key)",
    "CREATE TABLE IF NOT EXISTS shown (kind TEXT NOT NULL, key TEXT NOT NULL,"
    " digest TEXT NOT NULL, seen TEXT NOT NULL, PRIMARY KEY (kind, key))",
)


class Journal:
    """The sync journal of one data directory (one process may hold it; writes serialise)."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        with write_transaction(self._conn) as conn:
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.execute(
                "INSERT OR IGNORE INTO meta (id, machine, made, written, wall, counter)"
                " VALUES (1, ?, 0, 0, 0, 0)",
                (uuid.uuid4().hex,),
            )

    def close(self) -> None:
        """Close the database (everything is committed already)."""
        self._conn.close()

    @property
    def machine(self) -> str:
        """This machine's id in the sync folder (random, made once)."""
        return str(self._conn.execute("SELECT machine FROM meta").fetchone()[0])

    @property
    def folder(self) -> Path | None:
        """The sync folder the user chose, if any."""
        value = self._conn.execute("SELECT folder FROM meta").fetchone()[0]
        return None if value is None else Path(value)

    def set_folder(self, folder: Path | None) -> None:
        """Remember the sync folder (None: stop syncing)."""
        with write_transaction(self._conn) as conn:
            conn.execute("UPDATE meta SET folder = ?", (None if folder is None else str(folder),))

    @contextlib.contextmanager
    def recording(self) -> Iterator[ChangeMaker]:
        """Make new changes of this machine: all of them are kept, or none."""
        with write_transaction(self._conn) as conn:
            maker = ChangeMaker(conn)
            yield maker
            maker.save()

    def add(self, changes: Iterable[Change]) -> set[tuple[str, str]]:
        """Keep changes read from the folder; the subjects of those that were new here."""
        with write_transaction(self._conn) as conn:
            known = set(conn.execute("SELECT machine, sequence FROM changes").fetchall())
            new = {c.identity: c for c in changes if c.identity not in known}
            conn.executemany(
                "INSERT INTO changes VALUES (?, ?, ?, ?, ?)",
                [(c.machine, c.sequence, c.kind, c.key, encode(c)) for c in new.values()],
            )
            latest = _clock(conn)
            vectors: dict[tuple[str, str], dict[str, int]] = {}
            for change in new.values():
                latest.observe(change.stamp)
                if change.subject not in vectors:
                    vectors[change.subject] = _vector(conn, change.subject)
                vectors[change.subject] = causal_past([change], vectors[change.subject])
            _save_clock(conn, latest)
            conn.executemany(
                "INSERT INTO shown VALUES (?, ?, '', ?)"
                " ON CONFLICT DO UPDATE SET seen = excluded.seen",
                [(kind, key, json.dumps(seen)) for (kind, key), seen in vectors.items()],
            )
            return set(vectors)

    def changes_of(
        self, subjects: Collection[tuple[str, str]], decoded: Iterable[Change] = ()
    ) -> list[Change]:
        """Every known change to the given things (those among `decoded`, changes just read,
        are taken as they are rather than decoded again)."""
        ready = {change.identity: change for change in decoded}
        wanted = set(subjects)
        with read_snapshot(self._conn) as conn:
            if len(wanted) > 100:  # one pass beats a query per thing
                rows = conn.execute("SELECT machine, sequence, kind, key, line FROM changes")
                found = [row for row in rows.fetchall() if (row[2], row[3]) in wanted]
            else:
                found = []
                for kind, key in wanted:
                    found += conn.execute(
                        "SELECT machine, sequence, kind, key, line FROM changes"
                        " WHERE kind = ? AND key = ?",
                        (kind, key),
                    ).fetchall()
        return [ready.get((m, n)) or decode(line) for m, n, _kind, _key, line in found]

    def shown(self, kind: str) -> dict[str, str]:
        """For each thing of `kind`, the digest of what the last merge made of it here."""
        rows = self._conn.execute("SELECT key, digest FROM shown WHERE kind = ?", (kind,))
        return dict(rows.fetchall())

    def set_shown(self, kind: str, digests: dict[str, str]) -> None:
        """Remember what merging made of some things (so a later difference is a local edit)."""
        with write_transaction(self._conn) as conn:
            conn.executemany(
                "UPDATE shown SET digest = ? WHERE kind = ? AND key = ?",
                [(digest, kind, key) for key, digest in digests.items()],
            )

    def unwritten(self) -> list[Change]:
        """This machine's changes not yet in the folder, oldest first."""
        with read_snapshot(self._conn) as conn:
            machine, written = conn.execute("SELECT machine, written FROM meta").fetchone()
            rows = conn.execute(
                "SELECT line FROM changes WHERE machine = ? AND sequence > ? ORDER BY sequence",
                (machine, written),
            ).fetchall()
        return [decode(line) for (line,) in rows]

    def mark_written(self, up_to: int) -> None:
        """This machine's changes up to `up_to` are safely in the folder."""
        with write_transaction(self._conn) as conn:
            conn.execute("UPDATE meta SET written = max(written, ?)", (up_to,))

    def read_up_to(self) -> dict[str, int]:
        """For each machine, how many of its changes are here without a gap (what the
        folder's status file tells the others, so they know what may be compacted)."""
        counts: dict[str, int] = {}
        rows = self._conn.execute("SELECT machine, sequence FROM changes ORDER BY 1, 2")
        for machine, sequence in rows.fetchall():
            if sequence == counts.get(machine, 0) + 1:
                counts[machine] = sequence
        return counts


class ChangeMaker:
    """Numbers and stamps this machine's new changes inside one journal transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        machine, made = conn.execute("SELECT machine, made FROM meta").fetchone()
        self.machine: str = machine
        self._made: int = made
        self._clock = _clock(conn)
        self.made: list[Change] = []

    def make(
        self, kind: str, key: str, now_ms: int, body: dict[str, Any], *, deleted: bool, digest: str
    ) -> Change:
        """A new change of this machine, made after every change to the thing known here, and
        kept with the others (and `digest` as what is shown of it) when the recording ends."""
        seen = _vector(self._conn, (kind, key))
        self._made += 1
        stamp = self._clock.tick(now_ms)
        change = Change(self.machine, self._made, stamp, kind, key, seen, deleted, body)
        self.made.append(change)
        self._conn.execute(
            "INSERT OR REPLACE INTO shown VALUES (?, ?, ?, ?)",
            (kind, key, digest, json.dumps(causal_past([change], seen))),
        )
        return change

    def save(self) -> None:
        """Store the changes made and the clock (inside the recording's transaction)."""
        self._conn.executemany(
            "INSERT INTO changes VALUES (?, ?, ?, ?, ?)",
            [(c.machine, c.sequence, c.kind, c.key, encode(c)) for c in self.made],
        )
        self._conn.execute("UPDATE meta SET made = ?", (self._made,))
        _save_clock(self._conn, self._clock)


def _vector(conn: sqlite3.Connection, subject: tuple[str, str]) -> dict[str, int]:
    """The version vector of everything known of a thing: what a change made now has seen."""
    row = conn.execute("SELECT seen FROM shown WHERE kind = ? AND key = ?", subject).fetchone()
    return {} if row is None else dict(json.loads(row[0]))


def _clock(conn: sqlite3.Connection) -> HybridClock:
    machine, wall, counter = conn.execute("SELECT machine, wall, counter FROM meta").fetchone()
    last = Stamp(wall, counter, machine) if wall else None
    return HybridClock(machine, last)


def _save_clock(conn: sqlite3.Connection, clock: HybridClock) -> None:
    if clock.last is not None:
        conn.execute("UPDATE meta SET wall = ?, counter = ?", clock.last[:2])
