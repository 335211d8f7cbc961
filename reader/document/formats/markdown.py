"""Markdown -> `Book`, by a CommonMark parser (markdown-it-py) and then the HTML path.

Headings become the contents; tables and strikethrough (GFM) are on. Raw HTML inside the
Markdown goes through the same walker as any page, so it can style text but never run or
fetch anything.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from reader.document.formats.assemble import Book
from reader.document.formats.html import ReadFile, read_html


def read_markdown(text: str, path: Path, read_file: ReadFile) -> Book:
    """The book in the Markdown `text` of the file at `path`."""
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    book = read_html(parser.render(text), path, read_file, "markdown")
    first_heading = next(
        (
            b.text
            for b in book.parts[0].blocks
            if b.style.level == 1 and b.style.kind.value == "heading"
        ),
        "",
    )
    return Book(
        parts=book.parts,
        title=first_heading if len(first_heading) <= 40 else "",
        metadata=book.metadata,
        toc=None,
        resources=book.resources,
    )
