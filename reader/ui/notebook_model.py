"""The notebook as a Qt item model: one flat list of rows, each document's row followed by its
annotations' rows (unless the user folded the document away).

A real model, not a widget per row, and flat rather than a tree on purpose: a tree view lays
out every row of a group the moment the group is expanded, calling back into Python several
times a row (ten thousand annotations: half a second with the window frozen), while a list view
lays its rows out in batches between events. The rows are grouped on a worker thread
(`grouped_rows`); showing them is a reset, which the view answers by painting one screenful.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reader.annotations.model import Annotation
from reader.annotations.notebook import NotebookDocument
from reader.ui.plain_text import plain_tooltip, readable

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
DOCUMENT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's `NotebookDocument` (for an annotation row: its document's)."""
ANNOTATION_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's `Annotation`; None on a document row."""
FOLDED_ROLE = Qt.ItemDataRole.UserRole + 3
"""Whether a document row's annotations are folded away."""
TOOLTIP_CHARACTERS = 400
Row = tuple[NotebookDocument, Annotation | None]
"""A document's row (its annotation None), or one of its annotations' rows."""


def grouped_rows(documents: Iterable[NotebookDocument], folded: Collection[str] = ()) -> list[Row]:
    """The rows for `documents`: each one's row, then its annotations' unless its id is in
    `folded`. Qt-free, so a worker thread makes them."""
    rows: list[Row] = []
    for document in documents:
        rows.append((document, None))
        if document.record.id not in folded:
            rows.extend((document, annotation) for annotation in document.annotations)
    return rows


class NotebookModel(QAbstractListModel):
    """Document rows, each followed by its annotations' rows; one column."""

    def __init__(self) -> None:
        super().__init__()
        self._documents: list[NotebookDocument] = []
        self._rows: list[Row] = []
        self.folded: set[str] = set()
        """The ids of the documents whose annotations the user folded away."""

    def set_rows(self, documents: list[NotebookDocument], rows: list[Row]) -> None:
        """Show `documents` as `rows` (made by `grouped_rows` with `folded`) instead."""
        self.beginResetModel()
        self._documents, self._rows = list(documents), rows
        self.endResetModel()

    @property
    def documents(self) -> list[NotebookDocument]:
        """The documents shown, in order."""
        return list(self._documents)

    def document_rows(self) -> list[int]:
        """The row number of each document's row, in order."""
        return [row for row, (_document, annotation) in enumerate(self._rows) if not annotation]

    def row_of(self, annotation_id: str) -> int | None:
        """The row of an annotation, if it is shown."""
        for row, (_document, annotation) in enumerate(self._rows):
            if annotation is not None and annotation.id == annotation_id:
                return row
        return None

    def toggle_folded(self, row: int) -> None:
        """Fold a document row's annotations away, or show them again."""
        document, annotation = self._rows[row]
        count = len(document.annotations)
        if annotation is not None or not count:
            return
        if document.record.id in self.folded:
            self.beginInsertRows(ROOT, row + 1, row + count)
            self.folded.discard(document.record.id)
            self._rows[row + 1 : row + 1] = [(document, a) for a in document.annotations]
            self.endInsertRows()
        else:
            self.beginRemoveRows(ROOT, row + 1, row + count)
            self.folded.add(document.record.id)
            del self._rows[row + 1 : row + 1 + count]
            self.endRemoveRows()
        changed = self.index(row, 0)
        self.dataChanged.emit(changed, changed, [FOLDED_ROLE])

    # -- what a row holds ------------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        """Every row at the root; nothing under a row."""
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Every row can be chosen (the keyboard walks documents and annotations alike)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def document_at(self, index: Index) -> NotebookDocument | None:
        """The document of a row (its own, or its annotation's)."""
        row = index.row()
        return self._rows[row][0] if index.isValid() and row < len(self._rows) else None

    def annotation_at(self, index: Index) -> Annotation | None:
        """The annotation of a row; None for a document row."""
        row = index.row()
        return self._rows[row][1] if index.isValid() and row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Roles for the delegate, screen readers and tooltips."""
        document = self.document_at(index)
        if document is None:
            return None
        annotation = self.annotation_at(index)
        if role == DOCUMENT_ROLE:
            return document
        if role == ANNOTATION_ROLE:
            return annotation
        if role == FOLDED_ROLE:
            return annotation is None and document.record.id in self.folded
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return spoken(annotation) if annotation else spoken_document(document)
        if role == Qt.ItemDataRole.ToolTipRole and annotation is not None:
            return plain_tooltip(tooltip(annotation))
        return None


def spoken_document(document: NotebookDocument) -> str:
    """A document row in words."""
    count = len(document.annotations)
    missing = ", file missing" if document.missing else ""
    return f"{document.record.title}, {count} annotation{'' if count == 1 else 's'}{missing}"


def spoken(annotation: Annotation) -> str:
    """An annotation row in words: colour, quote, note, tags, date."""
    parts = [annotation.colour.value, annotation.quote.exact[:TOOLTIP_CHARACTERS]]
    if annotation.note:
        parts.append(annotation.note[:TOOLTIP_CHARACTERS])
    parts += [f"#{tag}" for tag in annotation.tags]
    if annotation.orphan:
        parts.append("not placed")
    parts.append(local_date(annotation.modified))
    return ", ".join(parts)


def tooltip(annotation: Annotation) -> str:
    """The quote and the note, each cut to a readable length."""
    text = "“" + _cut(annotation.quote.exact) + "”"
    return text + ("\n\n" + _cut(annotation.note) if annotation.note else "")


def local_date(timestamp: str, with_time: bool = False) -> str:
    """An ISO 8601 time as the reader's local date (and time); as written if it is not one."""
    try:
        moment = datetime.fromisoformat(timestamp).astimezone()
    except ValueError:
        return timestamp
    return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _cut(text: str) -> str:
    return text if len(text) <= TOOLTIP_CHARACTERS else text[:TOOLTIP_CHARACTERS] + "…"


def where_text(document: NotebookDocument) -> str:
    """Where a document's file is, or why it cannot be opened."""
    path = document.record.path
    if path is None:
        return "No file: its annotations were imported"
    shown = readable(str(path))
    return f"File missing: {shown}" if document.missing else shown


def count_text(shown: int, total: int, documents: int) -> str:
    """How many annotations are shown, of how many, in how many documents."""
    scope = f"in {documents:,} document{'' if documents == 1 else 's'}"
    if shown == total:
        return f"{total:,} annotation{'' if total == 1 else 's'} {scope}"
    if not shown:
        return f"None of {total:,} annotation{'' if total == 1 else 's'} matches"
    return f"{shown:,} of {total:,} annotations shown, {scope}"


def details_text(document: NotebookDocument, annotation: Annotation) -> str:
    """An annotation whole, as plain text: quote, note, tags, colour and dates, document."""
    parts = [f"“{annotation.quote.exact}”"]
    if annotation.note:
        parts.append(annotation.note)
    if annotation.tags:
        parts.append("  ".join(f"#{tag}" for tag in annotation.tags))
    facts = [annotation.colour.value.capitalize(), f"made {local_date(annotation.created, True)}"]
    if annotation.modified != annotation.created:
        facts.append(f"changed {local_date(annotation.modified, True)}")
    if annotation.orphan:
        facts.append("could not be placed in the text")
    parts.append(" · ".join(facts))
    parts.append(f"{document.record.title}\n{where_text(document)}")
    return readable("\n\n".join(parts))
