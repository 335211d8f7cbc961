"""The open document's annotations: loading and re-anchoring them, changing them undoably,
and showing them on the page.

Nothing the user writes lives only here: every change goes through the store and is shown as
saved only after its transaction committed; when the store refuses (read-only, full disk), the
change is not made and the user is told why.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QUndoStack

from reader.annotations.model import Annotation, Colour, TextPosition, annotate, quote_of
from reader.annotations.session import (
    import_file,
    open_annotations,
    place,
    save_placements,
    sort_annotations,
)
from reader.annotations.store import AnnotationStore, DocumentRecord, StoreError
from reader.annotations.transfer import export_to, render
from reader.annotations.w3c import ImportFormatError
from reader.document.model import Document
from reader.ui.annotation_commands import AnnotationCommand, NoteEdit
from reader.ui.marks import Mark
from reader.ui.reader_view import ReaderView
from reader.ui.theme import Theme, highlight_colour, note_underline_colour

EXTERNAL_CHANGE_POLL_MS = 1000


class Effect(Enum):
    """What a successful write does to the lists in memory."""

    UPSERT = "upsert"
    REMOVE = "remove"
    RELOAD = "reload"


class _Signals(QObject):
    anchored = Signal(object, object)


class _AnchorJob(QRunnable):
    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        self._work()


class AnnotationController(QObject):
    """Owns the annotations of the document on the page."""

    changed = Signal()
    """The list of annotations (or orphans, or trash) of the open document changed."""
    saved = Signal(str)
    """An annotation (by id) was committed to the store."""
    failed = Signal(str)
    """A change could not be saved; the message says why (nothing was changed)."""

    def __init__(self, store: AnnotationStore | None, view: ReaderView, parent: QObject) -> None:
        super().__init__(parent)
        self.store, self.view = store, view
        self.undo_stack = QUndoStack(self)
        self.document: Document | None = None
        self.record: DocumentRecord | None = None
        self.annotations: list[Annotation] = []
        self.orphans: list[Annotation] = []
        self.last_colour = Colour.YELLOW
        self._theme: Theme | None = None
        self._signals = _Signals(self)
        self._signals.anchored.connect(self._on_anchored)
        self._poll = QTimer(self)
        self._poll.setInterval(EXTERNAL_CHANGE_POLL_MS)
        self._poll.timeout.connect(self._check_external_changes)
        if store is not None:
            self._poll.start()

    # -- the open document ---------------------------------------------------------------------

    def document_opened(self, document: Document) -> None:
        """Show the document's annotations; re-anchor those made on another text of its file."""
        self.document, self.record = document, None
        self.undo_stack.clear()
        self.annotations, self.orphans = [], []
        if self.store is None:
            self._publish()
            return
        try:
            opened = open_annotations(self.store, document)
        except StoreError as error:
            self.failed.emit(f"The annotations of this document cannot be read: {error}")
            self._publish()
            return
        self.record = opened.record
        self.annotations, self.orphans = opened.placed, opened.orphans
        self._publish()
        if opened.stale:
            self._anchor_in_background(document, opened.stale)

    def _load_own(self) -> None:
        """The annotations anchored on the open text (the stale ones wait for re-anchoring)."""
        assert self.store is not None and self.record is not None
        opened = sort_annotations(self.record, self.store.annotations(self.record.id))
        self.annotations, self.orphans = opened.placed, opened.orphans
        self._publish()

    def _anchor_in_background(self, document: Document, stale: list[Annotation]) -> None:
        signals = self._signals

        def work() -> None:
            signals.anchored.emit(document, place(stale, document))

        QThreadPool.globalInstance().start(_AnchorJob(work))

    def _on_anchored(self, document: Document, placed: list[Annotation]) -> None:
        """Save the re-anchored annotations (one transaction) and show them."""
        if document is not self.document or self.store is None or self.record is None:
            return
        try:
            save_placements(self.store, placed)
        except StoreError as error:
            self.failed.emit(f"Re-anchored annotations could not be saved: {error}")
        self._load_own()
        orphans = sum(1 for a in placed if a.orphan)
        if orphans:
            self.failed.emit(
                f"{orphans} annotation(s) could not be placed in the changed text; "
                "they are kept under “Could not be placed” in the Annotations panel."
            )

    def reload(self) -> None:
        """Read the open document's annotations again (another window or process changed them)."""
        if self.store is not None and self.record is not None:
            self._load_own()

    def _check_external_changes(self) -> None:
        if self.store is not None and self.record is not None and self.store.changed_elsewhere():
            self.reload()

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
        """A live or orphaned annotation of the open document."""
        for annotation in (*self.annotations, *self.orphans):
            if annotation.id == annotation_id:
                return annotation
        return None

    def at(self, offset: int) -> Annotation | None:
        """The topmost annotation covering canonical `offset`."""
        keys = self.view.annotation_keys_at(offset)
        return self.find(keys[-1]) if keys else None

    def trash(self) -> list[Annotation]:
        """The open document's deleted annotations, most recent first."""
        if self.store is None or self.record is None:
            return []
        return self.store.trash(self.record.id)

    # -- changing (each undoable) -----------------------------------------------------------------

    def highlight(
        self, start: int, end: int, colour: Colour | None = None, note: str = ""
    ) -> Annotation | None:
        """Highlight [start, end) of the open document; None if it could not be saved."""
        document, record = self.document, self.record
        if document is None or record is None or self.store is None or start >= end:
            return None
        colour = colour or self.last_colour
        self.last_colour = colour
        fresh = annotate(document.text, record.id, document.fingerprint, start, end, colour, note)
        stored = self._write(lambda: self.store_or_fail().add(fresh))
        if not isinstance(stored, Annotation):
            return None
        annotation_id = stored.id
        self._push(
            AnnotationCommand(
                "Highlight",
                lambda: self.store_or_fail().restore(annotation_id),
                lambda: self.store_or_fail().delete(annotation_id),
                self.failed.emit,
            )
        )
        return stored

    def recolour(self, annotation_id: str, colour: Colour) -> None:
        """Give an annotation another colour."""
        old = self.find(annotation_id)
        if old is None or old.colour is colour:
            return
        self.last_colour = colour
        self._change(
            "Recolour",
            lambda: self.store_or_fail().update(annotation_id, colour=colour),
            lambda: self.store_or_fail().update(annotation_id, colour=old.colour),
        )

    def edit_note(self, annotation_id: str, note: str) -> bool:
        """Replace an annotation's note; True once saved. Consecutive edits undo as one."""
        old = self.find(annotation_id)
        if old is None:
            return False
        if old.note == note:
            return True
        stored = self._write(lambda: self.store_or_fail().update(annotation_id, note=note))
        if stored is None:
            return False
        previous = old.note
        self._push(
            NoteEdit(
                old,
                lambda: self.store_or_fail().update(annotation_id, note=note),
                lambda: self.store_or_fail().update(annotation_id, note=previous),
                self.failed.emit,
            )
        )
        return True

    def set_tags(self, annotation_id: str, tags: Sequence[str]) -> None:
        """Replace an annotation's tags."""
        old = self.find(annotation_id)
        if old is None:
            return
        new_tags = tuple(tags)
        self._change(
            "Edit Tags",
            lambda: self.store_or_fail().update(annotation_id, tags=new_tags),
            lambda: self.store_or_fail().update(annotation_id, tags=old.tags),
        )

    def delete(self, annotation_id: str) -> None:
        """Move an annotation to the trash."""
        self._change(
            "Remove Highlight",
            lambda: self.store_or_fail().delete(annotation_id),
            lambda: self.store_or_fail().restore(annotation_id),
            Effect.REMOVE,
        )

    def restore(self, annotation_id: str) -> None:
        """Bring an annotation back from the trash."""
        self._change(
            "Restore Highlight",
            lambda: self.store_or_fail().restore(annotation_id),
            lambda: self.store_or_fail().delete(annotation_id),
            Effect.RELOAD,
        )

    def reattach(self, annotation_id: str, start: int, end: int) -> None:
        """Attach an orphan (or move any annotation) to [start, end) of the open document."""
        old = self.find(annotation_id)
        if old is None or self.document is None or start >= end:
            return
        text, fingerprint = self.document.text, self.document.fingerprint
        was_orphan = any(a.id == annotation_id for a in self.orphans)

        def attach() -> None:
            self.store_or_fail().update(
                annotation_id,
                position=TextPosition(start, end),
                quote=quote_of(text, start, end),
                fingerprint=fingerprint,
                orphan=False,
            )

        def detach() -> None:
            self.store_or_fail().update(
                annotation_id,
                position=old.position,
                quote=old.quote,
                fingerprint=old.fingerprint,
                orphan=was_orphan,
            )

        self._change("Re-attach", attach, detach, Effect.RELOAD)

    # -- exchange ----------------------------------------------------------------------------

    def export(self, path: Path, kind: str) -> tuple[bool, str]:
        """Write the open document's annotations as Markdown or W3C JSON-LD."""
        if self.document is None:
            return False, "Open a document first."
        content = render(self.document, self.annotations, self.orphans, kind)
        try:
            export_to(path, content)
        except OSError as error:
            return False, f"The annotations could not be written to {path}: {error.strerror}."
        count = len(self.annotations) + len(self.orphans)
        return True, f"Exported {count} annotations to {path}."

    def import_file(self, path: Path) -> tuple[bool, str]:
        """Import W3C JSON-LD annotations; all or nothing, and never a duplicate."""
        if self.document is None or self.store is None:
            return False, "Open a document first."
        try:
            report = import_file(self.store, self.document, path)
        except OSError as error:
            return False, f"{path} cannot be read: {error.strerror}."
        except (ImportFormatError, StoreError) as error:
            return False, f"Nothing was imported: {error}"
        self._load_own()
        summary = report.summary()
        return True, f"{summary[0].upper()}{summary[1:]}."

    def store_or_fail(self) -> AnnotationStore:
        """The store (callers have checked there is one)."""
        if self.store is None:
            raise StoreError("Annotations cannot be saved: there is no annotation store.")
        return self.store

    def _change(
        self,
        text: str,
        do: Callable[[], object],
        undo: Callable[[], object],
        effect: Effect = Effect.UPSERT,
    ) -> None:
        if self._write(do, effect) is not None:
            self._push(AnnotationCommand(text, do, undo, self.failed.emit))

    def _write(
        self, operation: Callable[[], object], effect: Effect = Effect.UPSERT
    ) -> object | None:
        """Run one store operation; on failure tell the user and change nothing. On success
        the change is applied to the lists in memory (a reload of ten thousand annotations
        would cost a tenth of a second per keystroke)."""
        try:
            result = operation()
        except StoreError as error:
            self.failed.emit(str(error))
            return None
        if isinstance(result, Annotation) and effect is not Effect.RELOAD:
            if effect is Effect.REMOVE:
                self._remove(result.id)
            else:
                self._upsert(result)
            self._publish()
            self.saved.emit(result.id)
        else:
            self._load_own()
        return result if result is not None else True

    def _upsert(self, annotation: Annotation) -> None:
        """Put the stored value of an annotation in its place in the lists."""
        for group in (self.annotations, self.orphans):
            for number, existing in enumerate(group):
                if existing.id == annotation.id:
                    group[number] = annotation
                    return
        keys = [(a.start, a.created) for a in self.annotations]
        self.annotations.insert(
            bisect_right(keys, (annotation.start, annotation.created)), annotation
        )

    def _remove(self, annotation_id: str) -> None:
        self.annotations = [a for a in self.annotations if a.id != annotation_id]
        self.orphans = [a for a in self.orphans if a.id != annotation_id]

    def _push(self, command: AnnotationCommand) -> None:
        self.undo_stack.push(command)

    def undo(self) -> None:
        """Undo the last change (a failure to save it is reported by the command)."""
        self.undo_stack.undo()
        self._load_own()

    def redo(self) -> None:
        """Redo the last undone change."""
        self.undo_stack.redo()
        self._load_own()
