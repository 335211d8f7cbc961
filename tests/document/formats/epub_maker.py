"""EPUBs written by the tests: a minimal valid book, and every way to spoil one."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles></container>"""


def page(body: str, title: str = "t", head: str = "") -> str:
    """An XHTML page around `body`."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{title}</title>{head}</head><body>{body}</body></html>"
    )


def opf(
    chapters: list[str],
    *,
    media_types: Mapping[str, str] | None = None,
    extra_manifest: str = "",
    metadata: str = "",
    nav: bool = True,
    ncx: bool = False,
    spine_attributes: str = "",
) -> str:
    """A package naming `chapters` (file names under OEBPS/) in spine order."""
    media_types = media_types or {}
    xhtml = "application/xhtml+xml"
    items = "".join(
        f'<item id="c{i}" href="{name}" media-type="{media_types.get(name, xhtml)}"/>'
        for i, name in enumerate(chapters)
    )
    if nav:
        items += (
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        )
    if ncx:
        items += '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
    toc = ' toc="ncx"' if ncx else ""
    return (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:identifier id="uid">urn:uuid:12345678-1234-1234-1234-123456789abc</dc:identifier>'
        f"<dc:title>测试之书</dc:title><dc:creator>作者</dc:creator><dc:language>zh</dc:language>"
        f"{metadata}</metadata><manifest>{items}{extra_manifest}</manifest>"
        f"<spine{toc}{spine_attributes}>{spine}</spine></package>"
    )


def nav_page(entries: str) -> str:
    """A navigation document whose toc list is `entries` (``<li>`` elements)."""
    return page(f'<nav epub:type="toc"><ol>{entries}</ol></nav>')


def write_epub(path: Path, files: Mapping[str, str | bytes], *, mimetype: bool = True) -> Path:
    """Write an EPUB holding `files` (name -> content) after the mimetype and container."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        if "META-INF/container.xml" not in files:
            archive.writestr("META-INF/container.xml", CONTAINER)
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def simple_book(
    path: Path,
    bodies: list[str],
    nav_entries: str | None = None,
    extra: Mapping[str, str | bytes] | None = None,
) -> Path:
    """A book with one chapter per body, a nav listing them unless told otherwise; `extra`
    files are added or replace the generated ones."""
    names = [f"ch{i + 1}.xhtml" for i in range(len(bodies))]
    contents: dict[str, str | bytes] = {
        f"OEBPS/{name}": page(body) for name, body in zip(names, bodies, strict=True)
    }
    entries = nav_entries
    if entries is None:
        entries = "".join(f'<li><a href="{n}">第{i + 1}章</a></li>' for i, n in enumerate(names))
    contents["OEBPS/nav.xhtml"] = nav_page(entries)
    contents["OEBPS/content.opf"] = opf(names)
    contents.update(extra or {})
    return write_epub(path, contents)
