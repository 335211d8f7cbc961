"""The two kinds of transaction the annotation database is used in.

Connections are in autocommit mode (`isolation_level=None`), so every transaction is written
out here: Python's implicit deferred transactions give "database is locked" under two writers
(DESIGN.md, reliability rules).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE`, the body, `COMMIT`: all of the body's writes, or none.

    IMMEDIATE takes the write lock at the start (waiting out the busy timeout), so a read inside
    the body is never invalidated by another writer. On any exception, a failed `COMMIT`
    included, the transaction is rolled back and the exception goes on; a rollback that fails
    too (some I/O errors end the transaction themselves) never hides the original error.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`BEGIN`, the body, `COMMIT`: every read in the body sees one state of the database, even
    while another process writes (WAL)."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")
