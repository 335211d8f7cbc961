"""What every command shares: exit statuses, where output goes, the document arguments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple, TextIO

from reader.app.services import Services
from reader.document.model import Document

EXIT_OK = 0
EXIT_NOTHING_FOUND = 1
EXIT_ERROR = 2
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for any tool a closed pipe stops (``| head``)."""


class Streams(NamedTuple):
    """Where a command writes: data to `out`, messages for people to `err`."""

    out: TextIO
    err: TextIO


class CommandError(Exception):
    """A user mistake in a command; the message says what to do instead."""


def add_document_arguments(parser: argparse.ArgumentParser) -> None:
    """The PATH and --encoding arguments every document command shares."""
    parser.add_argument(
        "path", nargs="?", metavar="PATH", help="a text file (default: the bundled article)"
    )
    parser.add_argument("--encoding", help="decode with this encoding instead of detecting it")


def document_of(arguments: argparse.Namespace, services: Services) -> Document:
    """The document a command's PATH and --encoding name (the bundled article without PATH)."""
    path = Path(arguments.path) if arguments.path is not None else None
    return services.load_document(path, arguments.encoding)
