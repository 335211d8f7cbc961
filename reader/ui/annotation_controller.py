"""The open document's annotations on the page: the window's side of an `AnnotationSession`.

The session (Qt-free) makes every change in one transaction and says what changed; this object
runs its operations, tells the user when the store refuses one (nothing is then changed), paints
the highlights, re-anchors stale annotations on a worker thread, and notices changes made by
another window or process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from reader.annotations.errors import StoreError
from reader.annotations.model import Annotation, Colour
from reader.document.model import Document
from reader.ui.after_paint import after_next_paint
from reader.ui.annotation_marks import AnnotationMarks
from reader.ui.reader_view import ReaderView
from reader.ui.reanchoring import Reanchoring
from reader.ui.session_reading import SessionReading
from reader.ui.store_opening import StoreOpener, StoreOpening
from reader.ui.theme import Theme

if TYPE_CHECKING:  # the store and the session (SQLite) load after the first page is painted
    from reader.annotations.placement import OpenedAnnotations
    from reader.annotations.session import AnnotationSession, Changes
    from reader.annotations.store import AnnotationStore, DocumentRecord

EXTERNAL_CHANGE_POLL_MS = 1000


class AnnotationController(QObject):
    """Owns the session of the document on the page."""

    changed = Signal(object)
    """The list of annotations (or orphans, or trash) of the open document changed: by the
    `Changes` given, or (None) in any way."""
    saved = Signal(str)
    """An annotation (by id) was committed to the store."""
    failed = Signal(str)
    """A change could not be saved; the message says why (nothing was changed)."""
    history_changed = Signal()
    """What Undo and Redo would do changed."""
    notice = Signal(str)
    """Something the user should know about the store (a repair, read-only, unavailable)."""
    opened = Signal()
    """The annotations of the document last opened are shown (or known to be unavailable)."""

    def __init__(self, open_store: StoreOpener, view: ReaderView, parent: QObject) -> None:
        super().__init__(parent)
        self.view = view
        self.opening: StoreOpening | None = StoreOpening(open_store, self)
        """The store's opening until the controller has taken the store (then None)."""
        self.opening.finished.connect(self._read_pending)
        self._reading = SessionReading(self, self._on_read)
        self._store: AnnotationStore | None = None
        self._session: AnnotationSession | None = None
        self.pending: Document | None = None
        """A document whose annotations open after the page is painted, or on first use."""
        self.last_colour = Colour.YELLOW
        self.marks = AnnotationMarks(view)
        self._reanchoring = Reanchoring(self)
        self._reanchoring.anchored.connect(self._on_anchored)
        self._poll = QTimer(self, interval=EXTERNAL_CHANGE_POLL_MS)
        self._poll.timeout.connect(self._check_external_changes)

    @property
    def session(self) -> AnnotationSession | None:
        """The open document's session; asking for it opens a pending one at once."""
        self._open_pending()
        return self._session

    def open_store(self) -> AnnotationStore | None:
        """The store (None: unavailable, or no document yet), opened now with the pending
        document's annotations and so its library record (waiting for a worker opening it)."""
        self._open_pending()
        return self._store

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
        """Show the document's annotations once its page is on the screen (opening the store,
        its checks and its writes would delay the page); re-anchor those made on another text
        of its file."""
        self._session, self.pending = None, document
        after_next_paint(self.view.viewport(), self._after_paint)

    def _after_paint(self) -> None:
        """The first time, open the store on a worker (the session follows on `finished`)."""
        if self.opening is not None and not self.opening.done:
            self.opening.start()
        else:
            self._read_pending()

    def _read_pending(self) -> None:
        """Read the pending annotations on a worker (a highlight meanwhile opens them at once)."""
        document, store = self.pending, self._take_store()
        if document is None or store is None:
            return self._open_pending()
        self._reading.start(store, document)

    def _on_read(self, document: Document, opened: OpenedAnnotations | None) -> None:
        if document is self.pending:
            self._open_pending(opened)

    def _take_store(self) -> AnnotationStore | None:
        """The store, taken from its opening the first time (waiting if need be)."""
        if self.opening is not None:
            self._store, messages = self.opening.result()
            self.opening = None
            for message in messages:
                self.notice.emit(message)
            self._poll.start()
        return self._store

    def _open_pending(self, opened: OpenedAnnotations | None = None) -> None:
        """Open the pending document's session, from its annotations read already if given."""
        document, self.pending = self.pending, None
        if document is None:
            return
        from reader.annotations.session import AnnotationSession

        store = self._take_store()
        if store is not None:
            try:
                self._session = AnnotationSession.open(store, document, opened)
            except StoreError as error:
                self.failed.emit(f"The annotations of this document cannot be read: {error}")
        self._publish()
        self.history_changed.emit()
        self.opened.emit()
        if self._session is not None and self._session.stale:
            self._reanchoring.start(self._session)

    def _on_anchored(self, session: AnnotationSession, placed: list[Annotation]) -> None:
        """Save the re-anchored annotations (one transaction) and show them."""
        if session is not self._session:
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
        try:  # the store closes with the window: then there is nothing more to watch
            changed = self._session is not None and self._session.store.changed_elsewhere()
        except StoreError:
            return self._poll.stop()
        if changed:
            self.reload()

    # -- showing ---------------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        """Colour the highlights for `theme`."""
        self.marks.set_theme(theme)
        self.marks.paint(self.annotations)

    def _publish(self, changes: Changes | None = None) -> None:
        """Paint and announce `changes` (None: anything may have changed)."""
        self.changed.emit(self.marks.show(self._session, changes))

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
            if self._store is None:
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
        if self._session is None:  # a pending session has no history: no need to open it
            return None, None
        return self._session.history.undo_text, self._session.history.redo_text

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
        self.show_changes(changes)
        return changes

    def show_changes(self, changes: Changes) -> None:
        """Paint and announce what an operation changed."""
        self._publish(changes)
        for annotation_id in changes.saved:
            self.saved.emit(annotation_id)
        self.history_changed.emit()
