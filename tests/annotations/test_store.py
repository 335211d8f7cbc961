"""The annotation store: what it saves, how it reads back, and what it refuses."""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reader.annotations import backups, integrity
from reader.annotations.model import Annotation, Colour, TextPosition, TextQuote, annotate
from reader.annotations.schema import CURRENT_VERSION, migrate
from reader.annotations.store import (
    AnnotationStore,
    ImportCount,
    NewerDatabaseError,
    StoreError,
    StoreReadOnlyError,
)
from tests.annotations.store_child import TEXT, backup_now, new_annotation

DOC = "doc-alpha"


def make(start: int = 0, end: int = 4, document: str = DOC, **fields: object) -> Annotation:
    return annotate(TEXT, document, document, start, end, **fields)  # type: ignore[arg-type]


def raw(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / AnnotationStore.DATABASE_NAME)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[AnnotationStore]:
    with AnnotationStore.open(data_dir) as opened:
        yield opened


def test_open_creates_the_folder_and_configures_sqlite_for_safety(
    data_dir: Path, store: AnnotationStore
) -> None:
    assert store.path == data_dir / "annotations.sqlite3" and store.path.exists()
    assert store.report.messages == () and not store.read_only
    conn = store._connection()
    assert conn.isolation_level is None
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert conn.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    assert conn.execute("PRAGMA user_version").fetchone() == (CURRENT_VERSION,)


def test_an_added_annotation_is_committed_when_add_returns(
    data_dir: Path, store: AnnotationStore
) -> None:
    stored = store.add(make(note="第一条", tags=(" a ", "a", "b")))
    assert stored.revision == 1 and stored.tags == ("a", "b")
    other = raw(data_dir)  # another connection sees it: it has committed
    assert other.execute("SELECT id, note FROM annotations").fetchall() == [(stored.id, "第一条")]
    other.close()
    assert store.get(stored.id) == stored
    assert store.get("urn:uuid:nobody") is None


def test_annotations_come_in_reading_order(store: AnnotationStore) -> None:
    late = store.add(make(10, 12))
    early = store.add(make(2, 5))
    same_start_later = store.add(replace(make(2, 3), created="2099-01-01T00:00:00.000Z"))
    store.add(make(0, 1, document="doc-beta"))
    assert [a.id for a in store.annotations(DOC)] == [early.id, same_start_later.id, late.id]


def test_update_changes_only_the_given_fields(store: AnnotationStore) -> None:
    original = store.add(make(note="old", colour=Colour.GREEN, tags=("x",)))
    updated = store.update(original.id, note="new")
    assert (updated.note, updated.colour, updated.tags) == ("new", Colour.GREEN, ("x",))
    assert updated.revision > original.revision and updated.modified >= original.modified
    moved = store.update(
        original.id,
        colour=Colour.PINK,
        tags=("y", " y "),
        quote=TextQuote("乙丙"),
        position=TextPosition(1, 3),
        fingerprint="text-beta",
        orphan=True,
    )
    assert (moved.note, moved.colour, moved.tags) == ("new", Colour.PINK, ("y",))
    assert (moved.quote.exact, moved.position, moved.fingerprint, moved.orphan) == (
        "乙丙",
        TextPosition(1, 3),
        "text-beta",
        True,
    )
    assert moved.document_id == DOC
    assert store.get(original.id) == moved
    assert store.update(original.id, note="").note == ""


def test_unknown_ids_and_duplicate_adds_are_refused_and_change_nothing(
    store: AnnotationStore,
) -> None:
    stored = store.add(make())
    revision = store.revision()
    with pytest.raises(StoreError, match="no annotation"):
        store.update("urn:uuid:missing", note="x")
    with pytest.raises(StoreError, match="already exists"):
        store.add(replace(make(), id=stored.id))
    for call in (store.delete, store.restore):
        with pytest.raises(StoreError):
            call("urn:uuid:missing")
    assert store.revision() == revision and store.get(stored.id) == stored


