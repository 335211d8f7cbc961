"""The command line: ask the reader things without opening a window.

Exit status: 0 success, 1 nothing found (for queries), 2 error (bad input, unreadable file),
141 when standard output was closed before everything was written (``reader toc BOOK | head``):
the command stops quietly, as any tool a closed pipe stops. Messages for people go to stderr;
data goes to stdout, as JSON with ``--json``. Each command group registers its own
subcommands; every handler gets the parsed arguments, the `Services` and the output streams.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from reader.annotations.errors import StoreError
from reader.app.services import Services
from reader.cli import annotations as annotation_commands
from reader.cli import imports, library, lookup, notebook, read, search, sync, text
from reader.cli.common import EXIT_BROKEN_PIPE, EXIT_ERROR, CommandError, Streams
from reader.cli.output import message
from reader.document.errors import DocumentError

Handler = Callable[[argparse.Namespace, Services, Streams], int]


def build_parser() -> argparse.ArgumentParser:
    """The parser for ``reader COMMAND ...``."""
    parser = argparse.ArgumentParser(prog="reader", description="Ask the reader from the shell.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (
        read,
        search,
        text,
        annotation_commands,
        notebook,
        imports,
        library,
        lookup,
        sync,
    ):
        group.add_commands(commands)
    return parser


def run(
    argv: Sequence[str],
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
    services: Services | None = None,
) -> int:
    """Run one subcommand; returns the exit status."""
    arguments = build_parser().parse_args(list(argv))
    services = services or Services.from_environment()
    handler: Handler = arguments.handler
    try:
        return handler(arguments, services, Streams(stdout, stderr))
    except (DocumentError, StoreError, CommandError) as error:
        print(message(str(error)), file=stderr)
        return EXIT_ERROR
    finally:
        services.close()


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
