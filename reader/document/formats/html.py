"""HTML files (a saved page, an export) -> `Book`, parsed by a real HTML5 parser.

html5lib builds the tree exactly as a browser would from any tag soup, and builds it as lxml
elements, so the same walker as for EPUB reads it. Images are shown only when they are files
in the page's own folder (or below it); nothing remote, no ``file:`` address, no link followed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import html5lib
from html5lib.constants import DataLossWarning

from reader.document.errors import DocumentError
from reader.document.formats.assemble import INTERNAL, Book
from reader.document.formats.css import StyleSheet
from reader.document.formats.images import MAX_ALL_IMAGES_BYTES, MAX_IMAGE_BYTES, acceptable_image
from reader.document.formats.walker import walk_tree
from reader.document.formats.xml import local_name
from reader.document.model import Metadata

OUTSIDE = ("http://", "https://", "mailto:")
ReadFile = Callable[[Path, int], bytes]


def read_html(text: str, path: Path, read_file: ReadFile, format_name: str = "html") -> Book:
    """The book in the HTML `text` of the file at `path`; `read_file(path, limit)` reads a
    neighbouring image safely (the loader's own guarded read)."""
    root = parse_html5(text)
    images = _FolderImages(path.parent, read_file)
    sheet = StyleSheet(
        "\n".join("".join(e.itertext()) for e in root.iter() if local_name(e) == "style")
    )
    part = walk_tree(root, path.name, lambda href: _link(path.name, href), images.key, sheet)
    language = root.get("lang") or ""
    return Book(
        parts=[part],
        title=part.title,
        metadata=Metadata(language=language, format=format_name),
        toc=None,
        resources=images.resources,
    )


def parse_html5(markup: str | bytes) -> Any:
    """The root element of `markup` as a browser would build it, as lxml elements.

    html5lib warns when an attribute name such as ``epub:type`` is not a valid XML name and is
    renamed in the lxml tree; the walker never reads those, so the warning says nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataLossWarning)
        return html5lib.parse(markup, treebuilder="lxml", namespaceHTMLElements=False).getroot()


def _link(key: str, href: str) -> str | None:
    if href.lower().startswith(OUTSIDE):
        return href
    if href.startswith("#") and len(href) > 1:
        return f"{INTERNAL}{key}{unquote(href)}"
    return None


class _FolderImages:
    """Images next to the page: relative paths that stay inside its folder, regular files,
    of a safe size and format, within one memory budget."""

    def __init__(self, folder: Path, read_file: ReadFile) -> None:
        self.folder, self.read_file = folder, read_file
        self.resources: dict[str, bytes] = {}
        self.budget = MAX_ALL_IMAGES_BYTES

    def key(self, source: str) -> str | None:
        parts = urlsplit(source)
        relative = unquote(parts.path)
        if parts.scheme or parts.netloc or not relative or relative.startswith(("/", "\\")):
            return None
        if relative in self.resources:
            return relative
        try:
            root = self.folder.resolve()
            target = (root / relative).resolve()
            if not target.is_relative_to(root):
                return None
            data = self.read_file(target, min(MAX_IMAGE_BYTES, self.budget))
        except (DocumentError, OSError, ValueError):
            return None
        if not acceptable_image(data):
            return None
        self.budget -= len(data)
        self.resources[relative] = data
        return relative
