"""What the library shows of a document: a book's own author and format come from its package."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.document.loader import load_document
from reader.document.metadata import details_of

EPUBS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "epub"


@pytest.mark.parametrize(
    ("name", "author", "kind"),
    [
        ("hongloumeng.pandoc.epub", "曹雪芹", "EPUB"),
        ("hongloumeng.calibre.epub", "曹雪芹", "EPUB"),
        ("rulinwaishi.md", "", "Markdown"),
    ],
)
def test_a_books_author_and_format_come_from_the_book(name: str, author: str, kind: str) -> None:
    path = EPUBS / name
    if not path.exists():
        pytest.fail(f"the corpus file {path} is missing")
    details = details_of(load_document(path))
    assert (details.author, details.format) == (author, kind)
