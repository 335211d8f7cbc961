"""Annotation exports as text, shared by the window and the command line (which write them
atomically; imports: `placement`)."""

from __future__ import annotations

import json

from reader.annotations.markdown import to_markdown
from reader.annotations.model import Annotation
from reader.annotations.w3c import to_w3c
from reader.document.model import Document

FORMATS = ("markdown", "w3c")


def render(
    document: Document, placed: list[Annotation], orphans: list[Annotation], kind: str
) -> str:
    """The export of a document's annotations as Markdown or W3C JSON-LD, ending in a newline."""
    if kind == "markdown":
        content = to_markdown(document, placed, orphans)
    else:
        # The target's source stays our document URN (not the file's path): it carries the
        # fingerprint, so a re-import lands on the same text, and a file can move.
        content = json.dumps(to_w3c(document, [*placed, *orphans]), ensure_ascii=False, indent=1)
    return content if content.endswith("\n") else content + "\n"
