"""A structured file's bytes -> `Document`, by the reader its format needs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reader.document.decode import decode
from reader.document.formats.assemble import assemble_book
from reader.document.formats.epub import read_epub
from reader.document.formats.html import ReadFile, read_html
from reader.document.formats.markdown import read_markdown
from reader.document.formats.sniff import Format
from reader.document.model import Document


def load_structured(
    kind: Format,
    data: bytes,
    path: Path,
    read_file: ReadFile,
    encoding: str | None = None,
    title: str | None = None,
) -> Document:
    """The document in `data`, an EPUB, HTML or Markdown file at `path`. `encoding` applies
    to HTML and Markdown (an EPUB declares its own); `title` overrides the book's."""
    if kind is Format.EPUB:
        book = read_epub(data, path.name)
        used_encoding = "utf-8"
    else:
        decoded = decode(data, encoding)
        used_encoding = decoded.encoding
        reader = read_markdown if kind is Format.MARKDOWN else read_html
        book = reader(decoded.text, path, read_file)
    book = replace(book, title=title or book.title or path.stem)
    document = assemble_book(book, path, path.name)
    return replace(document, encoding=used_encoding) if used_encoding != "utf-8" else document
