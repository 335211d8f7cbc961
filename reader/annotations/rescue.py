"""Rows rescued from a damaged database file into the database that takes its place.

Every annotation row is read twice: through SQLite's b-tree (which sees the `-wal` and, past a
page it cannot read, seeks ahead by rowid), and page by page. The second way finds the rows
under a damaged root page, inner page or table of tables: they still lie in the table's leaf
pages. A copy of the file gets a fresh first page whose table of tables names each table-leaf
page as the root of a table of its own, and SQLite reads those pages (overflow chains included)
with its own parser. A leaf of another table, or a freed page still holding old rows, is read
the same way; only rows whose checksum matches are kept, the newest revision of each.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reader.annotations.errors import DamagedError
from reader.annotations.integrity import check, connect_read_only, salvage
from reader.annotations.rows import COLUMNS, StoredRow, decode, encode
from reader.annotations.transaction import write_transaction

MAGIC = b"SQLite format 3\x00"
HEADER = 100
"""Bytes of the file header, before page 1's own b-tree header."""
TABLE_LEAF = 0x0D
DEFAULT_PAGE_SIZE = 4096


def salvage_into(conn: sqlite3.Connection, damaged: Path) -> int:
    """Copy into `conn` every intact row of the damaged file that is newer than what `conn` has.

    Rows are never removed (deletes are soft), so the union of a backup and the readable rows of
    the damaged file, newest revision winning, loses nothing that can still be read. One
    transaction; the number of annotations added or brought up to date. Documents that can
    still be read and `conn` lacks are added too (`salvage_documents`).
    """
    rows = readable_rows(conn, damaged)
    insert = f"INSERT OR REPLACE INTO annotations ({', '.join(COLUMNS)}) VALUES"
    insert += f" ({', '.join('?' * len(COLUMNS))})"
    merged = 0
    with write_transaction(conn):
        for row in rows:
            mine = conn.execute(
                "SELECT revision FROM annotations WHERE id = ?", (row.annotation.id,)
            ).fetchone()
            if mine is None or mine[0] < row.annotation.revision:
                conn.execute(insert, encode(row))
                merged += 1
        newest = max((row.annotation.revision for row in rows), default=0)
        conn.execute("UPDATE counter SET revision = max(revision, ?) WHERE id = 1", (newest,))
    salvage_documents(conn, damaged)
    return merged


def readable_rows(conn: sqlite3.Connection, damaged: Path) -> list[StoredRow]:
    """Every intact annotation row of the damaged file, the newest revision of each.

    Read twice: through SQLite's b-tree (which sees the `-wal`, and skips ahead past pages it
    cannot read) and page by page (which finds the rows under a damaged root, inner page or
    table of tables). The checksums decide what is intact.
    """
    found: dict[str, StoredRow] = {}

    def keep(row: StoredRow) -> None:
        known = found.get(row.annotation.id)
        if known is None or known.annotation.revision < row.annotation.revision:
            found[row.annotation.id] = row

    with contextlib.suppress(sqlite3.Error, TypeError):  # TypeError: a blob among the values
        source = connect_read_only(damaged)
        try:
            for row in salvage(source):
                keep(row)
        finally:
            source.close()
    physical = [str(row[1]) for row in conn.execute("PRAGMA table_info(annotations)")]
    with contextlib.suppress(sqlite3.Error, OSError):
        for values in scan(damaged, physical, COLUMNS):
            with contextlib.suppress(DamagedError, TypeError):
                keep(decode(values))
    return list(found.values())


