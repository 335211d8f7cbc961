"""The notebook as a Qt item model: documents, and under each its annotations.

A real model, not a widget per row: ten thousand annotations cost ten thousand small Python
objects the core already made, and the view asks only for the rows it paints. Filtering
replaces the model's documents at once (a reset), which the view answers by painting the
screenful it shows.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from reader.annotations.model import Annotation
from reader.annotations.notebook import NotebookDocument
from reader.ui.plain_text import plain_tooltip

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
DOCUMENT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's `NotebookDocument` (for an annotation row: its document's)."""
ANNOTATION_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's `Annotation`; None on a document row."""
TOOLTIP_CHARACTERS = 400
_DOCUMENT_ROW = 0
"""The internal id of a document row; an annotation row's is its document's row + 1."""


class NotebookModel(QAbstractItemModel):
    """Two levels, one column: a document per top-level row, its annotations as children."""

    def __init__(self) -> None:
        super().__init__()
        self._documents: list[NotebookDocument] = []

    def set_documents(self, documents: list[NotebookDocument]) -> None:
        """Show `documents` instead of what was shown."""
        self.beginResetModel()
        self._documents = list(documents)
        self.endResetModel()

    @property
    def documents(self) -> list[NotebookDocument]:
        """The documents shown, in order."""
        return list(self._documents)

    # -- the tree ------------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        """The index of a row under `parent` (the root, or a document)."""
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._documents):
                return QModelIndex()
            return self.createIndex(row, 0, _DOCUMENT_ROW)
        if parent.internalId() != _DOCUMENT_ROW or row >= self.rowCount(parent):
            return QModelIndex()
        return self.createIndex(row, 0, parent.row() + 1)

    def parent(self, child: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        """A document row for an annotation row; the root for a document row."""
        if not child.isValid() or child.internalId() == _DOCUMENT_ROW:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _DOCUMENT_ROW)

    def rowCount(self, parent: Index = ROOT) -> int:
        """Documents at the root, annotations under a document, nothing under an annotation."""
        if not parent.isValid():
            return len(self._documents)
        if parent.internalId() == _DOCUMENT_ROW:
            return len(self._documents[parent.row()].annotations)
        return 0

    def columnCount(self, parent: Index = ROOT) -> int:
        """One column: the delegate lays the row out itself."""
        return 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Every row can be chosen (the keyboard walks documents and annotations alike)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- what a row holds ------------------------------------------------------------------------

    def document_at(self, index: Index) -> NotebookDocument | None:
        """The document of a row (its own, or its annotation's)."""
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == _DOCUMENT_ROW else index.internalId() - 1
        return self._documents[row] if row < len(self._documents) else None

    def annotation_at(self, index: Index) -> Annotation | None:
        """The annotation of a row; None for a document row."""
        document = self.document_at(index)
        if document is None or index.internalId() == _DOCUMENT_ROW:
            return None
        return document.annotations[index.row()]

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
