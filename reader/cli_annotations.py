"""The annotation subcommands: annotate, annotations, export and import.

They use the same store as the window (another process may have it open: every write is its
own transaction, and the window shows the change within a second).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, TextIO

from reader.annotations.model import Annotation, Colour, annotate
from reader.annotations.placement import OpenedAnnotations, bring_up_to_date, import_file
from reader.annotations.store import AnnotationStore, StoreError
from reader.annotations.transfer import export_to, render
from reader.annotations.w3c import ImportFormatError
from reader.atomic import NotARegularFileError
from reader.cli_output import dump_json, message, printable
from reader.document.model import Document
from reader.paths import AppPaths
from reader.search.analysis import fold

EXIT_OK, EXIT_ERROR = 0, 2
NOTE_CONTINUATION = "\n    "  # a note's own line breaks continue its indented block


class Streams(NamedTuple):
    """Where a command writes: data to `out`, messages for people to `err`."""

    out: TextIO
    err: TextIO


class CommandError(Exception):
    """A user mistake in a command; the message says what to do instead."""


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    add_path: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register the annotation subcommands on the main parser."""
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

    list_parser = commands.add_parser("annotations", help="list the document's annotations")
    add_path(list_parser)
    list_parser.add_argument("--json", action="store_true", help="print a JSON list")

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

    import_parser = commands.add_parser("import", help="import W3C JSON-LD annotations")
    import_parser.add_argument("file", metavar="FILE")
    add_path(import_parser)


def open_store() -> AnnotationStore:
    """The user's annotation store."""
    return AnnotationStore.open(AppPaths.from_environment().data_dir)


def run_annotation_command(
    command: str,
    arguments: argparse.Namespace,
    document: Document,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """Run one annotation subcommand on `document`."""
    try:
        store = open_store()
    except StoreError as error:
        print(message(str(error)), file=stderr)
        return EXIT_ERROR
    try:
        for report in store.report.messages:
            print(message(report), file=stderr)
        handler = {
            "annotate": _annotate,
            "annotations": _list,
            "export": _export,
            "import": _import,
        }[command]
        return handler(store, arguments, document, Streams(stdout, stderr))
    except (StoreError, CommandError) as error:
        print(message(str(error)), file=stderr)
        return EXIT_ERROR
    finally:
        store.close()


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


def _annotate(
    store: AnnotationStore, arguments: argparse.Namespace, document: Document, streams: Streams
) -> int:
    start, end = find_quote(document, arguments.quote, arguments.occurrence)
    record = bring_up_to_date(store, document).record
    fresh = annotate(
        document.text,
        record.id,
        document.fingerprint,
        start,
        end,
        Colour(arguments.colour),
        arguments.note,
        tuple(arguments.tag),
    )
    stored = store.add(fresh)
    dump_json(annotation_json(stored), streams.out)
    return EXIT_OK


def _list(
    store: AnnotationStore, arguments: argparse.Namespace, document: Document, streams: Streams
) -> int:
    opened = bring_up_to_date(store, document)
    rows = [annotation_json(a) for a in (*opened.placed, *opened.orphans)]
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


def _export(
    store: AnnotationStore, arguments: argparse.Namespace, document: Document, streams: Streams
) -> int:
    opened: OpenedAnnotations = bring_up_to_date(store, document)
    placed, orphans = opened.placed, opened.orphans
    content = render(document, placed, orphans, arguments.format)
    if arguments.output in (None, "", "-"):
        streams.out.write(content if content.endswith("\n") else content + "\n")
        return EXIT_OK
    try:
        export_to(Path(arguments.output), content)
    except NotARegularFileError as error:
        raise CommandError(
            f"{arguments.output} cannot be written: {error.strerror}. "
            "To write to standard output, leave out -o (or use -o -)."
        ) from None
    except OSError as error:
        raise CommandError(f"{arguments.output} cannot be written: {error.strerror}.") from None
    count = len(placed) + len(orphans)
    print(message(f"exported {count} annotations to {arguments.output}"), file=streams.err)
    return EXIT_OK


def _import(
    store: AnnotationStore, arguments: argparse.Namespace, document: Document, streams: Streams
) -> int:
    path = Path(arguments.file)
    bring_up_to_date(store, document)
    try:
        report = import_file(store, document, path)
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
    except ImportFormatError as error:
        raise CommandError(f"nothing was imported: {error}") from None
    print(report.summary(), file=streams.out)
    return EXIT_OK
