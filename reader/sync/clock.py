"""A hybrid logical clock: an order of changes that no machine's wrong clock can break.

A stamp is (milliseconds, counter, machine). A machine's next stamp is later than every stamp it
has made or read, even when its wall clock runs behind or jumps back; while clocks agree, the
order is the order of time, so "the later edit is shown" means what a user expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Stamp(NamedTuple):
    """When a change was made, as a total order over all machines (ties broken by machine)."""

    wall: int
    """Milliseconds since the epoch, as the clock saw them (never less than an earlier stamp's)."""
    counter: int
    """Orders changes made within one millisecond, or while the wall clock stood behind."""
    machine: str


@dataclass
class HybridClock:
    """The clock of one machine: `tick` for a change made here, `observe` for one read."""

    machine: str
    last: Stamp | None = None

    def tick(self, now_ms: int) -> Stamp:
        """A stamp later than every stamp seen so far, for a change made now."""
        if self.last is None or now_ms > self.last.wall:
            stamp = Stamp(now_ms, 0, self.machine)
        else:
            stamp = Stamp(self.last.wall, self.last.counter + 1, self.machine)
        self.last = stamp
        return stamp

    def observe(self, stamp: Stamp) -> None:
        """Remember a stamp read from another machine, so later ticks come after it."""
        if self.last is None or stamp[:2] > self.last[:2]:
            self.last = Stamp(stamp.wall, stamp.counter, self.machine)
