"""The little of a book's CSS the reader keeps: alignment, italics, weight and indentation.

The reader's theme, font and size win over the book's, so colours, fonts and sizes are never
read. Only simple selectors (``p``, ``.c``, ``p.c``) are understood, which is how producers
such as calibre style paragraphs. ``@import`` and ``url()`` are never followed: this is a
reader of declarations, not a loader.
"""

from __future__ import annotations

import re
from typing import Any

from reader.document.formats.xml import local_name

KEPT = frozenset(("text-align", "font-style", "font-weight", "text-indent"))
MAX_CSS_CHARACTERS = 1_000_000

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_AT_RULE = re.compile(r"@[^{;]*(?:;|\{(?:[^{}]|\{[^{}]*\})*\})")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?(?:\.([-\w]+))?$")


def parse_declarations(text: str) -> dict[str, str]:
    """``a: b; c: d`` -> the kept properties, lowercased, ``!important`` dropped."""
    declared: dict[str, str] = {}
    for declaration in text.split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        if name in KEPT:
            declared[name] = value.replace("!important", "").strip().lower()
    return declared


class StyleSheet:
    """Rules by tag and by class, from the book's style sheets."""

    def __init__(self, text: str = "") -> None:
        self.by_tag: dict[str, dict[str, str]] = {}
        self.by_class: dict[str, dict[str, str]] = {}
        self.by_tag_class: dict[tuple[str, str], dict[str, str]] = {}
        self.add(text)

    def add(self, text: str) -> None:
        """Read more rules (a later rule wins, as in CSS for equal specificity)."""
        text = _AT_RULE.sub("", _COMMENT.sub("", text[:MAX_CSS_CHARACTERS]))
        for selectors, body in _RULE.findall(text):
            declared = parse_declarations(body)
            if not declared:
                continue
            for selector in selectors.split(","):
                match = _SIMPLE.match(selector.strip())
                if not match:
                    continue
                tag, cls = (match.group(1) or "").lower(), match.group(2) or ""
                if tag and cls:
                    self.by_tag_class.setdefault((tag, cls), {}).update(declared)
                elif cls:
                    self.by_class.setdefault(cls, {}).update(declared)
                elif tag:
                    self.by_tag.setdefault(tag, {}).update(declared)

    def declared(self, element: Any) -> dict[str, str]:
        """The kept properties that apply to `element`: tag, class, tag.class, then its own
        ``style`` attribute, in increasing precedence."""
        tag = local_name(element)
        result = dict(self.by_tag.get(tag, {}))
        for cls in (element.get("class") or "").split():
            result.update(self.by_class.get(cls, {}))
            result.update(self.by_tag_class.get((tag, cls), {}))
        inline = element.get("style")
        if inline:
            result.update(parse_declarations(inline))
        return result
