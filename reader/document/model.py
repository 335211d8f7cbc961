"""The document model: one canonical text with paragraph and section ranges over it.

Every position the rest of the program talks about (search hits, annotation ranges, the reading
position) is an offset into `Document.text`, counted in Unicode code points, because that is
what W3C text selectors count and what Python strings index. The Qt view converts to UTF-16
units in exactly one place.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.document.formats.locator import SourceLocator

PARAGRAPH_SEPARATOR = "\n"


OBJECT_CHARACTER = "\ufffc"
"""Stands for an image in the canonical text: one character, so the page can put the picture
exactly there and every offset still holds."""


class ParagraphKind(Enum):
    """What a paragraph is for the reader: body text or a section heading."""

    BODY = "body"
    HEADING = "heading"


class BlockKind(Enum):
    """How a paragraph of a structured book (EPUB, HTML, Markdown) is shown; text is PLAIN."""

    PLAIN = "plain"
    HEADING = "heading"
    LIST_ITEM = "list-item"
    QUOTE = "quote"
    CODE = "code"
    TABLE_ROW = "table-row"
    FIGURE = "figure"


class Align(Enum):
    """A paragraph alignment the book asked for, kept because it carries meaning (a centred
    poem, a right-aligned signature)."""

    START = "start"
    CENTER = "center"
    END = "end"


@dataclass(frozen=True, slots=True)
class InlineSpan:
    """Inline markup over ``[start, end)`` of its paragraph (offsets relative to the paragraph
    start): ``emphasis``, ``strong``, ``code``, ``link`` (`value`: a canonical offset as
    ``"#123"`` or an inert outside address), ``ruby`` (`value`: the reading, shown on hover),
    ``image`` (`value`: the key of an in-memory resource, over one U+FFFC), ``sup``, ``sub``,
    ``strike``, ``underline``."""

    start: int
    end: int
    kind: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class BlockStyle:
    """The look of one paragraph of a structured book. `level` is the heading level, the list
    or quote depth; `marker` a list item's bullet or number."""

    kind: BlockKind = BlockKind.PLAIN
    level: int = 0
    marker: str = ""
    align: Align = Align.START
    indent: bool = False
    italic: bool = False
    spans: tuple[InlineSpan, ...] = ()


PLAIN_STYLE = BlockStyle()


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A half-open range ``[start, end)`` of the canonical text, without its separator."""

    start: int
    end: int
    kind: ParagraphKind = ParagraphKind.BODY
    style: BlockStyle = PLAIN_STYLE


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a book's package says about it (empty for plain text)."""

    author: str = ""
    language: str = ""
    identifier: str = ""
    format: str = "text"
    notes: tuple[str, ...] = ()
    """Things the reader should be told about how the file was read (a fallback taken)."""


@dataclass(frozen=True, slots=True)
class Section:
    """A heading found in the text: where it starts and how deep it sits in the outline."""

    title: str
    level: int
    start: int
    paragraph_index: int


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One line of the table of contents: a section, or the untitled opening before the first."""

    title: str
    level: int
    start: int
    paragraph_index: int
    is_opening: bool = False


@dataclass(frozen=True)
class Document:
    """A cleaned text ready for reading, searching and annotating.

    `paragraphs` and `sections` are derived from `text` once, at load time; the document is
    immutable so that every layer can share it without copying or locking.
    """

    text: str
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    title: str
    encoding: str = "utf-8"
    source: Path | None = None
    metadata: Metadata = Metadata()
    resources: Mapping[str, bytes] = field(default_factory=dict)
    """Images of the book, by key, kept in memory (size-capped): the only thing a page may
    load."""
    cover: str = ""
    """Key in `resources` of the cover image, if the book names one."""
    locator: SourceLocator | None = None
    """Maps canonical offsets back to the book's own files (EPUB CFI); None for other
    formats."""
    garbled: tuple[tuple[int, int], ...] = ()
    """Ranges ``[start, end)`` of characters the source garbled beyond repair: they hold the
    mark ``〓``, and the view shows them as garbled in the source (see `document.mojibake`)."""
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fingerprint", fingerprint_of(self.text))

    def paragraph_text(self, index: int) -> str:
        """The text of paragraph `index` (no separator)."""
        paragraph = self.paragraphs[index]
        return self.text[paragraph.start : paragraph.end]

    def section_at(self, offset: int) -> Section | None:
        """The section whose heading most recently precedes `offset`, or None in the opening."""
        current: Section | None = None
        for section in self.sections:
            if section.start > offset:
                break
            current = section
        return current

    def toc(self) -> tuple[TocEntry, ...]:
        """The table of contents a reader navigates: the sections, preceded by an entry for the
        opening text (a lead, front matter) when the document does not start with a heading."""
        return self._toc

    @cached_property
    def _toc(self) -> tuple[TocEntry, ...]:
        entries = [TocEntry(s.title, s.level, s.start, s.paragraph_index) for s in self.sections]
        starts_with_heading = bool(self.sections) and self.sections[0].paragraph_index == 0
        if self.paragraphs and not starts_with_heading:
            top_level = min((s.level for s in self.sections), default=1)
            opening = TocEntry(
                title=self._opening_title(),
                level=top_level,
                start=0,
                paragraph_index=0,
                is_opening=True,
            )
            entries.insert(0, opening)
        return tuple(entries)

    def _opening_title(self) -> str:
        """The opening's first words; a picture (U+FFFC) has none: a book opening with its
        cover image is "Cover", pictures alone "Opening" (the entry used to be empty)."""
        first = self.paragraph_text(0).replace(OBJECT_CHARACTER, "").strip()
        if not first and self.cover:
            return "Cover"
        end = self.sections[0].paragraph_index if self.sections else len(self.paragraphs)
        for index in range(end):
            words = self.paragraph_text(index).replace(OBJECT_CHARACTER, "").strip()
            if words:
                return opening_label(words)
        return "Opening"

    @cached_property
    def _toc_starts(self) -> list[int]:
        return [entry.start for entry in self._toc]

    def toc_index_at(self, offset: int) -> int:
        """Index in `toc()` of the entry the text at `offset` belongs to: search results,
        the annotations panel and the Markdown export all group by it."""
        return max(bisect_right(self._toc_starts, offset) - 1, 0)


OPENING_LABEL_LENGTH = 16


def opening_label(first_paragraph: str) -> str:
    """A TOC label for untitled opening text: its first words, like a reader's own bookmark."""
    label = first_paragraph.strip()
    if len(label) <= OPENING_LABEL_LENGTH:
        return label
    return label[:OPENING_LABEL_LENGTH] + "…"


def fingerprint_of(text: str) -> str:
    """A document is known by its content: the SHA-256 of its canonical text, hex, shortened.

    96 bits keep collisions out of reach for any personal library while staying readable in
    directory names and JSON.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
