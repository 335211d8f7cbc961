"""The rows of the annotations list: a header per section with its count, the section's
annotations under it in reading order, and those that could not be placed last.

Rows are found by annotation id and put in or taken out one at a time, so a change to one
annotation of ten thousand costs a row, not a rebuild of the list (a third of a second).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from reader.annotations.model import Annotation
from reader.ui.plain_text import plain_tooltip

ANNOTATION_ROLE = Qt.ItemDataRole.UserRole
"""A row's annotation."""
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
"""A header's section title (its text adds the count)."""
ORPHANS = -1
"""The group of the annotations that could not be placed (listed after every section)."""
ORPHANS_TITLE = "Could not be placed"
QUOTE_PREVIEW = 60
QUOTE_TOOLTIP = 400


def reading_order(annotation: Annotation) -> tuple[int, str, str]:
    """Where an annotation's row goes in its section."""
    return annotation.start, annotation.created, annotation.id


class AnnotationRows:
    """The contents of the list's tree: sections (by number in the table of contents) holding
    rows, each row one annotation."""

    def __init__(self, tree: QTreeWidget, icon: Callable[[Annotation], QIcon]) -> None:
        self.tree, self._icon = tree, icon
        self._headers: dict[int, QTreeWidgetItem] = {}
        self._rows: dict[str, tuple[int, QTreeWidgetItem]] = {}
        """Each listed annotation's section and row, by annotation id."""

    def clear(self) -> None:
        """No rows, no headers."""
        self.tree.clear()
        self._headers, self._rows = {}, {}

    def row(self, annotation_id: str) -> QTreeWidgetItem | None:
        """The row of an annotation, if it is listed."""
        found = self._rows.get(annotation_id)
        return found[1] if found is not None else None

    def add_group(self, section: int, title: str, annotations: Sequence[Annotation]) -> None:
        """A new last group (the list is being filled in order)."""
        header = self._header(section, title, len(self._headers))
        header.addChildren([self._row(section, annotation) for annotation in annotations])
        self._count(header)

    def insert(self, section: int, title: str, annotation: Annotation) -> None:
        """An annotation's row, in its place in section `section` (made if missing)."""
        header = self._headers.get(section)
        if header is None:
            place = sum(1 for number in self._headers if 0 <= number < section)
            header = self._header(section, title, place)
        low, high, key = 0, header.childCount(), reading_order(annotation)
        while low < high:
            middle = (low + high) // 2
            if reading_order(_annotation(header, middle)) < key:
                low = middle + 1
            else:
                high = middle
        header.insertChild(low, self._row(section, annotation))
        self._count(header)

    def remove(self, annotation_id: str) -> int | None:
        """Take an annotation's row out (and its header, when it was the last); the section
        it was in, or None if it was not listed."""
        found = self._rows.pop(annotation_id, None)
        if found is None:
            return None
        section, row = found
        header = self._headers[section]
        header.removeChild(row)
        if header.childCount():
            self._count(header)
        else:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(header))
            del self._headers[section]
        return section

    def replace_orphans(self, orphans: Sequence[Annotation]) -> None:
        """List these (and only these) under “Could not be placed”, after every section."""
        header = self._headers.pop(ORPHANS, None)
        if header is not None:
            for number in range(header.childCount()):
                del self._rows[_annotation(header, number).id]
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(header))
        if orphans:
            self.add_group(ORPHANS, ORPHANS_TITLE, orphans)

    def _header(self, section: int, title: str, place: int) -> QTreeWidgetItem:
        header = QTreeWidgetItem()
        header.setData(0, TITLE_ROLE, title)
        header.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = header.font(0)
        font.setBold(True)
        header.setFont(0, font)
        self.tree.insertTopLevelItem(place, header)
        header.setExpanded(True)
        self._headers[section] = header
        return header

    @staticmethod
    def _count(header: QTreeWidgetItem) -> None:
        header.setText(0, f"{header.data(0, TITLE_ROLE)}  ({header.childCount()})")

    def _row(self, section: int, annotation: Annotation) -> QTreeWidgetItem:
        quote = annotation.quote.exact.replace("\n", " ")
        if len(quote) > QUOTE_PREVIEW:
            quote = quote[:QUOTE_PREVIEW] + "…"
        lines = [f"“{quote}”"]
        if annotation.note.strip():
            lines.append("✎ " + annotation.note.strip().splitlines()[0][:QUOTE_PREVIEW])
        if annotation.tags:
            lines.append("  ".join(f"#{tag}" for tag in annotation.tags))
        item = QTreeWidgetItem(["\n".join(lines)])
        item.setIcon(0, self._icon(annotation))
        item.setData(0, ANNOTATION_ROLE, annotation)
        item.setToolTip(0, plain_tooltip(annotation.quote.exact[:QUOTE_TOOLTIP]))
        self._rows[annotation.id] = (section, item)
        return item


def _annotation(header: QTreeWidgetItem, number: int) -> Annotation:
    """The annotation of a header's `number`th row."""
    row = header.child(number)
    assert row is not None, "a row within the header's count"
    annotation: Annotation = row.data(0, ANNOTATION_ROLE)
    return annotation