def test_delete_is_soft_and_restore_brings_it_back(data_dir: Path, store: AnnotationStore) -> None:
    first, second = store.add(make(0, 2)), store.add(make(3, 4))
    deleted_first = store.delete(first.id)
    deleted_second = store.delete(second.id)
    assert store.annotations(DOC) == []
    assert [a.id for a in store.trash(DOC)] == [second.id, first.id]  # latest deletion first
    assert store.get(first.id) == deleted_first and deleted_second.revision > deleted_first.revision
    assert store.delete(first.id) == deleted_first  # deleting twice changes nothing
    other = raw(data_dir)
    assert other.execute("SELECT count(*) FROM annotations").fetchone() == (2,)
    other.close()
    restored = store.restore(first.id)
    assert [a.id for a in store.annotations(DOC)] == [first.id]
    assert restored.note == first.note and restored.revision > deleted_second.revision
    assert [a.id for a in store.trash(DOC)] == [second.id]


def test_relocating_moves_flags_and_keeps_the_users_modified_time(
    store: AnnotationStore,
) -> None:
    placed, lost = store.add(make(0, 2)), store.add(make(5, 7))
    store.relocate(
        [
            replace(placed, position=TextPosition(1, 3), quote=TextQuote("乙丙"), fingerprint="v2"),
            replace(lost, orphan=True, fingerprint="v2"),
        ]
    )
    moved, flagged = store.get(placed.id), store.get(lost.id)
    assert moved is not None and flagged is not None
    assert (moved.position, moved.quote.exact, moved.fingerprint) == (
        TextPosition(1, 3),
        "乙丙",
        "v2",
    )
    assert flagged.orphan and flagged.fingerprint == "v2" and flagged.modified == lost.modified
    assert moved.revision == flagged.revision > lost.revision  # one transaction
    assert len(store.annotations(DOC)) == 2  # orphans are still live annotations
    store.delete(lost.id)
    assert store.restore(lost.id).orphan  # the trash keeps the flag


def test_relocate_is_all_or_nothing(store: AnnotationStore) -> None:
    a = store.add(make(0, 4))
    missing = replace(make(5, 6), id="urn:uuid:not-there")
    with pytest.raises(StoreError):
        store.relocate([replace(a, position=TextPosition(5, 9), fingerprint="v2"), missing])
    assert store.get(a.id) == a


def test_the_revision_counter_counts_writes(store: AnnotationStore) -> None:
    assert store.revision() == 0
    a = store.add(make())
    store.update(a.id, note="1")
    store.delete(a.id)
    store.restore(a.id)
    assert store.revision() == 4
    assert store.get(a.id).revision == 4  # type: ignore[union-attr]


def counts(report: ImportCount) -> tuple[int, int, int, int]:
    """(added, unchanged, updated, kept) of an import."""
    return report.added, report.unchanged, report.updated, report.kept


def test_import_adds_updates_and_never_duplicates(store: AnnotationStore) -> None:
    existing = store.add(make(0, 2, note="mine"))
    newer = replace(existing, note="theirs", modified="2099-01-01T00:00:00.000Z")
    older = replace(make(3, 5), modified="2000-01-01T00:00:00Z")
    incoming = [newer, older, make(6, 8)]
    assert counts(store.import_annotations(incoming)) == (2, 0, 1, 0)
    assert store.get(existing.id).note == "theirs"  # type: ignore[union-attr]
    revision = store.revision()
    again = store.import_annotations(incoming)
    assert counts(again) == (0, 3, 0, 0) and again.changed_ids == []
    assert store.revision() == revision  # nothing changed, nothing written
    stale = replace(newer, note="stale", modified="2098-12-31T23:59:59+00:00")
    assert counts(store.import_annotations([stale])) == (0, 0, 0, 1)
    equal = replace(newer, note="same time, other text")
    assert counts(store.import_annotations([equal])) == (0, 0, 0, 1)
    assert store.get(existing.id).note == "theirs"  # type: ignore[union-attr]
    assert len(store.annotations(DOC)) == 3


def test_an_import_without_times_never_replaces_a_local_edit(store: AnnotationStore) -> None:
    timeless = replace(make(0, 2, note="from the file"), created="", modified="")
    first = store.import_annotations([timeless])
    assert counts(first) == (1, 0, 0, 0)
    stored = store.get(timeless.id)
    assert stored is not None and stored.created and stored.modified  # now, when it arrived
    store.update(timeless.id, note="edited here")
    for _ in range(2):  # importing the same file again, and again
        assert counts(store.import_annotations([timeless])) == (0, 0, 0, 1)
    assert store.get(timeless.id).note == "edited here"  # type: ignore[union-attr]
    unchanged = replace(timeless, note="edited here")  # what the file says is what we have
    assert counts(store.import_annotations([unchanged])) == (0, 1, 0, 0)


