"""The command-line subcommands: ask the reader things without opening a window.

Exit status: 0 success, 1 nothing found (for queries), 2 error (bad input, unreadable file).
Messages for people go to stderr; data goes to stdout, as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from reader.bundled import BUNDLED_ARTICLE_TITLE, bundled_article_path
from reader.document.errors import DocumentError
from reader.document.loader import load_document
from reader.document.model import Document

EXIT_OK = 0
EXIT_NOTHING_FOUND = 1
EXIT_ERROR = 2

COMMANDS = ("toc",)


def open_document(path: str | None, encoding: str | None = None) -> Document:
    """The document at `path`, or the bundled article when no path is given."""
    if path is None:
        return load_document(bundled_article_path(), encoding, title=BUNDLED_ARTICLE_TITLE)
    return load_document(Path(path), encoding)


def add_document_arguments(parser: argparse.ArgumentParser) -> None:
    """The PATH and --encoding arguments every document command shares."""
    parser.add_argument(
        "path", nargs="?", metavar="PATH", help="a text file (default: the bundled article)"
    )
    parser.add_argument("--encoding", help="decode with this encoding instead of detecting it")


def build_parser() -> argparse.ArgumentParser:
    """The parser for ``reader COMMAND ...``."""
    parser = argparse.ArgumentParser(prog="reader", description="Ask the reader from the shell.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    toc = commands.add_parser("toc", help="print the document's sections")
    add_document_arguments(toc)
    toc.add_argument("--json", action="store_true", help="print one JSON object")
    toc.set_defaults(handler=run_toc)
    return parser


def run(argv: Sequence[str], stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """Run one subcommand; returns the exit status."""
    arguments = build_parser().parse_args(list(argv))
    handler: Callable[[argparse.Namespace, TextIO], int] = arguments.handler
    try:
        return handler(arguments, stdout)
    except DocumentError as error:
        print(f"reader: {error}", file=stderr)
        return EXIT_ERROR


def run_toc(arguments: argparse.Namespace, stdout: TextIO) -> int:
    """``reader toc``: the document's structure, as text or JSON."""
    document = open_document(arguments.path, arguments.encoding)
    if arguments.json:
        json.dump(toc_as_json(document), stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
        return EXIT_OK
    print(
        f"{document.title}  ({document.encoding}, {len(document.text):,} characters)", file=stdout
    )
    for entry in document.toc():
        indent = "  " * (entry.level - 1)
        print(f"{entry.start:>9}  {indent}{entry.title}", file=stdout)
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
        "sections": [
            {"title": s.title, "level": s.level, "start": s.start} for s in document.sections
        ],
    }
