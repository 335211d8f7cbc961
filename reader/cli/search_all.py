"""``reader search QUERY --all``: hits in every document of the library and in every note.

It never waits for the library index to be built: documents the index does not hold (yet) are
scanned, and stderr says so. ``--wait`` brings the index up to date first (only what changed).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from reader.app.library_search import library_contents, load_indexed
from reader.app.services import Services
from reader.cli.common import EXIT_NOTHING_FOUND, EXIT_OK, Streams
from reader.cli.output import dump_json, marked, message, printable
from reader.search.library_build import update_index
from reader.search.library_index import LibraryIndexError
from reader.search.library_model import DocumentHits, HitKind, LibraryHit, LibraryResult
from reader.search.library_searcher import LibrarySearcher


def run_search_all(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """Library hits grouped by document, best first, as text or JSON; exit 1 when none."""
    store, store_messages = services.annotation_store_if_possible()
    for text in store_messages:
        print(message(text), file=streams.err)
    documents, notes = library_contents(store)
    cache_dir = services.paths.cache_dir
    if arguments.wait:
        try:
            for problem in update_index(cache_dir, documents, notes, load_indexed):
                print(message(problem), file=streams.err)
        except LibraryIndexError as error:
            print(message(str(error)), file=streams.err)
    searcher = LibrarySearcher(cache_dir, load_indexed)
    try:
        limit = None if arguments.limit == 0 else max(arguments.limit, 200)
        result = searcher.search(arguments.query, documents, notes, limit)
    finally:
        searcher.forget_index()
    if result.note:
        print(message(result.note), file=streams.err)
        if not arguments.wait and documents:
            print(
                message("Use --wait to bring the library index up to date first."), file=streams.err
            )
    shown = _best(result, arguments.limit)
    if arguments.json:
        dump_json([_as_json(group, hit) for group, hit in shown], streams.out)
    else:
        _print_hits(result, shown, streams.out)
    return EXIT_OK if result.groups else EXIT_NOTHING_FOUND


def _best(result: LibraryResult, limit: int) -> list[tuple[DocumentHits, LibraryHit]]:
    """The hits in the order shown (document by document, best first), at most `limit`."""
    ordered = [(group, hit) for group in result.groups for hit in group.hits]
    return ordered if limit == 0 else ordered[:limit]


def _as_json(group: DocumentHits, hit: LibraryHit) -> dict[str, object]:
    found: dict[str, object] = {
        "document_id": group.document.document_id,
        "title": group.document.title,
        "path": str(group.document.path),
        "kind": hit.kind.value,
        "section": hit.section,
        "start": hit.start,
        "end": hit.end,
        "snippet": hit.snippet,
        "snippet_match": [hit.match_start, hit.match_end],
    }
    if hit.kind is HitKind.NOTE:
        found.update(annotation_id=hit.annotation_id, note=hit.note, colour=hit.colour)
    return found


def _print_hits(
    result: LibraryResult, shown: list[tuple[DocumentHits, LibraryHit]], stdout: TextIO
) -> None:
    current = None
    for group, hit in shown:
        if group is not current:
            current = group
            title, path = printable(group.document.title), printable(str(group.document.path))
            print(f"{title}  ({len(group.hits)} hits)  {path}", file=stdout)
        where = "note" if hit.kind is HitKind.NOTE else hit.section or hit.kind.value
        print(f"  {printable(where)}  [{hit.start}-{hit.end}]", file=stdout)
        print(
            f"      {printable(marked(hit.snippet, hit.match_start, hit.match_end))}", file=stdout
        )
        if hit.kind is HitKind.NOTE and hit.note:
            print(f"      note: {printable(hit.note)}", file=stdout)
    more = f", {len(shown)} shown" if len(shown) < result.hit_count else ""
    complete = "" if result.complete else " (the best paragraphs only)"
    print(f"{result.hit_count} hits in {len(result.groups)} documents{complete}{more}", file=stdout)
