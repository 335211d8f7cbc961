"""Canonical offsets -> EPUB CFIs (http://www.idpf.org/epub/linking/cfi/epub-cfi.html).

Every character of an EPUB's canonical text remembers the text node it came from (a
`SourceRun`), so a canonical range can be named the way other EPUB readers (Thorium, Foliate,
calibre) name places: ``epubcfi(/6/4[ch01]!/4/2[p1],/1:3,/1:9)``. Offsets inside a text node
count UTF-16 units, as the specification's DOM does.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from reader.document.formats.blocks import SourceRun


@dataclass(frozen=True, slots=True)
class LocatedRun:
    """A `SourceRun` placed in the canonical text, with the CFI of its spine item."""

    start: int
    run: SourceRun
    spine_step: str


class SourceLocator:
    """Finds the source node of any canonical offset of an EPUB document."""

    def __init__(self, text: str, runs: list[LocatedRun]) -> None:
        self._text = text
        self._runs = [r for r in runs if r.run.chunk > 0]
        self._starts = [r.start for r in self._runs]

    def _point(self, offset: int, *, end: bool) -> list[str] | None:
        """The steps of the CFI point before character `offset` (or after character
        ``offset - 1`` when `end`)."""
        probe = offset - 1 if end else offset
        index = bisect_right(self._starts, probe) - 1
        if index < 0:
            return None
        located = self._runs[index]
        inside = probe - located.start
        if inside >= located.run.length:
            if end or index + 1 >= len(self._runs):
                return None
            located, inside = self._runs[index + 1], 0
        character = inside + (1 if end else 0)
        units = located.run.raw_start + _utf16_length(
            self._text[located.start : located.start + character]
        )
        steps = [located.spine_step, "!"]
        steps += [
            f"/{step}[{_escape(ident)}]" if ident else f"/{step}"
            for step, ident in located.run.path
        ]
        steps.append(f"/{located.run.chunk}")
        steps.append(f":{units}")
        return steps

    def cfi(self, start: int, end: int) -> str | None:
        """The range CFI of canonical ``[start, end)``, or None where it has no source text
        (a generated separator, an image)."""
        first = self._point(start, end=False)
        last = self._point(max(end, start + 1), end=True)
        if first is None or last is None:
            return None
        common = 0
        while common < min(len(first), len(last)) - 1 and first[common] == last[common]:
            common += 1
        # The parent path ends on a step: never on an indirection or an offset.
        while common and (first[common - 1] == "!" or first[common - 1].startswith(":")):
            common -= 1
        parent = _join(first[:common])
        return f"epubcfi({parent},{_join(first[common:])},{_join(last[common:])})"


def _join(steps: list[str]) -> str:
    return "".join(steps)


def _escape(value: str) -> str:
    """CFI assertions escape ``^ [ ] ( ) , ; =`` with a circumflex."""
    return "".join("^" + c if c in "^[](),;=" else c for c in value)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
