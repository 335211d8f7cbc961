"""Files that look new, empty or strange but held annotations: damage, never a fresh start.

Each test forges the bad file the way it happens (truncation to zero, bytes over a page, a
wrong schema number) on a store made through the API, then opens it through the API or the
command line and checks what the user gets back and is told.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.annotations import backups, integrity
from reader.annotations.model import Annotation
from reader.annotations.recovery import describe_failure
from reader.annotations.store import AnnotationStore, StoreError
from reader.cli.common import EXIT_ERROR, EXIT_OK
from tests.annotations.store_child import DOCUMENTS, backup_now, new_annotation
from tests.test_cli_annotations import annotate, data_dir, listing, run_cli

NAME = AnnotationStore.DATABASE_NAME


def everything(store: AnnotationStore) -> dict[str, Annotation]:
    return {a.id: a for d in DOCUMENTS for a in (*store.annotations(d), *store.trash(d))}


def fill(data_dir: Path, count: int, seed: int = 1, prefix: str = "a") -> dict[str, Annotation]:
    """A closed store with `count` annotations (no backup is made: nothing was there at open)."""
    rng = random.Random(seed)
    with AnnotationStore.open(data_dir) as store:
        for i in range(count):
            store.add(new_annotation(rng, f"{prefix}-{i}"))
        return everything(store)


def backed_up(data_dir: Path, count: int) -> tuple[dict[str, Annotation], Path]:
    """A store with `count` annotations and a verified backup of them."""
    rng = random.Random(7)
    with AnnotationStore.open(data_dir) as store:
        for i in range(count):
            store.add(new_annotation(rng, f"kept-{i}"))
        backup = backup_now(store)
        assert backup is not None
        return everything(store), backup


def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def empty_sqlite_file(path: Path) -> None:
    """What `sqlite3.connect` leaves when a process dies before creating any table."""
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def remove_side_files(database: Path) -> None:
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)


# --- 1. an empty file is damage ---------------------------------------------------------------


@pytest.mark.parametrize("emptied", [empty_file, empty_sqlite_file])
def test_an_emptied_database_is_damage_and_the_newest_backup_comes_back(
    tmp_path: Path, emptied: Callable[[Path], None]
) -> None:
    data = tmp_path / "data"
    kept, backup = backed_up(data, 6)
    database = data / NAME
    emptied(database)
    with AnnotationStore.open(data) as store:
        [message] = store.report.messages
        assert message.startswith(f"The annotation database {database} was damaged (it is empty")
        assert "Restored the backup of" in message and "with 6 annotations" in message
        assert store.report.restored_backup == backup and everything(store) == kept
    [aside] = (data / "damaged").iterdir()
    assert (aside / NAME).exists() and f"kept at {aside}" in message
    with AnnotationStore.open(data) as store:
        assert store.report.messages == () and everything(store) == kept


def test_an_empty_database_without_backups_is_set_aside_not_taken_for_new(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill(data, 3)
    database = data / NAME
    remove_side_files(database)
    empty_file(database)
    with AnnotationStore.open(data) as store:
        [message] = store.report.messages
        assert "damaged (it is empty: 0 bytes)" in message and "No usable backup" in message
        assert "nothing in the damaged file was readable" in message
    [aside] = (data / "damaged").iterdir()
    assert (aside / NAME).stat().st_size == 0


def test_a_new_empty_database_in_place_of_one_with_backups_is_damage(tmp_path: Path) -> None:
    """What the old code left behind: an empty file it took for new and set up, and a backup
    of that; the backup holds nothing and is passed over for the one that holds annotations."""
    data = tmp_path / "data"
    kept, backup = backed_up(data, 4)
    database = data / NAME
    remove_side_files(database)
    database.unlink()
    AnnotationStore.open(tmp_path / "other").close()
    shutil.copyfile(tmp_path / "other" / NAME, database)
    conn = sqlite3.connect(database, isolation_level=None)
    backups.make_backup(conn, data / "backups")
    conn.close()
    with AnnotationStore.open(data) as store:
        [message] = store.report.messages
        assert "damaged (it holds no annotations, but its backups do)" in message
        assert store.report.restored_backup == backup and everything(store) == kept


def test_the_command_line_reports_an_emptied_database_and_lists_the_restored_annotations() -> None:
    first = annotate("--quote", "智算中心", "--note", "保留")
    run_cli("annotations")  # this start makes the backup
    assert len(backups.list_backups(data_dir() / "backups")) == 1
    database = data_dir() / NAME
    remove_side_files(database)
    empty_file(database)
    status, _out, err = run_cli("annotations", "--json")
    assert status == EXIT_OK
    assert f"reader: The annotation database {database} was damaged (it is empty: 0 bytes)" in err
    assert "Restored the backup of" in err
    assert [row["id"] for row in listing()] == [first["id"]]


# --- 1. rotation never drops the only copy of rows ------------------------------------------


def test_rotation_keeps_the_newest_backup_with_rows_no_newer_backup_has(tmp_path: Path) -> None:
    data = tmp_path / "data"
    kept, rich = backed_up(data, 5)
    fill(tmp_path / "other", 1, seed=2, prefix="other")  # a different database takes its place
    database = data / NAME
    remove_side_files(database)
    shutil.copyfile(tmp_path / "other" / NAME, database)
    rng = random.Random(3)
    with AnnotationStore.open(data) as store:
        for i in range(backups.KEEP + 3):
            store.add(new_annotation(rng, f"later-{i}"))
            backup_now(store)
    found = backups.list_backups(data / "backups")
    assert rich in found and len(found) == backups.KEEP + 1
    assert integrity.check_file(rich).annotations == len(kept)


def test_rotation_keeps_at_most_one_extra_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _, first = backed_up(data, 2)
    database = data / NAME
    for round_ in range(3):
        other = tmp_path / f"other-{round_}"
        fill(other, 1, seed=10 + round_, prefix=f"other-{round_}")
        remove_side_files(database)
        shutil.copyfile(other / NAME, database)
        rng = random.Random(round_)
        with AnnotationStore.open(data) as store:
            for i in range(backups.KEEP + 1):
                store.add(new_annotation(rng, f"round-{round_}-{i}"))
                backup_now(store)
        assert len(backups.list_backups(data / "backups")) == backups.KEEP + 1
    assert first not in backups.list_backups(data / "backups")  # superseded by a newer lost copy


def test_deleting_everything_rotates_normally(tmp_path: Path) -> None:
    data = tmp_path / "data"
    rng = random.Random(4)
    with AnnotationStore.open(data) as store:
        made = [store.add(new_annotation(rng, f"gone-{i}")) for i in range(backups.KEEP + 2)]
        backup_now(store)
        for annotation in made:
            store.delete(annotation.id)
            backup_now(store)
    assert len(backups.list_backups(data / "backups")) == backups.KEEP


# --- 2. rows still readable in a damaged file are saved ---------------------------------------


def page_geometry(database: Path, table: str) -> tuple[int, int]:
    conn = sqlite3.connect(database)
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        return int(root.fetchone()[0]), int(page)
    finally:
        conn.close()


def overwrite_page(database: Path, number: int, size: int, offset: int = 0) -> None:
    with database.open("r+b") as file:
        file.seek((number - 1) * size + offset)
        file.write(random.Random(number).randbytes(size - offset))


def damage_table_root(database: Path) -> None:
    root, size = page_geometry(database, "annotations")
    overwrite_page(database, root, size)


def damage_middle_pages(database: Path) -> None:
    _, size = page_geometry(database, "annotations")
    pages = database.stat().st_size // size
    for number in (pages // 3, pages // 2, 2 * pages // 3):
        overwrite_page(database, number, size)


def damage_schema(database: Path) -> None:
    """Page 1 past its header: the table of tables is gone, the header stays."""
    _, size = page_geometry(database, "annotations")
    overwrite_page(database, 1, size, offset=100)


def truncate_to_half(database: Path) -> None:
    with database.open("r+b") as file:
        file.truncate(database.stat().st_size // 2)


DAMAGE = {
    "table root": (damage_table_root, 105),
    "middle pages": (damage_middle_pages, 90),
    "schema page": (damage_schema, 105),
    "half the file": (truncate_to_half, 35),
}


@pytest.mark.parametrize("name", DAMAGE)
def test_without_a_backup_every_intact_row_is_salvaged(tmp_path: Path, name: str) -> None:
    damage, at_least = DAMAGE[name]
    data = tmp_path / "data"
    original = fill(data, 105)
    database = data / NAME
    remove_side_files(database)
    damage(database)
    with AnnotationStore.open(data) as store:
        [message] = store.report.messages
        found = everything(store)
        assert "damaged" in message and "No usable backup was found" in message
        assert f"could still be read from the damaged file: {len(found)} annotations" in message
        assert len(found) >= at_least
        assert all(original[i] == a for i, a in found.items())  # none altered
        store.add(new_annotation(random.Random(8), "after"))
    with AnnotationStore.open(data) as store:
        assert store.report.messages == () and len(everything(store)) == len(found) + 1


def test_a_blob_where_text_belongs_is_damage_not_a_crash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    original = fill(data, 3)
    conn = sqlite3.connect(data / NAME)
    conn.execute("UPDATE annotations SET note = x'00ff' WHERE rowid = 2")
    conn.commit()
    conn.close()
    with AnnotationStore.open(data) as store:
        [message] = store.report.messages
        assert "does not match its checksum" in message
        assert "could still be read from the damaged file: 2 annotations" in message
        found = everything(store)
    assert len(found) == 2 and all(original[i] == a for i, a in found.items())


def test_salvage_adds_to_a_restored_backup_what_only_the_damaged_file_had(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _kept, backup = backed_up(data, 10)
    later = fill(data, 40, seed=9, prefix="later")
    database = data / NAME
    remove_side_files(database)
    damage_table_root(database)
    with AnnotationStore.open(data) as store:
        [message] = store.report.messages
        assert store.report.restored_backup == backup
        assert "Recovered 40 annotations from the damaged file" in message
        assert everything(store) == later


def documents_table(data_dir: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(data_dir / NAME)
    try:
        return conn.execute("SELECT * FROM documents ORDER BY 1").fetchall()
    finally:
        conn.close()


def test_documents_that_can_still_be_read_are_salvaged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with AnnotationStore.open(data) as store:
        store.open_document("fp-one", "第一本", tmp_path / "one.txt")
        store.open_document("fp-two", "第二本", None)
        store.add(new_annotation(random.Random(1), "x"))
    before = documents_table(data)
    assert len(before) == 2
    database = data / NAME
    remove_side_files(database)
    damage_table_root(database)
    AnnotationStore.open(data).close()
    assert documents_table(data) == before


def test_the_command_line_lists_what_was_salvaged() -> None:
    tampered, intact = annotate("--quote", "智算中心"), annotate("--quote", "哈爾濱")
    shutil.rmtree(data_dir() / "backups")
    conn = sqlite3.connect(data_dir() / NAME)
    conn.execute(
        "UPDATE annotations SET note = 'changed behind its back' WHERE id = ?", (tampered["id"],)
    )
    conn.commit()
    conn.close()
    status, _, err = run_cli("annotations")
    assert status == EXIT_OK
    assert "does not match its checksum" in err and "No usable backup was found" in err
    assert "could still be read from the damaged file: 1 annotation." in err
    assert [row["id"] for row in listing()] == [intact["id"]]


# --- 3. clear words for strange files ----------------------------------------------------------


def set_version(database: Path, version: int) -> None:
    conn = sqlite3.connect(database)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


@pytest.mark.parametrize("version", [-1, 1, 0])
def test_a_wrong_schema_number_is_damage_not_a_crash(tmp_path: Path, version: int) -> None:
    data = tmp_path / "data"
    _kept, backup = backed_up(data, 3)
    later = fill(data, 2, seed=5, prefix="later")
    database = data / NAME
    set_version(database, version)
    with AnnotationStore.open(data) as store:
        [message] = store.report.messages
        assert f"The annotation database {database} was damaged (" in message
        assert "schema" in message or "not an annotation database" in message
        assert store.report.restored_backup == backup
        assert "Recovered 2 annotations from the damaged file" in message
        assert everything(store) == later
    [aside] = (data / "damaged").iterdir()
    assert (aside / NAME).exists()


def test_a_schema_that_does_not_match_its_number_is_damage(tmp_path: Path) -> None:
    data = tmp_path / "data"
    kept, _backup = backed_up(data, 3)
    conn = sqlite3.connect(data / NAME)
    conn.execute("CREATE TABLE stranger (x)")
    conn.close()
    with AnnotationStore.open(data) as store:
        [message] = store.report.messages
        assert "damaged (its tables do not match schema" in message
        assert everything(store) == kept


def test_a_folder_where_the_database_belongs_is_explained(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / NAME).mkdir(parents=True)
    with pytest.raises(StoreError) as refused:
        AnnotationStore.open(data)
    message = str(refused.value)
    assert f"The annotation database {data / NAME} is a folder, not a file." in message
    assert "Move or rename that folder" in message


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_a_folder_where_a_side_file_belongs_is_explained(tmp_path: Path, suffix: str) -> None:
    data = tmp_path / "data"
    fill(data, 1)
    side = data / (NAME + suffix)
    side.unlink(missing_ok=True)
    side.mkdir()
    try:
        with AnnotationStore.open(data) as store:
            message = " ".join(store.report.messages)
            assert store.read_only and len(everything(store)) == 1
    except StoreError as error:
        message = str(error)
    assert f"{side} is a folder" in message and "move or rename that folder" in message.lower()


def test_the_command_line_explains_a_folder_in_place_of_the_database() -> None:
    database = data_dir() / NAME
    database.mkdir(parents=True)
    status, out, err = run_cli("annotations")
    assert (status, out) == (EXIT_ERROR, "")
    assert f"reader: The annotation database {database} is a folder, not a file." in err


def test_unreadable_and_failing_files_are_explained(tmp_path: Path) -> None:
    database = tmp_path / NAME
    database.write_bytes(b"")
    denied = describe_failure(database, PermissionError(13, "Permission denied", str(database)))
    assert f"The annotation database {database} cannot be read" in denied
    assert "permission" in denied and "chmod" in denied
    failing = describe_failure(database, OSError(5, "Input/output error", str(database)))
    assert f"{database}" in failing and "disk" in failing and "reader did not change" in failing
