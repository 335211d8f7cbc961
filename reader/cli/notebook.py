"""``--all`` for `annotations` and `export`: every document's annotations at once.

The option is added here to the commands `reader.cli.annotations` registers, so the
one-document commands stay as they are: with ``--all`` the command reads the notebook
(`reader.annotations.notebook`: one read, no document loaded, nothing written, so it works on a
read-only store too) instead of opening one document's session.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from reader.annotations.notebook import Notebook, NotebookDocument, read_notebook
from reader.app.services import Services
from reader.cli.annotations import NOTE_CONTINUATION, annotation_json, write_export
from reader.cli.common import EXIT_OK, CommandError, Streams
from reader.cli.output import dump_json, message, printable

Handler = Callable[[argparse.Namespace, Services, Streams], int]
NotebookCommand = Callable[[Notebook, argparse.Namespace, Streams], int]


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Give the `annotations` and `export` commands their ``--all``."""
    for name, everything, help_text in (
        ("annotations", _list_all, "list every document's annotations (no PATH)"),
        ("export", _export_all, "export every document's annotations in one file (no PATH)"),
    ):
        parser: argparse.ArgumentParser = commands.choices[name]
        parser.add_argument("--all", action="store_true", help=help_text)
        parser.set_defaults(handler=_either(parser.get_default("handler"), everything))


def _either(one_document: Handler, everything: NotebookCommand) -> Handler:
    """The handler for one document, or with ``--all`` for all (refusing a PATH beside it)."""

    def handler(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
        if not arguments.all:
            return one_document(arguments, services, streams)
        if arguments.path is not None or arguments.encoding is not None:
            given = "PATH" if arguments.path is not None else "--encoding"
            raise CommandError(
                f"--all takes every document, so it cannot be given {given} too: leave out"
                f" {given} for all documents, or --all for one."
            )
        store = services.annotation_store()
        for report in store.report.messages:
            print(message(report), file=streams.err)
        return everything(read_notebook(store), arguments, streams)

    return handler


def document_json(document: NotebookDocument) -> dict[str, object]:
    """The command line's view of a document of the notebook."""
    record = document.record
    return {
        "id": record.id,
        "title": record.title,
        "path": None if record.path is None else str(record.path),
        "missing": document.missing,
    }


def _list_all(notebook: Notebook, arguments: argparse.Namespace, streams: Streams) -> int:
    if arguments.json:
        rows = [
            {**annotation_json(a), "document": document_json(d)}
            for d in notebook.documents
            for a in d.annotations
        ]
        dump_json(rows, streams.out)
        return EXIT_OK
    out = streams.out
    for document in notebook.documents:
        record = document.record
        where = "no file" if record.path is None else printable(str(record.path))
        missing = " (missing)" if document.missing and record.path is not None else ""
        print(f"== {printable(record.title)}  [{where}{missing}]", file=out)
        for a in document.annotations:
            place = "not placed" if a.orphan else f"{a.start}-{a.end}"
            tags = " ".join(f"#{printable(t)}" for t in a.tags)
            line = f"[{a.colour.value}] {place}  “{printable(a.quote.exact)}”  {tags}"
            print(line.rstrip(), file=out)
            if a.note:
                print(f"    {printable(a.note, newline=NOTE_CONTINUATION)}", file=out)
    print(
        f"{notebook.total} annotations in {_plural(len(notebook.documents), 'document')}", file=out
    )
    return EXIT_OK


def _export_all(notebook: Notebook, arguments: argparse.Namespace, streams: Streams) -> int:
    from reader.annotations.exchange.all_documents import render_all  # formats load when used

    content = render_all(notebook.documents, arguments.format)
    if write_export(content, arguments.output, streams):
        documents = _plural(len(notebook.documents), "document")
        told = f"exported {notebook.total} annotations of {documents} to {arguments.output}"
        print(message(told), file=streams.err)
    return EXIT_OK


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
