"""Kill -9 in the middle of writing: every annotation the writer was told is saved, is.

A child process (`store_child churn`) adds, edits, deletes and restores annotations in a tight
loop and prints each operation's intent before it and the resulting state after its commit. The
test kills it with SIGKILL at random moments, again and again, then opens the store and checks
every acknowledged state exactly. The one operation per kill that may have committed without
being acknowledged is allowed to show either way.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.annotations.store import AnnotationStore
from tests.annotations.store_child import DOCUMENTS, state_of

ROOT = Path(__file__).resolve().parents[2]
KILLS = 60
SEED = 20261129
UNSTABLE = ("revision", "modified")


def run_and_kill(data_dir: Path, seed: int, delay: float, log: Path) -> list[dict[str, object]]:
    """Start the churning child, SIGKILL it `delay` seconds after its first acknowledgement
    (or after start, for odd seeds: then the kill may land while it opens and backs up)."""
    with log.open("w", encoding="utf-8") as output:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.annotations.store_child",
                "churn",
                str(data_dir),
                str(seed),
            ],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.PIPE,
        )
        try:
            started = time.monotonic()
            if seed % 2 == 0:
                while time.monotonic() - started < 10 and b'"ack"' not in log.read_bytes():
                    time.sleep(0.005)
            time.sleep(delay)
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        finally:
            child.send_signal(signal.SIGKILL)  # also when the test fails: never leave it running
            child.wait()
            assert child.stderr is not None
            child.stderr.close()
    # A long line goes out in several writes; the kill may cut the last one, even mid-character.
    complete = log.read_bytes().split(b"\n")[:-1]
    return [json.loads(line.decode("utf-8")) for line in complete]


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
    pending: dict[str, dict[str, object]] = {}  # an intent whose acknowledgement never came
    acks = during_open = mid_operation = 0
    for kill in range(KILLS):
        delay = rng.uniform(0.05, 0.4) if kill % 2 else rng.uniform(0.0, 0.25)
        events = run_and_kill(data_dir, SEED + kill, delay, tmp_path / "log.jsonl")
        during_open += not events
        mid_operation += bool(events) and "intent" in events[-1]
        for event in events:
            if "opened" in event:
                assert not any("damaged" in str(m) for m in event["messages"]), event  # type: ignore[attr-defined]
            elif "intent" in event:
                pending[str(event["id"])] = dict(event["fields"])  # type: ignore[call-overload]
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
        intended = {**expected, **pending.get(annotation_id, {})}
        if annotation_id in pending and matches(actual, intended, exact=False):
            continue
        lost.append((annotation_id, expected, actual))
    for annotation_id, fields in pending.items():  # never acknowledged: absent, or as intended
        if annotation_id not in acknowledged and annotation_id in found:
            assert matches(found[annotation_id], fields, exact=False)

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
    assert acks > KILLS * 5, summary
    assert lost == [], summary
