"""The library as texts, for sync: which texts the user keeps, whatever their files are called.

Across machines the same text is the same book (DESIGN: document identity), so the library
travels as one entry per fingerprint: its title, author and format, and whether it is in the
library. A text this machine has no file of is listed all the same, without a file (shown as
missing, and located again by its content when the user has it here too).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass

from reader.annotations.model import now


@dataclass(frozen=True, slots=True)
class ShelfEntry:
    """One text of the library as every machine shares it."""

    fingerprint: str
    title: str
    author: str
    format: str
    in_library: bool


def shelf(conn: sqlite3.Connection) -> dict[str, ShelfEntry]:
    """Each text this store knows: in the library if any of its documents is, named as the one
    read last."""
    found = conn.execute(
        "SELECT fingerprint, title, author, format, in_library FROM documents"
        " ORDER BY in_library DESC, seen DESC, id"
    )
    entries: dict[str, ShelfEntry] = {}
    for fingerprint, title, author, kind, in_library in found.fetchall():
        if fingerprint not in entries:
            entry = ShelfEntry(
                str(fingerprint), str(title), str(author), str(kind), bool(in_library)
            )
            entries[entry.fingerprint] = entry
    return entries


def put_on_shelf(conn: sqlite3.Connection, entry: ShelfEntry) -> bool:
    """Make the library hold (or not hold) a text as `entry` says, inside the caller's
    transaction; whether anything changed. Taking a text out takes out every document of it;
    putting one in puts in the one read last, or a new record without a file."""
    known = conn.execute(
        "SELECT id, in_library FROM documents WHERE fingerprint = ? ORDER BY seen DESC, id",
        (entry.fingerprint,),
    ).fetchall()
    if not entry.in_library:
        changed = conn.execute(
            "UPDATE documents SET in_library = 0 WHERE fingerprint = ? AND in_library = 1",
            (entry.fingerprint,),
        )
        return changed.rowcount > 0
    if any(in_library for _, in_library in known):
        return False
    if known:
        conn.execute(
            "UPDATE documents SET in_library = 1, added = ? WHERE id = ?", (now(), known[0][0])
        )
        return True
    conn.execute(
        "INSERT INTO documents (id, fingerprint, title, path, seen, in_library, author, format,"
        " added) VALUES (?, ?, ?, NULL, 0, 1, ?, ?, ?)",
        (uuid.uuid4().hex, entry.fingerprint, entry.title, entry.author, entry.format, now()),
    )
    return True
