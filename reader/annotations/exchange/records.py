"""What every other reader's export becomes: books, each with its highlights, free of any format.

Each parser (`kindle`, `koreader`, `calibre`, `foliate`, `hypothesis`) turns its file into these
records and nothing else, so matching a book to a document and anchoring a highlight in its text
(`reader.annotations.foreign`) are written once. A record keeps every position hint its format
gives, in that format's own terms: which of them can help find the passage depends on the
document, not on the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.annotations.errors import ImportFormatError
from reader.annotations.model import Colour

MAX_FOREIGN_BYTES = 40 * 1024 * 1024
"""The largest file any importer reads (as for W3C files): ten thousand highlights with notes
take a few megabytes in every one of these formats."""

MAX_ITEMS = 200_000
"""More highlights than anyone made: a file claiming more is refused rather than ground through."""


@dataclass(frozen=True, slots=True)
class PositionHints:
    """Where the source says a highlight is, in its own coordinates (any of them may be absent)."""

    text_position: tuple[int, int] | None = None
    """Code-point offsets [start, end), when the source counted in the same kind of text."""
    cfi: str = ""
    """An EPUB CFI (calibre, Foliate, W3C), kept for EPUB documents."""
    kindle_location: tuple[int, int] | None = None
    """Kindle locations, first and last (a location is about 128 bytes of the book)."""
    xpointer: tuple[str, str] = ("", "")
    """KOReader's pos0/pos1: CREngine XPointers (``/body/DocFragment[3]/body/p[5]/text().12``)."""
    page: int | None = None
    pages: int | None = None
    """The page the highlight is on, and how many pages the source had."""


@dataclass(frozen=True, slots=True)
class ForeignHighlight:
    """One highlight (or a note with no highlighted text) as another reader stored it."""

    quote: str
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    colour: Colour = Colour.YELLOW
    tags: tuple[str, ...] = ()
    created: str = ""
    """ISO 8601, or empty when the source gives no time (then never newer than a local edit)."""
    modified: str = ""
    source_id: str = ""
    """The source's own id for it, when it has one: what makes a re-import add nothing."""
    hints: PositionHints = field(default_factory=PositionHints)


@dataclass(frozen=True, slots=True)
class ForeignBook:
    """A book named in an import file, with its highlights in the file's order."""

    title: str
    author: str = ""
    identifier: str = ""
    """An ISBN, URN, URL or other id the source gives for the book."""
    fingerprint: str = ""
    """This reader's fingerprint of the text, when the file came from this reader."""
    highlights: tuple[ForeignHighlight, ...] = ()

    def label(self) -> str:
        """How the book is named to the user: title, and author when known."""
        title = self.title or "(untitled)"
        return f"{title} — {self.author}" if self.author else title


@dataclass(frozen=True, slots=True)
class ForeignFile:
    """Everything an import file holds: its format's name and its books."""

    format: str
    books: tuple[ForeignBook, ...]

    @property
    def highlight_count(self) -> int:
        """All highlights of all books."""
        return sum(len(book.highlights) for book in self.books)


def check_count(count: int, what: str = "highlights") -> None:
    """Refuse a file claiming more items than `MAX_ITEMS`, before any of them is converted."""
    if count > MAX_ITEMS:
        raise ImportFormatError(
            f"The file holds {count:,} {what}; at most {MAX_ITEMS:,} can be imported at once."
        )


def text_of(data: bytes | str, what: str) -> str:
    """The file as text: UTF-8 (a BOM allowed), refused clearly when it is something else."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if len(data) > MAX_FOREIGN_BYTES:
        raise ImportFormatError(
            f"The file is {len(data) / (1024 * 1024):.1f} MB; {what} files up to "
            f"{MAX_FOREIGN_BYTES // (1024 * 1024)} MB can be imported."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"The file is not UTF-8 text (byte {error.start}), so it is not a {what} file."
        ) from None