def test_an_import_never_takes_an_annotation_from_another_document(
    store: AnnotationStore,
) -> None:
    mine = store.add(make(0, 2, note="mine"))
    theirs = replace(mine, document_id="doc-other", note="x", modified="2099-01-01T00:00:00Z")
    assert counts(store.import_annotations([theirs])) == (0, 1, 0, 0)
    assert store.get(mine.id) == mine


def test_a_failing_import_imports_nothing(data_dir: Path, store: AnnotationStore) -> None:
    kept = store.add(make(note="kept"))
    other = raw(data_dir)
    other.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON annotations WHEN NEW.note = 'boom'"
        " BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    other.commit()
    other.close()
    batch = [make(1, 2), replace(kept, note="changed", modified="2099-01-01T00:00:00Z")]
    batch += [make(3, 4, note="boom"), make(5, 6)]
    with pytest.raises(StoreError, match="refused"):
        store.import_annotations(batch)
    assert store.annotations(DOC) == [kept] and store.revision() == 1
    surrogate = make(note="half \ud800 pair")
    with pytest.raises(StoreError, match="cannot be stored"):
        store.import_annotations([make(7, 8), surrogate])
    with pytest.raises(StoreError, match="cannot be stored"):
        store.add(surrogate)
    with pytest.raises(StoreError, match="impossible"):
        store.add(replace(make(), position=TextPosition(5, 2)))
    assert store.annotations(DOC) == [kept]


def test_hostile_values_come_back_exactly(data_dir: Path, store: AnnotationStore) -> None:
    notes = [
        '<img src="file:///etc/passwd"><script>alert(1)</script>',
        "# heading\n\n[link](javascript:alert(1)) **bold** `code`",
        "nul \x00 in the middle\x00",
        "𠀀𠀁 astral, 🀄 mahjong, e\u0301 combining, \u202e right-to-left",
        "长" * 1_000_000,
    ]
    astral = TextQuote(exact="𠀀𠀁𠀂", prefix="前𠀃" * 16, suffix="\x00后")
    stored = []
    for i, note in enumerate(notes):
        annotation = replace(make(i, i + 3, note=note, tags=("<b>", "\x00", "标签")), quote=astral)
        stored.append(store.add(annotation))
    store.close()
    with AnnotationStore.open(data_dir) as again:
        assert again.report.messages == ()
        assert [again.get(a.id) for a in stored] == stored


def test_ten_thousand_annotations(data_dir: Path, store: AnnotationStore) -> None:
    rng = random.Random(10_000)
    many = [replace(new_annotation(rng, str(i)), document_id=DOC) for i in range(10_000)]
    assert store.import_annotations(many).added == 10_000
    listed = store.annotations(DOC)
    assert len(listed) == 10_000
    assert listed == sorted(listed, key=lambda a: (a.start, a.created, a.id))
    store.close()
    with AnnotationStore.open(data_dir) as again:
        assert len(again.annotations(DOC)) == 10_000 and again.report.messages == ()


def test_a_newer_database_is_refused_and_left_untouched(data_dir: Path) -> None:
    with AnnotationStore.open(data_dir) as store:
        store.add(make())
    conn = raw(data_dir)
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 5}")
    conn.close()
    database = data_dir / AnnotationStore.DATABASE_NAME
    before = database.read_bytes()
    with pytest.raises(NewerDatabaseError) as refused:
        AnnotationStore.open(data_dir)
    message = str(refused.value)
    assert f"schema {CURRENT_VERSION + 5}" in message and f"up to {CURRENT_VERSION}" in message
    assert "newer version of reader" in message and "untouched" in message
    assert database.read_bytes() == before
    assert not (data_dir / "damaged").exists()


def test_an_old_database_is_backed_up_then_migrated(data_dir: Path) -> None:
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / AnnotationStore.DATABASE_NAME, isolation_level=None)
    migrate(conn, up_to=1)
    conn.execute(
        "INSERT INTO annotations VALUES ('urn:old', 'doc-alpha', '甲', '', '乙', 0, 1, 'blue',"
        " 'a note', '[\"t\"]', '2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z', 3, 0, NULL)"
    )
    conn.execute("UPDATE counter SET revision = 3")
    conn.close()
    with AnnotationStore.open(data_dir) as store:
        [message] = store.report.messages
        assert "upgraded from schema 1" in message and "backup" in message
        old = store.get("urn:old")
        assert old is not None and (old.note, old.colour, old.tags) == (
            "a note",
            Colour.BLUE,
            ("t",),
        )
        assert (old.document_id, old.fingerprint, old.orphan) == ("doc-alpha", "doc-alpha", False)
    [backup] = backups.list_backups(data_dir / "backups")
    found = integrity.check_file(backup)
    assert (found.version, found.annotations, found.revision) == (1, 1, 3)


