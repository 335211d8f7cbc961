"""An EPUB's own description of itself: container, package (OPF), navigation (nav or NCX)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reader.document.formats.archive import Archive, resolve_reference
from reader.document.formats.assemble import TocTarget
from reader.document.formats.xml import BrokenXmlError, local_name, parse_xml
from reader.document.model import Metadata

FONT_OBFUSCATION = frozenset(
    ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")
)
MAX_TOC_ENTRIES = 20_000


class DrmError(Exception):
    """Raised inside the EPUB reader; turned into the user's message there."""


@dataclass(frozen=True, slots=True)
class ManifestItem:
    ident: str
    member: str
    media_type: str
    properties: frozenset[str]


@dataclass(slots=True)
class Package:
    """What the OPF says: metadata, the manifest, the spine and where the contents are."""

    name: str
    title: str = ""
    metadata: Metadata = field(default_factory=Metadata)
    manifest: dict[str, ManifestItem] = field(default_factory=dict)
    spine: list[ManifestItem] = field(default_factory=list)
    spine_steps: list[str] = field(default_factory=list)
    nav: str | None = None
    ncx: str | None = None
    cover: str | None = None


def package_name(archive: Archive) -> str | None:
    """The OPF named by ``META-INF/container.xml``, if there is one and it is in the book."""
    if "META-INF/container.xml" not in archive:
        return None
    try:
        root = parse_xml(archive.read("META-INF/container.xml"), "META-INF/container.xml")
    except BrokenXmlError:
        return None
    for element in root.iter():
        if local_name(element) == "rootfile":
            resolved = resolve_reference("", element.get("full-path", ""))
            if resolved and resolved[0] in archive:
                return resolved[0]
    return None


def encrypted_content(archive: Archive) -> list[str]:
    """Members encrypted by something other than font obfuscation: DRM."""
    if "META-INF/encryption.xml" not in archive:
        return []
    try:
        root = parse_xml(archive.read("META-INF/encryption.xml"), "META-INF/encryption.xml")
    except BrokenXmlError:
        return ["META-INF/encryption.xml"]
    protected: list[str] = []
    for data in root.iter():
        if local_name(data) != "encrypteddata":
            continue
        algorithm = next(
            (e.get("Algorithm", "") for e in data.iter() if local_name(e) == "encryptionmethod"), ""
        )
        uri = next(
            (e.get("URI", "") for e in data.iter() if local_name(e) == "cipherreference"), ""
        )
        if algorithm not in FONT_OBFUSCATION:
            protected.append(uri)
    return protected


def read_package(archive: Archive, name: str) -> Package:
    """Parse the OPF `name` (raises BrokenXmlError when it is not XML)."""
    root = parse_xml(archive.read(name), name)
    package = Package(name)
    children = [c for c in root if local_name(c)]
    for number, child in enumerate(children, start=1):
        kind = local_name(child)
        if kind == "metadata":
            _read_metadata(package, child, root.get("unique-identifier", ""))
        elif kind == "manifest":
            _read_manifest(package, child, archive)
        elif kind == "spine":
            _read_spine(package, child, 2 * number)
    return package


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _read_metadata(package: Package, metadata: Any, unique_id: str) -> None:
    found: dict[str, str] = {}
    identifiers: list[tuple[bool, str]] = []
    cover_id = ""
    for element in metadata.iter():
        kind = local_name(element)
        if kind in ("title", "creator", "language") and kind not in found and _text(element):
            found[kind] = _text(element)
        elif kind == "identifier" and _text(element):
            identifiers.append((element.get("id") == unique_id, _identifier(element)))
        elif kind == "meta" and element.get("name") == "cover":
            cover_id = element.get("content", "")
    identifiers.sort(key=lambda item: not item[0])
    package.title = found.get("title", "")
    package.metadata = Metadata(
        author=found.get("creator", ""),
        language=found.get("language", ""),
        identifier=identifiers[0][1] if identifiers else "",
        format="epub",
    )
    package.cover = cover_id or None


