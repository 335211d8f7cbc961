"""EPUB 2 and 3 -> `Book`: the spine in reading order, the contents from nav or NCX.

When the book's description is missing or broken the reader still reads what it can and says
so: no package -> the XHTML files in archive order; no usable nav -> the NCX; neither -> the
headings. DRM-protected content is refused with a plain message; obfuscated fonts are simply
never used (the reader shows books in the reader's own fonts).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from reader.document.errors import DocumentError
from reader.document.formats.archive import Archive, BrokenBookError, resolve_reference
from reader.document.formats.assemble import INTERNAL, Book, TocTarget
from reader.document.formats.blocks import OBJECT_CHARACTER, Block, Part
from reader.document.formats.css import StyleSheet
from reader.document.formats.epub_package import (
    Package,
    encrypted_content,
    package_name,
    read_nav,
    read_ncx,
    read_package,
)
from reader.document.formats.html import parse_html5
from reader.document.formats.images import IMAGE_TYPES, MAX_ALL_IMAGES_BYTES, acceptable_image
from reader.document.formats.walker import walk_tree
from reader.document.formats.xml import BrokenXmlError, local_name, parse_xml
from reader.document.model import Align, BlockKind, BlockStyle, InlineSpan, Metadata

CONTENT_TYPES = frozenset(("application/xhtml+xml", "text/html", "image/svg+xml"))
OUTSIDE = ("http://", "https://", "mailto:")


class DrmProtectedError(DocumentError):
    """The book's content is encrypted."""


def read_epub(data: bytes, name: str) -> Book:
    """The book in the EPUB bytes `data` (the file's `name` for messages)."""
    archive = Archive(data, name)
    if encrypted_content(archive):
        raise DrmProtectedError("This book is protected by DRM and cannot be opened.")
    return _EpubReader(archive, name).read()