def test_read_only_refuses_every_write_and_changes_nothing(data_dir: Path) -> None:
    with AnnotationStore.open(data_dir) as store:
        kept = store.add(make(note="kept"))
    database = data_dir / AnnotationStore.DATABASE_NAME
    before = database.read_bytes()
    with AnnotationStore.open(data_dir, read_only=True) as store:
        assert store.read_only and store.report.read_only
        assert store.annotations(DOC) == [kept]
        writes: list[Callable[[], object]] = [
            lambda: store.add(make(3, 4)),
            lambda: store.update(kept.id, note="x"),
            lambda: store.relocate([replace(kept, orphan=True)]),
            lambda: store.delete(kept.id),
            lambda: store.restore(kept.id),
            lambda: store.import_annotations([make(5, 6)]),
        ]
        for write in writes:
            with pytest.raises(StoreReadOnlyError, match=r"read-only\. Nothing already saved"):
                write()
        assert store.annotations(DOC) == [kept]
    assert database.read_bytes() == before


def test_a_folder_that_cannot_be_created_gives_an_empty_read_only_store() -> None:
    with AnnotationStore.open(Path("/proc/reader-cannot-exist/data")) as store:
        assert store.read_only and store.annotations(DOC) == []
        [message] = store.report.messages
        assert "/proc/reader-cannot-exist/data cannot be created" in message
        assert "cannot be saved" in message
        with pytest.raises(StoreReadOnlyError, match="cannot be created"):
            store.add(make())
        assert store.changed_elsewhere() is False and store.revision() == 0


@pytest.mark.unprivileged
def test_a_folder_without_write_permission_still_shows_annotations(data_dir: Path) -> None:
    with AnnotationStore.open(data_dir) as store:
        kept = store.add(make(note="kept"))
    data_dir.chmod(0o555)
    try:
        with AnnotationStore.open(data_dir) as store:
            assert store.read_only and store.annotations(DOC) == [kept]
            [message] = store.report.messages
            assert f"the folder {data_dir} is not writable" in message
            assert "shown read-only" in message
            with pytest.raises(StoreReadOnlyError, match=f"folder {data_dir} is not writable"):
                store.add(make(5, 6))
            assert store.annotations(DOC) == [kept]
    finally:
        data_dir.chmod(0o755)
    with AnnotationStore.open(data_dir) as store:
        assert store.annotations(DOC) == [kept] and not store.read_only


def open_with_a_read_only_database_file(data_dir: Path) -> tuple[Annotation, Path]:
    """Save one annotation, then open the store while its database file is mode 0o444.

    Returns the annotation and the database, whose mode is given back afterwards."""
    with AnnotationStore.open(data_dir) as store:
        kept = store.add(make(note="kept"))
    database = data_dir / AnnotationStore.DATABASE_NAME
    before = database.read_bytes()
    database.chmod(0o444)
    try:
        with AnnotationStore.open(data_dir) as store:
            assert store.read_only and store.annotations(DOC) == [kept]
            [message] = store.report.messages
            assert f"the file {database} is not writable" in message
            with pytest.raises(StoreReadOnlyError, match=f"file {database} is not writable"):
                store.update(kept.id, note="changed")
    finally:
        database.chmod(0o644)
    assert database.read_bytes() == before
    return kept, database


@pytest.mark.unprivileged
def test_a_database_file_without_write_permission_still_shows_annotations(
    data_dir: Path,
) -> None:
    kept, _database = open_with_a_read_only_database_file(data_dir)
    with AnnotationStore.open(data_dir, read_only=True) as store:
        assert store.annotations(DOC) == [kept]


@pytest.mark.unprivileged
def test_a_database_file_made_writable_again_can_be_written(data_dir: Path) -> None:
    kept, _database = open_with_a_read_only_database_file(data_dir)
    with AnnotationStore.open(data_dir) as store:
        assert store.report.messages == () and not store.read_only
        assert store.update(kept.id, note="changed").note == "changed"