def salvage_documents(conn: sqlite3.Connection, damaged: Path) -> None:
    """Add the damaged file's documents that `conn` lacks, if its documents table has the same
    columns. Document rows carry no checksum, so the whole database is checked again before
    they are kept: a row that does not pass is never let in."""
    columns = [str(row[1]) for row in conn.execute("PRAGMA table_info(documents)")]
    rows: list[tuple[object, ...]] = []
    with contextlib.suppress(sqlite3.Error):
        source = connect_read_only(damaged)
        try:
            theirs = [str(row[1]) for row in source.execute("PRAGMA table_info(documents)")]
            if theirs == columns:
                for row in source.execute(f"SELECT {', '.join(columns)} FROM documents"):
                    rows.append(tuple(row))
        finally:
            source.close()
    if not rows:
        return
    with contextlib.suppress(DamagedError), write_transaction(conn):
        conn.executemany(
            f"INSERT OR IGNORE INTO documents ({', '.join(columns)})"
            f" VALUES ({', '.join('?' * len(columns))})",
            rows,
        )
        check(conn)


def scan(damaged: Path, physical: Sequence[str], wanted: Sequence[str]) -> list[tuple[object, ...]]:
    """The values (`wanted` columns) of every row in every table-leaf page of `damaged`.

    `physical` names a row's columns in the order they are stored (the table's own order).
    Pages that cannot be read are skipped; the copy is made next to `damaged` and removed.
    """
    with tempfile.TemporaryDirectory(dir=damaged.parent, prefix=".scan-") as folder:
        copy = Path(folder) / "copy.sqlite3"
        shutil.copyfile(damaged, copy)
        size = page_size(copy)
        leaves = _prepare(copy, size, Path(folder) / "template.sqlite3")
        return _read(copy, leaves, physical, wanted)


def page_size(path: Path) -> int:
    """The page size the header gives, if the header is whole; SQLite's default otherwise."""
    with path.open("rb") as file:
        header = file.read(HEADER)
    if len(header) < HEADER or not header.startswith(MAGIC):
        return DEFAULT_PAGE_SIZE
    size = int.from_bytes(header[16:18], "big")
    size = 65536 if size == 1 else size
    return size if 512 <= size <= 65536 and size & (size - 1) == 0 else DEFAULT_PAGE_SIZE


def _prepare(copy: Path, size: int, template: Path) -> list[int]:
    """Cut the copy to whole pages, give it a fresh page 1 naming every table-leaf page as a
    table `p<number>`; the numbers of those pages."""
    with copy.open("r+b") as file:
        pages = copy.stat().st_size // size
        file.truncate(pages * size)
        leaves = []
        for number in range(2, pages + 1):
            file.seek((number - 1) * size)
            if file.read(1) == bytes([TABLE_LEAF]):
                leaves.append(number)
        file.seek(0)
        file.write(_first_page(template, size, pages))
    return leaves


def _first_page(template: Path, size: int, pages: int) -> bytes:
    """Page 1 of a new, empty database of this page size, claiming `pages` pages."""
    conn = sqlite3.connect(template)
    try:
        conn.execute(f"PRAGMA page_size = {int(size)}")
        conn.execute("PRAGMA user_version = 1")  # writes page 1
    finally:
        conn.close()
    page = bytearray(template.read_bytes()[:size])
    page[28:32] = max(pages, 1).to_bytes(4, "big")
    return bytes(page)


def _read(
    copy: Path, leaves: list[int], physical: Sequence[str], wanted: Sequence[str]
) -> list[tuple[object, ...]]:
    """Declare the leaf pages as tables (SQLite lets a schema be written by hand only through
    `writable_schema`) and read each one as far as it reads."""
    declared = ", ".join(f'"{name}"' for name in physical)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        conn.execute("PRAGMA writable_schema = ON")
        with write_transaction(conn):
            conn.executemany(
                "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql)"
                " VALUES ('table', ?1, ?1, ?2, ?3)",
                [(f"p{n}", n, f"CREATE TABLE p{n} ({declared})") for n in leaves],
            )
    finally:
        conn.close()
    selected = ", ".join(f'"{name}"' for name in wanted)
    conn = sqlite3.connect(f"{copy.absolute().as_uri()}?mode=ro", uri=True)
    rows: list[tuple[object, ...]] = []
    try:
        for number in leaves:
            with contextlib.suppress(sqlite3.DatabaseError):
                for row in conn.execute(f"SELECT {selected} FROM p{number}"):
                    rows.append(tuple(row))
    finally:
        conn.close()
    return rows
