"""Damage, missing files, a full disk: detected at start-up, repaired from backups, explained.

The damage is real (bytes written over the file, truncation, garbage), done to a database left
by a process that exited without closing it, so its `-wal` and `-shm` files are there too.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.annotations import backups
from reader.annotations.errors import DamagedError
from reader.annotations.model import Annotation
from reader.annotations.store import AnnotationStore, StoreReadOnlyError
from tests.annotations.store_child import DOCUMENTS, backup_now, new_annotation, state_of

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_S = 600
"""A hang detector for the writing children, not a budget."""
NAME = AnnotationStore.DATABASE_NAME
CRASHING_WRITER = """
import os, random, sys
from pathlib import Path
from reader.annotations.store import AnnotationStore
from tests.annotations.store_child import new_annotation
store = AnnotationStore.open(Path(sys.argv[1]))
rng = random.Random(sys.argv[2])
for i in range(int(sys.argv[3])):
    store.add(new_annotation(rng, f"late-{i}"))
os._exit(0)  # no close: the -wal and -shm files stay, as after a crash
"""


def everything(store: AnnotationStore) -> dict[str, Annotation]:
    return {a.id: a for d in DOCUMENTS for a in (*store.annotations(d), *store.trash(d))}


def add_crashing(data_dir: Path, count: int, seed: str = "late") -> None:
    command = [sys.executable, "-c", CRASHING_WRITER, str(data_dir), seed, str(count)]
    subprocess.run(command, cwd=ROOT, check=True, timeout=CHILD_TIMEOUT_S)


def integrity(path: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


class Populated:
    """A data folder: an older backup, a newer one, and later annotations only in the WAL."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        rng = random.Random(1)
        with AnnotationStore.open(data_dir) as store:
            for i in range(20):
                store.add(new_annotation(rng, f"early-{i}"))
            self.older_backup = backup_now(store)
            for i in range(20):
                store.add(new_annotation(rng, f"middle-{i}"))
            store.delete(next(iter(everything(store))))
            self.backup = backup_now(store)
            self.backed_up = everything(store)
        add_crashing(data_dir, 10)
        self.database = data_dir / NAME
        assert self.database.with_name(NAME + "-wal").stat().st_size > 0

    def check_restored(self, store: AnnotationStore, problem: str) -> Path:
        """The newest backup is back, with every annotation; the damage is explained and kept."""
        message = store.report.messages[0]
        assert f"The annotation database {self.database} was damaged" in message
        assert problem in message
        assert "Restored the backup of" in message and "with 39 annotations" in message
        assert store.report.restored_backup == self.backup and not store.read_only
        found = everything(store)
        assert {i: found.get(i) for i in self.backed_up} == self.backed_up
        [aside] = (self.data_dir / "damaged").iterdir()
        assert f"kept at {aside}" in message
        assert {p.name for p in aside.iterdir()} >= {NAME, NAME + "-wal", NAME + "-shm"}
        assert integrity(self.database) == [("ok",)]
        return aside


@pytest.fixture
def populated(tmp_path: Path) -> Populated:
    return Populated(tmp_path / "data")


def overwrite_middle(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2 - 2048)
        file.write(random.Random(42).randbytes(8192))


def truncate(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 3)


def replace_with_text(path: Path) -> None:
    path.write_text("这不是数据库。This is not a database.\n" * 500, encoding="utf-8")


@pytest.mark.parametrize("damage", [overwrite_middle, truncate, replace_with_text])
def test_a_damaged_database_is_moved_aside_and_the_newest_backup_restored(
    populated: Populated, damage: Callable[[Path], None]
) -> None:
    damage(populated.database)
    with AnnotationStore.open(populated.data_dir) as store:
        aside = populated.check_restored(store, "damaged (")
        store.add(new_annotation(random.Random(3), "after the repair"))
    assert (aside / NAME).read_bytes() != b""
    with AnnotationStore.open(populated.data_dir) as store:
        assert store.report.messages == ()


def test_a_file_that_is_not_a_database_says_so(populated: Populated) -> None:
    for suffix in ("-wal", "-shm"):
        populated.database.with_name(NAME + suffix).unlink()
    replace_with_text(populated.database)
    with AnnotationStore.open(populated.data_dir) as store:
        assert "damaged (file is not a database)" in store.report.messages[0]
        assert everything(store) == populated.backed_up


def test_a_garbage_write_ahead_log_is_damage_too(populated: Populated) -> None:
    wal = populated.database.with_name(NAME + "-wal")
    wal.write_bytes(random.Random(7).randbytes(wal.stat().st_size))
    with AnnotationStore.open(populated.data_dir) as store:
        populated.check_restored(store, "write-ahead log is not a SQLite log")


def test_rows_readable_in_the_damaged_file_are_recovered_too(populated: Populated) -> None:
    with AnnotationStore.open(populated.data_dir) as store:  # backs the late ones up
        rng = random.Random(11)
        newest = [store.add(new_annotation(rng, f"newest-{i}")) for i in range(5)]
        late = everything(store)
    assert all(a.id in late for a in newest)
    conn = sqlite3.connect(populated.database)
    victim = next(iter(populated.backed_up))
    conn.execute("UPDATE annotations SET note = 'tampered' WHERE id = ?", (victim,))
    conn.commit()
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]  # blind to this
    conn.close()
    with AnnotationStore.open(populated.data_dir) as store:
        message = store.report.messages[0]
        assert "does not match its checksum" in message
        assert (
            "Recovered 5 annotations from the damaged file (changed after that backup)" in message
        )
        assert everything(store) == {**late, victim: populated.backed_up[victim]}


