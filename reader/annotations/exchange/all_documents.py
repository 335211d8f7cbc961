"""Export All: every document's annotations in one file, from the notebook (no book is loaded).

- W3C JSON-LD: one `AnnotationCollection` of every annotation, each target's source the URN of
  the text it was made on, exactly as a one-document export writes it. Importing the file into
  a document takes the annotations made on that document's text (`placement.import_file`), so
  an export of everything restores document by document.
- Markdown: a section per document (its title, then where its file is), its annotations in
  reading order, those that could not be placed last. Sections within a book would need the
  book itself, which may be gone; a one-document export has them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from reader.annotations.exchange.markdown import (
    ORPHANS_HEADING,
    annotation_lines,
    heading,
    inline_code,
)
from reader.annotations.exchange.w3c_export import (
    COLLECTION_URN,
    annotation_collection,
    w3c_annotation,
)
from reader.annotations.notebook import NotebookDocument

TITLE = "All annotations"
ALL_COLLECTION_ID = f"{COLLECTION_URN}all"


def render_all(documents: Sequence[NotebookDocument], kind: str) -> str:
    """Every annotation of `documents` as Markdown or W3C JSON-LD, ending in a newline."""
    if kind == "markdown":
        return all_to_markdown(documents)
    items = [w3c_annotation(a) for document in documents for a in document.annotations]
    collection = annotation_collection(ALL_COLLECTION_ID, TITLE, items)
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"


def all_to_markdown(documents: Sequence[NotebookDocument]) -> str:
    """A Markdown document with a section for each document (see the module docstring)."""
    total = sum(len(d.annotations) for d in documents)
    lines = [f"# {TITLE}", ""]
    if not total:
        return "\n".join([*lines, "No annotations yet."]) + "\n"
    lines.append(f"{_count(total, 'annotation')} in {_count(len(documents), 'document')}.")
    for document in documents:
        lines += ["", f"## {heading(document.record.title)}", "", _where(document)]
        placed = [a for a in document.annotations if not a.orphan]
        orphans = [a for a in document.annotations if a.orphan]
        for annotation in placed:
            lines += annotation_lines(annotation)
        if orphans:
            lines += ["", f"### {ORPHANS_HEADING}"]
            for annotation in orphans:
                lines += annotation_lines(annotation)
    return "\n".join(lines) + "\n"


def _where(document: NotebookDocument) -> str:
    path = document.record.path
    if path is None:
        return "No file (imported annotations)."
    shown = inline_code(_writable(path))
    return f"File: {shown} (missing)" if document.missing else f"File: {shown}"


def _writable(path: Path) -> str:
    """A path as UTF-8 text can hold it: an undecodable byte of its name becomes U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
