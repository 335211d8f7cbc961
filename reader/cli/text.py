"""``reader text``: the clean canonical text of any supported file, the text offsets count.

Whatever the format (text, EPUB, HTML, Markdown), this prints exactly `Document.text`, so a
``start`` printed by ``reader toc`` or ``reader search`` indexes into this output. An image is
its one U+FFFC character, as in the document. ``--characters`` shows it in Simplified or
Traditional characters, one for one, so the offsets still hold.
"""

from __future__ import annotations

import argparse

from reader.app.services import Services
from reader.cli.common import EXIT_OK, Streams, add_document_arguments, document_of


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``text``."""
    text = commands.add_parser("text", help="print the document's canonical text")
    add_document_arguments(text)
    text.add_argument(
        "--characters",
        choices=("as-written", "simplified", "traditional"),
        default="as-written",
        help="show the characters Simplified or Traditional (offsets unchanged)",
    )
    text.set_defaults(handler=run_text)


def run_text(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """Print the canonical text; notes on how the file was read go to stderr."""
    document = document_of(arguments, services)
    for note in document.metadata.notes:
        print(note, file=streams.err)
    shown = document.text
    if arguments.characters != "as-written":
        from reader.chinese.characters import CharacterForm, convert_characters

        shown = convert_characters(shown, CharacterForm(arguments.characters))
    streams.out.write(shown)
    streams.out.write("\n")
    return EXIT_OK
