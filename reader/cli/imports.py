"""``reader import``: its arguments; the work (`import_highlights`) loads only when it runs."""

from __future__ import annotations

import argparse

from reader.annotations.import_formats import FORMATS
from reader.app.services import Services
from reader.cli.common import Streams, add_document_arguments


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``import``."""
    parser = commands.add_parser(
        "import", help="import highlights (Kindle, KOReader, calibre, Foliate, Hypothesis, W3C)"
    )
    parser.add_argument("file", metavar="FILE")
    add_document_arguments(parser)
    parser.add_argument(
        "--from", dest="source", choices=FORMATS, help="the file's format (default: recognised)"
    )
    parser.add_argument("--book", metavar="TITLE", help="import only this book of the file")
    parser.set_defaults(handler=run_import)


def run_import(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """Import the highlights of FILE (see `import_highlights.run_import`)."""
    from reader.cli import import_highlights

    return import_highlights.run_import(arguments, services, streams)
