"""Annotations as W3C Web Annotation JSON-LD, to move them to another reader (and back:
`w3c_import`).

Export follows the W3C Web Annotation Data Model: an ``AnnotationCollection`` whose first page
holds every annotation, each with a ``TextQuoteSelector`` and a ``TextPositionSelector``. The
model has no highlight colour; we use its own styling mechanism: the target is a specific
resource with ``styleClass`` set to the colour name (``"yellow"``), and the annotation carries
a ``CssStylesheet`` defining that class, so other tools can even show it. Tags are
``TextualBody`` bodies with purpose ``tagging``; the note is a plain-text ``TextualBody`` with
purpose ``commenting``.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.annotations.model import Annotation, Colour
from reader.document.model import Document

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DOCUMENT_URN = "urn:reader:document:"
COLLECTION_URN = "urn:reader:collection:"

STYLE_COLOURS = {
    Colour.YELLOW: "#fff176",
    Colour.GREEN: "#aed581",
    Colour.BLUE: "#81d4fa",
    Colour.PINK: "#f48fb1",
    Colour.PURPLE: "#ce93d8",
}
"""Light-theme shades written into the exported stylesheet, for other tools to show."""


def to_w3c(
    document: Document, annotations: Sequence[Annotation], source: str | None = None
) -> dict[str, object]:
    """An `AnnotationCollection` holding `annotations`, ready for `json.dumps`.

    Each target's source is `source` when given (a URL the user chose), otherwise the URN of the
    text the annotation's selectors were made on, which lets `from_w3c` restore it.
    """
    items = [w3c_annotation(annotation, source) for annotation in annotations]
    return {
        "@context": W3C_CONTEXT,
        "id": f"{COLLECTION_URN}{document.fingerprint}",
        "type": "AnnotationCollection",
        "label": document.title,
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def w3c_annotation(annotation: Annotation, source: str | None = None) -> dict[str, object]:
    """One annotation as a W3C Web Annotation (an export's item, a sync folder's change)."""
    body: list[dict[str, str]] = []
    if annotation.note:
        body.append(
            {
                "type": "TextualBody",
                "value": annotation.note,
                "format": "text/plain",
                "purpose": "commenting",
            }
        )
    body += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in annotation.tags]
    quote, position, colour = annotation.quote, annotation.position, annotation.colour.value
    item: dict[str, object] = {
        "@context": W3C_CONTEXT,
        "id": annotation.id,
        "type": "Annotation",
        "motivation": "commenting" if annotation.note else "highlighting",
        "created": annotation.created,
        "modified": annotation.modified,
        "stylesheet": {
            "type": "CssStylesheet",
            "value": f".{colour} {{ background-color: {STYLE_COLOURS[annotation.colour]} }}",
        },
        "target": {
            "type": "SpecificResource",
            "source": source or f"{DOCUMENT_URN}{annotation.fingerprint}",
            "styleClass": colour,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": quote.exact,
                    "prefix": quote.prefix,
                    "suffix": quote.suffix,
                },
                {"type": "TextPositionSelector", "start": position.start, "end": position.end},
            ],
        },
    }
    if body:
        item["body"] = body
    return item
