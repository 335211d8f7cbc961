"""Which document a book named in an import file is: by fingerprint, identifier, title, author.

Matching works on a short list of `Candidate` documents made by one function,
`store_candidates`: the library's documents, with their authors and the file they were last read
from. Names are compared folded (Traditional/Simplified, width, case: ``紅樓夢`` is
``红楼梦``) and without punctuation or spaces (``《红楼梦》`` is ``红楼梦``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.annotations.exchange.records import ForeignBook
from reader.annotations.store import AnnotationStore
from reader.annotations.tolerant import Fold

MIN_CONTAINED_TITLE = 2
"""A title inside another (``红楼梦`` in ``红楼梦（程乙本）``) counts only from this length."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A document an imported book may belong to."""

    document_id: str
    title: str
    path: Path
    fingerprint: str = ""
    author: str = ""
    identifiers: tuple[str, ...] = ()


def store_candidates(store: AnnotationStore) -> list[Candidate]:
    """The library's documents that have a file to read them from, most recent first."""
    return [
        Candidate(row.id, row.title, row.path, row.fingerprint, row.author)
        for row in store.library()
        if row.path is not None
    ]


def normalised(name: str, fold: Fold) -> str:
    """A title, author or identifier as it is compared: folded, only letters and digits."""
    return "".join(character for character in fold(name) if character.isalnum())


def matches(book: ForeignBook, candidates: Sequence[Candidate], fold: Fold) -> list[Candidate]:
    """The candidates `book` may be, best evidence first: one means the book is found, none or
    several that the user must choose."""
    if book.fingerprint:
        same = [c for c in candidates if c.fingerprint == book.fingerprint]
        if same:
            return same
    identifier = normalised(book.identifier, fold)
    if identifier:
        same = [c for c in candidates if identifier in {normalised(i, fold) for i in c.identifiers}]
        if same:
            return same
    title = normalised(book.title, fold)
    if not title:
        return []
    found = [c for c in candidates if normalised(c.title, fold) == title]
    if not found:
        found = [c for c in candidates if _contains_either(normalised(c.title, fold), title)]
    return _narrowed_by_author(found, normalised(book.author, fold), fold)


def _contains_either(first: str, second: str) -> bool:
    shorter, longer = sorted((first, second), key=len)
    return len(shorter) >= MIN_CONTAINED_TITLE and shorter in longer


def _narrowed_by_author(found: list[Candidate], author: str, fold: Fold) -> list[Candidate]:
    """Of several equally titled documents, those by the book's author, if that decides."""
    if len(found) < 2 or not author:
        return found
    by_author = [
        c for c in found if c.author and _contains_either(normalised(c.author, fold), author)
    ]
    return by_author or found
