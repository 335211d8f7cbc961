"""Search Everything's list: one row per document (title, path, hit count), its hits under it.

Documents come best first and their hits best first, as the library searcher ranks them. A
document shows its first `HITS_SHOWN` hits and then a row saying how many more there are:
opening the document shows them all in its own search panel, and a query that matches half a
novel's paragraphs costs a few hundred rows, not thousands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reader.search.library_model import (
    DocumentHits,
    HitKind,
    IndexedDocument,
    IndexedNote,
    LibraryHit,
    LibraryResult,
)
from reader.search.query import ParsedQuery, parse_query

HITS_SHOWN = 50
ROW_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Marked:
    """A line of text with one span marked (`start == end`: nothing marked)."""

    text: str
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """A document with hits: its title, where its file is, how many hits."""

    group: DocumentHits
    complete: bool
    """False when the count is a lower bound (only the best paragraphs were verified)."""

    @property
    def count_text(self) -> str:
        """ "12 hits", "1 hit", or "200+ hits" when the count is a lower bound."""
        count = self.group.count
        plus = "" if self.complete else "+"
        return f"{count:,}{plus} hit{'' if count == 1 and self.complete else 's'}"


@dataclass(frozen=True, slots=True)
class HitRow:
    """One hit: where it is and its snippet; a note hit also has its quote and its note."""

    document: IndexedDocument
    hit: LibraryHit
    where: str
    """The section, "Title", or "Note"."""
    snippet: Marked
    quote: Marked | None = None
    note: Marked | None = None
    """For a note hit: the note (or, when it has none, the snippet that shows its tags)."""


@dataclass(frozen=True, slots=True)
class MoreRow:
    """The hits of a document beyond the first `HITS_SHOWN`."""

    document: IndexedDocument
    hit: LibraryHit
    """The first hit not shown (opening goes there)."""
    hidden: int


Row = DocumentRow | HitRow | MoreRow


@dataclass(frozen=True, slots=True)
class LibraryAnswer:
    """A query's result, the quotes of the notes it found (a hit carries only the note), and
    the list's rows for it, made with it on the worker (`answer_of`)."""

    result: LibraryResult
    quotes: dict[str, str] = field(default_factory=dict)
    """Annotation id -> the quoted passage."""
    documents: int = 0
    """Documents in the library when it was asked (0: the library is empty)."""
    rows: tuple[Row, ...] = ()


def answer_of(result: LibraryResult, notes: Sequence[IndexedNote], documents: int) -> LibraryAnswer:
    """The answer to show for `result`, its rows made (their notes' matches marked): on the
    worker that searched, so that showing it is only swapping rows in the window's thread."""
    found = {hit.annotation_id for group in result.groups for hit in group.hits}
    quotes = {n.annotation_id: n.quote for n in notes if n.annotation_id in found}
    answer = LibraryAnswer(result, quotes, documents)
    return LibraryAnswer(result, quotes, documents, tuple(rows_of(answer)))


class LibrarySearchModel(QAbstractListModel):
    """The rows of one answer (none before the first)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []

    def set_answer(self, answer: LibraryAnswer | None) -> None:
        """Show `answer`'s rows (None: nothing)."""
        self.beginResetModel()
        self._rows = [] if answer is None else list(answer.rows)
        self.endResetModel()

    def rows(self) -> list[Row]:
        """Every row, in order."""
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The row for the delegate, and plain text for screen readers and tests."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return plain_text(row)
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(row, DocumentRow):
            return str(row.group.document.path)
        return None


def rows_of(answer: LibraryAnswer) -> list[Row]:
    """The rows of an answer: each document, then its first hits, then how many more."""
    query = parse_query(answer.result.query_text)
    rows: list[Row] = []
    for group in answer.result.groups:
        rows.append(DocumentRow(group, answer.result.complete))
        for hit in group.hits[:HITS_SHOWN]:
            rows.append(_hit_row(group.document, hit, query, answer.quotes))
        if group.count > HITS_SHOWN:  # the answer carries the first hidden hit, to go to
            hidden = group.count - HITS_SHOWN
            rows.append(MoreRow(group.document, group.hits[HITS_SHOWN], hidden))
    return rows


def _hit_row(
    document: IndexedDocument, hit: LibraryHit, query: ParsedQuery, quotes: dict[str, str]
) -> HitRow:
    snippet = Marked(hit.snippet, hit.match_start, hit.match_end)
    if hit.kind is HitKind.NOTE:
        quote = marked(quotes.get(hit.annotation_id, ""), query)
        note = marked(hit.note, query) if hit.note.strip() else snippet  # the tags matched
        return HitRow(document, hit, "Note", snippet, quote, note)
    where = "Title" if hit.kind is HitKind.TITLE else hit.section
    return HitRow(document, hit, where, snippet)


def marked(text: str, query: ParsedQuery) -> Marked:
    """`text` (on one line) with its first match of `query` marked, if it has one."""
    from reader.search.folding import fold

    line = " ".join(text.split())
    folded = fold(line)  # one character for one: offsets hold
    found = [(at, at + len(term)) for term in query.required if (at := folded.find(term)) >= 0]
    start, end = min(found) if found else (0, 0)
    return Marked(line, start, end)


def plain_text(row: Row) -> str:
    """What a row says, as plain text."""
    if isinstance(row, DocumentRow):
        return f"{row.group.document.title} — {row.count_text} — {row.group.document.path}"
    if isinstance(row, MoreRow):
        return f"{row.hidden:,} more in this document"
    if row.quote is not None and row.note is not None:
        return f"Note on “{row.quote.text}”: {row.note.text}"
    return f"{row.where}: {row.snippet.text}" if row.where else row.snippet.text
