"""Back and forward through jumps, as in a browser: every jump (a TOC entry, a search hit, an
annotation, the next section) remembers where the reader was, so Alt+Left returns there.

Plain Python, no Qt: positions are canonical offsets.
"""

from __future__ import annotations

MAX_HISTORY = 100


class JumpHistory:
    """Two stacks of reading positions around the present one."""

    def __init__(self) -> None:
        self._back: list[int] = []
        self._forward: list[int] = []

    def jumped(self, departure: int) -> None:
        """Record that the reader left `departure` for somewhere else."""
        if not self._back or self._back[-1] != departure:
            self._back.append(departure)
            del self._back[:-MAX_HISTORY]
        self._forward.clear()

    def back(self, here: int) -> int | None:
        """Where Back goes from `here` (None: nowhere), remembering `here` for Forward."""
        if not self._back:
            return None
        self._forward.append(here)
        return self._back.pop()

    def forward(self, here: int) -> int | None:
        """Where Forward goes from `here` (None: nowhere), remembering `here` for Back."""
        if not self._forward:
            return None
        self._back.append(here)
        return self._forward.pop()

    def clear(self) -> None:
        """Forget everything (a new document)."""
        self._back.clear()
        self._forward.clear()
