"""Carrying annotations from an earlier version of a file to the version just opened.

A document is known by its content, so an edited file is a new document. Its annotations are
found through the path the earlier version was last seen at, re-anchored in the new text
(`anchoring`), and moved over; those that cannot be placed become orphans of the new version:
listed, kept, re-attachable, never dropped. The search is pure and may run on any thread; only
`carry_over` writes.
"""

from __future__ import annotations

from reader.annotations.anchoring import AnchoringResult, anchor_all
from reader.annotations.model import Annotation
from reader.annotations.store import AnnotationStore
from reader.document.model import Document


def earlier_annotations(store: AnnotationStore, document: Document) -> list[Annotation]:
    """Live annotations of the earlier versions of `document`'s file."""
    if document.source is None:
        return []
    found: list[Annotation] = []
    for fingerprint in store.previous_versions(document.source, document.fingerprint):
        found.extend(store.annotations(fingerprint))
    return found


def carry_over(store: AnnotationStore, document: Document, result: AnchoringResult) -> None:
    """Move re-anchored annotations to `document` and make the unplaceable ones its orphans,
    in one transaction (`modified` stays the user's last edit: re-anchoring is not one)."""
    store.relocate(
        document.fingerprint,
        [(p.annotation.id, p.position, p.quote) for p in result.placed],
        [orphan.id for orphan in result.orphans],
    )


def bring_forward(store: AnnotationStore, document: Document) -> AnchoringResult | None:
    """Remember `document` and carry its file's earlier annotations over (the whole job, for
    callers without a thread to spare, such as the command line)."""
    store.remember_document(document.fingerprint, document.title, document.source)
    earlier = earlier_annotations(store, document)
    if not earlier:
        return None
    result = anchor_all(earlier, document.text)
    carry_over(store, document, result)
    return result
