"""What a format hands over: blocks of clean text with their look and where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.document.model import OBJECT_CHARACTER as OBJECT_CHARACTER  # where formats find it
from reader.document.model import BlockStyle


@dataclass(frozen=True, slots=True)
class SourceRun:
    """Characters ``[start, start + length)`` of a block come from one text node of the
    source file, from its character `raw_start` on. `path` holds the EPUB CFI steps of the
    node's parent element below the root (``(4, "body-id"), (2, None)``) and `chunk` the odd
    CFI index of the text node within it."""

    start: int
    length: int
    path: tuple[tuple[int, str | None], ...]
    chunk: int
    raw_start: int


@dataclass(slots=True)
class Block:
    """One paragraph-to-be: its clean text (no newline), its look, its source runs."""

    text: str
    style: BlockStyle
    runs: list[SourceRun] = field(default_factory=list)


@dataclass(slots=True)
class Part:
    """The blocks of one source file (an EPUB spine item, an HTML or Markdown file).

    `anchors` maps an element id of the file to (block index, offset in block): where an
    internal link to ``file#id`` lands.
    """

    key: str
    blocks: list[Block] = field(default_factory=list)
    anchors: dict[str, tuple[int, int]] = field(default_factory=dict)
    title: str = ""
