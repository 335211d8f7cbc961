"""`Part`s of a book -> the canonical `Document`: one text, paragraphs, sections, links."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reader.document.errors import EmptyDocumentError
from reader.document.formats.blocks import Part
from reader.document.formats.locator import LocatedRun, SourceLocator
from reader.document.model import (
    PARAGRAPH_SEPARATOR,
    BlockKind,
    Document,
    InlineSpan,
    Metadata,
    Paragraph,
    ParagraphKind,
    Section,
)

INTERNAL = "@"
"""Prefix of a link target inside the book (``@file#id``); anything else is an outside
address, shown but never followed."""


@dataclass(frozen=True, slots=True)
class TocTarget:
    """A contents entry as the book gives it: a title, a depth (1 = top) and a target key."""

    title: str
    level: int
    target: str


@dataclass(frozen=True, slots=True)
class Book:
    """Everything a format read, ready to become a `Document`."""

    parts: Sequence[Part]
    title: str
    metadata: Metadata
    toc: Sequence[TocTarget] | None = None
    """None: the contents are the headings."""
    resources: Mapping[str, bytes] = field(default_factory=dict)
    cover: str = ""
    spine_steps: Sequence[str] | None = None
    """For an EPUB, the CFI step of each part's spine item (``/6/4[id]``)."""


def assemble_book(book: Book, source: Path | None, empty_name: str) -> Document:
    """Join the parts' blocks into the canonical text and resolve contents and links."""
    texts: list[str] = []
    paragraphs: list[Paragraph] = []
    anchors: dict[str, int] = {}
    located: list[LocatedRun] = []
    offset = 0
    for number, part in enumerate(book.parts):
        anchors.setdefault(part.key, offset)
        block_starts: list[int] = []
        for block in part.blocks:
            block_starts.append(offset)
            heading = block.style.kind is BlockKind.HEADING
            kind = ParagraphKind.HEADING if heading else ParagraphKind.BODY
            paragraphs.append(Paragraph(offset, offset + len(block.text), kind, block.style))
            if book.spine_steps is not None:
                step = book.spine_steps[number]
                located.extend(LocatedRun(offset + run.start, run, step) for run in block.runs)
            texts.append(block.text)
            offset += len(block.text) + len(PARAGRAPH_SEPARATOR)
        for element_id, (index, inside) in part.anchors.items():
            if index < len(block_starts):
                anchors.setdefault(f"{part.key}#{element_id}", block_starts[index] + inside)
            else:  # an id after the last text of the file: the start of what follows
                anchors.setdefault(f"{part.key}#{element_id}", offset)
    if not paragraphs:
        raise EmptyDocumentError(f"{empty_name} has no text to show.")
    text = PARAGRAPH_SEPARATOR.join(texts)
    end = len(text)
    anchors = {key: min(value, end) for key, value in anchors.items()}
    paragraphs = [_resolve_links(p, anchors) for p in paragraphs]
    return Document(
        text=text,
        paragraphs=tuple(paragraphs),
        sections=_sections(book, paragraphs, text, anchors),
        title=book.title,
        encoding="utf-8",
        source=source,
        metadata=book.metadata,
        resources=dict(book.resources),
        cover=book.cover,
        locator=SourceLocator(text, located) if book.spine_steps is not None else None,
    )


def _resolve_links(paragraph: Paragraph, anchors: Mapping[str, int]) -> Paragraph:
    spans = paragraph.style.spans
    if not any(span.kind == "link" for span in spans):
        return paragraph
    resolved: list[InlineSpan] = []
    for span in spans:
        if span.kind == "link" and span.value.startswith(INTERNAL):
            target = anchors.get(span.value[1:])
            if target is None:
                target = anchors.get(span.value[1:].partition("#")[0])
            if target is None:
                continue
            span = replace(span, value=f"#{target}")
        resolved.append(span)
    return replace(paragraph, style=replace(paragraph.style, spans=tuple(resolved)))


def _sections(
    book: Book, paragraphs: list[Paragraph], text: str, anchors: Mapping[str, int]
) -> tuple[Section, ...]:
    starts = [p.start for p in paragraphs]

    def section(title: str, level: int, offset: int) -> Section:
        index = max(bisect_right(starts, offset) - 1, 0)
        return Section(title, level, paragraphs[index].start, index)

    if book.toc is not None:
        found: list[Section] = []
        for entry in book.toc:
            offset = anchors.get(entry.target)
            if offset is None:
                offset = anchors.get(entry.target.partition("#")[0])
            if offset is not None and entry.title:
                found.append(section(entry.title, max(entry.level, 1), offset))
        return tuple(sorted(found, key=lambda s: s.start))
    headings = [(i, p) for i, p in enumerate(paragraphs) if p.style.kind is BlockKind.HEADING]
    top = min((p.style.level for _, p in headings), default=1)
    return tuple(
        Section(text[p.start : p.end], p.style.level - top + 1, p.start, i) for i, p in headings
    )
