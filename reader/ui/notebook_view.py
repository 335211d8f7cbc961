"""The Notebook: every annotation of every document in one window, grouped by document.

Filter by words (quote, note and tags, folded as search folds them, so 寺庙 finds 寺廟), by
colour and by tag; the chosen annotation is shown whole beside the list. A click (or Enter) on
an annotation goes there in the reading window; Enter on a document opens it. Export All writes
every annotation, whatever the filters show. This widget only shows and asks: reading the
store, opening documents and writing files are `notebook_link`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.annotations.model import Annotation, Colour
from reader.annotations.notebook import Notebook, NotebookDocument, NotebookQuery
from reader.ui.highlight_popup import colour_icon
from reader.ui.message_bar import MessageBar
from reader.ui.notebook_delegate import NotebookDelegate
from reader.ui.notebook_filtering import NotebookFiltering
from reader.ui.notebook_model import NotebookModel, Row, count_text, details_text
from reader.ui.plain_text import plain_label, readable
from reader.ui.theme import THEMES, Theme, highlight_colour

FILTER_DELAY_MS = 150
"""Typing waits this long for the next key before the list is filtered again."""
LAYOUT_BATCH = 200
"""Rows the list lays out between events: ten thousand are placed without a stall."""
ALL = "__all__"
EMPTY_NOTEBOOK = (
    "No notes yet.\n\nSelect a passage in any document and press H to highlight it, or N to "
    "write a note about it. Every highlight and note from every document you read is "
    "collected here."
)
NOTHING_MATCHES = "No annotation matches these filters."


class NotebookView(QWidget):
    """The notebook window's widgets; `notebook_link.NotebookLink` feeds and answers it."""

    go_to = Signal(object, object)
    """Show this `Annotation` of this `NotebookDocument` in the reading window."""
    open_document = Signal(object)
    """Open this `NotebookDocument` in the reading window."""
    export_requested = Signal(str)
    """Export every annotation as "markdown" or "w3c"."""

    def __init__(self, fold: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("notebook")
        self.setWindowTitle("Notebook — Reader")
        self._notebook = Notebook([])
        self.filtering = NotebookFiltering(fold, self)
        self.filtering.ready.connect(self._show_filtered)
        self._unavailable: str | None = None
        self._theme = THEMES["light"]
        self.model = NotebookModel()
        self._build()
        self._refilter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._refilter_timer.timeout.connect(self.refilter)
        self.filter.textChanged.connect(lambda _text: self._refilter_timer.start())
        self.filter.returnPressed.connect(self._enter_list)
        self.colour.currentIndexChanged.connect(lambda _index: self.refilter())
        self.tag.currentIndexChanged.connect(lambda _index: self.refilter())
        self.entries.clicked.connect(self._on_clicked)
        self.entries.activated.connect(self._on_activated)
        self.entries.selectionModel().currentChanged.connect(
            lambda now, _was: self._show_details(now)
        )
        self.set_theme(self._theme)

    def _build(self) -> None:
        self.filter = QLineEdit()
        self.filter.setObjectName("notebookFilter")
        self.filter.setAccessibleName("Filter all annotations")
        self.filter.setPlaceholderText("Filter quotes, notes and tags")
        self.filter.setClearButtonEnabled(True)
        self.colour = QComboBox()
        self.colour.setAccessibleName("Filter by colour")
        self.tag = QComboBox()
        self.tag.setAccessibleName("Filter by tag")
        self.tag.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.export_button = QPushButton("Export All")
        self.export_button.setAccessibleName("Export every annotation")
        export_menu = QMenu(self.export_button)
        for kind, text in (("markdown", "As &Markdown…"), ("w3c", "As W3C &Web Annotations…")):
            action = export_menu.addAction(text)
            action.triggered.connect(lambda _checked=False, k=kind: self.export_requested.emit(k))
        self.export_button.setMenu(export_menu)
        bar = QHBoxLayout()
        bar.addWidget(self.filter, 3)
        bar.addWidget(self.colour)
        bar.addWidget(self.tag, 1)
        bar.addWidget(self.export_button)
        self.message_bar = MessageBar()
        self.entries = QListView()
        self.entries.setObjectName("notebookList")
        self.entries.setAccessibleName("All annotations")
        self.entries.setModel(self.model)
        self.entries.setItemDelegate(NotebookDelegate(self.entries))
        self.entries.setLayoutMode(QListView.LayoutMode.Batched)
        self.entries.setBatchSize(LAYOUT_BATCH)
        self.entries.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.empty = plain_label()
        self.empty.setObjectName("notebookEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(32)
        self.empty.setBackgroundRole(QPalette.ColorRole.Base)  # the list's ground, not a hole
        self.empty.setAutoFillBackground(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.entries)
        self.pages.addWidget(self.empty)
        self.details = QPlainTextEdit()
        self.details.setObjectName("notebookDetails")
        self.details.setAccessibleName("The chosen annotation")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Choose an annotation to read it whole.")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.pages)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.count = plain_label()
        self.count.setObjectName("notebookCount")
        self.count.setText("Reading the annotations…")  # until the first reading arrives
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(self.message_bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count)

    def sizeHint(self) -> QSize:
        """Room for a list and the chosen note beside it."""
        return QSize(960, 640)

    # -- what is shown ---------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        """Swatches in `theme`'s shades (the palette itself comes from the application)."""
        self._theme = theme
        delegate = self.entries.itemDelegate()
        if isinstance(delegate, NotebookDelegate):
            delegate.set_theme(theme)
        current = self.colour.currentData()
        self.colour.blockSignals(True)
        self.colour.clear()
        self.colour.addItem("All colours", ALL)
        for colour in Colour:
            icon = colour_icon(highlight_colour(theme, colour))
            self.colour.addItem(icon, colour.value.capitalize(), colour.value)
        self.colour.setCurrentIndex(max(self.colour.findData(current), 0))
        self.colour.blockSignals(False)
        self.entries.viewport().update()

    def set_notebook(self, notebook: Notebook, unavailable: str | None = None) -> None:
        """Show `notebook` with the filters as they are; `unavailable` says why there is none."""
        self._notebook = notebook
        self._unavailable = unavailable
        current = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("All tags", ALL)
        for tag in notebook.tags():
            self.tag.addItem(f"#{readable(tag)}", tag)
        self.tag.setCurrentIndex(max(self.tag.findData(current), 0))
        self.tag.blockSignals(False)
        self.refilter()

    def query(self) -> NotebookQuery:
        """The filters as the user set them."""
        colour, tag = self.colour.currentData(), self.tag.currentData()
        return NotebookQuery(
            self.filter.text(),
            None if colour in (None, ALL) else Colour(colour),
            None if tag in (None, ALL) else tag,
        )

    def refilter(self) -> None:
        """Filter the list again, on a worker; what it shows changes when the answer comes."""
        self._refilter_timer.stop()
        self.filtering.request(self._notebook, self.query(), frozenset(self.model.folded))

    def _show_filtered(self, shown: list[NotebookDocument], rows: list[Row]) -> None:
        """Show the annotations that passed the filters, keeping the chosen one chosen."""
        chosen = self.current_annotation()
        self.model.set_rows(shown, rows)
        total, count = self._notebook.total, sum(len(d.annotations) for d in shown)
        if self._unavailable:
            self.empty.setText(self._unavailable)
        else:
            self.empty.setText(EMPTY_NOTEBOOK if not total else NOTHING_MATCHES)
        self.pages.setCurrentWidget(self.entries if count else self.empty)
        self.details.setVisible(count > 0)
        self.export_button.setEnabled(total > 0)
        self.count.setText(count_text(count, total, len(shown)))
        self._choose(chosen.id if chosen else None)

    def current_annotation(self) -> Annotation | None:
        """The annotation chosen in the list, if an annotation row is chosen."""
        return self.model.annotation_at(self.entries.currentIndex())

    def annotation_index(self, annotation_id: str) -> QModelIndex:
        """The row of an annotation shown in the list (invalid if it is not shown)."""
        row = self.model.row_of(annotation_id)
        return self.model.index(row, 0) if row is not None else QModelIndex()

    def _choose(self, annotation_id: str | None) -> None:
        index = self.annotation_index(annotation_id) if annotation_id else QModelIndex()
        if index.isValid():
            self.entries.setCurrentIndex(index)
        else:
            self._show_details(QModelIndex())

    def _show_details(self, index: QModelIndex) -> None:
        annotation, document = self.model.annotation_at(index), self.model.document_at(index)
        if annotation is None or document is None:
            self.details.setPlainText("")
            return
        self.details.setPlainText(details_text(document, annotation))

    # -- gestures --------------------------------------------------------------------------------

    def _enter_list(self) -> None:
        """Enter in the filter: into the list, on its first annotation."""
        first = next(
            (
                n
                for n in range(self.model.rowCount())
                if self.model.annotation_at(self.model.index(n))
            ),
            None,
        )
        if first is not None:
            self.entries.setCurrentIndex(self.model.index(first, 0))
            self.entries.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_clicked(self, index: QModelIndex) -> None:
        """An annotation: go there; a document: fold its annotations away, or show them."""
        annotation, document = self.model.annotation_at(index), self.model.document_at(index)
        if document is None:
            return
        if annotation is None:
            self.model.toggle_folded(index.row())
        else:
            self.go_to.emit(document, annotation)

    def _on_activated(self, index: QModelIndex) -> None:
        annotation, document = self.model.annotation_at(index), self.model.document_at(index)
        if document is None:
            return
        if annotation is None:
            self.open_document.emit(document)
        else:
            self.go_to.emit(document, annotation)
