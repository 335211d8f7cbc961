"""Annotation files out, shared by the window and the command line (import: `session`).

Export writes the whole file or nothing (a temporary file renamed into place).
"""

from __future__ import annotations

import json
from pathlib import Path

from reader.annotations.markdown import to_markdown
from reader.annotations.model import Annotation
from reader.annotations.w3c import to_w3c
from reader.atomic import write_atomically
from reader.document.model import Document

FORMATS = ("markdown", "w3c")


def render(
    document: Document, placed: list[Annotation], orphans: list[Annotation], kind: str
) -> str:
    """The export of a document's annotations as Markdown or W3C JSON-LD."""
    if kind == "markdown":
        return to_markdown(document, placed, orphans)
    # The target's source stays our document URN (not the file's path): it carries the
    # fingerprint, so a re-import lands on the same text, and a file can move.
    return json.dumps(to_w3c(document, [*placed, *orphans]), ensure_ascii=False, indent=1)


def export_to(path: Path, content: str) -> None:
    """Write an export; raises OSError, `NotARegularFileError` (an OSError) when `path` is a
    folder, device, FIFO or socket: a symlink is followed and only a regular file replaced."""
    write_atomically(path, content if content.endswith("\n") else content + "\n")
