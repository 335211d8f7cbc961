"""Three machines with real stores, files delivered late, partly, twice and out of order:
all end with the same annotations, and no note that any machine synced is lost."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.annotations import synced
from reader.annotations.model import Annotation, TextPosition, TextQuote
from reader.annotations.store import AnnotationStore
from reader.sync.annotation_changes import history
from reader.sync.engine import synchronise
from reader.sync.folder import SyncFolder
from reader.sync.journal import Journal

FINGERPRINT = "e" * 64
TEXT = "天下大势，分久必合，合久必分。周末七国分争，并入于秦。"


class Replica:
    """One machine: its store, its journal, and its own copy of the sync folder."""

    def __init__(self, root: Path, name: str) -> None:
        data = root / name
        data.mkdir()
        self.store = AnnotationStore.open(data)
        self.journal = Journal(data / "sync.sqlite")
        self.view = root / f"{name}-folder"
        self.view.mkdir()
        self.folder = SyncFolder(self.view, self.journal.machine)
        book = root / f"{name}.txt"
        book.write_text(TEXT, encoding="utf-8")
        self.document = self.store.open_document(FINGERPRINT, "三国", book).id

    def close(self) -> None:
        self.journal.close()
        self.store.close()

    def sync(self) -> set[tuple[str, str]]:
        """Run a round; the notes it acknowledged (those in the store when it started)."""
        acknowledged = {(key, note) for key, (note, _, _) in self.shown().items()}
        synchronise(self.store, self.journal, self.folder)
        return acknowledged

    def deliver_to(self, other: Replica, cut: float | None) -> None:
        """Copy this machine's files into the other's folder, the last one cut short maybe."""
        source = self.folder.own_directory
        if not source.is_dir():
            return
        target = other.view / "machines" / source.name
        target.mkdir(parents=True, exist_ok=True)
        files = sorted(source.iterdir())
        for index, path in enumerate(files):
            content = path.read_bytes()
            if cut is not None and index == len(files) - 1:
                content = content[: int(len(content) * cut)]
            (target / path.name).write_bytes(content)

    def shown(self) -> dict[str, tuple[str, tuple[str, ...], bool]]:
        return {c.id: (c.note, c.tags, c.deleted) for c in synced.contents(self.store)}


operations = st.lists(
    st.tuples(
        st.integers(0, 2),  # machine
        st.sampled_from(["highlight", "note", "delete", "restore", "sync", "deliver"]),
        st.integers(0, 9),  # which annotation / which receiver
        st.one_of(st.none(), st.floats(0.1, 0.95)),  # a delivery cut short
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(operations)
def test_three_machines_end_with_the_same_notes_and_lose_none(
    steps: list[tuple[int, str, int, float | None]],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        machines = [Replica(root, name) for name in ("one", "two", "three")]
        acknowledged: set[tuple[str, str]] = set()
        try:
            for number, (who, action, which, cut) in enumerate(steps):
                machine = machines[who]
                ids = sorted(machine.shown())
                if action == "highlight":
                    machine.store.add(_annotation(machine.document, which, f"n{number}"))
                elif action in ("note", "delete", "restore") and ids:
                    target = ids[which % len(ids)]
                    if action == "note":
                        machine.store.update(target, note=f"n{number}")
                    elif action == "delete":
                        machine.store.delete(target)
                    else:
                        machine.store.restore(target)
                elif action == "sync":
                    acknowledged |= machine.sync()
                elif action == "deliver":
                    machine.deliver_to(machines[which % 3], cut)
            for _ in range(3):  # everybody syncs, every file arrives whole
                for machine in machines:
                    acknowledged |= machine.sync()
                for sender in machines:
                    for receiver in machines:
                        if sender is not receiver:
                            sender.deliver_to(receiver, None)
            for machine in machines:
                machine.sync()
            assert machines[0].shown() == machines[1].shown() == machines[2].shown()
            for annotation_id, note in acknowledged:
                versions = history(machines[0].journal, annotation_id)
                assert versions is not None
                kept = [
                    versions.current,
                    versions.last_version,
                    versions.deleted_by,
                    *versions.history,
                ]
                notes = {_note_of(v.body) for v in kept if v is not None}
                assert note in notes
        finally:
            for machine in machines:
                machine.close()
            shutil.rmtree(root, ignore_errors=True)


def _annotation(document_id: str, which: int, note: str) -> Annotation:
    start = which * 2
    return Annotation(
        id=f"urn:uuid:{uuid.uuid4()}",
        document_id=document_id,
        fingerprint=FINGERPRINT,
        quote=TextQuote(TEXT[start : start + 2]),
        position=TextPosition(start, start + 2),
        note=note,
    )


def _note_of(body: object) -> str:
    assert isinstance(body, dict)
    bodies = body.get("body", [])
    notes = [b["value"] for b in bodies if b.get("purpose") == "commenting"]
    return notes[0] if notes else ""
