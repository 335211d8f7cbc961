"""Annotation files in and out, shared by the window and the command line.

Export writes the whole file or nothing (a temporary file renamed into place). Import is all
or nothing too: the file is read and validated completely before the store sees any of it, the
store takes it in one transaction, and imported selectors that do not fit the text are
re-anchored or kept as orphans rather than painted in the wrong place.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from reader.annotations.anchoring import anchor_all
from reader.annotations.markdown import to_markdown
from reader.annotations.model import Annotation
from reader.annotations.store import AnnotationStore, ImportReport, StoreError
from reader.annotations.w3c import MAX_IMPORT_BYTES, load_w3c_file, to_w3c
from reader.atomic import write_atomically
from reader.document.model import Document

FORMATS = ("markdown", "w3c")


def placed_and_orphans(
    store: AnnotationStore, document: Document
) -> tuple[list[Annotation], list[Annotation]]:
    """The document's live annotations, split into those on the text and the orphans."""
    orphan_ids = {a.id for a in store.orphans(document.fingerprint)}
    everything = store.annotations(document.fingerprint)
    return (
        [a for a in everything if a.id not in orphan_ids],
        [a for a in everything if a.id in orphan_ids],
    )


def render(
    document: Document, placed: list[Annotation], orphans: list[Annotation], kind: str
) -> str:
    """The export of a document's annotations as Markdown or W3C JSON-LD."""
    if kind == "markdown":
        return to_markdown(document, placed, orphans)
    # The target's source stays our document URN (not the file's path): it carries the
    # fingerprint, so a re-import lands on the same text, and a file can move.
    return json.dumps(to_w3c(document, [*placed, *orphans]), ensure_ascii=False, indent=1)


def export_to(path: Path, content: str) -> None:
    """Write an export; raises OSError, `NotARegularFileError` (an OSError) when `path` is a
    folder, device, FIFO or socket: a symlink is followed and only a regular file replaced."""
    write_atomically(path, content if content.endswith("\n") else content + "\n")


def import_from(store: AnnotationStore, document: Document, path: Path) -> ImportReport:
    """Import a W3C JSON-LD file; raises ImportFormatError (not a regular file, too large,
    not valid), StoreError or OSError, and in each case nothing was imported."""
    incoming = load_w3c_file(path, document.fingerprint, MAX_IMPORT_BYTES)
    report = store.import_annotations(incoming)
    changed = set(report.changed_ids)
    place_imported(
        store,
        document,
        [a for a in incoming if a.id in changed and a.document == document.fingerprint],
    )
    return report


def place_imported(store: AnnotationStore, document: Document, imported: list[Annotation]) -> None:
    """Re-anchor the newly imported annotations whose selectors do not fit this text, or make
    them orphans, in one transaction (their `modified` stays the file's: placing is no edit).
    Annotations the import left alone (the store's copy was as new) are not touched."""
    text = document.text
    misfits = [a for a in imported if text[a.start : a.end] != a.quote.exact]
    if not misfits:
        return
    result = anchor_all(misfits, text)
    with contextlib.suppress(StoreError):  # they stay stored either way; placing is a bonus
        store.relocate(
            document.fingerprint,
            [(p.annotation.id, p.position, p.quote) for p in result.placed],
            [orphan.id for orphan in result.orphans],
        )
