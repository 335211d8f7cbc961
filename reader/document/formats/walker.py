"""An (X)HTML element tree -> `Part`: the one place that decides what a book's markup means.

Only text and a closed set of structures come out. Scripts, styles, forms' controls, frames,
embedded objects and anything hidden are dropped; links and images are only recorded (the
format resolves them inside the book, the page never fetches anything). Ruby readings go to a
span, never into the flow. Whitespace is collapsed as a browser would, and every character
remembers the text node it came from, so an offset can be turned back into an EPUB CFI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from reader.document.formats.blocks import OBJECT_CHARACTER, Block, Part, SourceRun
from reader.document.formats.css import StyleSheet
from reader.document.formats.xml import local_name
from reader.document.model import Align, BlockKind, BlockStyle, InlineSpan

SKIPPED = frozenset(
    [
        "head",
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "audio",
        "video",
        "canvas",
        "input",
        "button",
        "select",
        "textarea",
        "option",
        "datalist",
        "map",
        "area",
        "rt",
        "rp",
        "math-annotation",
        "title",
        "meta",
        "link",
        "base",
        "param",
        "source",
        "track",
    ]
)
BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "main",
        "nav",
        "body",
        "html",
        "figure",
        "figcaption",
        "address",
        "dl",
        "dt",
        "dd",
        "center",
        "hgroup",
        "details",
        "summary",
        "fieldset",
        "legend",
        "form",
        "caption",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "ul",
        "ol",
        "menu",
        "dir",
    ]
)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
INLINE_KINDS = {
    "em": "emphasis",
    "i": "emphasis",
    "cite": "emphasis",
    "var": "emphasis",
    "dfn": "emphasis",
    "strong": "strong",
    "b": "strong",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
    "sup": "sup",
    "sub": "sub",
    "s": "strike",
    "strike": "strike",
    "del": "strike",
    "u": "underline",
    "ins": "underline",
}
MAX_DEPTH = 160
"""Deeper markup is flattened to its text: no recursion limit for a hostile nesting."""

_WHITESPACE = re.compile(r"[ \t\n\r\f]+|[^ \t\n\r\f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")

Path = tuple[tuple[int, str | None], ...]
"""CFI steps of an element below the root: (even index, id assertion)."""

LinkResolver = Callable[[str], str | None]
"""href -> an internal target key (``"file#id"``, ``"file"``) or an inert outside address
(``"https://..."``, kept for its tooltip), or None to drop the link."""
ImageResolver = Callable[[str], str | None]
"""src -> the key of an in-memory resource, or None (then the alt text stands alone)."""


@dataclass(frozen=True, slots=True)
class _Context:
    style: BlockStyle
    list_depth: int = 0
    quote_depth: int = 0
    preformatted: bool = False


class _Walker:
    def __init__(
        self, key: str, links: LinkResolver, images: ImageResolver, css: StyleSheet
    ) -> None:
        self.part = Part(key)
        self.links, self.images, self.css = links, images, css
        self.text: list[str] = []
        self.length = 0
        self.spans: list[InlineSpan] = []
        self.runs: list[SourceRun] = []
        self.context = _Context(BlockStyle())
        self.raw_end = 0

    # -- the current block -----------------------------------------------------------------

    def append(self, text: str, path: Path, chunk: int, raw: int) -> None:
        """Add the text of one source node, which starts `raw` UTF-16 units into its CFI
        text chunk, collapsing whitespace unless preformatted."""
        text = _CONTROL.sub(" ", text)
        units = _utf16_offsets(text)
        if self.context.preformatted:
            position = 0
            for number, line in enumerate(text.split("\n")):
                if number:
                    self.flush()
                    position += 1
                self._add(line, path, chunk, raw + units(position))
                position += len(line)
            return
        for match in _WHITESPACE.finditer(text):
            piece = match.group()
            if piece[0] in " \t\n\r\f":
                if self.length == 0 or self.text[-1].endswith((" ", "\t")):
                    continue
                piece = " "
            self._add(piece, path, chunk, raw + units(match.start()))

    def _add(self, piece: str, path: Path, chunk: int, raw: int) -> None:
        if not piece:
            return
        last = self.runs[-1] if self.runs else None
        if (
            last is not None
            and last.path == path
            and last.chunk == chunk
            and last.start + last.length == self.length
            and self.raw_end == raw
        ):
            self.runs[-1] = replace(last, length=last.length + len(piece))
        else:
            self.runs.append(SourceRun(self.length, len(piece), path, chunk, raw))
        self.raw_end = raw + utf16_length(piece)
        self.text.append(piece)
        self.length += len(piece)

    def add_object(self, kind: str, value: str, tooltip: str, path: Path) -> None:
        """An image: one object character, with its resource and its alt text."""
        self.runs.append(SourceRun(self.length, 1, path, -1, 0))
        self.spans.append(InlineSpan(self.length, self.length + 1, kind, value))
        if tooltip:
            self.spans.append(InlineSpan(self.length, self.length + 1, "tooltip", tooltip))
        self.text.append(OBJECT_CHARACTER)
        self.length += 1

    def _trim_trailing_space(self) -> None:
        if self.text and self.text[-1].endswith(" ") and not self.context.preformatted:
            self.text[-1] = self.text[-1][:-1]
            self.length -= 1
            last = self.runs[-1]
            if last.length > 1:
                self.runs[-1] = replace(last, length=last.length - 1)
            else:
                self.runs.pop()

    def flush(self) -> None:
        """End the current block; an empty one is dropped."""
        self._trim_trailing_space()
        text = "".join(self.text)
        if text:
            end = len(text)
            spans = tuple(
                replace(span, end=min(span.end, end))
                for span in self.spans
                if span.start < end and span.end > span.start
            )
            runs = [
                r if r.start + r.length <= end else replace(r, length=end - r.start)
                for r in self.runs
                if r.start < end
            ]
            style = self.context.style
            if text == OBJECT_CHARACTER and style.kind is BlockKind.PLAIN:
                style = replace(style, kind=BlockKind.FIGURE, align=Align.CENTER)
            self.part.blocks.append(Block(text, replace(style, spans=spans), runs))
            if style.kind is BlockKind.LIST_ITEM and style.marker:
                # Only a list item's first paragraph carries its bullet.
                self.context = replace(self.context, style=replace(style, marker=""))
        self.text, self.length, self.spans, self.runs = [], 0, [], []

    def anchor(self, element_id: str) -> None:
        if element_id not in self.part.anchors:  # duplicate ids: the first one wins
            self.part.anchors[element_id] = (len(self.part.blocks), self.length)

    # -- the tree ----------------------------------------------------------------------------

    def walk_children(self, element: Any, path: Path, depth: int) -> None:
        chunk, chunk_raw = 1, 0
        if element.text:
            self.append(element.text, path, chunk, chunk_raw)
            chunk_raw += utf16_length(element.text)
        position = 0
        for child in element:
            name = local_name(child)
            if name:
                position += 1
                chunk, chunk_raw = 2 * position + 1, 0
                child_id = child.get("id")
                self.walk(child, name, (*path, (2 * position, child_id)), depth + 1)
            if child.tail:
                self.append(child.tail, path, chunk, chunk_raw)
                chunk_raw += utf16_length(child.tail)

    def walk(self, element: Any, name: str, path: Path, depth: int) -> None:
        if name in SKIPPED or _hidden(element):
            return
        element_id = element.get("id")
        if element_id:
            self.anchor(element_id)
        if depth > MAX_DEPTH:
            self.append(" ".join(element.itertext()), path, 0, 0)
            return
        if name == "br":
            self.flush()
        elif name in ("img", "image"):
            self._image(element, path)
        elif name == "svg":
            self._svg(element, path, depth)
        elif name == "ruby":
            self._inline(element, path, depth, "ruby", _ruby_reading(element))
        elif name == "a":
            target = self.links(element.get("href", "")) if element.get("href") else None
            self._inline(element, path, depth, "link" if target else "", target or "")
        elif name in INLINE_KINDS:
            self._inline(element, path, depth, INLINE_KINDS[name], "")
        elif (
            name in HEADINGS
            or name in BLOCKS
            or name in ("li", "blockquote", "pre", "tr", "td", "th", "hr")
        ):
            self._block(element, name, path, depth)
        else:
            self._inline(element, path, depth, self._inline_kind_from_css(element), "")

    def _inline(self, element: Any, path: Path, depth: int, kind: str, value: str) -> None:
        start = self.length
        self.walk_children(element, path, depth)
        if kind and self.length > start:
            self.spans.append(InlineSpan(start, self.length, kind, value))

    def _inline_kind_from_css(self, element: Any) -> str:
        declared = self.css.declared(element)
        if declared.get("font-style") in ("italic", "oblique"):
            return "emphasis"
        if declared.get("font-weight") in ("bold", "bolder", "700", "800", "900"):
            return "strong"
        return ""

    def _image(self, element: Any, path: Path) -> None:
        source = (
            element.get("src")
            or element.get("{http://www.w3.org/1999/xlink}href")
            or element.get("href")
            or ""
        )
        key = self.images(source) if source else None
        alt = (element.get("alt") or element.get("title") or "").strip()
        if key:
            self.add_object("image", key, alt, path)
        elif alt:
            self.append(f"[{alt}]", path, -1, 0)

    def _svg(self, element: Any, path: Path, depth: int) -> None:
        """An SVG shows its images and its text, nothing else (no script, no foreign
        objects)."""
        for child in element.iter():
            name = local_name(child)
            if name == "image":
                self._image(child, path)
            elif name == "text":
                self.append(" ".join(child.itertext()), path, -1, 0)

    def _block(self, element: Any, name: str, path: Path, depth: int) -> None:
        if name in ("td", "th"):
            if self.length:
                self._trim_trailing_space()
                self._add("\t", path, -1, 0)
            self.walk_children(element, path, depth)
            return
        self.flush()
        saved = self.context
        self.context = self._context_for(element, name, saved)
        if name == "hr":
            self.context = saved
            return
        if name in ("ol", "ul", "menu", "dir"):
            self._list(element, name, path, depth)
        else:
            self.walk_children(element, path, depth)
        self.flush()
        self.context = saved

    def _list(self, element: Any, name: str, path: Path, depth: int) -> None:
        number = _int(element.get("start"), 1)
        position = 0
        if element.text and element.text.strip():
            self.append(element.text, path, 1, 0)
        for child in element:
            child_name = local_name(child)
            if not child_name:
                continue
            position += 1
            child_path = (*path, (2 * position, child.get("id")))
            if child_name == "li" and not _hidden(child):
                marker = f"{_int(child.get('value'), number)}." if name == "ol" else "•"
                number = _int(child.get("value"), number) + 1
                saved = self.context
                self.flush()
                item = replace(
                    saved.style, kind=BlockKind.LIST_ITEM, level=saved.list_depth, marker=marker
                )
                if saved.preformatted:  # a list inside <pre> is still preformatted text
                    item = replace(item, kind=BlockKind.CODE)
                self.context = replace(saved, style=item)
                if child.get("id"):
                    self.anchor(child.get("id"))
                self.walk_children(child, child_path, depth + 1)
                self.flush()
                self.context = saved
            else:
                self.walk(child, child_name, child_path, depth + 1)

    def _context_for(self, element: Any, name: str, outer: _Context) -> _Context:
        style = outer.style
        context = outer
        if name in HEADINGS:
            style = replace(style, kind=BlockKind.HEADING, level=HEADINGS[name], marker="")
        elif name == "blockquote":
            depth = outer.quote_depth + 1
            style = replace(style, kind=BlockKind.QUOTE, level=depth)
            context = replace(context, quote_depth=depth)
        elif name == "pre":
            style = replace(style, kind=BlockKind.CODE)
            context = replace(context, preformatted=True)
        elif name == "tr":
            style = replace(style, kind=BlockKind.TABLE_ROW)
        elif name in ("ol", "ul", "menu", "dir"):
            context = replace(context, list_depth=outer.list_depth + 1)
        elif name in ("dd",):
            style = replace(style, indent=True)
        elif name in ("figure", "center", "figcaption"):
            style = replace(style, align=Align.CENTER)
        declared = self.css.declared(element)
        align = {"center": Align.CENTER, "right": Align.END, "end": Align.END}.get(
            declared.get("text-align", "")
        )
        if align is not None:
            style = replace(style, align=align)
        elif declared.get("text-align") in ("left", "start", "justify"):
            style = replace(style, align=Align.START)
        if declared.get("font-style") in ("italic", "oblique"):
            style = replace(style, italic=True)
        elif declared.get("font-style") == "normal":
            style = replace(style, italic=False)
        indent = declared.get("text-indent", "")
        if indent and not indent.startswith(("0", "-")):
            style = replace(style, indent=True)
        if context.preformatted:  # whitespace inside <pre> is kept, whatever the markup
            style = replace(style, kind=BlockKind.CODE)
        return replace(context, style=style)


def walk_tree(
    root: Any,
    key: str,
    links: LinkResolver,
    images: ImageResolver,
    css: StyleSheet | None = None,
) -> Part:
    """The blocks of the document whose root element is `root` (``<html>``)."""
    walker = _Walker(key, links, images, css or StyleSheet())
    title = root.find(".//{*}title")
    if title is None:
        title = root.find(".//title")
    walker.part.title = " ".join("".join(title.itertext()).split()) if title is not None else ""
    walker.walk_children(root, (), 0)
    walker.flush()
    return walker.part


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_length(text: str) -> int:
    """Length in UTF-16 units, which CFI offsets count."""
    return len(text) + len(_ASTRAL.findall(text))


def _utf16_offsets(text: str) -> Callable[[int], int]:
    """Code-point index -> UTF-16 index in `text` (the identity for the usual BMP text)."""
    if not _ASTRAL.search(text):
        return lambda index: index
    return lambda index: utf16_length(text[:index])


def _ruby_reading(element: Any) -> str:
    return " ".join(
        "".join(child.itertext()).strip() for child in element.iter() if local_name(child) == "rt"
    ).strip()


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None:
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
