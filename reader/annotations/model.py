"""An annotation: what the user marked, where, and what they wrote about it.

Where is stored twice, as the W3C Web Annotation model recommends: a `TextQuoteSelector`
(the exact text with some context before and after) and a `TextPositionSelector` (canonical
code-point offsets). The position is fast and exact while the text is unchanged; the quote lets
an annotation find its place again after the text was edited (see `anchoring`).

Annotations are immutable values: every change makes a new one with a higher `revision`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

CONTEXT_LENGTH = 32
"""Characters of prefix and suffix kept with each quote (the W3C examples use about 32)."""


class Colour(Enum):
    """Highlight colours. The view picks a shade of each for the light and the dark themes."""

    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    PINK = "pink"
    PURPLE = "purple"


@dataclass(frozen=True, slots=True)
class TextQuote:
    """W3C TextQuoteSelector: the exact text, with up to `CONTEXT_LENGTH` characters around."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class TextPosition:
    """W3C TextPositionSelector: [start, end) in code points of the canonical text."""

    start: int
    end: int


def now() -> str:
    """The current time as an ISO 8601 UTC timestamp, as W3C `created`/`modified` expect."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    """A fresh annotation id: a UUID URN, globally unique so imports never collide by chance."""
    import uuid  # here: `uuid` loads `platform`, and the window's first page needs neither

    return f"urn:uuid:{uuid.uuid4()}"


@dataclass(frozen=True, slots=True)
class Annotation:
    """One highlight, with an optional note and tags, on one document.

    It belongs to a document of this machine's store (`document_id`: a file the user opened,
    see `store.DocumentRecord`), and its selectors were made on one particular text of it
    (`fingerprint`). The two differ on purpose: when the file is edited, the annotation still
    belongs to it, and a fingerprint that is not the file's current one says "re-anchor me"
    (`session.open_annotations` does, in one transaction), however the last attempt ended.
    """

    id: str
    document_id: str
    """The store's id of the document (the file) this annotation belongs to."""
    fingerprint: str
    """The fingerprint of the text its selectors were made on (or last re-anchored against)."""
    quote: TextQuote
    position: TextPosition
    colour: Colour = Colour.YELLOW
    note: str = ""
    tags: tuple[str, ...] = ()
    created: str = field(default_factory=now)
    modified: str = ""
    revision: int = 0
    """Set by the store: a counter over all changes, ordering them without trusting clocks."""
    orphan: bool = False
    """It could not be placed in the text `fingerprint` names: listed, kept, re-attachable."""

    def __post_init__(self) -> None:
        if not self.modified:
            object.__setattr__(self, "modified", self.created)

    @property
    def start(self) -> int:
        """Canonical start offset."""
        return self.position.start

    @property
    def end(self) -> int:
        """Canonical end offset."""
        return self.position.end


def quote_of(text: str, start: int, end: int) -> TextQuote:
    """The quote selector for [start, end) of `text`, with its context."""
    return TextQuote(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
    )


def annotate(
    text: str,
    document_id: str,
    fingerprint: str,
    start: int,
    end: int,
    colour: Colour = Colour.YELLOW,
    note: str = "",
    tags: tuple[str, ...] = (),
) -> Annotation:
    """A new annotation on [start, end) of the canonical `text` (whose fingerprint is
    `fingerprint`) of the store's document `document_id`."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"[{start}, {end}) is not a non-empty range of the text")
    return Annotation(
        id=new_id(),
        document_id=document_id,
        fingerprint=fingerprint,
        quote=quote_of(text, start, end),
        position=TextPosition(start, end),
        colour=colour,
        note=note,
        tags=normalise_tags(tags),
    )


def normalise_tags(tags: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Tags trimmed, without empties or duplicates, in the order first given."""
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = " ".join(tag.split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


@dataclass(frozen=True)
class DocumentRecord:
    """A document as this machine's store knows it: a file the user opened, and its text now."""

    id: str
    fingerprint: str
    title: str
    path: Path | None
