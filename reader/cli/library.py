"""``reader library``: list, add to and remove from the library without opening a window.

``reader library [list]`` lists the documents, ``reader library add PATH...`` adds files and
folders (with a summary such as "212 added, 3 skipped: not text"), ``reader library remove
ID...`` takes documents off the list (files and annotations are kept). An id may be shortened
to any unambiguous start of at least four characters, as the list prints them.

Exit status: 0 when everything asked was done; 2 when an id is unknown, a named path does not
exist (then nothing is added), a file named on the command line could not be added, or the
store refused to save (what was saved before stays saved).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.app.services import Services
from reader.cli.common import EXIT_ERROR, EXIT_OK, CommandError, Streams
from reader.cli.output import dump_json, message, printable
from reader.library.adding import AddReport
from reader.library.catalogue import Entry, Library, LibraryError
from reader.library.display import human_size, local_day, percent

SHORT_ID = 8
"""How much of an id the plain listing prints (enough to tell documents apart)."""
MAX_LISTED_SKIPS = 20
"""Skipped files named one by one on stderr; beyond this, only how many more."""


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``library``."""
    parser = commands.add_parser(
        "library",
        help="list, add to or remove from the library",
        description="The library: every document you read. 'list' (the default) shows them, "
        "'add PATH...' adds files and folders (folders recursively), 'remove ID...' takes "
        "documents off the list; their files and annotations are kept.",
    )
    parser.add_argument("action", nargs="?", default="list", choices=["list", "add", "remove"])
    parser.add_argument("targets", nargs="*", metavar="PATH|ID", help="what to add or remove")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_library)


def run_library(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """Route to list, add or remove; a library error becomes a message and status 2."""
    action, targets = arguments.action, list(arguments.targets)
    if action == "list" and targets:
        raise CommandError("'reader library list' takes no arguments; did you mean 'add'?")
    if action != "list" and not targets:
        what = "files or folders" if action == "add" else "document ids"
        raise CommandError(f"'reader library {action}' needs the {what} to {action}.")
    library = services.library()
    for report in library.store.report.messages:
        print(message(report), file=streams.err)
    try:
        if action == "add":
            return _add(library, [Path(t) for t in targets], arguments.json, streams)
        if action == "remove":
            return _remove(library, targets, arguments.json, streams)
        return _list(library, arguments.json, streams)
    except LibraryError as error:
        raise CommandError(str(error)) from error


def _list(library: Library, as_json: bool, streams: Streams) -> int:
    entries = library.entries()
    if as_json:
        dump_json([entry_json(e) for e in entries], streams.out)
        return EXIT_OK
    if not entries:
        print(
            message("The library is empty; 'reader library add PATH' adds files."), file=streams.err
        )
        return EXIT_OK
    print(f"{'ID':<{SHORT_ID}}  {'READ':>4}  {'LAST READ':<10}  {'NOTES':>5}  {'FORMAT':<8}  "
          f"{'SIZE':>8}  TITLE", file=streams.out)  # fmt: skip
    for e in entries:
        author = f" — {printable(e.author)}" if e.author else ""
        gone = "  [missing]" if e.missing else ""
        print(
            f"{e.id[:SHORT_ID]:<{SHORT_ID}}  {percent(e.progress):>4}  "
            f"{local_day(e.last_read):<10}  {e.annotations:>5}  "
            f"{printable(e.format):<8}  {human_size(e.size):>8}  "
            f"{printable(e.title)}{author}{gone}",
            file=streams.out,
        )
    return EXIT_OK


def _add(library: Library, paths: list[Path], as_json: bool, streams: Streams) -> int:
    absent = [p for p in paths if not p.exists()]
    if absent:
        names = ", ".join(str(p) for p in absent)
        raise CommandError(f"Nothing was added: {names} does not exist.")
    report = library.add(p.absolute() for p in paths)
    if as_json:
        dump_json(report_json(report), streams.out)
    else:
        print(printable(report.summary()), file=streams.out)
        for skipped in report.skipped[:MAX_LISTED_SKIPS]:
            print(message(f"skipped: {skipped.message}"), file=streams.err)
        if len(report.skipped) > MAX_LISTED_SKIPS:
            more = len(report.skipped) - MAX_LISTED_SKIPS
            print(message(f"… and {more} more skipped."), file=streams.err)
    named = {p.absolute() for p in paths if not p.is_dir()}
    refused = any(s.path in named for s in report.skipped)
    if report.error is not None:
        print(message(report.error), file=streams.err)
    return EXIT_ERROR if refused or report.error is not None else EXIT_OK


def _remove(library: Library, ids: list[str], as_json: bool, streams: Streams) -> int:
    entries = [library.entry(i) for i in ids]  # every id known before anything is removed
    removed = [library.remove(e.id) for e in entries]
    if as_json:
        dump_json([entry_json(e) for e in removed], streams.out)
        return EXIT_OK
    for e in removed:
        kept = f" and its {e.annotations} annotation(s)" if e.annotations else ""
        print(
            f"Removed “{printable(e.title)}” from the library; its file{kept} are untouched.",
            file=streams.out,
        )
    return EXIT_OK


def entry_json(entry: Entry) -> dict[str, object]:
    """The command line's view of a library entry (times in ISO 8601 UTC, sizes in bytes,
    progress from 0 to 1; null where unknown)."""
    return {
        "id": entry.id,
        "title": entry.title,
        "author": entry.author,
        "format": entry.format,
        "path": str(entry.path) if entry.path is not None else None,
        "size": entry.size,
        "length": entry.length,
        "progress": entry.progress,
        "last_read": entry.last_read,
        "added": entry.added,
        "annotations": entry.annotations,
        "missing": entry.missing,
        "fingerprint": entry.fingerprint,
    }


def report_json(report: AddReport) -> dict[str, object]:
    """What adding did, as JSON: the ids added and already there, the files skipped."""
    return {
        "summary": report.summary(),
        "added": report.added,
        "already": report.already,
        "skipped": [
            {"path": str(s.path), "reason": s.reason, "message": s.message} for s in report.skipped
        ],
        "error": report.error,
    }
