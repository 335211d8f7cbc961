"""Annotations as Markdown, for people to read: the document's sections in reading order.

Each annotation is its quote (a blockquote), the note exactly as the user wrote it, then its
colour and tags. The note is the user's own text in the user's own file, so Markdown or HTML in
it is kept, not escaped; only a note line that would otherwise turn into a heading (``#``, or a
setext ``===``/``---`` underline) is prefixed with a backslash, so that a note can never forge a
section of the export.

Section headings are written whole. The untitled opening before the first heading (a lead, front
matter) is listed in the table of contents under its first words, cut short with "…"; as a
heading that reads like a truncated title, so the export calls it plainly `OPENING_HEADING`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.annotations.model import Annotation
from reader.document.model import Document, TocEntry

ORPHANS_HEADING = "Could not be placed"
OPENING_HEADING = "Opening"

_CLOSING_HASHES = re.compile(r"(?<=[ \t])#+$")
"""A heading's trailing ``#`` run after a space, which Markdown reads as a closing sequence."""

_HEADING_LIKE = re.compile(r" {0,3}(#|=+[ \t]*$|-+[ \t]*$)")


def to_markdown(
    document: Document, annotations: Sequence[Annotation], orphans: Sequence[Annotation] = ()
) -> str:
    """The annotations as a Markdown document, grouped by section in reading order.

    Sections without annotations are left out; `orphans` (which have no place in this text)
    follow under their own heading.
    """
    lines = [f"# {_one_line(document.title)}"]
    entries = document.toc()
    groups: dict[int, list[Annotation]] = {}
    for annotation in annotations:
        groups.setdefault(document.toc_index_at(annotation.position.start), []).append(annotation)
    for index in sorted(groups):
        lines += ["", f"## {_heading_text(entries[index])}"]
        for annotation in sorted(groups[index], key=lambda a: (a.position.start, a.position.end)):
            lines += annotation_lines(annotation)
    if orphans:
        lines += ["", f"## {ORPHANS_HEADING}"]
        for annotation in orphans:
            lines += annotation_lines(annotation)
    return "\n".join(lines) + "\n"


def annotation_lines(annotation: Annotation) -> list[str]:
    """One annotation: its quote as a blockquote, its note, its colour and tags."""
    lines = [""]
    lines += [f"> {line}" if line else ">" for line in annotation.quote.exact.split("\n")]
    if annotation.note:
        lines.append("")
        lines += [_defuse_heading(line) for line in annotation.note.splitlines()]
    details = f"Colour: {annotation.colour.value}"
    if annotation.tags:
        details += " · Tags: " + ", ".join(inline_code(tag) for tag in annotation.tags)
    lines += ["", details]
    return lines


def _heading_text(entry: TocEntry) -> str:
    """The entry's full title on one line, shown as written (see the module docstring)."""
    if entry.is_opening:
        return OPENING_HEADING
    return heading(entry.title)


def heading(text: str) -> str:
    """`text` as a heading's text: on one line, a trailing ``#`` run kept as written."""
    return _CLOSING_HASHES.sub(lambda run: "\\" + run.group(), _one_line(text))


def _defuse_heading(line: str) -> str:
    return "\\" + line.lstrip(" ") if _HEADING_LIKE.match(line) else line


def inline_code(value: str) -> str:
    """`value` as a Markdown code span, whatever backticks it contains."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{padding}{value}{padding}{fence}"


def _one_line(value: str) -> str:
    return " ".join(value.split())
