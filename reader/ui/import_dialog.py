"""The dialog of File › Import Highlights: the books found in the file beside the library's
documents, so the user says where each book's highlights go.

Each book of the file is a row: its title and author, how many highlights it has, and a
document to import them into, chosen already when exactly one document matches it (see
`reader.annotations.matching`) and otherwise left for the user ("Do not import").
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.annotations.exchange.records import ForeignBook, ForeignFile
from reader.annotations.matching import Candidate, matches
from reader.search.folding import fold

FORMAT_NAMES = {
    "kindle": "Kindle (My Clippings)",
    "koreader": "KOReader",
    "calibre": "calibre",
    "foliate": "Foliate",
    "hypothesis": "Hypothesis",
}
SKIP = "Do not import"


class ImportHighlightsDialog(QDialog):
    """Books of an import file, each with the document its highlights go into."""

    def __init__(
        self, foreign: ForeignFile, candidates: Sequence[Candidate], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Highlights")
        self._books, self._candidates = list(foreign.books), list(candidates)
        source = FORMAT_NAMES.get(foreign.format, foreign.format)
        books = len(self._books)
        intro = QLabel(
            f"{foreign.highlight_count} highlights from {source}, in {books} "
            f"book{'s' if books != 1 else ''}. Choose the document each book's highlights go "
            "into; those that cannot be placed in its text are kept as “could not be placed”."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(books, 3, self)
        self.table.setHorizontalHeaderLabels(["Book in the file", "Highlights", "Import into"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.choosers = [self._add_row(row, book) for row, book in enumerate(self._books)]
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.resize(720, 160 + 36 * min(books, 8))
        self._update_button()

    def _add_row(self, row: int, book: ForeignBook) -> QComboBox:
        label = QTableWidgetItem(book.label() if book.title else "(the file names no book)")
        label.setToolTip(book.identifier or book.label())
        self.table.setItem(row, 0, label)
        self.table.setItem(row, 1, QTableWidgetItem(str(len(book.highlights))))
        chooser = QComboBox(self.table)
        chooser.addItem(SKIP, None)
        for candidate in self._candidates:
            chooser.addItem(candidate.title, candidate)
            chooser.setItemData(chooser.count() - 1, str(candidate.path), _TOOLTIP_ROLE)
        found = matches(book, self._candidates, fold)
        if len(found) == 1:
            chooser.setCurrentIndex(self._candidates.index(found[0]) + 1)
        elif len(self._books) == 1 and self._candidates:
            chooser.setCurrentIndex(1)  # one book, no clue: the open document, to confirm
        chooser.currentIndexChanged.connect(self._update_button)
        self.table.setCellWidget(row, 2, chooser)
        return chooser

    def choices(self) -> list[tuple[ForeignBook, Candidate]]:
        """Each book the user chose a document for, with that document."""
        chosen = []
        for book, chooser in zip(self._books, self.choosers, strict=True):
            candidate = chooser.currentData()
            if isinstance(candidate, Candidate):
                chosen.append((book, candidate))
        return chosen

    def _update_button(self) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        button.setEnabled(bool(self.choices()))


_TOOLTIP_ROLE = 3  # Qt.ItemDataRole.ToolTipRole: the file behind a document's title