def _identifier(element: Any) -> str:
    """The identifier as a URN where its scheme says what it is (calibre writes bare uuids)."""
    value = _text(element)
    scheme = next((v for k, v in element.attrib.items() if k.endswith("scheme")), "").lower()
    if ":" not in value and scheme in ("uuid", "isbn"):
        return f"urn:{scheme}:{value}"
    return value


def _read_manifest(package: Package, manifest: Any, archive: Archive) -> None:
    for item in manifest:
        if local_name(item) != "item":
            continue
        resolved = resolve_reference(package.name, item.get("href", ""))
        if resolved is None or resolved[0] not in archive:
            continue
        properties = frozenset((item.get("properties") or "").split())
        entry = ManifestItem(
            item.get("id", ""), resolved[0], item.get("media-type", ""), properties
        )
        package.manifest.setdefault(entry.ident, entry)
        if "nav" in properties:
            package.nav = entry.member
        if "cover-image" in properties:
            package.cover = entry.ident
        if entry.media_type == "application/x-dtbncx+xml":
            package.ncx = entry.member


def _read_spine(package: Package, spine: Any, step: int) -> None:
    toc = spine.get("toc")
    if toc and toc in package.manifest:
        package.ncx = package.manifest[toc].member
    position = 0
    for itemref in spine:
        if not local_name(itemref):
            continue
        position += 1
        if local_name(itemref) != "itemref":
            continue
        item = package.manifest.get(itemref.get("idref", ""))
        if item is not None:
            package.spine.append(item)
            idref = itemref.get("idref", "")
            package.spine_steps.append(f"/{step}/{2 * position}[{idref}]")


def read_nav(archive: Archive, name: str) -> list[TocTarget]:
    """The entries of an EPUB 3 navigation document's ``nav epub:type="toc"``, nested."""
    root = parse_xml(archive.read(name), name)
    navs = [e for e in root.iter() if local_name(e) == "nav"]
    toc = next((n for n in navs if "toc" in _epub_type(n).split()), navs[0] if navs else None)
    entries: list[TocTarget] = []
    if toc is not None:
        top = next((e for e in toc if local_name(e) == "ol"), None)
        if top is not None:
            _nav_list(top, 1, name, entries)
    return entries


def _epub_type(element: Any) -> str:
    return next(
        (v for k, v in element.attrib.items() if k.endswith("}type") or k == "epub:type"), ""
    )


def _nav_list(ol: Any, level: int, base: str, entries: list[TocTarget]) -> None:
    for li in ol:
        if local_name(li) != "li" or len(entries) >= MAX_TOC_ENTRIES:
            continue
        link = next((c for c in li if local_name(c) in ("a", "span")), None)
        if link is not None:
            resolved = resolve_reference(base, link.get("href", "")) if link.get("href") else None
            if resolved is not None:
                target = f"{resolved[0]}#{resolved[1]}" if resolved[1] else resolved[0]
                entries.append(TocTarget(_text(link), level, target))
        for child in li:
            if local_name(child) == "ol":
                _nav_list(child, level + 1, base, entries)


def read_ncx(archive: Archive, name: str) -> list[TocTarget]:
    """The entries of an EPUB 2 NCX ``navMap``, nested."""
    root = parse_xml(archive.read(name), name)
    nav_map = next((e for e in root.iter() if local_name(e) == "navmap"), None)
    entries: list[TocTarget] = []
    if nav_map is not None:
        _ncx_points(nav_map, 1, name, entries)
    return entries


def _ncx_points(parent: Any, level: int, base: str, entries: list[TocTarget]) -> None:
    for point in parent:
        if local_name(point) != "navpoint" or len(entries) >= MAX_TOC_ENTRIES:
            continue
        label = next((e for e in point if local_name(e) == "navlabel"), None)
        content = next((e for e in point if local_name(e) == "content"), None)
        resolved = resolve_reference(base, content.get("src", "")) if content is not None else None
        if label is not None and resolved is not None:
            target = f"{resolved[0]}#{resolved[1]}" if resolved[1] else resolved[0]
            entries.append(TocTarget(_text(label), level, target))
        _ncx_points(point, level + 1, base, entries)