@pytest.mark.parametrize(
    "change",
    [
        "colour = 'mauve'",
        "tags = 'not json'",
        "position_start = 'five'",
        "deleted = 7",
        "orphan = 2",
        "revision = revision + 1",
    ],
)
def test_damage_to_any_value_is_found_by_the_full_read(populated: Populated, change: str) -> None:
    conn = sqlite3.connect(populated.database)
    conn.execute(f"UPDATE annotations SET {change} WHERE rowid = 5")
    conn.commit()
    conn.close()
    with AnnotationStore.open(populated.data_dir) as store:
        assert "does not match its checksum" in store.report.messages[0]
        assert store.report.restored_backup == populated.backup


def test_with_no_usable_backup_a_new_database_is_started(populated: Populated) -> None:
    assert populated.backup is not None and populated.older_backup is not None
    for backup in (populated.backup, populated.older_backup):
        replace_with_text(backup)
    replace_with_text(populated.database)
    with AnnotationStore.open(populated.data_dir) as store:
        [message] = store.report.messages
        assert "damaged" in message and "No usable backup was found" in message
        assert "new, empty database" in message and "kept at" in message
        assert store.report.restored_backup is None and everything(store) == {}
        assert store.add(new_annotation(random.Random(5), "fresh")).revision == 1


def test_a_damaged_newest_backup_is_skipped_for_an_older_good_one(populated: Populated) -> None:
    assert populated.backup is not None
    overwrite_middle(populated.backup)
    replace_with_text(populated.database)
    with AnnotationStore.open(populated.data_dir) as store:
        assert store.report.restored_backup == populated.older_backup
        assert "with 20 annotations" in store.report.messages[0]
        assert len(everything(store)) == 20
    assert populated.backup.exists()  # kept, never overwritten: it may still be worth a look


def test_a_missing_database_is_restored_from_the_newest_backup(populated: Populated) -> None:
    for suffix in ("", "-wal", "-shm"):
        populated.database.with_name(NAME + suffix).unlink()
    with AnnotationStore.open(populated.data_dir) as store:
        [message] = store.report.messages
        assert message.startswith(
            f"The annotation database {populated.database} was missing. Restored the backup"
        )
        assert everything(store) == populated.backed_up
    assert not (populated.data_dir / "damaged").exists()


def test_a_stray_log_never_meets_another_database(populated: Populated) -> None:
    populated.database.unlink()  # the -wal and -shm of the lost database stay behind
    with AnnotationStore.open(populated.data_dir) as store:
        message = store.report.messages[0]
        assert "was missing" in message and "Files left of it were moved to" in message
        assert everything(store) == populated.backed_up
    [aside] = (populated.data_dir / "damaged").iterdir()
    assert {p.name for p in aside.iterdir()} == {NAME + "-wal", NAME + "-shm"}
    assert integrity(populated.database) == [("ok",)]


def test_read_only_shows_the_backup_of_a_damaged_database_and_moves_nothing(
    populated: Populated,
) -> None:
    replace_with_text(populated.database)
    before = sorted(p.name for p in populated.data_dir.iterdir())
    with AnnotationStore.open(populated.data_dir, read_only=True) as store:
        assert store.read_only and store.report.restored_backup == populated.backup
        assert "cannot be repaired here" in store.report.messages[0]
        assert everything(store) == populated.backed_up
        with pytest.raises(StoreReadOnlyError):
            store.add(new_annotation(random.Random(1), "no"))
    assert sorted(p.name for p in populated.data_dir.iterdir()) == before


def test_a_bad_copy_never_becomes_a_backup(populated: Populated) -> None:
    kept = {p: p.read_bytes() for p in backups.list_backups(populated.data_dir / "backups")}
    conn = sqlite3.connect(populated.database, isolation_level=None)
    conn.execute("UPDATE annotations SET note = 'tampered' WHERE rowid = 3")
    with pytest.raises(DamagedError, match="checksum"):
        backups.make_backup(conn, populated.data_dir / "backups")
    conn.close()
    assert {p: p.read_bytes() for p in backups.list_backups(populated.data_dir / "backups")} == kept
    assert [p for p in (populated.data_dir / "backups").iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_refuses_clearly_and_harms_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(9)
    with AnnotationStore.open(data_dir) as store:
        before = [store.add(new_annotation(rng, f"before-{i}")) for i in range(5)]
    limit = (data_dir / NAME).stat().st_size + 300_000
    command = [sys.executable, "-m", "tests.annotations.store_child", "fill", str(data_dir)]
    done = subprocess.run(
        [*command, str(limit)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=True,
    )
    events = [json.loads(line) for line in done.stdout.splitlines()]
    acknowledged = {e["id"]: e["state"] for e in events if "ack" in e}
    failure = events[-1]
    assert failure["failed"] == "StoreReadOnlyError", failure
    assert "Cannot save annotations" in failure["message"]
    assert "Nothing already saved was harmed" in failure["message"]
    assert failure["readable"] == len(before) + len(acknowledged)  # reading still works
    assert failure["again"] == "StoreReadOnlyError"
    assert len(acknowledged) > 10
    with AnnotationStore.open(data_dir) as store:
        assert store.report.messages == ()
        found = {a.id: state_of(a, False) for a in everything(store).values()}
    assert found == {**{a.id: state_of(a, False) for a in before}, **acknowledged}
    assert integrity(data_dir / NAME) == [("ok",)]
