"""One change, as one line of plain JSON in a machine's log.

A line says who made the change (`machine`, and its `sequence` there: 1, 2, 3, ... with no
gaps), when (`stamp`, see `clock`), to what (`kind` and `key`), which earlier changes to it its
machine had seen (`seen`: the latest sequence number of each machine's changes to it, a version
vector, so "made after seeing" is known exactly, whatever the clocks say), whether it is a
delete (`deleted`), and the whole new state (`body`; for an annotation, the W3C Web Annotation
the export writes; a delete's is the state it put in the trash, which the trash shows). Whole
states rather than differences make every change meaningful alone, so a change that arrives
late, twice or out of order merges the same way.

Everything read is untrusted: a line that is not exactly this shape is refused whole.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reader.sync.clock import Stamp

FORMAT_VERSION = 1
KINDS = frozenset({"annotation", "position", "document"})
MAX_LINE_BYTES = 1 << 20
"""A change longer than this (a megabyte) is not one of ours."""
MAX_KEY_LENGTH = 200
MAX_MACHINES = 1000
"""More machines than anyone owns: a longer version vector is hostile."""


class MalformedChangeError(ValueError):
    """A line that is not a change this reader wrote; its message says what is wrong."""


@dataclass(frozen=True)
class Change:
    """A new state of one thing (an annotation, a reading position, a library entry)."""

    machine: str
    sequence: int
    stamp: Stamp
    kind: str
    key: str
    seen: Mapping[str, int]
    """For each machine, the sequence of its latest change to this thing that this change's
    machine had merged when the change was made (empty for something new)."""
    deleted: bool = False
    body: Mapping[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, int]:
        """What makes two copies of a change the same change, wherever they were read."""
        return self.machine, self.sequence

    @property
    def subject(self) -> tuple[str, str]:
        """The thing changed: changes with one subject compete, the latest wins."""
        return self.kind, self.key


def encode(change: Change) -> str:
    """The change as one line of JSON (keys sorted, so equal changes are equal lines)."""
    record = {
        "format": FORMAT_VERSION,
        "machine": change.machine,
        "sequence": change.sequence,
        "stamp": list(change.stamp),
        "kind": change.kind,
        "key": change.key,
        "seen": dict(change.seen),
        "deleted": change.deleted,
        "body": change.body,
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def decode(line: str) -> Change:
    """The change a line holds; raises `MalformedChangeError` for anything else."""
    if len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
        raise MalformedChangeError("the line is longer than any change")
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as error:  # nesting too deep for the parser included
        raise MalformedChangeError(f"the line is not JSON ({error})") from None
    if not isinstance(record, dict):
        raise MalformedChangeError("the line is not a JSON object")
    if record.get("format") != FORMAT_VERSION:
        raise MalformedChangeError(f"unknown format {record.get('format')!r}")
    body = record.get("body")
    if not isinstance(body, dict):
        raise MalformedChangeError("the body is not a JSON object")
    return Change(
        machine=_name(record, "machine"),
        sequence=_positive(record.get("sequence"), "sequence"),
        stamp=_stamp(record.get("stamp"), "stamp"),
        kind=_kind(record.get("kind")),
        key=_name(record, "key"),
        seen=_seen(record.get("seen")),
        deleted=_flag(record.get("deleted")),
        body=body,
    )


def _name(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    if not isinstance(value, str) or not 0 < len(value) <= MAX_KEY_LENGTH:
        raise MalformedChangeError(f"{name} is not a short string")
    return value


def _positive(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 1 << 62:
        raise MalformedChangeError(f"{name} is not a positive integer")
    return value


def _stamp(value: object, name: str) -> Stamp:
    if not isinstance(value, list) or len(value) != 3:
        raise MalformedChangeError(f"{name} is not [milliseconds, counter, machine]")
    wall, counter, machine = value
    if not isinstance(machine, str) or not 0 < len(machine) <= MAX_KEY_LENGTH:
        raise MalformedChangeError(f"{name} names no machine")
    for part in (wall, counter):
        if not isinstance(part, int) or isinstance(part, bool) or not 0 <= part < 1 << 62:
            raise MalformedChangeError(f"{name} is not [milliseconds, counter, machine]")
    return Stamp(wall, counter, machine)


def _seen(value: object) -> dict[str, int]:
    if not isinstance(value, dict) or len(value) > MAX_MACHINES:
        raise MalformedChangeError("seen is not a map of machines to sequence numbers")
    for machine, sequence in value.items():
        if not 0 < len(machine) <= MAX_KEY_LENGTH:
            raise MalformedChangeError("seen names no machine")
        _positive(sequence, "a sequence in seen")
    return value


def _kind(value: object) -> str:
    if value not in KINDS:
        raise MalformedChangeError(f"unknown kind {value!r}")
    return str(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise MalformedChangeError("deleted is not true or false")
    return value
