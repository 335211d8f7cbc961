"""The contents' first entry, for text before the first heading, always says something.

It was the opening's first paragraph verbatim, so a calibre EPUB that opens with its cover
image (one U+FFFC) had an empty first entry in the Contents panel.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.document.loader import load_document
from tests.conftest import CORPUS_DIR

EPUBS = CORPUS_DIR / "epub"
PICTURE = bytes.fromhex(  # a 1x1 PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.mark.parametrize("name", ["hongloumeng.calibre.epub", "rulinwaishi.calibre.epub"])
def test_a_book_opening_with_its_cover_lists_the_cover(name: str) -> None:
    document = load_document(EPUBS / name)
    assert document.cover
    first = document.toc()[0]
    assert first.is_opening and first.title == "Cover" and first.start == 0


def test_a_pandoc_title_page_keeps_its_first_words() -> None:
    first = load_document(EPUBS / "hongloumeng.pandoc.epub").toc()[0]
    assert first.is_opening and first.title == "红楼梦"


def test_a_picture_before_the_text_is_skipped_for_the_first_words(tmp_path: Path) -> None:
    (tmp_path / "pic.png").write_bytes(PICTURE)
    book = tmp_path / "book.md"
    book.write_text("![图](pic.png)\n\n序言一段。\n\n# 第一章\n\n正文。\n", encoding="utf-8")
    toc = load_document(book).toc()
    assert [(e.title, e.is_opening) for e in toc] == [("序言一段。", True), ("第一章", False)]


def test_pictures_alone_before_the_first_heading_are_the_opening(tmp_path: Path) -> None:
    (tmp_path / "pic.png").write_bytes(PICTURE)
    book = tmp_path / "book.md"
    book.write_text("![图](pic.png)\n\n# 第一章\n\n正文。\n", encoding="utf-8")
    assert [e.title for e in load_document(book).toc()] == ["Opening", "第一章"]
