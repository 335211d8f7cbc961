"""A book's images, decoded once per document and column width, for every page built of it.

The page is built again on every theme, font-size or script change, and decoding a book's
images each time (on the UI thread) made those changes stall. The decoded images belong to
the document: they live exactly as long as it does (a weak finalizer drops them), keyed by
resource name and the width they were scaled to, so a theme change decodes nothing and a font
size used before decodes nothing either. Only the last few widths are kept, which bounds the
memory a book with many large images can take.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QImage, QImageReader, QTextDocument

from reader.document.model import Document

IMAGE_ALLOCATION_LIMIT_MB = 128
"""Qt's own cap on decoding one image (the document layer already turned away huge ones)."""
RESOURCE_SCHEME = "book"
WIDTHS_KEPT = 3
"""How many column widths keep their images (a font size tried and left, then back)."""


class DecodedImages:
    """One document's images, decoded and scaled to a column width, on first use."""

    def __init__(self, resources: Mapping[str, bytes]) -> None:
        self._resources = resources
        self._by_width: dict[int, dict[str, QImage]] = {}
        self.decoded = 0
        """How many images were decoded so far (a test's proof that a rebuild decodes none)."""

    def scaled_to(self, width: int) -> Iterator[tuple[str, QImage]]:
        """Every image by key, no wider than `width` (decoded now unless done before)."""
        images = self._by_width.pop(width, None)  # re-inserted last: the most recent width
        if images is None:
            images = {key: self._decode(data, width) for key, data in self._resources.items()}
        self._by_width[width] = images
        while len(self._by_width) > WIDTHS_KEPT:
            del self._by_width[next(iter(self._by_width))]
        return iter(images.items())

    def _decode(self, data: bytes, width: int) -> QImage:
        """The image (scaled down to `width` if wider); a transparent pixel if undecodable."""
        self.decoded += 1
        QImageReader.setAllocationLimit(IMAGE_ALLOCATION_LIMIT_MB)
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        image = QImageReader(buffer).read()
        if image.isNull():
            image = QImage(1, 1, QImage.Format.Format_ARGB32)
            image.fill(0)
        elif image.width() > width:
            image = image.scaledToWidth(width)
        return image


_by_document: dict[int, DecodedImages] = {}
"""The decoded images of each live document, by its identity (a `Document` is not hashable:
its resources are a dict)."""


def decoded_images(document: Document) -> DecodedImages:
    """The decoded images of `document`, made on first use and dropped with the document."""
    key = id(document)
    images = _by_document.get(key)
    if images is None:
        images = _by_document[key] = DecodedImages(document.resources)
        weakref.finalize(document, _by_document.pop, key, None)
    return images


def add_images(page: QTextDocument, document: Document, max_width: float) -> None:
    """Put the book's images, scaled to the column, into the page's resources; the page then
    never asks to load anything (ReaderView.loadResource refuses everything)."""
    for key, image in decoded_images(document).scaled_to(int(max_width)):
        page.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(f"{RESOURCE_SCHEME}:{key}"), image
        )
