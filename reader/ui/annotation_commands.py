"""Undoable annotation changes.

Each change is carried out first, through the store, and pushed on the undo stack only after it
committed: a command never stands for something that did not happen. Undo and redo then replay
the opposite and the same change through the store again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from reader.annotations.model import Annotation
from reader.annotations.store import StoreError

NOTE_EDIT_ID = 1001
"""Successive note edits of one annotation merge into one undo step."""


class AnnotationCommand(QUndoCommand):
    """A change already made (`do`), with its inverse (`undo`). A store failure while
    replaying either is reported through `report` (Qt gives exceptions nowhere to go)."""

    def __init__(
        self,
        text: str,
        do: Callable[[], object],
        undo: Callable[[], object],
        report: Callable[[str], None],
    ) -> None:
        super().__init__(text)
        self._do, self._undo, self._report = do, undo, report
        self._done_once = False

    def redo(self) -> None:
        """Qt calls this on push (the change is already made: skip) and on every redo."""
        if self._done_once:
            self._run(self._do)
        self._done_once = True

    def undo(self) -> None:
        """Apply the inverse change."""
        self._run(self._undo)

    def _run(self, step: Callable[[], object]) -> None:
        try:
            step()
        except StoreError as error:
            self._report(str(error))


class NoteEdit(AnnotationCommand):
    """A note edit; consecutive edits of the same note merge, so undo restores the note as it
    was before the typing began."""

    def __init__(
        self,
        annotation: Annotation,
        do: Callable[[], object],
        undo: Callable[[], object],
        report: Callable[[str], None],
    ) -> None:
        super().__init__("Edit Note", do, undo, report)
        self.annotation_id = annotation.id

    def id(self) -> int:
        """Qt's merge key."""
        return NOTE_EDIT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Absorb a later edit of the same note: keep our undo, take its redo."""
        if not isinstance(other, NoteEdit) or other.annotation_id != self.annotation_id:
            return False
        self._do = other._do
        return True
