"""The command-line subcommands: ask the reader things without opening a window.

Exit status: 0 success, 1 nothing found (for queries), 2 error (bad input, unreadable file),
141 when standard output was closed before everything was written (``reader toc BOOK | head``):
the command stops quietly, and 141 (128 + SIGPIPE) is what a shell reports for any tool a
closed pipe stops, so ``set -o pipefail`` scripts see it as they would from ``cat``.
Messages for people go to stderr; data goes to stdout, as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from reader.bundled import BUNDLED_ARTICLE_TITLE, bundled_article_path
from reader.cli_annotations import add_commands as add_annotation_commands
from reader.cli_annotations import run_annotation_command
from reader.cli_output import dump_json, message, printable
from reader.document.errors import DocumentError
from reader.document.loader import load_document
from reader.document.model import Document
from reader.paths import AppPaths
from reader.search.index import IndexUnavailableError
from reader.search.results import Hit, SearchResult
from reader.search.searcher import DocumentSearcher

EXIT_OK = 0
EXIT_NOTHING_FOUND = 1
EXIT_ERROR = 2
EXIT_BROKEN_PIPE = 141

COMMANDS = ("toc", "search", "annotate", "annotations", "export", "import")
ANNOTATION_COMMANDS = ("annotate", "annotations", "export", "import")
DEFAULT_LIMIT = 50


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

    search = commands.add_parser("search", help="find text in the document")
    search.add_argument(
        "query",
        metavar="QUERY",
        help='words, "an exact phrase", -excluded (put -- before a QUERY that starts with -)',
    )
    add_document_arguments(search)
    search.add_argument("--json", action="store_true", help="print a JSON list of hits")
    search.add_argument(
        "--limit",
        type=_limit,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"print at most N hits, best first (default {DEFAULT_LIMIT}; 0 for all)",
    )
    search.set_defaults(handler=run_search)
    add_annotation_commands(commands, add_document_arguments)
    return parser


def _limit(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("the limit cannot be negative")
    return value


def run(argv: Sequence[str], stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """Run one subcommand; returns the exit status."""
    arguments = build_parser().parse_args(list(argv))
    try:
        if arguments.command in ANNOTATION_COMMANDS:
            document = open_document(arguments.path, arguments.encoding)
            return run_annotation_command(arguments.command, arguments, document, stdout, stderr)
        handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = arguments.handler
        return handler(arguments, stdout, stderr)
    except DocumentError as error:
        print(message(str(error)), file=stderr)
        return EXIT_ERROR


def run_in_shell(argv: Sequence[str]) -> int:
    """`run` on the process's own streams, ending quietly when the reader of its output goes
    away (the standard recipe: no traceback, nothing more written, status 141)."""
    try:
        status = run(argv, sys.stdout, sys.stderr)
        sys.stdout.flush()  # here, so a buffered tail fails inside the try and not at exit
    except BrokenPipeError:
        # Python flushes stdout again at exit; pointing it at /dev/null keeps that quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE
    return status


def run_toc(arguments: argparse.Namespace, stdout: TextIO, _stderr: TextIO) -> int:
    """``reader toc``: the document's structure, as text or JSON."""
    document = open_document(arguments.path, arguments.encoding)
    if arguments.json:
        dump_json(toc_as_json(document), stdout)
        return EXIT_OK
    title = printable(document.title)
    print(f"{title}  ({document.encoding}, {len(document.text):,} characters)", file=stdout)
    for entry in document.toc():
        indent = "  " * (entry.level - 1)
        print(f"{entry.start:>9}  {indent}{printable(entry.title)}", file=stdout)
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


def run_search(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``reader search``: hits best first, as text or JSON; exit 1 when nothing is found."""
    document = open_document(arguments.path, arguments.encoding)
    searcher = DocumentSearcher(document, AppPaths.from_environment().cache_dir)
    try:
        searcher.ensure_index()  # quietly: a second or two once per document, then reused
    except IndexUnavailableError as error:
        print(message(str(error)), file=stderr)
    try:
        result = searcher.search(arguments.query)
    finally:
        searcher.close()
    if result.query.is_empty:
        print("reader: nothing to search: the query has no words to look for.", file=stderr)
    shown = result.hits if arguments.limit == 0 else result.hits[: arguments.limit]
    if arguments.json:
        dump_json([result.hit_as_json(hit) for hit in shown], stdout)
    else:
        print_hits(result, shown, stdout)
    return EXIT_OK if result.hits else EXIT_NOTHING_FOUND


def print_hits(result: SearchResult, hits: Sequence[Hit], stdout: TextIO) -> None:
    """Hits as readable lines: section and offsets, then the snippet with the match marked."""
    for hit in hits:
        snippet = result.snippet(hit)
        marked = (
            snippet.text[: snippet.match_start]
            + "【"
            + snippet.text[snippet.match_start : snippet.match_end]
            + "】"
            + snippet.text[snippet.match_end :]
        )
        print(f"{printable(hit.section)}  [{hit.start}-{hit.end}]", file=stdout)
        print(f"    {printable(marked)}", file=stdout)
    more = f", {len(hits)} shown" if len(hits) < len(result.hits) else ""
    print(f"{len(result.hits)} hits in {result.paragraphs} paragraphs{more}", file=stdout)
