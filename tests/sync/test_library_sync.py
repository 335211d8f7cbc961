"""The library's list on every machine: the same text is the same book, wherever its file is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.annotations.model import Annotation, TextPosition, TextQuote
from reader.annotations.store import AnnotationStore
from reader.document.metadata import Details
from reader.library.catalogue import Library
from reader.sync.changes import Change, encode
from reader.sync.clock import Stamp
from reader.sync.engine import SyncReport, synchronise
from reader.sync.folder import SyncFolder
from reader.sync.journal import Journal

TEXT = "话说天下大势，分久必合，合久必分。"
FINGERPRINT = "ab" * 12
DETAILS = Details("罗贯中", "text", len(TEXT.encode()), len(TEXT))


class Machine:
    def __init__(self, root: Path, name: str) -> None:
        data = root / name
        data.mkdir()
        self.root = root / f"{name}-files"
        self.root.mkdir()
        self.store = AnnotationStore.open(data)
        self.journal = Journal(data / "sync.sqlite")
        self.folder = SyncFolder(root / "Sync", self.journal.machine)
        self.library = Library(self.store, lambda fingerprint: 0)

    def sync(self) -> SyncReport:
        return synchronise(self.store, self.journal, self.folder)

    def open_book(self, name: str = "三国.txt") -> str:
        book = self.root / name
        book.write_text(TEXT, encoding="utf-8")
        return self.store.open_document(FINGERPRINT, "三国演义", book, details=DETAILS).id

    def listed(self) -> dict[str, tuple[str, bool]]:
        """Title -> (author, missing) of every entry of the library."""
        return {e.title: (e.author, e.missing) for e in self.library.entries()}

    def close(self) -> None:
        self.journal.close()
        self.store.close()


@pytest.fixture
def desk_and_laptop(tmp_path: Path) -> Iterator[tuple[Machine, Machine]]:
    (tmp_path / "Sync").mkdir()
    machines = (Machine(tmp_path, "desk"), Machine(tmp_path, "laptop"))
    yield machines
    for machine in machines:
        machine.close()


def test_a_book_read_on_one_machine_is_listed_on_the_other_as_missing_until_its_file_is_there(
    desk_and_laptop: tuple[Machine, Machine],
) -> None:
    desk, laptop = desk_and_laptop
    desk.open_book()
    desk.sync()
    assert laptop.sync().shelved == 1
    assert laptop.listed() == {"三国演义": ("罗贯中", True)}
    laptop.open_book("三国 copy.txt")
    assert laptop.listed() == {"三国演义": ("罗贯中", False)}  # one book, found by its text
    assert laptop.sync().sent == 0  # nothing new to tell: the same entry everywhere


def test_removing_a_book_on_one_machine_removes_it_everywhere_and_keeps_its_notes(
    desk_and_laptop: tuple[Machine, Machine],
) -> None:
    desk, laptop = desk_and_laptop
    desk_id = desk.open_book()
    laptop_id = laptop.open_book()
    note = desk.store.add(
        Annotation(
            id="urn:uuid:00000000-0000-4000-8000-000000000001",
            document_id=desk_id,
            fingerprint=FINGERPRINT,
            quote=TextQuote(TEXT[2:6]),
            position=TextPosition(2, 6),
            note="天下大势",
        )
    )
    for machine in (desk, laptop, desk):
        machine.sync()
    [entry] = laptop.library.entries()
    laptop.library.remove(entry.id)
    laptop.sync()
    report = desk.sync()
    assert report.shelved == 1 and desk.listed() == {}
    assert desk.store.get(note.id) is not None  # the notes stay; the file too
    assert [a.id for a in laptop.store.annotations(laptop_id)] == [note.id]


def test_a_malformed_library_entry_from_another_machine_is_skipped_with_a_message(
    desk_and_laptop: tuple[Machine, Machine],
) -> None:
    desk, laptop = desk_and_laptop
    intruder = "c" * 32
    directory = desk.folder.root / "machines" / intruder
    directory.mkdir(parents=True)
    bad = Change(
        intruder, 1, Stamp(1, 0, intruder), "document", FINGERPRINT, {}, False, {"title": 5}
    )
    (directory / "changes-0000000001-0000000001.jsonl").write_text(encode(bad), encoding="utf-8")
    report = laptop.sync()
    assert laptop.listed() == {}
    assert any("library entry" in problem for problem in report.problems)
