"""Annotations in and out of files: the exchange formats, shared by the window and the command
line (which write exports atomically; imports go through `placement`).

- `w3c_export` / `w3c_import`: W3C Web Annotation JSON-LD, to move annotations to another
  reader and back;
- `markdown`: Markdown, for people to read;
- `kindle`, `koreader`, `calibre`, `foliate`, `hypothesis` (read by `sniff`): other readers'
  highlights as neutral `records`; `foreign_export`: ours as Kindle clippings and KOReader JSON;
- `render`: the text of an export in any of the formats.
"""

from __future__ import annotations

import json

from reader.annotations.exchange.foreign_export import to_kindle, to_koreader
from reader.annotations.exchange.markdown import to_markdown
from reader.annotations.exchange.w3c_export import to_w3c
from reader.annotations.model import Annotation
from reader.document.model import Document


def render(
    document: Document, placed: list[Annotation], orphans: list[Annotation], kind: str
) -> str:
    """The export of a document's annotations as Markdown, W3C JSON-LD, Kindle clippings or
    KOReader JSON, ending in a newline."""
    if kind == "markdown":
        content = to_markdown(document, placed, orphans)
    elif kind == "kindle":
        content = to_kindle(document, [*placed, *orphans])
    elif kind == "koreader":
        content = to_koreader(document, [*placed, *orphans])
    else:
        # The target's source is the book's identifier or our document URN, never the file's
        # path: a re-import lands on the same document, and a file can move.
        content = json.dumps(to_w3c(document, [*placed, *orphans]), ensure_ascii=False, indent=1)
    return content if content.endswith("\n") else content + "\n"
