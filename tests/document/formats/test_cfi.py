"""Canonical ranges -> EPUB CFIs, resolved back through the book's own spine and XHTML."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from reader.document.loader import load_document
from reader.document.model import Document
from tests.document.formats.test_epub_corpus import EPUBS

_STEP = re.compile(r"/(\d+)(?:\[((?:\^.|[^\]])*)\])?")


def _element_child(parent: etree._Element, index: int) -> etree._Element:
    elements = [c for c in parent if isinstance(c.tag, str)]
    return elements[index // 2 - 1]


def _text_chunk(parent: etree._Element, odd: int) -> str:
    """The CFI text chunk `odd` of `parent`: the text between two element children."""
    pieces: list[str] = [parent.text or ""]
    for child in parent:
        if isinstance(child.tag, str):
            pieces.append("")
        if child.tail:
            pieces[-1] += child.tail
    return pieces[(odd - 1) // 2]


def resolve_point(book: zipfile.ZipFile, path: str) -> tuple[etree._Element, int, int]:
    """(parent element, text chunk, UTF-16 offset) of a full CFI point, through the OPF."""
    package_step, content = path.split("!")
    container = etree.fromstring(book.read("META-INF/container.xml"))
    opf_name = container.find(".//{*}rootfile").get("full-path")
    package = etree.fromstring(book.read(opf_name))
    steps = _STEP.findall(package_step)
    spine = _element_child(package, int(steps[0][0]))
    itemref = _element_child(spine, int(steps[1][0]))
    assert itemref.get("idref") == steps[1][1]
    item = package.find(f".//{{*}}item[@id='{itemref.get('idref')}']")
    member = str(Path(opf_name).parent / item.get("href")).removeprefix("./")
    element = etree.fromstring(book.read(member))
    *element_steps, (chunk, _) = _STEP.findall(content.split(":")[0])
    for index, _ in element_steps:
        element = _element_child(element, int(index))
    return element, int(chunk), int(content.rsplit(":", 1)[1])


def text_of_cfi(epub: Path, cfi: str) -> str:
    """The text a range CFI covers (start and end in the same text chunk here)."""
    parent, first, last = cfi.removeprefix("epubcfi(").removesuffix(")").split(",")
    with zipfile.ZipFile(epub) as book:
        element, chunk, start = resolve_point(book, parent + first)
        end_element, end_chunk, end = resolve_point(book, parent + last)
    tree_path = element.getroottree().getpath
    assert (tree_path(element), chunk) == (
        end_element.getroottree().getpath(end_element),
        end_chunk,
    )
    units = _text_chunk(element, chunk).encode("utf-16-le")
    return units[2 * start : 2 * end].decode("utf-16-le")


def novel() -> Document:
    return load_document(EPUBS / "hongloumeng.pandoc.epub")


NOVEL = novel()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(NOVEL.paragraphs) - 1), st.floats(0, 1), st.integers(1, 12))
def test_exported_cfis_resolve_back_to_the_same_text(index: int, where: float, length: int) -> None:
    paragraph = NOVEL.paragraphs[index]
    start = paragraph.start + int(where * max(paragraph.end - paragraph.start - 1, 0))
    end = min(start + length, paragraph.end)
    assert NOVEL.locator is not None
    cfi = NOVEL.locator.cfi(start, end)
    assert cfi is not None and cfi.startswith("epubcfi(/6/")
    if "!" in cfi.split(",")[0]:  # pages that are well-formed XML (two of pandoc's are not)
        try:
            resolved = text_of_cfi(EPUBS / "hongloumeng.pandoc.epub", cfi)
        except etree.XMLSyntaxError:
            return
        assert resolved == NOVEL.text[start:end]
