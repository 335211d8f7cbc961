"""The annotations of one open document: every change one transaction, returning what changed.

The window and the command line both work through an `AnnotationSession`; the window only
renders the `Changes` it gets back (Anki's pattern: the core runs operations, screens decide
what to refresh). The session keeps the document's annotations in memory, sorted as the page
needs them, so a change costs one transaction and a list update, not a reload of ten thousand
rows. Undo and redo live here too, and are tested without Qt.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.annotations.model import Annotation, Colour, TextPosition, annotate, quote_of
from reader.annotations.placement import (
    ImportReport,
    OpenedAnnotations,
    import_file,
    open_annotations,
    place,
    save_placements,
    sort_annotations,
)
from reader.annotations.store import AnnotationStore, DocumentRecord, StoreError
from reader.annotations.undo import Step, UndoStack
from reader.document.model import Document


@dataclass(frozen=True)
class Changes:
    """What an operation changed in the session's lists (by annotation id)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    everything: bool = False
    """Anything may have changed (the lists were read again): show them afresh."""

    @property
    def saved(self) -> tuple[str, ...]:
        """The annotations whose new state was committed."""
        return (*self.added, *self.updated)


class AnnotationSession:
    """The live annotations of one open document, and the changes made to them.

    `placed` (in reading order) are shown on the page, `orphans` are listed apart, `stale` were
    made on another text of the file and wait to be re-anchored (`place` them on any thread,
    then `save_placements`). Every method that changes something raises `StoreError` and
    changes nothing when the store refuses.
    """

    def __init__(self, store: AnnotationStore, document: Document, opened: OpenedAnnotations):
        """Use `AnnotationSession.open`."""
        self.store, self.document, self.record = store, document, opened.record
        self.placed, self.orphans, self.stale = opened.placed, opened.orphans, opened.stale
        self.history: UndoStack[Changes] = UndoStack()

    @classmethod
    def open(
        cls, store: AnnotationStore, document: Document, opened: OpenedAnnotations | None = None
    ) -> AnnotationSession:
        """The session of `document` (its store document found or made, one transaction), or
        from its annotations `opened` already (read on another thread)."""
        return cls(store, document, opened or open_annotations(store, document))

    @property
    def document_id(self) -> str:
        """The store's id of the open document."""
        return self.record.id

    def find(self, annotation_id: str) -> Annotation | None:
        """A live annotation of the document: placed, orphan or stale."""
        for annotation in (*self.placed, *self.orphans, *self.stale):
            if annotation.id == annotation_id:
                return annotation
        return None

    def placed_one(self, annotation_id: str) -> Annotation | None:
        """The annotation if it is placed (shown on the page), else None; found in `placed`
        by bisection, so a window can ask after every change without walking ten thousand."""
        annotation = self.find(annotation_id)
        if annotation is None:
            return None
        at = bisect_left(self.placed, _reading_order(annotation), key=_reading_order)
        return annotation if at < len(self.placed) and self.placed[at] is annotation else None

    def trash(self) -> list[Annotation]:
        """The document's deleted annotations, most recently deleted first."""
        return self.store.trash(self.record.id)

    # -- keeping up with the store -------------------------------------------------------------

    def reload(self) -> Changes:
        """Read the lists again (another window or process changed the store: anything may
        have changed, so the caller shows everything afresh)."""
        opened = sort_annotations(self.record, self.store.annotations(self.record.id))
        self.placed, self.orphans, self.stale = opened.placed, opened.orphans, opened.stale
        return Changes(everything=True)

    def save_placements(self, placed: Sequence[Annotation]) -> Changes:
        """Save re-anchored annotations (from `place`) in one transaction, and show them."""
        save_placements(self.store, list(placed))
        return self._applied(placed)

    def reanchor_now(self) -> Changes:
        """Re-anchor the stale annotations here and now (for callers with no thread to spare)."""
        if not self.stale:
            return Changes()
        return self.save_placements(place(self.stale, self.document))

    def import_file(
        self, path: Path, fold: Callable[[str], str] | None = None
    ) -> tuple[ImportReport, Changes]:
        """Import a W3C JSON-LD file (one transaction, see `placement.import_file`)."""
        report = import_file(self.store, self.record, self.document, path, fold)
        return report, self.reload()

    # -- the user's changes, each undoable ---------------------------------------------------------

    def highlight(
        self,
        start: int,
        end: int,
        colour: Colour = Colour.YELLOW,
        note: str = "",
        tags: tuple[str, ...] = (),
    ) -> tuple[Annotation, Changes]:
        """Highlight [start, end) of the text; the stored annotation and the change."""
        text, fingerprint = self.document.text, self.document.fingerprint
        fresh = annotate(text, self.record.id, fingerprint, start, end, colour, note, tags)
        stored = self.store.add(fresh)
        identifier = stored.id
        self._record(
            "Highlight",
            lambda: self._applied([self.store.restore(identifier)]),
            lambda: self._removed(self.store.delete(identifier)),
        )
        return stored, self._applied([stored])

    def recolour(self, annotation_id: str, colour: Colour) -> Changes:
        """Give an annotation another colour."""
        old = self._require(annotation_id)
        if old.colour is colour:
            return Changes()
        return self._update("Recolour", annotation_id, {"colour": colour}, {"colour": old.colour})

    def edit_note(self, annotation_id: str, note: str) -> Changes:
        """Replace an annotation's note; consecutive edits of one note undo as one step."""
        old = self._require(annotation_id)
        if old.note == note:
            return Changes()
        return self._update(
            "Edit Note", annotation_id, {"note": note}, {"note": old.note}, ("note", annotation_id)
        )

    def set_tags(self, annotation_id: str, tags: Sequence[str]) -> Changes:
        """Replace an annotation's tags."""
        old = self._require(annotation_id)
        return self._update("Edit Tags", annotation_id, {"tags": tuple(tags)}, {"tags": old.tags})

    def delete(self, annotation_id: str) -> Changes:
        """Move an annotation to the trash."""
        changes = self._removed(self.store.delete(annotation_id))
        self._record(
            "Remove Highlight",
            lambda: self._removed(self.store.delete(annotation_id)),
            lambda: self._applied([self.store.restore(annotation_id)]),
        )
        return changes

    def restore(self, annotation_id: str) -> Changes:
        """Bring an annotation back from the trash."""
        changes = self._applied([self.store.restore(annotation_id)])
        self._record(
            "Restore Highlight",
            lambda: self._applied([self.store.restore(annotation_id)]),
            lambda: self._removed(self.store.delete(annotation_id)),
        )
        return changes

    def reattach(self, annotation_id: str, start: int, end: int) -> Changes:
        """Attach an orphan (or move any annotation) to [start, end) of the text: new
        selectors, this text's fingerprint and no orphan flag, in one transaction."""
        old = self._require(annotation_id)
        text = self.document.text
        to = {
            "position": TextPosition(start, end),
            "quote": quote_of(text, start, end),
            "fingerprint": self.document.fingerprint,
            "orphan": False,
        }
        back = {
            "position": old.position,
            "quote": old.quote,
            "fingerprint": old.fingerprint,
            "orphan": old.orphan,
        }
        return self._update("Re-attach", annotation_id, to, back)

    def undo(self) -> Changes:
        """Unmake the last change (StoreError if the store refuses; then nothing changed)."""
        return self.history.undo() or Changes()

    def redo(self) -> Changes:
        """Make the last undone change again."""
        return self.history.redo() or Changes()

    # -- internals ---------------------------------------------------------------------------------

    def _require(self, annotation_id: str) -> Annotation:
        found = self.find(annotation_id) or self.store.get(annotation_id)
        if found is None or found.document_id != self.record.id:
            raise StoreError(f"There is no annotation with the id {annotation_id} here.")
        return found

    def _update(
        self,
        text: str,
        annotation_id: str,
        to: dict[str, object],
        back: dict[str, object],
        merge_key: object = None,
    ) -> Changes:
        def change(fields: dict[str, object]) -> Callable[[], Changes]:
            return lambda: self._applied([self.store.update(annotation_id, **fields)])  # type: ignore[arg-type]

        changes = change(to)()
        self._record(text, change(to), change(back), merge_key)
        return changes

    def _record(
        self,
        text: str,
        redo: Callable[[], Changes],
        undo: Callable[[], Changes],
        merge_key: object = None,
    ) -> None:
        self.history.push(Step(text, redo, undo, merge_key))

    def _applied(self, annotations: Sequence[Annotation]) -> Changes:
        """Put the stored values of annotations in their places in the lists: one by bisection,
        many (a re-anchoring of ten thousand) in one pass and one sort."""
        incoming = {a.id: a for a in annotations}
        known = self._drop(incoming.keys())
        for annotation in incoming.values():
            if annotation.fingerprint != self.record.fingerprint:
                self.stale.append(annotation)
            elif annotation.orphan:
                self.orphans.append(annotation)
            elif len(incoming) == 1:
                at = bisect_right(self.placed, _reading_order(annotation), key=_reading_order)
                self.placed.insert(at, annotation)
            else:
                self.placed.append(annotation)
        if len(incoming) > 1:
            self.placed.sort(key=_reading_order)
        return Changes(
            added=tuple(i for i in incoming if i not in known),
            updated=tuple(i for i in incoming if i in known),
        )

    def _removed(self, annotation: Annotation) -> Changes:
        self._drop({annotation.id})
        return Changes(removed=(annotation.id,))

    def _drop(self, annotation_ids: Collection[str]) -> set[str]:
        """Take annotations out of the lists; the ids that were in one."""
        found: set[str] = set()
        for group in (self.placed, self.orphans, self.stale):
            kept = [a for a in group if a.id not in annotation_ids]
            if len(kept) != len(group):
                found.update(a.id for a in group if a.id in annotation_ids)
                group[:] = kept
        return found


def _reading_order(annotation: Annotation) -> tuple[int, str, str]:
    return annotation.start, annotation.created, annotation.id


def open_session(store: AnnotationStore, document: Document) -> AnnotationSession:
    """A session with the stale annotations already re-anchored (the command line's way)."""
    session = AnnotationSession.open(store, document)
    session.reanchor_now()
    return session


__all__ = ["AnnotationSession", "Changes", "DocumentRecord", "open_session"]
