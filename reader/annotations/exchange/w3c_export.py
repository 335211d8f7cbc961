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

import re
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

    Each target's source is `source` when given (a URL the user chose), else the book's own
    identifier (an EPUB's ``urn:uuid:`` or ``urn:isbn:``, which other EPUB readers know it by,
    and which `from_w3c` matches to the document again), else the URN of the text the
    annotation's selectors were made on, which lets `from_w3c` restore it.
    """
    source = source or book_source(document)
    items = [w3c_annotation(a, source, _cfi(document, a)) for a in annotations]
    return annotation_collection(f"{COLLECTION_URN}{document.fingerprint}", document.title, items)


def annotation_collection(
    identifier: str, label: str, items: list[dict[str, object]]
) -> dict[str, object]:
    """An `AnnotationCollection` whose one (first) page holds `items`."""
    return {
        "@context": W3C_CONTEXT,
        "id": identifier,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def book_source(document: Document) -> str | None:
    """The identifier the book's package gives, when it is an IRI (a target's source must be
    one): ``urn:uuid:…``, ``urn:isbn:…``, a URL; None for text files and bare identifiers."""
    identifier = document.metadata.identifier.strip()
    return identifier if _IRI_SCHEME.fullmatch(identifier) else None


EPUB_CFI = "http://www.idpf.org/epub/linking/cfi/epub-cfi.html"


def _cfi(document: Document, annotation: Annotation) -> str | None:
    """An EPUB's CFI of the annotation's range, so EPUB readers (Thorium) can place it; only
    for annotations placed on this very text."""
    if document.locator is None or annotation.fingerprint != document.fingerprint:
        return None
    return document.locator.cfi(annotation.position.start, annotation.position.end)


def w3c_annotation(
    annotation: Annotation, source: str | None = None, cfi: str | None = None
) -> dict[str, object]:
    """One annotation as a W3C `Annotation`; its target's source is `source`, or the URN of
    the text its selectors were made on; `cfi` adds an EPUB CFI selector."""
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
    if cfi is not None:
        target = item["target"]
        assert isinstance(target, dict)
        target["selector"].append(
            {"type": "FragmentSelector", "conformsTo": EPUB_CFI, "value": cfi}
        )
    if body:
        item["body"] = body
    return item