class _EpubReader:
    def __init__(self, archive: Archive, name: str) -> None:
        self.archive, self.name = archive, name
        self.notes: list[str] = []
        self.resources: dict[str, bytes] = {}
        self.refused_images: set[str] = set()
        self.budget = MAX_ALL_IMAGES_BYTES
        self.styles: dict[str, StyleSheet] = {}

    def read(self) -> Book:
        package = self._package()
        if package is None or not package.spine:
            return self._files_in_order(package)
        parts = [self._part(item.member, item.media_type) for item in package.spine]
        toc = self._toc(package)
        cover = package.manifest.get(package.cover or "")
        cover_key = self._image(cover.member) if cover is not None else None
        return Book(
            parts=parts,
            title=package.title or _first_title(parts) or posixpath.splitext(self.name)[0],
            metadata=_with_notes(package.metadata, self.notes),
            toc=toc,
            resources=self.resources,
            cover=cover_key or "",
            spine_steps=package.spine_steps,
        )

    def _package(self) -> Package | None:
        name = package_name(self.archive)
        if name is None:
            self.notes.append("This book has no package file; its pages are read in file order.")
            return None
        try:
            package = read_package(self.archive, name)
        except (BrokenXmlError, BrokenBookError):
            self.notes.append(
                "This book's package file is damaged; its pages are read in file order."
            )
            return None
        if not package.spine:
            self.notes.append(
                "This book's reading order is empty; its pages are read in file order."
            )
        return package

    def _files_in_order(self, package: Package | None) -> Book:
        names = [n for n in self.archive.names() if n.lower().endswith((".xhtml", ".html", ".htm"))]
        parts = [self._part(n, "application/xhtml+xml") for n in names]
        if not any(part.blocks for part in parts):
            raise BrokenBookError(f"{self.name} holds no readable pages: it is not an EPUB.")
        self.notes.append("The contents list the book's headings.")
        metadata = package.metadata if package else Metadata(format="epub")
        return Book(
            parts=parts,
            title=(package.title if package else "") or _first_title(parts) or self.name,
            metadata=_with_notes(metadata, self.notes),
            toc=None,
            resources=self.resources,
        )

    def _toc(self, package: Package) -> list[TocTarget] | None:
        for reader, member in ((read_nav, package.nav), (read_ncx, package.ncx)):
            if member is None:
                continue
            try:
                entries = reader(self.archive, member)
            except (BrokenXmlError, BrokenBookError):
                self.notes.append(f"The book's contents ({member}) are damaged.")
                continue
            if entries:
                return entries
        self.notes.append("The book has no usable contents; the contents list its headings.")
        return None

    # -- one spine item ----------------------------------------------------------------------

    def _part(self, member: str, media_type: str) -> Part:
        if media_type in IMAGE_TYPES:
            return self._image_part(member)
        if media_type not in CONTENT_TYPES:
            self.notes.append(f"{member} ({media_type}) cannot be shown and is left out.")
            return Part(member)
        try:
            data = self.archive.read(member)
        except BrokenBookError as error:
            self.notes.append(str(error))
            return Part(member)
        root = _parse_page(data, member)
        css = self._style_sheet(root, member)
        return walk_tree(
            root,
            member,
            lambda href: self._link(member, href),
            lambda src: self._image_reference(member, src),
            css,
        )

    def _image_part(self, member: str) -> Part:
        key = self._image(member)
        part = Part(member)
        if key:
            span = InlineSpan(0, 1, "image", key)
            style = BlockStyle(kind=BlockKind.FIGURE, align=Align.CENTER, spans=(span,))
            part.blocks.append(Block(OBJECT_CHARACTER, style))
        return part

    def _link(self, base: str, href: str) -> str | None:
        if href.lower().startswith(OUTSIDE):
            return href
        resolved = resolve_reference(base, href)
        if resolved is None or resolved[0] not in self.archive:
            return None
        return (
            f"{INTERNAL}{resolved[0]}#{resolved[1]}" if resolved[1] else f"{INTERNAL}{resolved[0]}"
        )

    def _image_reference(self, base: str, source: str) -> str | None:
        resolved = resolve_reference(base, source)
        return self._image(resolved[0]) if resolved is not None else None

    def _image(self, member: str) -> str | None:
        """Keep the image `member` in memory if it is safe to show; its resource key."""
        if member in self.resources:
            return member
        if member in self.refused_images or member not in self.archive:
            return None
        size = self.archive.size(member)
        try:
            data = self.archive.read(member) if size <= self.budget else b""
        except BrokenBookError:
            data = b""
        if not data or not acceptable_image(data):
            self.refused_images.add(member)
            return None
        self.budget -= len(data)
        self.resources[member] = data
        return member

    def _style_sheet(self, root: Any, member: str) -> StyleSheet:
        """The page's own styles: linked sheets inside the book and ``<style>`` elements.
        ``@import`` and ``url()`` are never followed."""
        sheet = StyleSheet()
        for element in root.iter():
            name = local_name(element)
            if name == "link" and "stylesheet" in (element.get("rel") or "").lower():
                resolved = resolve_reference(member, element.get("href", ""))
                if resolved is not None and resolved[0] in self.archive:
                    sheet.add(self._css_text(resolved[0]))
            elif name == "style":
                sheet.add("".join(element.itertext()))
        return sheet

    def _css_text(self, member: str) -> str:
        try:
            return self.archive.read(member, 1024 * 1024).decode("utf-8", "replace")
        except BrokenBookError:
            return ""


_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.S | re.I)


def _parse_page(data: bytes, member: str) -> Any:
    """XHTML as XML (hardened); if it is not well-formed, as HTML5, as browsers do.

    A content document may not declare entities (EPUB 3.3, 3.1.1): an internal DTD subset is
    removed unread, so its entities stay the literal references a browser would show."""
    data = _INTERNAL_SUBSET.sub(b"", data, count=1)
    try:
        return parse_xml(data, member)
    except BrokenXmlError:
        return parse_html5(data.decode("utf-8", "replace"))


def _first_title(parts: list[Part]) -> str:
    return next((part.title for part in parts if part.title), "")


def _with_notes(metadata: Metadata, notes: list[str]) -> Metadata:
    return Metadata(
        author=metadata.author,
        language=metadata.language,
        identifier=metadata.identifier,
        format="epub",
        notes=tuple(notes),
    )
