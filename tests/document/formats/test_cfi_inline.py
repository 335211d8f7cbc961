"""CFIs of ranges that start and end in different text nodes: across <em>, <a> and <ruby>
(whose ruby text is not in the canonical text), resolved back through the book's XHTML."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reader.document.loader import load_document
from tests.document.formats.epub_maker import simple_book
from tests.document.formats.test_cfi import resolve_point

SKIPPED = {"rt", "rp"}
"""Ruby annotations: shown on hover, never part of the canonical text."""

BODY = (
    "<p>天下<em>大勢</em>，分久必合，"
    '<a href="ch1.xhtml#n1">合久<b>必</b>分</a>。'
    "周末七國<ruby>紛<rt>fēn</rt>爭</ruby>，并入於秦。</p>"
)


def pieces(
    element: etree._Element, hidden: bool = False
) -> list[tuple[etree._Element, int, str, bool]]:
    """Every text chunk in document order: (parent, CFI chunk number, text, inside ruby text)."""
    hidden = hidden or etree.QName(element).localname in SKIPPED
    found = [(element, 1, element.text or "", hidden)]
    children = [c for c in element if isinstance(c.tag, str)]
    for number, child in enumerate(children, start=1):
        found += pieces(child, hidden)
        found.append((element, 2 * number + 1, child.tail or "", hidden))
    return found


def text_between(epub: Path, cfi: str) -> str:
    """The canonical-visible text a range CFI covers, wherever its ends are."""
    parent, first, last = cfi.removeprefix("epubcfi(").removesuffix(")").split(",")
    with zipfile.ZipFile(epub) as book:
        start = resolve_point(book, parent + first)
        end = resolve_point(book, parent + last)
    # Each end was resolved in a tree of its own: compare places by their paths.
    first_at, last_at = (
        (point[0].getroottree().getpath(point[0]), point[1]) for point in (start, end)
    )
    tree = start[0].getroottree()
    text, inside = [], False
    for element, chunk, piece, hidden in pieces(tree.getroot()):
        at = (tree.getpath(element), chunk)
        units = piece.encode("utf-16-le")
        begin = 2 * start[2] if at == first_at else 0
        stop = 2 * end[2] if at == last_at else len(units)
        inside = inside or at == first_at
        if inside and not hidden:
            text.append(units[begin:stop].decode("utf-16-le"))
        if at == last_at:
            break
    return "".join(text)


@pytest.mark.parametrize(
    "quote",
    [
        "下大",
        "大勢，分",
        "必合，合久",
        "久必分。",
        "合久必分",
        "國紛爭，",
        "紛爭",
        "天下大勢，分久必合，合久必分。周末七國紛爭",
    ],
)
def test_a_range_across_inline_markup_resolves_to_its_text(tmp_path: Path, quote: str) -> None:
    path = simple_book(tmp_path / "inline.epub", [BODY])
    document = load_document(path)
    start = document.text.index(quote)
    assert document.locator is not None

    cfi = document.locator.cfi(start, start + len(quote))

    assert cfi is not None
    assert text_between(path, cfi) == quote, cfi
