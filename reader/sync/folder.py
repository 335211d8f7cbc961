"""The sync folder on disk: each machine's own files, written whole, read however they arrive.

    FOLDER/machines/MACHINE/changes-0000000001-0000000042.jsonl   changes 1..42, one per line
    FOLDER/machines/MACHINE/machine.json                          its name, when it last wrote,
                                                                  and how far it has read others

A machine only ever writes inside its own directory, and a batch of changes is a new file that
is never modified afterwards, so the sync tool never sees two writers on one file. Files are
written under a hidden temporary name and renamed into place. A file still arriving is read up
to its last complete line and read again when it has grown; a conflict copy the sync tool made
anyway (``*.sync-conflict-*``, ``* (conflicted copy)*``, ``*.orig``) starts with the same name
and is read like the original. A file that is not ours (bad lines, changes of another machine,
too large) is skipped whole, with a message, never read half-way.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.sync.changes import Change, MalformedChangeError, decode, encode

MAX_FILE_BYTES = 256 << 20
MACHINE_NAME = re.compile(r"[0-9a-f]{32}")
BATCH_NAME = re.compile(r"changes-(\d{10})-(\d{10})")


class SyncFolderError(OSError):
    """The folder cannot be written (missing, read-only, full, gone): sync catches up later."""


@dataclass(frozen=True)
class MachineStatus:
    """What a machine says of itself in its `machine.json`."""

    machine: str
    name: str
    written: str
    seen: dict[str, int]


@dataclass
class _FileReading:
    size: int
    modified: int
    changes: list[Change]


@dataclass
class FolderReading:
    """Everything readable in the folder now, and what was skipped and why."""

    changes: list[Change]
    problems: list[str]


@dataclass
class SyncFolder:
    """One machine's view of the folder: it writes its own files and reads everybody's."""

    root: Path
    machine: str
    _read: dict[Path, _FileReading] = field(default_factory=dict)

    @property
    def own_directory(self) -> Path:
        """Where this machine's files go."""
        return self.root / "machines" / self.machine

    def write_batch(self, changes: Sequence[Change]) -> Path:
        """Write this machine's `changes` (consecutive sequence numbers) as one new file."""
        first, last = changes[0].sequence, changes[-1].sequence
        name = f"changes-{first:010d}-{last:010d}.jsonl"
        content = "".join(encode(change) for change in changes)
        return self._write(name, content)

    def write_status(self, status: MachineStatus) -> None:
        """Say how far this machine has read the others (compaction waits for everyone)."""
        record = {"format": 1, "machine": status.machine, "name": status.name}
        record |= {"written": status.written, "seen": status.seen}
        self._write("machine.json", json.dumps(record, ensure_ascii=False, sort_keys=True))

    def read(self) -> FolderReading:
        """Every change in the folder's files (a file unchanged since the last read is not read
        again); unreadable or foreign files are listed in `problems`."""
        changes: list[Change] = []
        problems: list[str] = []
        for directory in self._machine_directories():
            for path in sorted(directory.glob("changes-*")):
                try:
                    changes.extend(self._changes_in(path, directory.name))
                except (OSError, MalformedChangeError, UnicodeDecodeError) as error:
                    problems.append(f"Skipped {path.name} of machine {directory.name}: {error}")
        return FolderReading(changes, problems)

    def statuses(self) -> list[MachineStatus]:
        """What each machine (this one included) last said of itself; unreadable ones skipped."""
        found = []
        for directory in self._machine_directories():
            try:
                found.append(_status(directory))
            except (OSError, ValueError, TypeError, KeyError, RecursionError):
                continue
        return found

    def compact(self, read_by_everyone: int) -> int:
        """Join this machine's batch files that every known machine has read up to change
        `read_by_everyone` into one file; the number of files removed. Nothing is dropped: a
        machine that joins later still finds every change."""
        covered = sorted(
            (int(m[1]), int(m[2]), path)
            for path in self.own_directory.glob("changes-*.jsonl")
            if (m := BATCH_NAME.fullmatch(path.stem)) and int(m[2]) <= read_by_everyone
        )
        if len(covered) < 2 or covered[0][0] != 1:
            return 0
        changes = [c for _, _, path in covered for c in self._changes_in(path, self.machine)]
        unique = sorted({c.sequence: c for c in changes}.values(), key=lambda c: c.sequence)
        if [c.sequence for c in unique] != list(range(1, unique[-1].sequence + 1)):
            return 0  # a gap: something of ours is missing, keep the files as they are
        self.write_batch(unique)
        removed = 0
        for _, _, path in covered:
            if path.name != f"changes-{1:010d}-{unique[-1].sequence:010d}.jsonl":
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _machine_directories(self) -> Iterator[Path]:
        try:
            entries = sorted((self.root / "machines").iterdir())
        except OSError:
            return
        for entry in entries:
            if MACHINE_NAME.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
                yield entry

    def _changes_in(self, path: Path, machine: str) -> list[Change]:
        """The complete lines of one file (a last line without its newline is still arriving)."""
        info = path.stat()
        known = self._read.get(path)
        if known is not None and (known.size, known.modified) == (info.st_size, info.st_mtime_ns):
            return known.changes
        if info.st_size > MAX_FILE_BYTES:
            raise MalformedChangeError(f"it is larger than {MAX_FILE_BYTES >> 20} MB")
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
        complete = data[: data.rfind(b"\n") + 1].decode("utf-8")
        changes = [decode(line) for line in complete.splitlines() if line.strip()]
        foreign = [c for c in changes if c.machine != machine or c.stamp.machine != machine]
        if foreign:
            raise MalformedChangeError("it holds changes of another machine")
        self._read[path] = _FileReading(info.st_size, info.st_mtime_ns, changes)
        return changes

    def _write(self, name: str, content: str) -> Path:
        target = self.own_directory / name
        if not self.root.is_dir():  # an unmounted share: never create it on the local disk
            raise SyncFolderError(2, "the folder is missing (not mounted?)", str(self.root))
        try:
            self.own_directory.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(prefix=f".{name}-", dir=self.own_directory)
        except OSError as error:
            raise SyncFolderError(error.errno, _reason(error), str(self.root)) from None
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            Path(temporary).replace(target)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise SyncFolderError(error.errno, _reason(error), str(self.root)) from None
        return target


def unsuitable(folder: Path, data_dir: Path) -> str | None:
    """Why `folder` cannot be the sync folder of the reader whose data is in `data_dir` (None
    when it can): the sync tool would carry the live databases, which breaks them."""
    if not folder.is_dir():
        return f"The sync folder {folder} does not exist or is not a folder."
    chosen, data = folder.resolve(), data_dir.resolve()
    if chosen.is_relative_to(data) or data.is_relative_to(chosen):
        return (
            f"The sync folder {folder} cannot hold the reader's own data ({data_dir}): a sync "
            "tool copying a database in use breaks it. Choose a folder of its own."
        )
    return None


def _status(directory: Path) -> MachineStatus:
    path = directory / "machine.json"
    if path.stat().st_size > 1 << 20:
        raise ValueError("too large")
    record: Any = json.loads(path.read_text(encoding="utf-8"))
    seen = record["seen"]
    if not (isinstance(seen, dict) and all(isinstance(v, int) for v in seen.values())):
        raise TypeError("seen is not a map of counts")
    if record["machine"] != directory.name:
        raise ValueError("another machine's status")
    return MachineStatus(directory.name, str(record["name"]), str(record["written"]), seen)


def _reason(error: OSError) -> str:
    """Why the folder cannot be written, as the end of a sentence."""
    return error.strerror or str(error)
