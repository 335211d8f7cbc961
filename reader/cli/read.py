"""``reader toc``: a document's structure, without opening a window."""

from __future__ import annotations

import argparse

from reader.app.services import Services
from reader.cli.common import EXIT_OK, Streams, add_document_arguments, document_of
from reader.cli.output import dump_json, printable
from reader.document.model import Document


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``toc``."""
    toc = commands.add_parser("toc", help="print the document's sections")
    add_document_arguments(toc)
    toc.add_argument("--json", action="store_true", help="print one JSON object")
    toc.set_defaults(handler=run_toc)


def run_toc(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """The document's structure, as text or JSON."""
    document = document_of(arguments, services)
    if arguments.json:
        dump_json(toc_as_json(document), streams.out)
        return EXIT_OK
    title = printable(document.title)
    print(f"{title}  ({document.encoding}, {len(document.text):,} characters)", file=streams.out)
    for entry in document.toc():
        indent = "  " * (entry.level - 1)
        print(f"{entry.start:>9}  {indent}{printable(entry.title)}", file=streams.out)
    return EXIT_OK


def toc_as_json(document: Document) -> dict[str, object]:
    """The structure as plain JSON values; `start` is a canonical character offset."""
    return {
        "title": document.title,
        "path": str(document.source) if document.source else None,
        "encoding": document.encoding,
        "fingerprint": document.fingerprint,
        "characters": len(document.text),
        "paragraphs": len(document.paragraphs),
        "format": document.metadata.format,
        "author": document.metadata.author,
        "language": document.metadata.language,
        "identifier": document.metadata.identifier,
        "sections": [
            {"title": s.title, "level": s.level, "start": s.start} for s in document.sections
        ],
        "contents": nested_sections(document),
    }


def nested_sections(document: Document) -> list[dict[str, object]]:
    """The sections as a tree: each entry holds the deeper entries that follow it in
    `children` (an EPUB's nav nesting, a Markdown file's heading levels)."""
    roots: list[dict[str, object]] = []
    stack: list[tuple[int, list[dict[str, object]]]] = [(0, roots)]
    for section in document.sections:
        entry: dict[str, object] = {
            "title": section.title,
            "level": section.level,
            "start": section.start,
            "children": [],
        }
        while len(stack) > 1 and stack[-1][0] >= section.level:
            stack.pop()
        stack[-1][1].append(entry)
        children = entry["children"]
        assert isinstance(children, list)
        stack.append((section.level, children))
    return roots
