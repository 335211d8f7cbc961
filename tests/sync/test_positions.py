"""Reading positions and note versions through the sync folder, at the engine's level."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reader.annotations.model import Annotation, TextPosition, TextQuote
from reader.annotations.store import AnnotationStore
from reader.sync.annotation_changes import note_versions
from reader.sync.changes import Change, encode
from reader.sync.clock import Stamp
from reader.sync.engine import SyncReport, synchronise
from reader.sync.folder import SyncFolder, unsuitable
from reader.sync.journal import Journal

BOOK = "b" * 64
OTHER_BOOK = "c" * 64
TEXT = "滚滚长江东逝水，浪花淘尽英雄。"


@dataclass
class Machine:
    """A data directory with its store, journal and reading positions (as settings hold them)."""

    data: Path
    store: AnnotationStore
    journal: Journal
    folder: SyncFolder
    positions: dict[str, int] = field(default_factory=dict)

    def sync(self, *, with_positions: bool = True) -> SyncReport:
        positions = dict(self.positions) if with_positions else None
        report = synchronise(self.store, self.journal, self.folder, positions)
        self.positions.update(report.positions)
        return report


Make = Callable[[str], Machine]


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Make]:
    made: list[Machine] = []
    (tmp_path / "Sync").mkdir()

    def machine(name: str) -> Machine:
        data = tmp_path / name
        data.mkdir()
        journal = Journal(data / "sync.sqlite")
        folder = SyncFolder(tmp_path / "Sync", journal.machine)
        made.append(Machine(data, AnnotationStore.open(data), journal, folder))
        return made[-1]

    yield machine
    for each in made:
        each.journal.close()
        each.store.close()


def test_a_position_reached_on_one_machine_is_the_others_next_start(make: Make) -> None:
    desk, laptop = make("desk"), make("laptop")
    desk.positions[BOOK] = 12_345
    desk.sync()
    report = laptop.sync()
    assert report.positions == {BOOK: 12_345}
    assert laptop.sync().sent == 0  # what came in is not sent back as a move
    assert desk.sync().positions == {}


def test_the_latest_position_wins_on_both_machines(make: Make) -> None:
    desk, laptop = make("desk"), make("laptop")
    desk.positions[BOOK] = 100
    desk.sync(), laptop.sync()
    laptop.positions[BOOK] = 900  # read further on the laptop, after the desk's position
    laptop.sync()
    assert desk.sync().positions == {BOOK: 900}
    assert desk.positions == laptop.positions == {BOOK: 900}


def test_positions_of_several_books_arrive_oldest_first(make: Make) -> None:
    desk, laptop = make("desk"), make("laptop")
    desk.positions[BOOK] = 1
    desk.sync()
    desk.positions[OTHER_BOOK] = 2
    desk.sync()
    assert list(laptop.sync().positions) == [BOOK, OTHER_BOOK]


def test_a_position_read_by_a_caller_without_positions_is_applied_later(make: Make) -> None:
    desk, laptop = make("desk"), make("laptop")
    desk.positions[BOOK] = 777
    desk.sync()
    laptop.positions[BOOK] = 5  # an older local position, never synced
    laptop.sync(with_positions=False)  # e.g. a round that only merges annotations
    assert laptop.sync().positions == {BOOK: 777}


@pytest.mark.parametrize("offset", ["ten", -1, True, 1 << 50, None])
def test_a_hostile_position_is_skipped_once_with_a_message(make: Make, offset: object) -> None:
    desk = make("desk")
    stranger = "e" * 32
    change = Change(
        stranger, 1, Stamp(1, 0, stranger), "position", BOOK, {}, False, {"offset": offset}
    )
    directory = desk.folder.root / "machines" / stranger
    directory.mkdir(parents=True)
    (directory / "changes-0000000001-0000000001.jsonl").write_text(encode(change))
    first = desk.sync()
    assert first.positions == {}
    assert any("not an offset" in problem for problem in first.problems)
    assert desk.sync().problems == []  # said once, not every round
    desk.positions[BOOK] = 42  # and a real position still goes out
    assert desk.sync().sent == 1


def test_the_status_is_written_only_when_it_says_something_new(make: Make) -> None:
    desk, laptop = make("desk"), make("laptop")
    desk.positions[BOOK] = 1
    desk.sync()
    status = desk.folder.own_directory / "machine.json"
    written = status.stat().st_mtime_ns, status.read_text()
    status.touch()
    touched = status.stat().st_mtime_ns
    desk.sync()  # nothing new: another window's watcher is not woken
    assert status.stat().st_mtime_ns == touched and status.read_text() == written[1]
    laptop.positions[BOOK] = 2
    laptop.sync()
    desk.sync()  # it read the laptop's change: the others may compact now
    assert laptop.journal.machine in status.read_text()


def test_both_notes_of_an_edit_made_apart_are_versions(make: Make) -> None:
    desk, laptop = make("desk"), make("laptop")
    record = desk.store.open_document(BOOK, "三国", desk.data / "book.txt")
    laptop.store.open_document(BOOK, "三国", laptop.data / "book.txt")
    made = desk.store.add(
        Annotation(
            id="urn:uuid:00000000-0000-4000-8000-000000000001",
            document_id=record.id,
            fingerprint=BOOK,
            quote=TextQuote(TEXT[:7]),
            position=TextPosition(0, 7),
            note="first",
        )
    )
    desk.sync(), laptop.sync()
    desk.store.update(made.id, note="desk's thought")
    desk.sync()
    laptop.store.update(made.id, note="laptop's thought")
    laptop.sync(), desk.sync()
    shown = desk.store.get(made.id)
    assert shown is not None
    versions = [v.note for v in note_versions(desk.journal, made.id)]
    assert shown.note == "laptop's thought"
    assert versions == ["desk's thought", "first"]  # newest first, the shown note left out
    assert [v.note for v in note_versions(laptop.journal, made.id)] == versions
    assert note_versions(desk.journal, "urn:uuid:unknown") == []


def test_a_folder_holding_the_data_or_inside_it_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "home" / ".local" / "share" / "reader"
    (data / "inside").mkdir(parents=True)
    (tmp_path / "Sync").mkdir()
    assert "cannot hold the reader's own data" in str(unsuitable(data / "inside", data))
    assert "cannot hold the reader's own data" in str(unsuitable(tmp_path / "home", data))
    assert "does not exist" in str(unsuitable(tmp_path / "nope", data))
    assert unsuitable(tmp_path / "Sync", data) is None
