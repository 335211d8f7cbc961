"""Every live annotation of every document, for the notebook view, `annotations --all` and
Export All: read-only, one query, and the filters the notebook offers.

The notebook is read from the store in one statement (annotations joined to their documents),
so it is one consistent state of the database even while another process writes, and nothing
here ever writes: a read-only store shows its notebook too. No document is loaded: the title
and path are the store's, and an annotation's quote and position are as last saved (one made
on an older text of its file is re-anchored when the file is next opened, as always).

Search folding lives in `reader.search`, which this package never imports: the filter takes the
fold function from its caller, as the Annotations panel does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.annotations.model import Annotation, Colour, DocumentRecord

if TYPE_CHECKING:
    from reader.annotations.store import AnnotationStore

UNKNOWN_TITLE = "Untitled document"
"""For annotations whose document record is missing (never written so, but a damaged or
hand-edited database is read all the same, not hidden)."""

_QUERY = (
    "SELECT {columns}, d.fingerprint, d.title, d.path"
    " FROM annotations AS a LEFT JOIN documents AS d ON d.id = a.document_id"
    " WHERE a.deleted = 0"
    " ORDER BY coalesce(d.seen, 0) DESC, a.document_id, a.orphan, a.position_start, a.created, a.id"
)
"""Documents most recently read first; in each, reading order, the orphans last."""


@dataclass(frozen=True)
class NotebookDocument:
    """One document's live annotations: placed ones in reading order, then the orphans."""

    record: DocumentRecord
    annotations: tuple[Annotation, ...]
    missing: bool = False
    """Its file is gone (or it never had one): it cannot be opened from here."""

    @property
    def orphans(self) -> int:
        """How many of its annotations could not be placed in its text."""
        return sum(1 for a in self.annotations if a.orphan)


@dataclass(frozen=True)
class NotebookQuery:
    """What the user filters by; empty fields filter nothing."""

    text: str = ""
    """Words that must all occur in the quote, the note or the tags (folded, any order)."""
    colour: Colour | None = None
    tag: str | None = None

    @property
    def is_empty(self) -> bool:
        """Whether it lets every annotation through."""
        return not self.text.split() and self.colour is None and self.tag is None


@dataclass
class Notebook:
    """Every live annotation, grouped by document, with the filters over them.

    The folded text of each annotation is computed once, when a text filter first needs it
    (or all at once by `prepare`, on the worker thread that read the notebook), and kept:
    typing in the filter then costs a substring test per annotation, not a fold.
    """

    documents: list[NotebookDocument]
    _folded: dict[str, str] = field(default_factory=dict, repr=False)
    _tags: list[str] | None = field(default=None, repr=False)

    def prepare(self, fold: Callable[[str], str]) -> Notebook:
        """Fold every annotation's text and collect the tags now, so that neither a filter nor
        the tag list does it later on the window's thread; returns the notebook itself."""
        for document in self.documents:
            for annotation in document.annotations:
                self._haystack(annotation, fold)
        self.tags()
        return self

    @property
    def total(self) -> int:
        """How many annotations there are in all."""
        return sum(len(d.annotations) for d in self.documents)

    def tags(self) -> list[str]:
        """Every tag in use, sorted (collected once: a notebook never changes)."""
        if self._tags is None:
            self._tags = sorted(
                {tag for d in self.documents for a in d.annotations for tag in a.tags}
            )
        return list(self._tags)

    def filtered(self, query: NotebookQuery, fold: Callable[[str], str]) -> list[NotebookDocument]:
        """The documents with at least one annotation that passes `query`, with only those."""
        if query.is_empty:
            return list(self.documents)
        words = [fold(word) for word in query.text.split()]
        shown: list[NotebookDocument] = []
        for document in self.documents:
            kept = tuple(a for a in document.annotations if self._passes(a, query, words, fold))
            if kept:
                shown.append(NotebookDocument(document.record, kept, document.missing))
        return shown

    def _passes(
        self,
        annotation: Annotation,
        query: NotebookQuery,
        words: Sequence[str],
        fold: Callable[[str], str],
    ) -> bool:
        if query.colour is not None and annotation.colour is not query.colour:
            return False
        if query.tag is not None and query.tag not in annotation.tags:
            return False
        if not words:
            return True
        haystack = self._haystack(annotation, fold)
        return all(word in haystack for word in words)

    def _haystack(self, annotation: Annotation, fold: Callable[[str], str]) -> str:
        """The folded quote, note and tags of `annotation`, kept once made."""
        haystack = self._folded.get(annotation.id)
        if haystack is None:
            text = "\n".join((annotation.quote.exact, annotation.note, *annotation.tags))
            haystack = self._folded[annotation.id] = fold(text)
        return haystack


def read_notebook(
    store: AnnotationStore, *, exists: Callable[[Path], bool] = os.path.exists
) -> Notebook:
    """Every live annotation in `store` (orphans included), grouped by document.

    `exists` tells whether a document's file is still there (tests pass their own). Raises
    `StoreError` when the database cannot be read.
    """
    from reader.annotations import rows  # SQLite loads with the first reading, not at start-up

    width = len(rows.COLUMNS)
    query = _QUERY.format(columns=", ".join(f"a.{column}" for column in rows.COLUMNS))
    grouped: dict[str, tuple[DocumentRecord, list[Annotation]]] = {}
    with store.reading() as conn:
        for values in conn.execute(query):
            annotation = rows.decode(values[:width], verify=False).annotation
            entry = grouped.get(annotation.document_id)
            if entry is None:
                entry = grouped[annotation.document_id] = (
                    _record(annotation, *values[width:]),
                    [],
                )
            entry[1].append(annotation)
    documents = [
        NotebookDocument(
            record, tuple(found), missing=record.path is None or not exists(record.path)
        )
        for record, found in grouped.values()
    ]
    return Notebook(documents)


def _record(
    annotation: Annotation, fingerprint: object, title: object, path: object
) -> DocumentRecord:
    """The document of `annotation` as the joined columns say (they are NULL without one)."""
    return DocumentRecord(
        id=annotation.document_id,
        fingerprint=str(fingerprint) if fingerprint is not None else annotation.fingerprint,
        title=str(title) if title else UNKNOWN_TITLE,
        path=Path(os.fsdecode(path)) if isinstance(path, bytes | str) else None,
    )
