"""One way to write to the annotation database: `write_transaction`, all of the body or none."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest

from reader.annotations.transaction import read_snapshot, write_transaction

PACKAGE = Path(__file__).resolve().parents[2] / "reader"
TRANSACTION_WORDS = ("BEGIN", "COMMIT", "ROLLBACK", "END", "SAVEPOINT", "RELEASE")


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    conn.execute(
        "CREATE TABLE child (id INTEGER PRIMARY KEY,"
        " parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    return conn


def rows(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    return conn.execute("SELECT id, parent FROM child ORDER BY id").fetchall()


def test_the_body_is_committed_when_it_ends_normally(tmp_path: Path) -> None:
    conn = connect(tmp_path / "db.sqlite3")
    conn.execute("INSERT INTO parent VALUES (1)")
    with write_transaction(conn):
        conn.execute("INSERT INTO child VALUES (1, 1)")
        conn.execute("INSERT INTO child VALUES (2, 1)")
    assert not conn.in_transaction
    other = sqlite3.connect(tmp_path / "db.sqlite3")
    assert rows(other) == [(1, 1), (2, 1)]


def test_an_exception_in_the_body_rolls_everything_back_and_goes_on(tmp_path: Path) -> None:
    conn = connect(tmp_path / "db.sqlite3")
    conn.execute("INSERT INTO parent VALUES (1)")
    with pytest.raises(KeyError, match="stop"), write_transaction(conn):
        conn.execute("INSERT INTO child VALUES (1, 1)")
        raise KeyError("stop")
    assert not conn.in_transaction and rows(conn) == []


def test_a_commit_that_fails_rolls_back_and_its_error_goes_on(tmp_path: Path) -> None:
    """A deferred foreign key is checked at COMMIT, which then fails and leaves the transaction
    open: it must be rolled back, not left holding the write lock."""
    conn = connect(tmp_path / "db.sqlite3")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), write_transaction(conn):
        conn.execute("INSERT INTO child VALUES (1, 99)")
    assert not conn.in_transaction and rows(conn) == []


def test_a_snapshot_sees_one_state_while_another_connection_writes(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("INSERT INTO parent VALUES (1)")
    writer = sqlite3.connect(path, isolation_level=None)
    with read_snapshot(conn):
        before = rows(conn)
        with write_transaction(writer):
            writer.execute("INSERT INTO child VALUES (1, 1)")
        assert rows(conn) == before == []
    assert rows(conn) == [(1, 1)]


def string_literals(path: Path) -> list[str]:
    """Every string literal in a source file, stripped."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value.strip()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_only_the_transaction_module_begins_or_ends_transactions() -> None:
    """Every writer goes through `write_transaction` (or `read_snapshot`), so a rollback that
    fails can never hide the error that caused it, wherever the write is."""
    offenders = [
        f"{path.relative_to(PACKAGE)}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "annotations" / "transaction.py"
        for text in string_literals(path)
        if text.split(" ", 1)[0] in TRANSACTION_WORDS
    ]
    assert offenders == []
