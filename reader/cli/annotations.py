"""The annotation subcommands: annotate, annotations, export and import.

They use the same store as the window, through the same `AnnotationSession` (another process
may have it open: every write is its own transaction, and the window shows the change within a
second).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.annotations.errors import ImportFormatError
from reader.annotations.model import Annotation, Colour
from reader.app.atomic import NotARegularFileError, write_atomically
from reader.app.services import Services
from reader.cli.common import EXIT_OK, CommandError, Streams, add_document_arguments, document_of
from reader.cli.output import dump_json, message, printable
from reader.document.model import Document
from reader.search.folding import fold

if TYPE_CHECKING:  # the store (SQLite) loads when an annotation command runs, not for `reader toc`
    from reader.annotations.session import AnnotationSession

NOTE_CONTINUATION = "\n    "  # a note's own line breaks continue its indented block


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the annotation subcommands on the main parser."""
    add_path = add_document_arguments
    annotate_parser = commands.add_parser("annotate", help="highlight a passage")
    add_path(annotate_parser)
    annotate_parser.add_argument("--quote", required=True, help="the text to highlight")
    annotate_parser.add_argument(
        "--occurrence", type=int, default=1, metavar="N", help="which occurrence (default 1)"
    )
    annotate_parser.add_argument(
        "--color",
        "--colour",
        dest="colour",
        default=Colour.YELLOW.value,
        choices=[c.value for c in Colour],
    )
    annotate_parser.add_argument("--note", default="", help="a note on the highlight")
    annotate_parser.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    annotate_parser.set_defaults(handler=with_session(_annotate))

    list_parser = commands.add_parser("annotations", help="list the document's annotations")
    add_path(list_parser)
    list_parser.add_argument("--json", action="store_true", help="print a JSON list")
    list_parser.set_defaults(handler=with_session(_list))

    export_parser = commands.add_parser("export", help="export the document's annotations")
    add_path(export_parser)
    export_parser.add_argument("--format", required=True, choices=["markdown", "w3c"])
    export_parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE, replacing it whole (a regular file, or a symlink to one; "
        "default or '-': standard output)",
    )
    export_parser.set_defaults(handler=with_session(_export))

    import_parser = commands.add_parser("import", help="import W3C JSON-LD annotations")
    import_parser.add_argument("file", metavar="FILE")
    add_path(import_parser)
    import_parser.set_defaults(handler=with_session(_import))


Command = Callable[["AnnotationSession", argparse.Namespace, Streams], int]


def with_session(command: Command) -> Callable[[argparse.Namespace, Services, Streams], int]:
    """A handler that opens the document's annotation session (stale annotations re-anchored)
    and runs `command` on it, after telling the user what opening the store repaired."""

    def handler(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
        document = document_of(arguments, services)
        store = services.annotation_store()
        for report in store.report.messages:
            print(message(report), file=streams.err)
        from reader.annotations.session import open_session

        return command(open_session(store, document), arguments, streams)

    return handler


def annotation_json(annotation: Annotation) -> dict[str, object]:
    """The command line's view of an annotation."""
    return {
        "id": annotation.id,
        "quote": annotation.quote.exact,
        "start": annotation.start,
        "end": annotation.end,
        "color": annotation.colour.value,
        "note": annotation.note,
        "tags": list(annotation.tags),
        "orphan": annotation.orphan,
        "created": annotation.created,
        "modified": annotation.modified,
    }


def find_quote(document: Document, quote: str, occurrence: int) -> tuple[int, int]:
    """Where the `occurrence`-th match of `quote` lies: exact text first, else folded
    (Traditional/Simplified and width insensitive, as search matches)."""
    if not quote:
        raise CommandError("--quote is empty.")
    if occurrence < 1:
        raise CommandError("--occurrence counts from 1.")
    for haystack, needle in ((document.text, quote), (fold(document.text), fold(quote))):
        starts = _occurrences(haystack, needle)
        if starts:
            if occurrence > len(starts):
                raise CommandError(
                    f"“{quote}” occurs {len(starts)} time(s); there is no occurrence {occurrence}."
                )
            start = starts[occurrence - 1]
            return start, start + len(needle)
    raise CommandError(f"“{quote}” does not occur in {document.title}.")


def _occurrences(text: str, needle: str) -> list[int]:
    starts, position = [], text.find(needle)
    while position >= 0:
        starts.append(position)
        position = text.find(needle, position + 1)
    return starts


def _annotate(session: AnnotationSession, arguments: argparse.Namespace, streams: Streams) -> int:
    start, end = find_quote(session.document, arguments.quote, arguments.occurrence)
    colour, note, tags = Colour(arguments.colour), arguments.note, tuple(arguments.tag)
    stored, _changes = session.highlight(start, end, colour, note, tags)
    dump_json(annotation_json(stored), streams.out)
    return EXIT_OK


def _list(session: AnnotationSession, arguments: argparse.Namespace, streams: Streams) -> int:
    rows = [annotation_json(a) for a in (*session.placed, *session.orphans)]
    if arguments.json:
        dump_json(rows, streams.out)
        return EXIT_OK
    for row in rows:
        where = "not placed" if row["orphan"] else f"{row['start']}-{row['end']}"
        tags = " ".join(f"#{printable(t)}" for t in row["tags"])  # type: ignore[attr-defined]
        quote = printable(str(row["quote"]))
        print(f"[{row['color']}] {where}  “{quote}”  {tags}".rstrip(), file=streams.out)
        if row["note"]:
            print(f"    {printable(str(row['note']), newline=NOTE_CONTINUATION)}", file=streams.out)
    print(f"{len(rows)} annotations", file=streams.out)
    return EXIT_OK


def _export(session: AnnotationSession, arguments: argparse.Namespace, streams: Streams) -> int:
    from reader.annotations.exchange import render  # the formats load for `reader export` only

    content = render(session.document, session.placed, session.orphans, arguments.format)
    if arguments.output in (None, "", "-"):
        streams.out.write(content)
        return EXIT_OK
    try:
        write_atomically(Path(arguments.output), content)
    except NotARegularFileError as error:
        raise CommandError(
            f"{arguments.output} cannot be written: {error.strerror}. "
            "To write to standard output, leave out -o (or use -o -)."
        ) from None
    except OSError as error:
        raise CommandError(f"{arguments.output} cannot be written: {error.strerror}.") from None
    count = len(session.placed) + len(session.orphans)
    print(message(f"exported {count} annotations to {arguments.output}"), file=streams.err)
    return EXIT_OK


def _import(session: AnnotationSession, arguments: argparse.Namespace, streams: Streams) -> int:
    path = Path(arguments.file)
    try:
        report, _changes = session.import_file(path)
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
    except ImportFormatError as error:
        raise CommandError(f"nothing was imported: {error}") from None
    print(report.summary(), file=streams.out)
    return EXIT_OK
