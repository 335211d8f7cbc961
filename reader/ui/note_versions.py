"""The note editor's "Earlier Versions" menu: other notes an annotation had, one click away.

When two machines edit one note while apart, both versions are kept and the later one shown;
the other is here (with any version older than the shown one), so nothing a user wrote is lost
and getting it back takes one click (undoable like any edit). The versions come from the sync
journal, read off the window's thread; the button shows only when there is one to offer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from reader.ui.plain_text import readable

if TYPE_CHECKING:
    from reader.sync.annotation_changes import NoteVersion

VersionsLookup = Callable[[str, Callable[["list[NoteVersion]"], None]], None]
"""Finds an annotation's earlier notes (by id) and calls back with them, on the window's thread."""
EXCERPT_LENGTH = 48


class EarlierVersions(QToolButton):
    """A button with a menu of an annotation's earlier notes; hidden when there is none."""

    chosen = Signal(str)
    """The text of the note the user chose to restore."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("earlierVersions")
        self.setText("Earlier Versions…")
        self.setToolTip("Notes this annotation had on this or your other machines")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.annotation_id: str | None = None
        self.hide()

    def offer(self, annotation_id: str, versions: Sequence[NoteVersion], current: str) -> None:
        """Offer `versions` of `annotation_id`'s note other than the `current` text."""
        if annotation_id != self.annotation_id:
            return  # an answer for an annotation no longer shown
        menu = self.menu()
        menu.clear()
        for version in versions:
            if version.note == current:
                continue
            action = menu.addAction(_label(version))
            action.setToolTip(readable(version.note))
            action.triggered.connect(
                lambda _checked=False, note=version.note: self.chosen.emit(note)
            )
        self.setVisible(not menu.isEmpty())

    def forget(self, annotation_id: str | None) -> None:
        """Hide until the versions of `annotation_id` (the annotation now shown) are known."""
        self.annotation_id = annotation_id
        self.menu().clear()
        self.hide()


def _label(version: NoteVersion) -> str:
    """A menu line: when, then the note's start on one line ("(empty note)" for none)."""
    when = datetime.fromtimestamp(version.made_ms / 1000)
    text = " ".join(version.note.split())
    if len(text) > EXCERPT_LENGTH:
        text = text[: EXCERPT_LENGTH - 1] + "…"
    # Qt reads "&" in a menu text as a mnemonic: double it so a note's own "&" shows.
    return readable(f"{when:%Y-%m-%d %H:%M} — {text or '(empty note)'}").replace("&", "&&")
