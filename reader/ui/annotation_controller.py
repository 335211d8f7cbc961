"""The open document's annotations on the page: the window's side of an `AnnotationSession`.

The session (Qt-free) makes every change in one transaction and says what changed; this object
runs its operations, tells the user when the store refuses one (nothing is then changed), paints
the highlights, re-anchors stale annotations on a worker thread, and notices changes made by
another window or process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from reader.annotations.errors import ImportFormatError
from reader.annotations.model import Annotation, Colour
from reader.annotations.placement import place
from reader.annotations.session import AnnotationSession, Changes
from reader.annotations.store import AnnotationStore, DocumentRecord, StoreError
from reader.app.atomic import write_atomically
from reader.document.model import Document
from reader.ui.marks import Mark
from reader.ui.reader_view import ReaderView
from reader.ui.theme import Theme, highlight_colour, note_underline_colour
from reader.ui.workers import run_in_background

EXTERNAL_CHANGE_POLL_MS = 1000


class _Signals(QObject):
    anchored = Signal(object, object)


class AnnotationController(QObject):
    """Owns the session of the document on the page."""

    changed = Signal()
    """The list of annotations (or orphans, or trash) of the open document changed."""
    saved = Signal(str)
    """An annotation (by id) was committed to the store."""
    failed = Signal(str)
    """A change could not be saved; the message says why (nothing was changed)."""
    history_changed = Signal()
    """What Undo and Redo would do changed."""

    def __init__(self, store: AnnotationStore | None, view: ReaderView, parent: QObject) -> None:
        super().__init__(parent)
        self.store, self.view = store, view
        self.session: AnnotationSession | None = None
        self.last_colour = Colour.YELLOW
        self._theme: Theme | None = None
        self._signals = _Signals(self)
        self._signals.anchored.connect(self._on_anchored)
        self._poll = QTimer(self)
        self._poll.setInterval(EXTERNAL_CHANGE_POLL_MS)
        self._poll.timeout.connect(self._check_external_changes)
        if store is not None:
            self._poll.start()

    # -- what is open ----------------------------------------------------------------------------

    @property
    def document(self) -> Document | None:
        """The document whose annotations are shown."""
        return self.session.document if self.session is not None else None

    @property
    def record(self) -> DocumentRecord | None:
        """The store's record of the open document."""
        return self.session.record if self.session is not None else None

    @property
    def annotations(self) -> list[Annotation]:
        """The annotations placed on the page, in reading order."""
        return self.session.placed if self.session is not None else []

    @property
    def orphans(self) -> list[Annotation]:
        """The annotations that could not be placed in this text."""
        return self.session.orphans if self.session is not None else []

    def document_opened(self, document: Document) -> None:
        """Show the document's annotations; re-anchor those made on another text of its file."""
        self.session = None
        if self.store is not None:
            try:
                self.session = AnnotationSession.open(self.store, document)
            except StoreError as error:
                self.failed.emit(f"The annotations of this document cannot be read: {error}")
        self._publish()
        self.history_changed.emit()
        if self.session is not None and self.session.stale:
            self._anchor_in_background(self.session)

    def _anchor_in_background(self, session: AnnotationSession) -> None:
        signals, stale, document = self._signals, list(session.stale), session.document

        def work() -> None:
            signals.anchored.emit(session, place(stale, document))

        run_in_background(work)

    def _on_anchored(self, session: AnnotationSession, placed: list[Annotation]) -> None:
        """Save the re-anchored annotations (one transaction) and show them."""
        if session is not self.session:
            return
        if self._run(lambda: session.save_placements(placed)) is None:
            return
        orphans = sum(1 for a in placed if a.orphan)
        if orphans:
            self.failed.emit(
                f"{orphans} annotation(s) could not be placed in the changed text; "
                "they are kept under “Could not be placed” in the Annotations panel."
            )

    def reload(self) -> None:
        """Read the open document's annotations again (another window or process changed them)."""
        if self.session is not None:
            self._run(self.session.reload)

    def _check_external_changes(self) -> None:
        if self.session is not None and self.session.store.changed_elsewhere():
            self.reload()

    def stop_watching(self) -> None:
        """Stop looking for other processes' changes (the window is closing, and its store may
        be closed before Qt deletes this object)."""
        self._poll.stop()

    # -- showing ---------------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        """Colour the highlights for `theme`."""
        self._theme = theme
        self._paint()

    def _publish(self) -> None:
        self._paint()
        self.changed.emit()

    def _paint(self) -> None:
        if self._theme is None:
            return
        theme = self._theme
        underline = note_underline_colour(theme)
        colours = {colour: highlight_colour(theme, colour) for colour in Colour}
        self.view.set_annotation_marks(
            [
                Mark(a.start, a.end, colours[a.colour], underline if a.note.strip() else None, a.id)
                for a in self.annotations
            ]
        )

    def find(self, annotation_id: str) -> Annotation | None:
        """A live annotation of the open document."""
        return self.session.find(annotation_id) if self.session is not None else None

    def at(self, offset: int) -> Annotation | None:
        """The topmost annotation covering canonical `offset`."""
        keys = self.view.annotation_keys_at(offset)
        return self.find(keys[-1]) if keys else None

    def trash(self) -> list[Annotation]:
        """The open document's deleted annotations, most recent first."""
        if self.session is None:
            return []
        try:
            return self.session.trash()
        except StoreError as error:
            self.failed.emit(str(error))
            return []

    # -- changing (each undoable) -----------------------------------------------------------------

    def highlight(
        self, start: int, end: int, colour: Colour | None = None, note: str = ""
    ) -> Annotation | None:
        """Highlight [start, end) of the open document; None if it could not be saved."""
        session = self.session
        if session is None or start >= end:
            if self.store is None:
                self.failed.emit("Annotations cannot be saved: there is no annotation store.")
            return None
        colour = colour or self.last_colour
        self.last_colour = colour
        made: list[Annotation] = []

        def operation() -> Changes:
            stored, changes = session.highlight(start, end, colour, note)
            made.append(stored)
            return changes

        self._run(operation)
        return made[0] if made else None

    def recolour(self, annotation_id: str, colour: Colour) -> None:
        """Give an annotation another colour."""
        self.last_colour = colour
        self._on_session(lambda s: s.recolour(annotation_id, colour))

    def edit_note(self, annotation_id: str, note: str) -> bool:
        """Replace an annotation's note; True once saved. Consecutive edits undo as one."""
        return self._on_session(lambda s: s.edit_note(annotation_id, note)) is not None

    def set_tags(self, annotation_id: str, tags: list[str] | tuple[str, ...]) -> None:
        """Replace an annotation's tags."""
        self._on_session(lambda s: s.set_tags(annotation_id, tags))

    def delete(self, annotation_id: str) -> None:
        """Move an annotation to the trash."""
        self._on_session(lambda s: s.delete(annotation_id))

    def restore(self, annotation_id: str) -> None:
        """Bring an annotation back from the trash."""
        self._on_session(lambda s: s.restore(annotation_id))

    def reattach(self, annotation_id: str, start: int, end: int) -> None:
        """Attach an orphan (or move any annotation) to [start, end) of the open document."""
        if start < end:
            self._on_session(lambda s: s.reattach(annotation_id, start, end))

    def undo(self) -> None:
        """Undo the last change (a failure to save it is reported; nothing is then undone)."""
        self._on_session(lambda s: s.undo())

    def redo(self) -> None:
        """Redo the last undone change."""
        self._on_session(lambda s: s.redo())

    def undo_texts(self) -> tuple[str | None, str | None]:
        """What Undo and Redo would do, for the menu (None: nothing)."""
        if self.session is None:
            return None, None
        return self.session.history.undo_text, self.session.history.redo_text

    # -- exchange ----------------------------------------------------------------------------

    def export(self, path: Path, kind: str) -> tuple[bool, str]:
        """Write the open document's annotations as Markdown or W3C JSON-LD."""
        if self.session is None:
            return False, "Open a document first."
        from reader.annotations.exchange import render  # the formats load on first export

        content = render(self.session.document, self.annotations, self.orphans, kind)
        try:
            write_atomically(path, content)
        except OSError as error:
            return False, f"The annotations could not be written to {path}: {error.strerror}."
        count = len(self.annotations) + len(self.orphans)
        return True, f"Exported {count} annotations to {path}."

    def import_file(self, path: Path) -> tuple[bool, str]:
        """Import W3C JSON-LD annotations; all or nothing, and never a duplicate."""
        session = self.session
        if session is None:
            return False, "Open a document first."
        try:
            report, changes = session.import_file(path)
        except OSError as error:
            return False, f"{path} cannot be read: {error.strerror}."
        except (ImportFormatError, StoreError) as error:
            return False, f"Nothing was imported: {error}"
        self._render(changes)
        summary = report.summary()
        return True, f"{summary[0].upper()}{summary[1:]}."

    # -- running operations ------------------------------------------------------------------------

    def _on_session(self, operation: Callable[[AnnotationSession], Changes]) -> Changes | None:
        session = self.session
        if session is None:
            return None
        return self._run(lambda: operation(session))

    def _run(self, operation: Callable[[], Changes]) -> Changes | None:
        """Run one session operation; on failure tell the user (nothing was changed)."""
        try:
            changes = operation()
        except StoreError as error:
            self.failed.emit(str(error))
            return None
        self._render(changes)
        return changes

    def _render(self, changes: Changes) -> None:
        self._publish()
        for annotation_id in changes.saved:
            self.saved.emit(annotation_id)
        self.history_changed.emit()
