"""Two writers on one data folder (a window and the command line, two windows, two threads):
nobody sees "database is locked", nobody's change is lost, each sees the other's changes."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader.annotations.model import Colour
from reader.annotations.schema import CURRENT_VERSION
from reader.annotations.store import AnnotationStore, StoreError
from tests.annotations.store_child import COLOURS, DOCUMENTS, new_annotation

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_S = 600
"""A hang detector for the writing children, not a budget."""


def start_children(data_dir: Path, *commands: list[str]) -> list[subprocess.Popen[str]]:
    """Start one child per command, wait until each has opened the store, then say "go"."""
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.annotations.store_child",
                command[0],
                str(data_dir),
                *command[1:],
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    try:
        for child in children:
            assert child.stdout is not None
            opened = json.loads(child.stdout.readline())
            assert opened["opened"] and not opened["read_only"], opened
    except BaseException:
        for child in children:
            child.kill()
            child.communicate()
        raise
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    return children


def finish(children: list[subprocess.Popen[str]]) -> None:
    for child in children:
        try:
            out, err = child.communicate(timeout=CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            for other in children:
                other.kill()
                other.communicate()
            raise
        assert child.returncode == 0, err
        assert "locked" not in err and json.loads(out.splitlines()[-1])["done"] > 0


def test_two_stores_see_each_other_and_lose_nothing(tmp_path: Path) -> None:
    first, second = AnnotationStore.open(tmp_path), AnnotationStore.open(tmp_path)
    try:
        assert not first.changed_elsewhere() and not second.changed_elsewhere()
        added = first.add(new_annotation(random.Random(1), "shared"))
        assert not first.changed_elsewhere()  # its own commit is not news
        assert second.changed_elsewhere() and not second.changed_elsewhere()
        assert second.get(added.id) == added
        first.update(added.id, note="from the first")
        second.update(added.id, colour=Colour.PURPLE)
        both = first.get(added.id)
        assert both is not None and (both.note, both.colour) == ("from the first", Colour.PURPLE)
        assert first.changed_elsewhere() and first.revision() == second.revision() == 3
    finally:
        first.close()
        second.close()


def test_two_processes_changing_different_fields_lose_no_update(tmp_path: Path) -> None:
    with AnnotationStore.open(tmp_path) as store:
        target = store.add(new_annotation(random.Random(2), "target"))
    with AnnotationStore.open(tmp_path) as store:  # open before the children start writing
        children = start_children(
            tmp_path,
            ["set-field", target.id, "note", "200"],
            ["set-field", target.id, "colour", "200"],
        )
        finish(children)
        assert store.changed_elsewhere()
        final = store.get(target.id)
        assert final is not None
        assert (final.note, final.colour) == ("note 199", COLOURS[199 % len(COLOURS)])
        assert final.revision == store.revision() == target.revision + 400


def test_two_processes_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "new"  # both create the database, its schema, at the same moment
    finish(start_children(data_dir, ["add", "left", "150"], ["add", "right", "150"]))
    with AnnotationStore.open(data_dir) as store:
        assert store.report.messages == ()
        assert sum(len(store.annotations(d)) for d in DOCUMENTS) == 300
        assert store.revision() == 300
    conn = sqlite3.connect(data_dir / AnnotationStore.DATABASE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone() == (CURRENT_VERSION,)
    conn.close()


def test_threads_may_share_a_store_or_have_one_each(tmp_path: Path) -> None:
    shared = AnnotationStore.open(tmp_path)
    own = [AnnotationStore.open(tmp_path) for _ in range(2)]
    errors: list[BaseException] = []

    def write(store: AnnotationStore, seed: int) -> None:
        rng = random.Random(seed)
        try:
            for i in range(50):
                store.add(new_annotation(rng, f"{seed}-{i}"))
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=write, args=(s, n)) for n, s in enumerate([shared] * 2 + own)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(len(shared.annotations(d)) for d in DOCUMENTS) == 200
    for store in (shared, *own):
        store.close()


def hold_write_lock(database: Path, holding: threading.Event, release: threading.Event) -> None:
    """Hold SQLite's write lock on `database` from `holding` being set until `release` is."""
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")  # takes the write lock at once, as the store's writes do
    holding.set()
    release.wait()
    conn.execute("COMMIT")
    conn.close()


def test_a_writer_holding_the_lock_briefly_is_waited_for(tmp_path: Path) -> None:
    """The lock is released only once the store has begun its write transaction, which must then
    wait for it (and succeed) instead of failing with "database is locked"."""
    with AnnotationStore.open(tmp_path) as store:
        holding, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=hold_write_lock, args=(store.path, holding, release))
        holder.start()
        assert holding.wait(timeout=CHILD_TIMEOUT_S), "the holder never took the lock"

        def release_once_writing(statement: str) -> None:
            if statement.startswith("BEGIN IMMEDIATE"):
                release.set()

        store._connection().set_trace_callback(release_once_writing)
        try:
            added = store.add(new_annotation(random.Random(4), "patient"))
        finally:
            store._connection().set_trace_callback(None)
            release.set()
            holder.join()
        assert store.get(added.id) == added and store.revision() == 1


@pytest.mark.slow
def test_a_lock_held_past_the_busy_timeout_gives_a_clear_error(tmp_path: Path) -> None:
    """The lock is held until the store has given up (after its 5 s busy timeout)."""
    with AnnotationStore.open(tmp_path) as store:
        holding, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=hold_write_lock, args=(store.path, holding, release))
        holder.start()
        assert holding.wait(timeout=CHILD_TIMEOUT_S), "the holder never took the lock"
        try:
            with pytest.raises(
                StoreError, match=r"busy for more than 5 seconds\. Nothing was changed"
            ):
                store.add(new_annotation(random.Random(5), "impatient"))
        finally:
            release.set()
            holder.join()
        assert store.revision() == 0
        store.add(new_annotation(random.Random(6), "later"))
