"""Notes of annotations in the trash: what a delete put there travels whole, and nothing a
machine synced before is lost (the two smallest cases the convergence property found)."""

from __future__ import annotations

from pathlib import Path

from reader.annotations import synced
from reader.annotations.model import Annotation, TextPosition, TextQuote
from reader.annotations.store import AnnotationStore
from reader.sync.annotation_changes import note_versions
from reader.sync.engine import synchronise
from reader.sync.folder import SyncFolder
from reader.sync.journal import Journal

FINGERPRINT = "d" * 64
TEXT = "天下大势，分久必合，合久必分。"
ANNOTATION = "urn:uuid:00000000-0000-4000-8000-000000000001"


class Machine:
    """A data directory with its store and journal, syncing through a shared folder."""

    def __init__(self, root: Path, name: str) -> None:
        data = root / name
        data.mkdir()
        self.store = AnnotationStore.open(data)
        self.journal = Journal(data / "sync.sqlite")
        self.folder = SyncFolder(root / "Sync", self.journal.machine)
        book = root / f"{name}.txt"
        book.write_text(TEXT, encoding="utf-8")
        self.document = self.store.open_document(FINGERPRINT, "三国", book).id

    def close(self) -> None:
        self.journal.close()
        self.store.close()

    def sync(self) -> None:
        synchronise(self.store, self.journal, self.folder)

    def highlight(self, note: str) -> None:
        self.store.add(
            Annotation(
                id=ANNOTATION,
                document_id=self.document,
                fingerprint=FINGERPRINT,
                quote=TextQuote(TEXT[0:2]),
                position=TextPosition(0, 2),
                note=note,
            )
        )

    def shown(self) -> tuple[str, bool]:
        """The annotation's note and whether it is in the trash, as a user sees them here."""
        found = {c.id: (c.note, c.deleted) for c in synced.contents(self.store)}
        return found[ANNOTATION]

    def earlier_notes(self) -> list[str]:
        return [version.note for version in note_versions(self.journal, ANNOTATION)]


def two_machines(root: Path) -> tuple[Machine, Machine]:
    (root / "Sync").mkdir()
    return Machine(root, "desk"), Machine(root, "laptop")


def test_a_note_edited_then_deleted_shows_the_edit_in_every_trash(tmp_path: Path) -> None:
    """Found by the convergence property: the delete carried the edited note, but the other
    machines showed the note of the last live version in their trash, so they diverged."""
    desk, laptop = two_machines(tmp_path)
    try:
        desk.highlight("first thought")
        desk.sync()
        desk.store.update(ANNOTATION, note="second thought")
        desk.store.delete(ANNOTATION)
        desk.sync()
        laptop.sync()
        assert desk.shown() == ("second thought", True)
        assert laptop.shown() == desk.shown(), "the trash shows another note on the laptop"
        assert laptop.earlier_notes() == ["first thought"]
    finally:
        desk.close(), laptop.close()


def test_a_note_edited_in_the_trash_keeps_the_note_it_was_deleted_with(tmp_path: Path) -> None:
    """Found by the convergence property: the note a delete had synced was in no version the
    merge kept once the note was edited in the trash, so it was lost on every machine."""
    desk, laptop = two_machines(tmp_path)
    try:
        desk.highlight("synced note")
        desk.store.delete(ANNOTATION)
        desk.sync()
        desk.store.update(ANNOTATION, note="written in the trash")
        desk.sync()
        laptop.sync()
        assert laptop.shown() == desk.shown() == ("written in the trash", True)
        for machine in (desk, laptop):
            assert machine.earlier_notes() == ["synced note"], "the synced note was lost"
    finally:
        desk.close(), laptop.close()
