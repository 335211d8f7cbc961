"""The real EPUBs of the corpus, from two producers, read as a reader expects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.document.loader import load_document
from reader.document.model import BlockKind

EPUBS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "epub"
NOVELS = ["hongloumeng.pandoc.epub", "hongloumeng.calibre.epub"]
CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇两]+回(?!中既)")
"""A chapter title; pandoc also listed the body paragraph `第四回中既将…` (its own mistake:
the nav really has that entry, and the reader shows the nav as the book gives it)."""


@pytest.mark.parametrize("name", NOVELS)
def test_the_novel_lists_its_120_chapters_in_order(name: str) -> None:
    document = load_document(EPUBS / name)
    chapters = [s for s in document.sections if CHAPTER.match(s.title)]
    assert len(chapters) == 120
    assert chapters[0].title.startswith("第一回")
    assert chapters[-1].title.startswith("第一百二十回")
    assert [s.start for s in chapters] == sorted(s.start for s in chapters)
    for section in chapters:  # each entry lands on its chapter's heading
        paragraph = document.paragraphs[section.paragraph_index]
        assert paragraph.style.kind is BlockKind.HEADING
        assert document.text[paragraph.start : paragraph.end].startswith(section.title[:3])


@pytest.mark.parametrize("name", NOVELS)
def test_the_package_metadata_is_read(name: str) -> None:
    document = load_document(EPUBS / name)
    assert document.title == "红楼梦"
    assert document.metadata.author == "曹雪芹"
    assert document.metadata.language.startswith("zh")
    assert document.metadata.identifier.startswith("urn:uuid:")
    assert document.metadata.notes == ()


def test_both_producers_give_the_same_canonical_chapter_text() -> None:
    pandoc, calibre = (load_document(EPUBS / name) for name in NOVELS)
    start = pandoc.text.index("第一回")
    assert calibre.text[calibre.text.index("第一回") :] == pandoc.text[start:]


def test_calibre_cover_is_kept_in_memory() -> None:
    document = load_document(EPUBS / "hongloumeng.calibre.epub")
    assert document.cover in document.resources
    assert document.resources[document.cover][:2] == b"\xff\xd8"


def test_the_markdown_book_has_57_chapters_as_headings() -> None:
    document = load_document(EPUBS / "rulinwaishi.md")
    assert len(document.sections) == 57
    assert all(s.level == 1 and CHAPTER.match(s.title) for s in document.sections)
    assert "#" not in document.text
    assert document.metadata.format == "markdown"


def test_the_markdown_and_epub_of_a_book_have_the_same_contents() -> None:
    """(Their texts differ only where pandoc made quotes typographic when it built the EPUB.)"""
    markdown = load_document(EPUBS / "rulinwaishi.md")
    epub = load_document(EPUBS / "rulinwaishi.pandoc.epub")
    assert [s.title for s in markdown.sections] == [s.title for s in epub.sections]
    assert len(markdown.paragraphs) == len(epub.paragraphs) - 2  # the EPUB's title page
