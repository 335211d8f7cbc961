"""Every annotation of the document: grouped by section in reading order, filterable by
colour, tag and text (notes and quotes, folded as search folds them), with the trash and the
annotations that could not be placed, and an editor for the chosen one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.annotations.model import Annotation, Colour
from reader.ui.annotation_controller import AnnotationController
from reader.ui.annotation_rows import ANNOTATION_ROLE, ORPHANS, AnnotationRows
from reader.ui.highlight_popup import colour_icon
from reader.ui.note_editor import NoteEditor
from reader.ui.theme import THEMES, Theme, highlight_colour

if TYPE_CHECKING:
    from reader.annotations.session import Changes

ALL = "__all__"


class AnnotationsPanel(QWidget):
    """The list of annotations and the editor of the chosen one."""

    go_to = Signal(object)
    """The reader asked to see this `Annotation` in the text."""

    def __init__(
        self,
        controller: AnnotationController,
        fold: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("annotationsPanel")
        self.controller, self._fold = controller, fold
        self._theme = THEMES["light"]
        self._icons = {c: colour_icon(highlight_colour(self._theme, c)) for c in Colour}
        self._stale = True
        self.filter = QLineEdit()
        self.filter.setObjectName("annotationFilter")
        self.filter.setAccessibleName("Filter annotations")
        self.filter.setPlaceholderText("Filter notes and quotes")
        self.filter.setClearButtonEnabled(True)
        self.colour = QComboBox()
        self.colour.setAccessibleName("Filter by colour")
        self.tag = QComboBox()
        self.tag.setAccessibleName("Filter by tag")
        self.show_trash = QToolButton()
        self.show_trash.setText("Trash")
        self.show_trash.setCheckable(True)
        self.show_trash.setAccessibleName("Show deleted annotations")
        self.tree = QTreeWidget()
        self.tree.setObjectName("annotationList")
        self.tree.setAccessibleName("Annotations")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.setWordWrap(True)
        self.rows = AnnotationRows(self.tree, lambda a: self._icons[a.colour])
        self.editor = NoteEditor(controller)
        filters = QHBoxLayout()
        filters.addWidget(self.colour)
        filters.addWidget(self.tag, 1)
        filters.addWidget(self.show_trash)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.filter)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

        self.filter.textChanged.connect(lambda _text: self.refresh())
        self.colour.currentIndexChanged.connect(lambda _index: self.refresh())
        self.tag.currentIndexChanged.connect(lambda _index: self.refresh())
        self.show_trash.toggled.connect(lambda _on: self.refresh())
        self.tree.currentItemChanged.connect(self._on_current)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.itemClicked.connect(self._on_activated)
        self.editor.restore_requested.connect(controller.restore)
        controller.changed.connect(self._on_changed)
        self._fill_colours()

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up on changes made while hidden."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def set_theme(self, theme: Theme) -> None:
        """Swatches in the theme's shades."""
        self._theme = theme
        self._icons = {c: colour_icon(highlight_colour(theme, c)) for c in Colour}
        self.editor.set_theme(theme)
        self._fill_colours()
        self.refresh()

    def _fill_colours(self) -> None:
        current = self.colour.currentData()
        self.colour.blockSignals(True)
        self.colour.clear()
        self.colour.addItem("All colours", ALL)
        for colour in Colour:
            self.colour.addItem(self._icons[colour], colour.value.capitalize(), colour.value)
        index = self.colour.findData(current)
        self.colour.setCurrentIndex(max(index, 0))
        self.colour.blockSignals(False)

    def _fill_tags(self, annotations: list[Annotation]) -> None:
        current = self.tag.currentData()
        tags = sorted({tag for a in annotations for tag in a.tags})
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("All tags", ALL)
        for tag in tags:
            self.tag.addItem(f"#{tag}", tag)
        index = self.tag.findData(current)
        self.tag.setCurrentIndex(max(index, 0))
        self.tag.blockSignals(False)

    # -- the list -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Rebuild the list from the controller, keeping the chosen annotation chosen.

        While the panel is hidden this only notes that the list is stale: rebuilding ten
        thousand rows nobody sees would cost every highlight a third of a second.
        """
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        chosen = self.editor.annotation_id
        trash = self.show_trash.isChecked()
        live = self.controller.trash() if trash else self.controller.annotations
        orphans = [] if trash else self.controller.orphans
        self._fill_tags([*live, *orphans])
        shown = [a for a in live if self._passes(a)]
        self.tree.blockSignals(True)
        self.rows.clear()
        for section, title, group in self._grouped(shown):
            self.rows.add_group(section, title, group)
        self.rows.replace_orphans([a for a in orphans if self._passes(a)])
        self.tree.blockSignals(False)
        self._choose(chosen)

    def _on_changed(self, changes: Changes | None) -> None:
        """Update the rows of the annotations `changes` names, or (when they are not known,
        or the trash is shown) rebuild the list."""
        if changes is None or self.show_trash.isChecked() or not self.isVisible():
            self.refresh()
            return
        if self._tags_may_change(changes):
            tag = self.tag.currentData()
            self._fill_tags([*self.controller.annotations, *self.controller.orphans])
            if self.tag.currentData() != tag:  # the tag filtered by is gone: all shows
                self.refresh()
                return
        changed = (*changes.added, *changes.updated, *changes.removed)
        orphans = self.controller.orphans
        self.tree.blockSignals(True)
        touched = [self.rows.remove(annotation_id) for annotation_id in changed]
        for annotation_id in changes.saved:
            annotation = self._placed(annotation_id)
            if annotation is not None and self._passes(annotation):
                self._insert(annotation)
        if ORPHANS in touched or any(o.id in changed for o in orphans):
            self.rows.replace_orphans([a for a in orphans if self._passes(a)])
        self.tree.blockSignals(False)
        if self.editor.annotation_id in changed:
            self._choose(self.editor.annotation_id)

    def _tags_may_change(self, changes: Changes) -> bool:
        """Whether the tags to filter by may differ: not after new annotations whose tags are
        all listed already (a plain highlight), so that it needs no walk over all of them."""
        if changes.updated or changes.removed:
            return True
        listed = {self.tag.itemData(number) for number in range(self.tag.count())}
        added = (self.controller.find(i) for i in changes.added)
        return any(a is None or not listed.issuperset(a.tags) for a in added)

    def _passes(self, annotation: Annotation) -> bool:
        colour, tag = self.colour.currentData(), self.tag.currentData()
        if colour not in (None, ALL) and annotation.colour.value != colour:
            return False
        if tag not in (None, ALL) and tag not in annotation.tags:
            return False
        words = self._fold(self.filter.text()).split()
        if not words:
            return True
        haystack = self._fold(f"{annotation.quote.exact}\n{annotation.note}\n{annotation.tags}")
        return all(word in haystack for word in words)

    def _grouped(self, annotations: list[Annotation]) -> list[tuple[int, str, list[Annotation]]]:
        document = self.controller.document
        if document is None:
            return []
        toc = document.toc()
        groups: dict[int, list[Annotation]] = {}
        for annotation in sorted(annotations, key=lambda a: (a.start, a.created)):
            groups.setdefault(document.toc_index_at(annotation.start), []).append(annotation)
        return [(number, toc[number].title, groups[number]) for number in sorted(groups)]

    def _placed(self, annotation_id: str) -> Annotation | None:
        session = self.controller.session
        return session.placed_one(annotation_id) if session is not None else None

    def _insert(self, annotation: Annotation) -> None:
        document = self.controller.document
        if document is not None:
            section = document.toc_index_at(annotation.start)
            self.rows.insert(section, document.toc()[section].title, annotation)

    def _groups(self) -> list[QTreeWidgetItem]:
        groups = (self.tree.topLevelItem(n) for n in range(self.tree.topLevelItemCount()))
        return [group for group in groups if group is not None]

    def items(self) -> list[QTreeWidgetItem]:
        """The annotation rows shown, in order (for tests and keyboard walking)."""
        found: list[QTreeWidgetItem] = []
        for group in self._groups():
            children = (group.child(n) for n in range(group.childCount()))
            found.extend(child for child in children if child is not None)
        return found

    def group_titles(self) -> list[str]:
        """The section headers shown, in order."""
        return [group.text(0) for group in self._groups()]

    # -- choosing --------------------------------------------------------------------------------

    def choose(self, annotation_id: str, edit_note: bool = False) -> None:
        """Select an annotation in the list (showing it in the editor)."""
        if self.show_trash.isChecked():
            self.show_trash.setChecked(False)
        if self.filter.text() or self.colour.currentIndex() or self.tag.currentIndex():
            self.filter.clear()
            self.colour.setCurrentIndex(0)
            self.tag.setCurrentIndex(0)
        self._choose(annotation_id)
        if edit_note:
            self.editor.edit_note()

    def _choose(self, annotation_id: str | None) -> None:
        row = self.rows.row(annotation_id) if annotation_id is not None else None
        if row is None:
            self.tree.setCurrentIndex(QModelIndex())
            self.editor.show_annotation(None)
            return
        self.tree.setCurrentItem(row)
        self._show_in_editor(row.data(0, ANNOTATION_ROLE))

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        annotation = item.data(0, ANNOTATION_ROLE) if item else None
        self._show_in_editor(annotation)

    def _show_in_editor(self, annotation: Annotation | None) -> None:
        orphan = annotation is not None and annotation in self.controller.orphans
        self.editor.show_annotation(annotation, orphan=orphan, trashed=self.show_trash.isChecked())

    def _on_activated(self, item: QTreeWidgetItem) -> None:
        annotation = item.data(0, ANNOTATION_ROLE)
        placed = isinstance(annotation, Annotation) and annotation not in self.controller.orphans
        if placed and not self.show_trash.isChecked():
            self.go_to.emit(annotation)
