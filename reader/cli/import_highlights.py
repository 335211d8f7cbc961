"""What ``reader import FILE [PATH] [--from FORMAT] [--book TITLE]`` does: highlights from any
reader (registered, without loading any of this, by `reader.cli.imports`).

The format is recognised from the content (``--from`` overrides). W3C files go, as before,
into PATH's document (the bundled article without PATH). Other readers' files name their books:
without PATH each book goes to the one document it matches; if any book matches none or
several, nothing is imported and the books are listed (exit status 2) so the user can say
which document with PATH (and which book with ``--book``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.records import ForeignBook, ForeignFile
from reader.annotations.exchange.sniff import parse_foreign, read_import_file, sniff
from reader.annotations.foreign import ImportTarget, import_foreign
from reader.annotations.import_formats import W3C
from reader.annotations.matching import Candidate, matches, normalised, store_candidates
from reader.annotations.session import open_session
from reader.annotations.store import AnnotationStore
from reader.app.services import Services
from reader.cli.common import EXIT_ERROR, EXIT_OK, CommandError, Streams
from reader.cli.output import message, printable
from reader.search.folding import fold


class UndecidedError(Exception):
    """Which document (or book) is meant cannot be told: the lines that list the choices."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0])
        self.lines = lines


def run_import(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """Read, match, anchor and store; one summary line on stdout."""
    path = Path(arguments.file)
    try:
        data = read_import_file(path)
        kind = arguments.source or sniff(data)
        if kind == W3C:
            return _import_w3c(path, arguments, services, streams)
        foreign = parse_foreign(data, kind)
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
    except ImportFormatError as error:
        raise CommandError(f"nothing was imported: {error}") from None
    store = _store(services, streams)
    try:
        targets = _targets(foreign, arguments, services, store)
    except UndecidedError as undecided:
        print(message(undecided.lines[0]), file=streams.err)
        print("\n".join(undecided.lines[1:]), file=streams.err)
        return EXIT_ERROR
    report = import_foreign(store, foreign.format, targets, fold)
    print(report.summary(), file=streams.out)
    return EXIT_OK


def _store(services: Services, streams: Streams) -> AnnotationStore:
    store = services.annotation_store()
    for report in store.report.messages:
        print(message(report), file=streams.err)
    return store


def _import_w3c(
    path: Path, arguments: argparse.Namespace, services: Services, streams: Streams
) -> int:
    document_path = Path(arguments.path) if arguments.path is not None else None
    document = services.load_document(document_path, arguments.encoding)
    session = open_session(_store(services, streams), document)
    try:
        report, _changes = session.import_file(path, fold)
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
    except ImportFormatError as error:
        raise CommandError(f"nothing was imported: {error}") from None
    print(report.summary(), file=streams.out)
    return EXIT_OK


def _targets(
    foreign: ForeignFile,
    arguments: argparse.Namespace,
    services: Services,
    store: AnnotationStore,
) -> list[ImportTarget]:
    """Each chosen book with its document; CommandError listing the books when undecided."""
    books = list(foreign.books)
    if arguments.book is not None:
        wanted = normalised(arguments.book, fold)
        books = [b for b in books if wanted and wanted in normalised(b.title, fold)]
        if not books:
            raise UndecidedError(
                _listing(foreign, {}, f"no book of the file is called {arguments.book!r}")
            )
    if arguments.path is not None:
        document = services.load_document(Path(arguments.path), arguments.encoding)
        record = open_session(store, document).record
        here = Candidate(record.id, document.title, Path(arguments.path), document.fingerprint)
        if len(books) > 1:  # those that are this document's, whatever their spelling
            books = [b for b in books if matches(b, [here], fold)] or books
        if len(books) > 1 and not all(matches(b, [here], fold) for b in books):
            raise UndecidedError(
                _listing(foreign, {}, "the file holds several books; say which with --book")
            )
        return [ImportTarget(book, record, document) for book in books]
    candidates = store_candidates(store)
    found = {id(book): matches(book, candidates, fold) for book in books}
    if any(len(found[id(book)]) != 1 for book in books):
        raise UndecidedError(_listing(foreign, found, "say which document the highlights are for"))
    targets: list[ImportTarget] = []
    for book in books:
        (candidate,) = found[id(book)]
        document = services.load_document(candidate.path)
        targets.append(ImportTarget(book, open_session(store, document).record, document))
    return targets


def _listing(foreign: ForeignFile, found: dict[int, list[Candidate]], problem: str) -> list[str]:
    lines = [f"nothing was imported: {problem}. The file's books:"]
    for book in foreign.books:
        lines.append(f"  {printable(book.label())} ({_count(book)}){_matched(found, book)}")
    lines.append("Import one into a document with: reader import FILE PATH [--book TITLE]")
    return lines


def _count(book: ForeignBook) -> str:
    count = len(book.highlights)
    return f"{count} highlight{'s' if count != 1 else ''}"


def _matched(found: dict[int, list[Candidate]], book: ForeignBook) -> str:
    if id(book) not in found:
        return ""
    candidates = found[id(book)]
    if not candidates:
        return ": no document found"
    names = ", ".join(printable(str(c.path)) for c in candidates)
    return f": {names}" if len(candidates) == 1 else f": {len(candidates)} documents match: {names}"
