"""Figures for issue 14: notes on every machine through a sync folder.

Run from the project root::

    .venv/bin/python benchmarks/bench_sync.py [--runs N] [--annotations N] [--edits N]

Three machines (three data directories with their own stores and journals, one folder) share
10,000 annotations on the novel (made by `bench_annotations.make_annotations`): the first holds
them and syncs, the other two join. Then each machine edits 1,000 of them while apart (notes,
colours, a tenth deleted; the three choices overlap, so many edits compete), and they merge:
each syncs in turn, twice round. It prints, as medians of N runs:

- joining: the first machine sending its 10,000, and each other machine taking them in;
- merging: each machine's round after the edits (the one that takes the others' edits in);
- the folder's size, and the number of files in it;
- a fourth machine joining from the folder (all changes of all three);
- the baseline: one `store.import_annotations` of the same 10,000 into a fresh store.

It checks that the four machines end with the same annotations and prints that too.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_annotations import make_annotations

from reader.annotations import synced
from reader.annotations.model import Colour
from reader.annotations.store import AnnotationStore
from reader.document.loader import load_document
from reader.sync.engine import synchronise
from reader.sync.folder import SyncFolder
from reader.sync.journal import Journal

NOVEL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "hongloumeng.txt"


class Machine:
    def __init__(self, root: Path, name: str, folder: Path, fingerprint: str, title: str) -> None:
        data = root / name
        data.mkdir()
        self.store = AnnotationStore.open(data)
        self.journal = Journal(data / "sync.sqlite")
        self.folder = SyncFolder(folder, self.journal.machine)
        self.document = self.store.open_document(fingerprint, title, NOVEL).id

    def sync(self) -> float:
        started = time.perf_counter()
        synchronise(self.store, self.journal, self.folder)
        return time.perf_counter() - started

    def shown(self) -> dict[str, tuple[str, str, tuple[str, ...], bool]]:
        return {c.id: (c.colour, c.note, c.tags, c.deleted) for c in synced.contents(self.store)}

    def close(self) -> None:
        self.journal.close()
        self.store.close()


def one_run(count: int, edits: int, seed: int) -> dict[str, float]:
    document = load_document(NOVEL)
    annotations = make_annotations(document, count)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        folder = root / "Sync"
        folder.mkdir()
        baseline = AnnotationStore.open(root / "baseline-store")
        started = time.perf_counter()
        baseline.import_annotations(annotations)
        figures["baseline: import_annotations"] = time.perf_counter() - started
        baseline.close()
        machines = [
            Machine(root, name, folder, document.fingerprint, document.title)
            for name in ("one", "two", "three")
        ]
        first = machines[0]
        first.store.import_annotations(
            [replace(a, document_id=first.document) for a in annotations]
        )
        figures["join: first sends"] = first.sync()
        figures["join: second takes in"] = machines[1].sync()
        figures["join: third takes in"] = machines[2].sync()
        chance = random.Random(seed)
        ids = [a.id for a in annotations]
        for number, machine in enumerate(machines):
            for annotation_id in chance.sample(ids, edits):
                if chance.random() < 0.1:
                    machine.store.delete(annotation_id)
                else:
                    colour = chance.choice(list(Colour))
                    machine.store.update(annotation_id, note=f"edit {number}", colour=colour)
        for number, machine in enumerate(machines):
            figures[f"merge: machine {number + 1}, first round"] = machine.sync()
        for number, machine in enumerate(machines):
            figures[f"merge: machine {number + 1}, second round"] = machine.sync()
        files = [p for p in folder.rglob("*") if p.is_file()]
        figures["folder size (MB)"] = sum(p.stat().st_size for p in files) / 1e6
        figures["folder files"] = len(files)
        fourth = Machine(root, "four", folder, document.fingerprint, document.title)
        figures["fourth machine joins"] = fourth.sync()
        states = [m.shown() for m in [*machines, fourth]]
        figures["all four agree (1 = yes)"] = float(all(s == states[0] for s in states))
        for machine in [*machines, fourth]:
            machine.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=1_000)
    options = parser.parse_args()
    runs = [one_run(options.annotations, options.edits, seed) for seed in range(options.runs)]
    print(
        f"{options.annotations} annotations on the novel, {options.edits} edits per machine "
        f"while apart, {options.runs} runs (median, min-max):"
    )
    for name in runs[0]:
        values = [run[name] for run in runs]
        unit = "" if "(" in name or name == "folder files" else " s"
        print(
            f"  {name:<42} {statistics.median(values):9.3f}{unit}"
            f"   ({min(values):.3f}-{max(values):.3f})"
        )


if __name__ == "__main__":
    main()