def test_backups_are_verified_and_rotated(data_dir: Path, store: AnnotationStore) -> None:
    made = []
    for i in range(backups.KEEP + 2):
        store.add(make(i, i + 1))
        made.append(backup_now(store))
    kept = backups.list_backups(data_dir / "backups")
    assert kept == list(reversed(made))[: backups.KEEP]
    for path in kept:
        assert integrity.check_file(path).version == CURRENT_VERSION
    assert integrity.check_file(kept[0]).annotations == backups.KEEP + 2
    assert [p.name for p in (data_dir / "backups").iterdir() if p.name.startswith(".")] == []


def test_start_up_backs_up_only_what_changed(data_dir: Path) -> None:
    folder = data_dir / "backups"
    with AnnotationStore.open(data_dir) as store:
        assert backups.list_backups(folder) == []  # nothing to back up yet
        store.add(make())
    AnnotationStore.open(data_dir).close()
    [first] = backups.list_backups(folder)
    assert integrity.check_file(first).annotations == 1
    AnnotationStore.open(data_dir).close()
    assert backups.list_backups(folder) == [first]  # unchanged since: no new backup
    with AnnotationStore.open(data_dir) as store:
        store.update(store.annotations(DOC)[0].id, note="edited")
    AnnotationStore.open(data_dir).close()
    assert len(backups.list_backups(folder)) == 2


def test_start_up_backs_up_when_the_newest_backup_is_a_day_old(data_dir: Path) -> None:
    with AnnotationStore.open(data_dir) as store:
        store.add(make())
        made = backup_now(store)
    assert made is not None
    old = made.with_name("annotations-20000101T000000.000000Z.sqlite3")
    made.rename(old)
    AnnotationStore.open(data_dir).close()
    newest, previous = backups.list_backups(data_dir / "backups")
    assert previous == old and integrity.check_file(newest).annotations == 1


def test_odd_characters_in_the_folder_name_are_fine(tmp_path: Path) -> None:
    data_dir = tmp_path / "用户 data #1 ?%20&mode=rw"
    with AnnotationStore.open(data_dir) as store:
        kept = store.add(make())
        assert backup_now(store) is not None
    (data_dir / AnnotationStore.DATABASE_NAME).write_bytes(b"not a database" * 400)
    with AnnotationStore.open(data_dir) as store:
        assert store.report.restored_backup is not None and store.annotations(DOC) == [kept]
    with AnnotationStore.open(data_dir, read_only=True) as store:
        assert store.annotations(DOC) == [kept] and store.report.messages == ()


def test_stale_temporary_files_are_removed_and_fresh_ones_kept(data_dir: Path) -> None:
    with AnnotationStore.open(data_dir) as store:
        store.add(make())
    (data_dir / "backups").mkdir(exist_ok=True)
    stale = [data_dir / "backups" / ".annotations-x-1.tmp", data_dir / ".x.restoring-1"]
    fresh = data_dir / "backups" / ".annotations-y-2.tmp"
    for path in (*stale, fresh):
        path.write_bytes(b"half a backup")
    for path in stale:
        os.utime(path, (0, 0))
    AnnotationStore.open(data_dir).close()
    assert not any(path.exists() for path in stale) and fresh.exists()


def test_a_closed_store_says_so(store: AnnotationStore) -> None:
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.annotations(DOC)


def test_relocating_keeps_what_changed_since_the_annotations_were_read(
    data_dir: Path, store: AnnotationStore
) -> None:
    """Re-anchoring works on annotations read a moment ago; an edit (or a delete) made in
    another process meanwhile must survive it."""
    edited, deleted, untouched = store.add(make(0, 2)), store.add(make(3, 4)), store.add(make(5, 7))
    with AnnotationStore.open(data_dir) as other:
        other.update(edited.id, note="written meanwhile")
        other.delete(deleted.id)
    store.relocate(
        [replace(a, position=TextPosition(a.start + 1, a.end + 1), fingerprint="v2") for a in
         (edited, deleted, untouched)]
    )  # fmt: skip
    moved = {
        a.id: a for a in (store.get(edited.id), store.get(deleted.id), store.get(untouched.id)) if a
    }
    assert moved[edited.id].note == "written meanwhile" and moved[edited.id].start == 1
    assert [a.id for a in store.trash(DOC)] == [deleted.id]  # still deleted, and moved
    assert moved[deleted.id].fingerprint == moved[untouched.id].fingerprint == "v2"
    assert moved[untouched.id].start == 6
