"""The highlights on the page, one mark per placed annotation, kept in step with changes.

A novel can carry ten thousand highlights: painting them all afresh after every change (a
mark each, then a sort) cost a highlight tens of milliseconds. After a change only the marks
of the annotations it names are taken off and put on; a new document, theme or reload paints
them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor

from reader.annotations.model import Annotation, Colour
from reader.ui.marks import Mark
from reader.ui.reader_view import ReaderView
from reader.ui.theme import Theme, highlight_colour, note_underline_colour

if TYPE_CHECKING:  # the session (SQLite) loads after the first page is painted
    from reader.annotations.session import AnnotationSession, Changes

INCREMENTAL_LIMIT = 64
"""Changes naming more annotations than this (a re-anchoring) are painted afresh."""


class AnnotationMarks:
    """The marks painted for the open document's placed annotations, by annotation id."""

    def __init__(self, view: ReaderView) -> None:
        self.view = view
        self._colours: dict[Colour, QColor] = {}
        """The theme's shade of each colour; nothing is painted before the window sets them."""
        self._underline = QColor()
        self._marks: dict[str, Mark] = {}

    def set_theme(self, theme: Theme) -> None:
        """Paint in `theme`'s shades from now on."""
        self._colours = {colour: highlight_colour(theme, colour) for colour in Colour}
        self._underline = note_underline_colour(theme)

    def show(self, session: AnnotationSession | None, changes: Changes | None) -> Changes | None:
        """Paint what `changes` changed when they name a few annotations (a highlight costs
        one mark), else every placed annotation afresh; the changes painted one by one, or
        None when everything was painted afresh."""
        placed = session.placed if session is not None else []
        if session is None or changes is None or changes.everything:
            self.paint(placed)
            return None
        changed = (*changes.added, *changes.updated, *changes.removed)
        if len(changed) > INCREMENTAL_LIMIT:
            self.paint(placed)
            return None
        self.change(changed, [session.placed_one(i) for i in changes.saved])
        return changes

    def paint(self, annotations: Iterable[Annotation]) -> None:
        """Paint exactly `annotations` (all the placed ones), afresh."""
        if not self._colours:
            return
        self._marks = {a.id: self._mark(a) for a in annotations}
        self.view.set_annotation_marks(list(self._marks.values()))

    def change(self, changed: Iterable[str], placed: Sequence[Annotation | None]) -> None:
        """Take off the marks of the annotations `changed` (by id) and paint `placed` (the
        changed annotations now on the page; None stands for one that is not)."""
        if not self._colours:
            return
        removed = [self._marks.pop(i) for i in changed if i in self._marks]
        added = []
        for annotation in placed:
            if annotation is not None:
                self._marks[annotation.id] = self._mark(annotation)
                added.append(self._marks[annotation.id])
        self.view.change_annotation_marks(removed, added)

    def _mark(self, annotation: Annotation) -> Mark:
        underline = self._underline if annotation.note.strip() else None
        background = self._colours[annotation.colour]
        order = (annotation.created, annotation.id)  # marks of one span: in reading order
        return Mark(annotation.start, annotation.end, background, underline, annotation.id, order)
