"""The sync folder: own files written whole, everybody's read however they arrive."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from reader.sync.changes import Change, encode
from reader.sync.clock import Stamp
from reader.sync.folder import MachineStatus, SyncFolder, SyncFolderError

HERE, THERE = "1" * 32, "2" * 32


def changes(machine: str, first: int, last: int) -> list[Change]:
    return [
        Change(
            machine,
            n,
            Stamp(1000 + n, 0, machine),
            "annotation",
            f"k{n}",
            {},
            False,
            {"note": f"note {n}"},
        )
        for n in range(first, last + 1)
    ]


def test_a_batch_written_is_read_back_by_every_machine(tmp_path: Path) -> None:
    SyncFolder(tmp_path, HERE).write_batch(changes(HERE, 1, 3))
    SyncFolder(tmp_path, THERE).write_batch(changes(THERE, 1, 2))
    reading = SyncFolder(tmp_path, THERE).read()
    assert sorted(c.identity for c in reading.changes) == sorted(
        [(HERE, 1), (HERE, 2), (HERE, 3), (THERE, 1), (THERE, 2)]
    )
    assert reading.problems == []
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary files left behind


def test_a_file_still_arriving_is_read_to_its_last_complete_line_then_in_full(
    tmp_path: Path,
) -> None:
    whole = SyncFolder(tmp_path, THERE).write_batch(changes(THERE, 1, 3))
    content = whole.read_bytes()
    whole.write_bytes(content[: len(content) - 20])  # the last line is half there
    reader = SyncFolder(tmp_path, HERE)
    assert [c.sequence for c in reader.read().changes] == [1, 2]
    whole.write_bytes(content)
    assert [c.sequence for c in reader.read().changes] == [1, 2, 3]


def test_conflict_copies_made_by_sync_tools_are_merged_too(tmp_path: Path) -> None:
    original = SyncFolder(tmp_path, THERE).write_batch(changes(THERE, 1, 2))
    directory = original.parent
    stem = original.name.removesuffix(".jsonl")
    extra = "".join(encode(c) for c in changes(THERE, 1, 3))
    for name in (
        f"{stem}.sync-conflict-20261203-120000-ABCDEFG.jsonl",
        f"{stem} (conflicted copy 2026-12-03).jsonl",
        f"{original.name}.orig",
    ):
        (directory / name).write_text(extra, encoding="utf-8")
    reading = SyncFolder(tmp_path, HERE).read()
    assert {c.sequence for c in reading.changes} == {1, 2, 3}
    assert reading.problems == []


@pytest.mark.parametrize(
    "bad_line",
    [
        "not json at all\n",
        '{"format": 1, "machine": 5}\n',
        "[" * 100_000 + "]" * 100_000 + "\n",
        json.dumps({"format": 99}) + "\n",
        "x" * (2 << 20) + "\n",
    ],
    ids=["not json", "wrong types", "deep nesting", "unknown format", "huge line"],
)
def test_a_hostile_file_is_skipped_whole_with_a_message(tmp_path: Path, bad_line: str) -> None:
    good = SyncFolder(tmp_path, THERE).write_batch(changes(THERE, 1, 2))
    hostile = good.with_name("changes-0000000003-0000000004.jsonl")
    hostile.write_text(encode(changes(THERE, 3, 3)[0]) + bad_line, encoding="utf-8")
    reading = SyncFolder(tmp_path, HERE).read()
    assert [c.sequence for c in reading.changes] == [1, 2]  # nothing of the bad file, not half
    assert len(reading.problems) == 1 and hostile.name in reading.problems[0]


def test_changes_claiming_another_machine_are_refused(tmp_path: Path) -> None:
    impostor = SyncFolder(tmp_path, THERE).own_directory
    impostor.mkdir(parents=True)
    (impostor / "changes-0000000001-0000000001.jsonl").write_text(
        encode(changes(HERE, 1, 1)[0]), encoding="utf-8"
    )
    reading = SyncFolder(tmp_path, HERE).read()
    assert reading.changes == [] and "another machine" in reading.problems[0]


def test_files_and_folders_that_are_not_ours_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "machines" / "notes").mkdir(parents=True)
    (tmp_path / "machines" / "notes" / "changes-1-1.jsonl").write_text("x", encoding="utf-8")
    (tmp_path / "holiday.jpg").write_bytes(b"\xff\xd8")
    assert SyncFolder(tmp_path, HERE).read().changes == []


def test_a_missing_folder_is_not_created_on_the_local_disk(tmp_path: Path) -> None:
    share = tmp_path / "unmounted-share"
    with pytest.raises(SyncFolderError, match="missing"):
        SyncFolder(share, HERE).write_batch(changes(HERE, 1, 1))
    assert not share.exists()
    assert SyncFolder(share, HERE).read().changes == []


@pytest.mark.unprivileged
def test_a_read_only_folder_says_so_and_keeps_nothing_half_written(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(SyncFolderError):
            SyncFolder(tmp_path, HERE).write_batch(changes(HERE, 1, 1))
    finally:
        tmp_path.chmod(0o755)
    assert list(tmp_path.iterdir()) == []


def test_compaction_joins_what_everyone_read_and_loses_nothing(tmp_path: Path) -> None:
    folder = SyncFolder(tmp_path, HERE)
    for first in (1, 3, 5, 7):
        folder.write_batch(changes(HERE, first, first + 1))
    assert folder.compact(read_by_everyone=6) == 3
    names = sorted(p.name for p in folder.own_directory.iterdir())
    assert names == ["changes-0000000001-0000000006.jsonl", "changes-0000000007-0000000008.jsonl"]
    newcomer = SyncFolder(tmp_path, THERE).read()
    assert sorted(c.sequence for c in newcomer.changes) == list(range(1, 9))


def test_machine_statuses_say_how_far_each_has_read(tmp_path: Path) -> None:
    SyncFolder(tmp_path, HERE).write_status(
        MachineStatus(HERE, "desk", "2026-12-03T10:00Z", {THERE: 4})
    )
    (tmp_path / "machines" / THERE).mkdir()
    (tmp_path / "machines" / THERE / "machine.json").write_text("{broken", encoding="utf-8")
    statuses = SyncFolder(tmp_path, THERE).statuses()
    assert statuses == [MachineStatus(HERE, "desk", "2026-12-03T10:00Z", {THERE: 4})]


def test_a_full_disk_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk shows itself when the data is forced out (fault injected at `fsync`)."""

    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    folder = SyncFolder(tmp_path, HERE)
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(SyncFolderError, match="No space left"):
        folder.write_batch(changes(HERE, 1, 1))
    assert list(folder.own_directory.iterdir()) == []
