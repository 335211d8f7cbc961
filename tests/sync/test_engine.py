"""Sync between real annotation stores through one folder, as two or three machines would."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reader.annotations import synced
from reader.annotations.model import Annotation, Colour, TextPosition, TextQuote
from reader.annotations.store import AnnotationStore
from reader.sync.annotation_changes import history
from reader.sync.engine import SyncReport, synchronise
from reader.sync.folder import SyncFolder
from reader.sync.journal import Journal

FINGERPRINT = "f" * 64
TEXT = "滚滚长江东逝水，浪花淘尽英雄。是非成败转头空，青山依旧在，几度夕阳红。"


@dataclass
class Machine:
    """A data directory with its store and journal, and the sync folder it sees."""

    store: AnnotationStore
    journal: Journal
    folder: SyncFolder
    document_id: str

    def sync(self) -> SyncReport:
        return synchronise(self.store, self.journal, self.folder)

    def highlight(self, start: int, end: int, note: str = "") -> Annotation:
        return self.store.add(
            Annotation(
                id=f"urn:uuid:00000000-0000-4000-8000-{start:012d}",
                document_id=self.document_id,
                fingerprint=FINGERPRINT,
                quote=TextQuote(TEXT[start:end]),
                position=TextPosition(start, end),
                note=note,
            )
        )

    def shown(self) -> dict[str, tuple[str, str, tuple[str, ...], bool]]:
        """Everything a user can see of the annotations, by id."""
        return {c.id: (c.colour, c.note, c.tags, c.deleted) for c in synced.contents(self.store)}


@pytest.fixture
def machine_maker(tmp_path: Path) -> Iterator[callable]:  # type: ignore[valid-type]
    opened: list[Machine] = []

    def make(name: str, folder: Path | None = None, *, opens_document: bool = True) -> Machine:
        data = tmp_path / name
        data.mkdir()
        store = AnnotationStore.open(data)
        journal = Journal(data / "sync.sqlite")
        book = tmp_path / f"{name}-book.txt"
        book.write_text(TEXT, encoding="utf-8")
        record = store.open_document(FINGERPRINT, "三国演义", book) if opens_document else None
        machine = Machine(
            store,
            journal,
            SyncFolder(folder or tmp_path / "Sync", journal.machine),
            record.id if record else "",
        )
        opened.append(machine)
        return machine

    (tmp_path / "Sync").mkdir()
    yield make
    for machine in opened:
        machine.journal.close()
        machine.store.close()


def test_a_highlight_made_on_one_machine_appears_on_the_other(machine_maker) -> None:  # type: ignore[no-untyped-def]
    desk, laptop = machine_maker("desk"), machine_maker("laptop")
    made = desk.highlight(0, 7, note="开篇词")
    assert desk.sync().sent == 2  # the highlight, and the book's place in the library
    report = laptop.sync()
    assert report.received == 1
    arrived = laptop.store.get(made.id)
    assert arrived is not None and arrived.note == "开篇词"
    assert arrived.document_id == laptop.document_id  # the same text is the same book
    assert laptop.sync().sent == 0  # what came in is not sent back as an edit


def test_a_machine_that_never_opened_the_book_keeps_the_notes_for_when_it_does(
    machine_maker,  # type: ignore[no-untyped-def]
) -> None:
    desk = machine_maker("desk")
    newcomer = machine_maker("newcomer", opens_document=False)
    made = desk.highlight(8, 15, note="浪花")
    desk.sync()
    newcomer.sync()
    book = newcomer.folder.root.parent / "newcomer-book.txt"
    record = newcomer.store.open_document(FINGERPRINT, "三国演义", book)
    assert [a.id for a in newcomer.store.annotations(record.id)] == [made.id]


def test_notes_edited_on_both_machines_while_apart_keep_both_versions(machine_maker) -> None:  # type: ignore[no-untyped-def]
    desk, laptop = machine_maker("desk"), machine_maker("laptop")
    made = desk.highlight(0, 7, note="first")
    desk.sync(), laptop.sync()
    desk.store.update(made.id, note="desk's thought")
    laptop.store.update(made.id, note="laptop's thought")
    for machine in (desk, laptop, desk, laptop):
        machine.sync()
    assert desk.shown() == laptop.shown()
    shown_note = desk.shown()[made.id][1]
    versions = history(desk.journal, made.id)
    assert versions is not None
    earlier = {version.body.get("body", [{}])[0].get("value") for version in versions.history}
    assert shown_note in {"desk's thought", "laptop's thought"}
    assert ({"desk's thought", "laptop's thought"} - {shown_note}) <= earlier


def test_a_delete_on_one_machine_and_an_edit_on_the_other_keep_the_edit_and_say_so(
    machine_maker,  # type: ignore[no-untyped-def]
) -> None:
    desk, laptop = machine_maker("desk"), machine_maker("laptop")
    made = desk.highlight(0, 7, note="keep me?")
    desk.sync(), laptop.sync()
    desk.store.delete(made.id)
    laptop.store.update(made.id, note="I still need this")
    desk.sync()
    report = laptop.sync()
    desk_report = desk.sync()
    assert desk.shown()[made.id] == ("yellow", "I still need this", (), False)
    assert desk.shown() == laptop.shown()
    told = report.notices + desk_report.notices
    assert any("the edit was kept" in notice for notice in told)


def test_a_missing_folder_keeps_everything_here_and_catches_up_later(
    machine_maker,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    share = tmp_path / "share"
    desk = machine_maker("desk", share)
    made = desk.highlight(0, 7, note="offline")
    report = desk.sync()
    assert report.sent == 0 and "is missing" in report.problems[0]
    assert desk.store.get(made.id) is not None
    share.mkdir()
    assert desk.sync().sent == 2  # the highlight and the book, kept while the folder was gone
    laptop = machine_maker("laptop", share)
    laptop.sync()
    assert laptop.store.get(made.id) is not None


def test_a_hostile_file_in_the_folder_is_skipped_and_the_rest_merges(
    machine_maker,  # type: ignore[no-untyped-def]
) -> None:
    desk, laptop = machine_maker("desk"), machine_maker("laptop")
    made = desk.highlight(0, 7, note="real")
    desk.sync()
    hostile = desk.folder.own_directory / "changes-0000000002-0000000002.jsonl"
    hostile.write_text('{"format": 1, "body": ' * 50 + "\n", encoding="utf-8")
    report = laptop.sync()
    assert laptop.store.get(made.id) is not None
    assert any(hostile.name in problem for problem in report.problems)


def test_a_machine_joining_later_gets_everything_even_after_compaction(
    machine_maker,  # type: ignore[no-untyped-def]
) -> None:
    desk, laptop = machine_maker("desk"), machine_maker("laptop")
    for start in range(0, 30, 3):
        desk.highlight(start, start + 2, note=f"note {start}")
        desk.sync()
        laptop.sync()
    desk.sync()  # laptop has read everything: desk's files are joined
    assert len(list(desk.folder.own_directory.glob("changes-*"))) < 10
    newcomer = machine_maker("newcomer")
    newcomer.sync()
    assert newcomer.shown() == desk.shown() == laptop.shown()


def test_a_folder_replayed_from_an_old_backup_changes_nothing(
    machine_maker,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    desk, laptop = machine_maker("desk"), machine_maker("laptop")
    made = desk.highlight(0, 7, note="old")
    desk.sync(), laptop.sync()
    backup = tmp_path / "backup"
    shutil.copytree(desk.folder.root, backup)
    desk.store.update(made.id, note="new", colour=Colour.GREEN)
    desk.sync(), laptop.sync()
    shutil.copytree(backup, desk.folder.root, dirs_exist_ok=True)  # old files come back
    desk.sync(), laptop.sync()
    assert desk.shown()[made.id] == laptop.shown()[made.id] == ("green", "new", (), False)
