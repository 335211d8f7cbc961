"""Editing one annotation: its note (saved as you type), tags, colour; delete or restore.

"Saved" appears only after the store committed the change; a pending edit is written at once
when the editor loses the annotation, loses focus, or the window closes, so no keystroke is
left waiting in a timer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.annotations.model import Annotation, Colour
from reader.ui.annotation_controller import AnnotationController
from reader.ui.highlight_popup import colour_icon
from reader.ui.note_versions import EarlierVersions, VersionsLookup
from reader.ui.plain_text import plain_label
from reader.ui.theme import Theme, highlight_colour

NOTE_SAVE_DELAY_MS = 400


class _NoteText(QPlainTextEdit):
    focus_lost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Save what was typed when the reader moves on."""
        super().focusOutEvent(event)
        self.focus_lost.emit()


class NoteEditor(QWidget):
    """Shows and edits the annotation chosen in the panel."""

    reattach_requested = Signal(str)
    restore_requested = Signal(str)

    def __init__(self, controller: AnnotationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self.controller = controller
        self.annotation_id: str | None = None
        self.quote = plain_label()
        self.quote.setWordWrap(True)
        self.quote.setObjectName("noteQuote")
        self.note = _NoteText()
        self.note.setObjectName("noteText")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Write a note…")
        self.note.setTabChangesFocus(True)
        self.tags = QLineEdit()
        self.tags.setObjectName("noteTags")
        self.tags.setAccessibleName("Tags")
        self.tags.setPlaceholderText("Tags, separated by commas")
        self.state = plain_label()
        self.state.setObjectName("noteState")
        self.state.setAccessibleName("Save state")
        self.earlier = EarlierVersions()
        self.earlier.chosen.connect(self._restore_version)
        self.versions_lookup: VersionsLookup | None = None
        """Finds a note's earlier versions (set by sync; None: there are none to find)."""
        self.colour_buttons: dict[Colour, QToolButton] = {}
        colours = QHBoxLayout()
        colours.setSpacing(2)
        for colour in Colour:
            button = QToolButton()
            button.setAutoRaise(True)
            button.setCheckable(True)
            button.setAccessibleName(f"Colour {colour.value}")
            button.setToolTip(colour.value.capitalize())
            button.clicked.connect(lambda _checked=False, c=colour: self._recolour(c))
            colours.addWidget(button)
            self.colour_buttons[colour] = button
        colours.addStretch(1)
        self.reattach = QPushButton("Attach to Selection")
        self.reattach.setToolTip("Place this annotation on the text selected on the page")
        self.reattach.clicked.connect(self._reattach)
        self.restore = QPushButton("Restore")
        self.restore.clicked.connect(self._restore)
        self.delete = QPushButton("Delete")
        self.delete.clicked.connect(self._delete)
        colours.addWidget(self.reattach)
        colours.addWidget(self.restore)
        colours.addWidget(self.delete)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.quote)
        layout.addLayout(colours)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.tags)
        state_row = QHBoxLayout()
        state_row.addWidget(self.state, 1)
        state_row.addWidget(self.earlier)
        layout.addLayout(state_row)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_note)
        self.note.textChanged.connect(self._note_typed)
        self.note.focus_lost.connect(self.save_note)
        self.tags.editingFinished.connect(self._save_tags)
        self._loading = False
        self.show_annotation(None)

    def set_theme(self, theme: Theme) -> None:
        """Colour swatches in the theme's shades."""
        for colour, button in self.colour_buttons.items():
            button.setIcon(colour_icon(highlight_colour(theme, colour)))

    def show_annotation(
        self, annotation: Annotation | None, orphan: bool = False, trashed: bool = False
    ) -> None:
        """Edit `annotation` (None: nothing chosen); a pending note edit is saved first."""
        if self.annotation_id is not None and (
            annotation is None or annotation.id != self.annotation_id
        ):
            self.save_note()
        self._loading = True
        self.annotation_id = annotation.id if annotation else None
        self.setEnabled(annotation is not None)
        self.quote.setText(f"“{annotation.quote.exact}”" if annotation else "")
        if annotation is None or not self.note.hasFocus():
            self.note.setPlainText(annotation.note if annotation else "")
        self.tags.setText(", ".join(annotation.tags) if annotation else "")
        for colour, button in self.colour_buttons.items():
            button.setChecked(annotation is not None and annotation.colour is colour)
        self.reattach.setVisible(orphan)
        self.restore.setVisible(trashed)
        self.delete.setVisible(not trashed)
        self.note.setReadOnly(trashed)
        self.tags.setReadOnly(trashed)
        self.state.setText("")
        self._loading = False
        self._look_for_versions(annotation, trashed)

    def _look_for_versions(self, annotation: Annotation | None, trashed: bool) -> None:
        """Offer the note's earlier versions, once the journal has said which there are."""
        shown = None if annotation is None or trashed else annotation.id
        self.earlier.forget(shown)
        if shown is not None and self.versions_lookup is not None:
            self.versions_lookup(
                shown, lambda found: self.earlier.offer(shown, found, self.note.toPlainText())
            )

    def _restore_version(self, note: str) -> None:
        """Make an earlier note the note again (Undo brings back the one replaced)."""
        self.save_note()
        if self.annotation_id is None or not self.controller.edit_note(self.annotation_id, note):
            return
        self._loading = True
        self.note.setPlainText(note)
        self._loading = False
        self.state.setText("Earlier version restored")

    def edit_note(self) -> None:
        """Put the cursor at the end of the note, ready to type."""
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)
        self.note.moveCursor(self.note.textCursor().MoveOperation.End)

    def save_note(self) -> None:
        """Write the note now if it has unsaved changes."""
        self._save_timer.stop()
        if self.annotation_id is None:
            return
        current = self.controller.find(self.annotation_id)
        text = self.note.toPlainText()
        if current is None or current.note == text:
            return
        if self.controller.edit_note(self.annotation_id, text):
            self.state.setText("Saved")
        else:
            self.state.setText("Not saved")

    def _note_typed(self) -> None:
        if not self._loading and self.annotation_id is not None:
            self.state.setText("Editing…")
            self._save_timer.start()

    def _save_tags(self) -> None:
        if self.annotation_id is None or self.tags.isReadOnly():
            return
        tags = [tag.strip() for tag in self.tags.text().replace("，", ",").split(",")]
        current = self.controller.find(self.annotation_id)
        if current is not None and tuple(t for t in tags if t) != current.tags:
            self.controller.set_tags(self.annotation_id, [t for t in tags if t])

    def _recolour(self, colour: Colour) -> None:
        if self.annotation_id is not None:
            self.controller.recolour(self.annotation_id, colour)

    def _delete(self) -> None:
        if self.annotation_id is not None:
            self.save_note()
            self.controller.delete(self.annotation_id)

    def _reattach(self) -> None:
        if self.annotation_id is not None:
            self.reattach_requested.emit(self.annotation_id)

    def _restore(self) -> None:
        if self.annotation_id is not None:
            self.restore_requested.emit(self.annotation_id)
