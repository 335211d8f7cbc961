"""``reader search``: hits in a document, best first."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from reader.app.services import Services
from reader.cli.common import (
    EXIT_NOTHING_FOUND,
    EXIT_OK,
    CommandError,
    Streams,
    add_document_arguments,
    document_of,
)
from reader.cli.output import dump_json, marked, printable

if TYPE_CHECKING:
    from reader.search.results import Hit, SearchResult

DEFAULT_LIMIT = 50


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``search``."""
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
    search.add_argument(
        "--all", action="store_true", help="search every document of the library and every note"
    )
    search.add_argument(
        "--wait", action="store_true", help="with --all: bring the library index up to date first"
    )
    search.set_defaults(handler=run_search)


def _limit(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("the limit cannot be negative")
    return value


def run_search(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """Hits best first, as text or JSON; exit 1 when nothing is found."""
    if arguments.all:
        if arguments.path is not None:
            raise CommandError("--all searches the whole library: give no PATH with it.")
        from reader.cli.search_all import run_search_all  # Whoosh only for the library

        return run_search_all(arguments, services, streams)
    from reader.search.searcher import DocumentSearcher

    result = DocumentSearcher(document_of(arguments, services)).search(arguments.query)
    if result.query.is_empty:
        print("reader: nothing to search: the query has no words to look for.", file=streams.err)
    shown = result.hits if arguments.limit == 0 else result.hits[: arguments.limit]
    if arguments.json:
        dump_json([result.hit_as_json(hit) for hit in shown], streams.out)
    else:
        print_hits(result, shown, streams.out)
    return EXIT_OK if result.hits else EXIT_NOTHING_FOUND


def print_hits(result: SearchResult, hits: Sequence[Hit], stdout: TextIO) -> None:
    """Hits as readable lines: section and offsets, then the snippet with the match marked."""
    for hit in hits:
        snippet = result.snippet(hit)
        shown = marked(snippet.text, snippet.match_start, snippet.match_end)
        print(f"{printable(hit.section)}  [{hit.start}-{hit.end}]", file=stdout)
        print(f"    {printable(shown)}", file=stdout)
    more = f", {len(hits)} shown" if len(hits) < len(result.hits) else ""
    print(f"{len(result.hits)} hits in {result.paragraphs} paragraphs{more}", file=stdout)
