"""Merging changes from several machines: the same state everywhere, nothing acknowledged lost."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.sync.changes import Change
from reader.sync.clock import HybridClock, Stamp
from reader.sync.merge import MergedThing, causal_past, merge

MACHINES = ("a" * 32, "b" * 32, "c" * 32)


@dataclass
class Machine:
    """A simulated machine: its clock, its changes, and the changes it has read."""

    name: str
    clock: HybridClock
    known: dict[tuple[str, int], Change] = field(default_factory=dict)
    made: int = 0

    def state(self) -> dict[tuple[str, str], MergedThing]:
        return merge(self.known.values())

    def change(self, now: int, key: str, *, note: str = "", deleted: bool = False) -> Change:
        """Edit (or delete) `key` as this machine shows it now, as a user would: a delete
        carries the state it puts in the trash, as the reader's do."""
        seen = causal_past(c for c in self.known.values() if c.key == key)
        self.made += 1
        made = Change(
            self.name,
            self.made,
            self.clock.tick(now),
            "annotation",
            key,
            seen,
            deleted,
            {"note": note},
        )
        self.known[made.identity] = made
        return made

    def receive(self, changes: list[Change]) -> None:
        for change in changes:
            self.clock.observe(change.stamp)
            self.known.setdefault(change.identity, change)


def machines() -> list[Machine]:
    return [Machine(name, HybridClock(name)) for name in MACHINES]


def test_two_edits_made_apart_both_kept_the_later_shown() -> None:
    a, b, _ = machines()
    a.change(1000, "x", note="first")
    b.receive(list(a.known.values()))
    a.change(2000, "x", note="from a")
    b.change(3000, "x", note="from b")
    a.receive(list(b.known.values()))
    b.receive(list(a.known.values()))
    thing = a.state()[("annotation", "x")]
    assert thing.current is not None and thing.current.body == {"note": "from b"}
    assert [v.body["note"] for v in thing.history] == ["from a", "first"]
    assert a.state() == b.state()


def test_an_edit_made_apart_from_a_delete_stands_and_the_delete_is_reported() -> None:
    a, b, _ = machines()
    a.change(1000, "x", note="kept")
    b.receive(list(a.known.values()))
    deleted = b.change(5000, "x", deleted=True)  # later by the clock, but without a's edit
    a.change(2000, "x", note="edited while apart")
    a.receive(list(b.known.values()))
    thing = a.state()[("annotation", "x")]
    assert thing.current is not None and thing.current.body == {"note": "edited while apart"}
    assert thing.overruled_deletes == (deleted,)


def test_a_delete_made_after_seeing_the_edit_removes_it_and_a_restore_brings_it_back() -> None:
    a, b, _ = machines()
    a.change(1000, "x", note="note")
    b.receive(list(a.known.values()))
    b.change(2000, "x", note="note", deleted=True)
    a.receive(list(b.known.values()))
    gone = a.state()[("annotation", "x")]
    assert gone.current is None and gone.last_version is not None
    assert gone.last_version.body == {"note": "note"}
    a.change(3000, "x", note="note")  # restored
    back = a.state()[("annotation", "x")]
    assert back.current is not None and back.overruled_deletes == ()


def test_a_machine_whose_clock_runs_behind_still_orders_after_what_it_read() -> None:
    a, b, _ = machines()
    a.change(10_000_000, "x", note="from the future")
    b.receive(list(a.known.values()))
    later = b.change(1000, "x", note="made after reading it")
    thing = b.state()[("annotation", "x")]
    assert thing.current == later
    assert later.stamp > Stamp(10_000_000, 0, MACHINES[0])


def test_one_change_id_with_two_contents_merges_the_same_in_any_order() -> None:
    one = Change(MACHINES[0], 1, Stamp(1, 0, MACHINES[0]), "annotation", "x", {}, False, {"n": 1})
    other = Change(MACHINES[0], 1, Stamp(1, 0, MACHINES[0]), "annotation", "x", {}, False, {"n": 2})
    assert merge([one, other]) == merge([other, one])


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[str, int, str, bool, int]]:
    """Steps of a random life: (machine, time, key, delete?, deliveries to shuffle in)."""
    steps = draw(st.integers(1, 40))
    return [
        (
            draw(st.sampled_from(MACHINES)),
            draw(st.integers(0, 10_000)),
            draw(st.sampled_from("xyz")),
            draw(st.booleans()),
            draw(st.integers(0, 3)),
        )
        for _ in range(steps)
    ]


@settings(max_examples=300, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_three_machines_converge_whatever_arrives_when(
    steps: list[tuple[str, int, str, bool, int]], chance: random.Random
) -> None:
    """Changes made on three machines, delivered late, partly, twice and out of order, then
    all delivered: every machine ends with the same state, and every state anybody made, the
    deleted ones included, is shown or in the history."""
    group = {m.name: m for m in machines()}
    made: list[Change] = []
    for machine, now, key, delete, deliveries in steps:
        shown = group[machine].state().get(("annotation", key))
        delete = delete and shown is not None and shown.current is not None
        made.append(group[machine].change(now, key, note=f"{machine[0]}{now}", deleted=delete))
        for _ in range(deliveries):  # a partial, shuffled, duplicated delivery
            receiver = group[chance.choice(MACHINES)]
            sample = chance.sample(made, k=chance.randint(0, len(made)))
            receiver.receive(sample + sample[: len(sample) // 2])
    for machine in group.values():
        everything = list(made)
        chance.shuffle(everything)
        machine.receive(everything)
    states = [machine.state() for machine in group.values()]
    assert states[0] == states[1] == states[2]
    for version in made:
        thing = states[0][version.subject]
        versions = (thing.current, thing.last_version, *thing.history)
        assert version.body in [v.body for v in versions if v is not None]


def test_a_delete_removes_what_its_machine_knew_through_others_without_resurrecting_it() -> None:
    a, b, c = machines()
    first = a.change(1000, "x", note="first")
    b.receive([first])
    second = b.change(2000, "x", note="second")
    c.receive([second])  # c never receives `first` itself, only the version made after it
    c.change(3000, "x", deleted=True)
    for machine in (a, b, c):
        machine.receive([first, second, *c.known.values()])
    thing = a.state()[("annotation", "x")]
    assert thing.current is None and thing.overruled_deletes == ()


def test_an_edit_older_by_the_clock_than_the_deleted_version_still_wins() -> None:
    """Clocks do not decide what a delete saw: b's clock runs ahead, and b deletes its own
    later version without having seen a's edit, so a's edit stands."""
    a, b, _ = machines()
    created = a.change(1000, "x", note="created")
    b.receive([created])
    b.change(9_000_000, "x", note="b's version")
    a_edit = a.change(2000, "x", note="a's version")
    deleted = b.change(9_000_001, "x", deleted=True)
    a.receive(list(b.known.values()))
    thing = a.state()[("annotation", "x")]
    assert thing.current == a_edit and thing.overruled_deletes == (deleted,)
