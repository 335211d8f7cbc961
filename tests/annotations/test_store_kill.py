"""Kill -9 in the middle of writing: every annotation the writer was told is saved, is.

A child process (`store_child churn`) adds, edits, deletes and restores annotations in a tight
loop and prints each operation's intent before it and the resulting state after its commit. The
test kills it with SIGKILL at random moments, again and again, then opens the store and checks
every acknowledged state exactly. The one operation per kill that may have committed without
being acknowledged is allowed to show either way (and so is each such operation, when several
killed ones touched the same annotation).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.annotations.store import AnnotationStore
from tests.annotations.store_child import DOCUMENTS, state_of

ROOT = Path(__file__).resolve().parents[2]
KILLS = 60
CHILD_TIMEOUT_S = 600
"""A hang detector for the churning child, not a budget."""
SEED = 20261129
UNSTABLE = ("revision", "modified")


def read_until(child: subprocess.Popen[bytes], received: bytearray, acks: int) -> None:
    """Read the child's output into `received` until it holds `acks` acknowledgements."""
    assert child.stdout is not None
    descriptor = child.stdout.fileno()
    while received.count(b'"ack"') < acks:
        ready, _, _ = select.select([descriptor], [], [], CHILD_TIMEOUT_S)
        assert ready, f"no acknowledgement for {CHILD_TIMEOUT_S} s: the child hangs"
        chunk = os.read(descriptor, 65536)
        assert chunk, f"the child ended early: {child.stderr.read() if child.stderr else b''!r}"
        received += chunk


def run_and_kill(data_dir: Path, seed: int, acks: int, delay: float) -> list[dict[str, object]]:
    """Start the churning child and SIGKILL it `delay` seconds after its `acks`-th
    acknowledgement; with `acks` 0, `delay` seconds after the start, so the kill may land while
    it opens and backs up. The delay only picks the moment: any moment must be safe."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.annotations.store_child", "churn", str(data_dir), str(seed)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    received = bytearray()
    try:
        read_until(child, received, acks)
        time.sleep(delay)
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)  # also when the test fails: never leave it running
        assert child.stdout is not None and child.stderr is not None
        received += child.stdout.read()  # what it wrote before dying is still in the pipe
        child.wait()
        child.stdout.close()
        child.stderr.close()
    # A long line goes out in several writes; the kill may cut the last one, even mid-character.
    complete = bytes(received).split(b"\n")[:-1]
    return [json.loads(line.decode("utf-8")) for line in complete]


def reachable(
    base: dict[str, object], intents: list[dict[str, object]]
) -> Iterator[dict[str, object]]:
    """Every state `base` may be in after some of `intents` (each cut short by a kill, so each
    may or may not have committed) took effect, in order."""
    for applied in itertools.product((False, True), repeat=len(intents)):
        state = dict(base)
        for apply, fields in zip(applied, intents, strict=True):
            if apply:
                state.update(fields)
        yield state


def matches(actual: dict[str, object] | None, expected: dict[str, object], exact: bool) -> bool:
    if actual is None:
        return False
    if exact:
        return actual == expected
    return all(actual.get(k) == v for k, v in expected.items() if k not in UNSTABLE)


@pytest.mark.slow
def test_no_acknowledged_annotation_is_lost_to_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(SEED)
    acknowledged: dict[str, dict[str, object]] = {}
    pending: dict[str, list[dict[str, object]]] = {}  # intents whose acknowledgement never came
    acks = during_open = mid_operation = planned = 0
    for kill in range(KILLS):
        if kill % 2:  # after a few operations, somewhere within the next one or two
            wanted, delay = rng.randint(1, 12), rng.uniform(0.0, 0.02)
        else:  # at any moment from the start, opening and backing up included
            wanted, delay = 0, rng.uniform(0.0, 0.25)
        planned += wanted
        events = run_and_kill(data_dir, SEED + kill, wanted, delay)
        during_open += not events
        mid_operation += bool(events) and "intent" in events[-1]
        for event in events:
            if "opened" in event:
                assert not any("damaged" in str(m) for m in event["messages"]), event  # type: ignore[attr-defined]
            elif "intent" in event:
                intents = pending.setdefault(str(event["id"]), [])
                intents.append(dict(event["fields"]))  # type: ignore[call-overload]
            elif "ack" in event:
                state = dict(event["state"])  # type: ignore[call-overload]
                acknowledged[str(event["id"])] = state
                pending.pop(str(event["id"]), None)
                acks += 1

    with AnnotationStore.open(data_dir) as store:
        assert store.report.messages == ()
        found: dict[str, dict[str, object]] = {}
        for document in DOCUMENTS:
            found.update((a.id, state_of(a, False)) for a in store.annotations(document))
            found.update((a.id, state_of(a, True)) for a in store.trash(document))
    lost = []
    for annotation_id, expected in acknowledged.items():
        actual = found.get(annotation_id)
        if matches(actual, expected, exact=True):
            continue
        intents = pending.get(annotation_id, [])
        if any(matches(actual, state, exact=False) for state in reachable(expected, intents)):
            continue
        lost.append((annotation_id, expected, actual))
    for annotation_id, intents in pending.items():  # never acknowledged: absent, or as intended
        if annotation_id not in acknowledged and annotation_id in found:
            added, *later = intents
            states = reachable(added, later)
            assert any(matches(found[annotation_id], state, exact=False) for state in states)

    conn = sqlite3.connect(data_dir / AnnotationStore.DATABASE_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    summary = f"{KILLS} kills, {acks} acknowledged, {len(lost)} lost"
    print(
        f"\n{summary} ({len(acknowledged)} annotations checked field by field; kills before"
        f" the store had opened: {during_open}; between an operation's start and its"
        f" acknowledgement: {mid_operation})"
    )
    assert acks >= planned, summary
    assert lost == [], summary
