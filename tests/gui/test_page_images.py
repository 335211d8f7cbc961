"""A book's images are decoded once per document and column width, not on every page rebuild.

A theme, font-size or script change builds the page again; decoding every image each time
stalled the UI thread. The decode counter of the document's `DecodedImages` proves that a
rebuild decodes nothing again.
"""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from pytestqt.qtbot import QtBot

from reader.document.model import Document
from reader.ui import page_images
from reader.ui.page_images import DecodedImages, decoded_images
from reader.ui.window import MainWindow
from tests.gui.conftest import wait_for_load

BOOK = "# 图集\n\n![甲](wide.png)\n\n中间一段。\n\n![乙](small.png)\n"


def picture(path: Path, width: int) -> bytes:
    image = QImage(width, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a7ab5"))
    assert image.save(str(path))
    return path.read_bytes()


def open_book(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Document:
    picture(tmp_path / "wide.png", 2400)  # wider than any column: scaled down
    picture(tmp_path / "small.png", 40)
    (tmp_path / "book.md").write_text(BOOK, encoding="utf-8")
    wait_for_load(qtbot, window, lambda: window.open_path(tmp_path / "book.md"))
    document = window.current_document()
    assert document is not None and len(document.resources) == 2
    return document


def shown_width(window: MainWindow, key: str) -> int:
    image = window.view.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl(f"book:{key}")
    )
    assert isinstance(image, QImage) and not image.isNull(), f"{key} is not on the page"
    return image.width()


def test_a_theme_change_decodes_no_image_again(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    document = open_book(qtbot, window, tmp_path)
    images = decoded_images(document)
    assert images.decoded == 2
    wide = shown_width(window, "wide.png")
    assert wide < 2400 and shown_width(window, "small.png") == 40
    for theme in ("dark", "sepia", "light"):
        before = window.view.document()
        window.appearance.set_theme(theme)
        assert window.view.document() is not before, "the page was not built again"
        assert shown_width(window, "wide.png") == wide
    assert images.decoded == 2, "a rebuild decoded the images again"


def test_a_font_size_decodes_once_and_again_never(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    document = open_book(qtbot, window, tmp_path)
    images = decoded_images(document)
    wide = shown_width(window, "wide.png")
    window.appearance.zoom_in()  # a wider column: the wide image is scaled anew, once
    wider = shown_width(window, "wide.png")
    assert wider > wide and images.decoded == 4
    window.appearance.zoom_out()
    window.appearance.zoom_in()
    assert shown_width(window, "wide.png") == wider
    assert images.decoded == 4


def test_only_the_last_few_widths_are_kept() -> None:
    data = picture_bytes()
    images = DecodedImages({"a.png": data})
    for width in (100, 200, 300, 400):
        assert dict(images.scaled_to(width))["a.png"].width() == width
    assert images.decoded == 4
    dict(images.scaled_to(400))
    assert images.decoded == 4  # kept
    dict(images.scaled_to(100))
    assert images.decoded == 5  # the oldest width had gone


def test_undecodable_bytes_become_a_transparent_pixel() -> None:
    images = DecodedImages({"broken.png": b"\x89PNG not really"})
    (key, image), *_rest = images.scaled_to(500)
    assert key == "broken.png" and image.width() == 1 and image.pixelColor(0, 0).alpha() == 0


def test_the_images_go_with_their_document() -> None:
    document = Document("\ufffc", (), (), "图", resources={"a.png": picture_bytes()})
    key = id(document)
    decoded_images(document).scaled_to(100)
    assert key in page_images._by_document
    del document
    gc.collect()
    assert key not in page_images._by_document


def picture_bytes() -> bytes:
    image = QImage(1000, 50, QImage.Format.Format_RGB32)
    image.fill(QColor("#b54a4a"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(buffer.data().data())
