"""One Whoosh index over every document of the library and every note: a cache, updated
document by document.

One Whoosh document per chunk of a few thousand characters (`reader.search.library_texts`: its
text is kept compressed beside Whoosh, for verifying candidates and making snippets without
loading the book), one per heading and per document title, one per note. A manifest beside the
Whoosh files says which text of which document is indexed (`fingerprint`) and which version of
each note, so bringing the index up to date touches only what changed; it is written after
each document's commit, so a crash or a quit loses at most the document being indexed (its
half-written chunks are deleted before it is indexed again).

Whoosh writes with `LibraryCodec` (its own W3 codec without two needless costs) and each
document's commit adds a segment without merging; `merge_segments` merges them once a build
is done, so the index is neither rewritten after every book nor split into hundreds of parts.

Every write happens under an exclusive lock on the directory (two windows, or a window and the
command line, take turns). Anything wrong with the files (damaged, missing, another analysis
version) raises `LibraryIndexError`; the caller answers by scanning and rebuilds.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh.codec.base import Segment
from whoosh.query import Query
from whoosh.reading import IndexReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter, SegmentWriter

from reader.search.library_analysis import LIBRARY_ANALYSIS_VERSION, GramField
from reader.search.library_codec import LibraryCodec
from reader.search.library_model import IndexedDocument, IndexedNote, LoadDocument
from reader.search.library_texts import (
    Chunk,
    TextsReader,
    TextsWriter,
    document_chunks,
    remove_texts,
)

DIRECTORY_PREFIX = "library-index-a"
MANIFEST = "manifest.json"
LOCK_FILE = "writing.lock"
LOCK_TIMEOUT_SECONDS = 10.0
WRITER_MEMORY_MB = 256
MERGE_AT_SEGMENTS = 8
"""A build ends with one merge once this many segments have piled up."""


class LibraryIndexError(Exception):
    """The library index cannot be used or written now; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A title, heading or note that may match a query (its whole text is stored)."""

    kind: str
    document_id: str
    start: int
    section: str
    body: str
    annotation_id: str
    score: float


@dataclass(frozen=True, slots=True)
class ChunkCandidates:
    """The chunks of one document that may match a query, in reading order."""

    document_id: str
    file: str
    numbers: list[int]


def library_index_directory(cache_dir: Path) -> Path:
    """Where this analysis version's library index lives."""
    return cache_dir / f"{DIRECTORY_PREFIX}{LIBRARY_ANALYSIS_VERSION}"


def schema() -> fields.Schema:
    """The fields of every Whoosh document; only `grams` is analysed. `kind`, `source` (the
    document id of a chunk, heading or title; not of a note) and `chunk` (a chunk's number in
    its text file) are columns, read for every candidate without unpickling stored fields."""
    return fields.Schema(
        kind=fields.ID(stored=True, sortable=True),
        source=fields.ID(sortable=True),
        chunk=fields.NUMERIC(sortable=True),
        annotation=fields.ID(stored=True),
        document=fields.STORED,
        start=fields.STORED,
        section=fields.STORED,
        body=fields.STORED,
        texts=fields.STORED,  # a chunk's text file
        grams=GramField(),
    )


class LibraryIndex:
    """An open library index."""

    def __init__(self, directory: Path, whoosh_index: index.Index) -> None:
        self.directory = directory
        self._index = whoosh_index
        self._searcher: Searcher | None = None
        self._columns: tuple[list[str], list[str], list[int]] | None = None
        self._texts = TextsReader(directory)

    @classmethod
    def open(cls, cache_dir: Path, *, create: bool = False) -> LibraryIndex:
        """Open the library index; with `create`, make it (afresh, if the one there is
        unusable) and remove the indexes of older analysis versions."""
        directory = library_index_directory(cache_dir)
        try:
            return cls(directory, _open_checked(directory))
        except LibraryIndexError:
            if not create:
                raise
        try:
            _remove_outdated(cache_dir)
            with _exclusive(directory, make=True):
                for entry in directory.iterdir():
                    if entry.name != LOCK_FILE:
                        _remove(entry)
                whoosh_index = index.create_in(str(directory), schema())
                _write_manifest(directory, {"documents": {}, "notes": {}})
        except OSError as error:
            raise LibraryIndexError(cannot_write(directory, error)) from None
        return cls(directory, whoosh_index)

    def manifest(self) -> dict[str, dict[str, object]]:
        """What is indexed: ``{"documents": {id: {...}}, "notes": {id: digest}}``."""
        return _read_manifest(self.directory)

    def indexed_fingerprints(self) -> dict[str, str]:
        """Document id -> the fingerprint of its indexed text."""
        documents = self.manifest()["documents"]
        return {key: str(value["fingerprint"]) for key, value in documents.items()}  # type: ignore[index]

    def add_document(self, document: IndexedDocument, load: LoadDocument) -> None:
        """Index `document` (replacing what was indexed of it) in one commit: its chunks
        streamed to its text file and to Whoosh, one at a time."""
        text = load(document)
        with self._writing() as (writer, manifest):
            key = document.document_id
            writer.delete_by_term("source", key)
            self._add_small(writer, "title", key, 0, "", document.title)
            texts = TextsWriter(self.directory, key, document.fingerprint)
            try:
                for chunk in document_chunks(text):
                    self._add_chunk(writer, key, chunk, texts)
            finally:
                texts.close()
            manifest["documents"][key] = {
                "fingerprint": document.fingerprint,
                "title": document.title,
                "path": os.fsdecode(document.path),
            }
        remove_texts(self.directory, key, keep=texts.name)

    @staticmethod
    def _add_small(
        writer: IndexWriter, kind: str, key: str, start: int, section: str, body: str
    ) -> None:
        """A title or heading, its text stored whole."""
        writer.add_document(
            kind=kind, source=key, document=key, start=start, section=section, body=body, grams=body
        )

    def _add_chunk(self, writer: IndexWriter, key: str, chunk: Chunk, texts: TextsWriter) -> None:
        for paragraph in chunk.paragraphs:
            if paragraph.heading:
                body = chunk.body(paragraph)
                self._add_small(writer, "heading", key, paragraph.start, paragraph.section, body)
        number = texts.add(chunk)
        writer.add_document(
            kind="chunk", source=key, chunk=number, document=key, texts=texts.name, grams=chunk.text
        )

    def remove_documents(self, document_ids: Iterable[str]) -> None:
        """Forget these documents' paragraphs and titles (their notes are synced separately)."""
        with self._writing() as (writer, manifest):
            gone = list(document_ids)
            for document_id in gone:
                writer.delete_by_term("source", document_id)
                manifest["documents"].pop(document_id, None)
        for document_id in gone:
            remove_texts(self.directory, document_id)

    def merge_segments(self) -> None:
        """Merge the segments that document-by-document commits left, when there are many."""
        if len(self._index._segments()) >= MERGE_AT_SEGMENTS:
            with self._writing(merge=_merge_small_segments):
                pass

    def sync_notes(self, notes: Iterable[IndexedNote]) -> int:
        """Make the indexed notes exactly `notes`; returns how many were written or removed."""
        wanted = {note.annotation_id: note for note in notes}
        indexed = self.manifest()["notes"]
        changed = [n for key, n in wanted.items() if indexed.get(key) != n.digest]
        gone = [key for key in indexed if key not in wanted]
        if not changed and not gone:
            return 0
        with self._writing() as (writer, manifest):
            for key in gone:
                writer.delete_by_term("annotation", key)
                manifest["notes"].pop(key, None)
            for note in changed:
                if note.annotation_id in manifest["notes"]:  # a delete searches: only if there
                    writer.delete_by_term("annotation", note.annotation_id)
                writer.add_document(
                    kind="note",
                    annotation=note.annotation_id,
                    document=note.document_id,
                    start=note.start,
                    section="",
                    body=note.searchable,
                    grams=note.searchable,
                )
                manifest["notes"][note.annotation_id] = note.digest
        return len(changed) + len(gone)

    def candidates(self, query: Query) -> tuple[list[Candidate], list[ChunkCandidates]]:
        """Every title, heading and note matching `query` (with their stored text), and every
        matching chunk grouped by document, documents with the most matching chunks first.

        Matches are read straight from the postings (nothing is scored in Whoosh): candidates
        are verified and ranked by the exact scan."""
        try:
            searcher = self._current_searcher()
            assert self._columns is not None
            kinds, sources, numbers = self._columns
            small: list[Candidate] = []
            chunks: dict[str, list[int]] = {}
            for docnum in query.docs(searcher):
                if kinds[docnum] == "chunk":
                    chunks.setdefault(sources[docnum], []).append(docnum)
                else:
                    small.append(_candidate(searcher, docnum))
            ordered = sorted(chunks.values(), key=len, reverse=True)
            grouped = [
                ChunkCandidates(
                    sources[docnums[0]],
                    searcher.stored_fields(docnums[0])["texts"],
                    [numbers[docnum] for docnum in docnums],
                )
                for docnums in ordered
            ]
            return small, grouped
        except Exception as error:  # any damage found only now: the caller scans instead
            raise LibraryIndexError(f"The library index cannot be read ({error!r}).") from None

    def chunk(self, file: str, number: int) -> Chunk:
        """A candidate chunk's text and paragraphs."""
        try:
            return self._texts.chunk(file, number)
        except Exception as error:  # a damaged or vanished text file: the caller scans instead
            raise LibraryIndexError(f"The library index cannot be read ({error!r}).") from None

    def _current_searcher(self) -> Searcher:
        """One searcher, refreshed (cheap when nothing changed): opening every segment's files
        again for each query would cost more than the query. Its columns are read once."""
        if self._searcher is None:
            self._searcher = self._index.searcher()
        refreshed = self._searcher.refresh()
        if refreshed is not self._searcher or self._columns is None:
            self._searcher = refreshed
            reader = refreshed.reader()
            self._columns = (
                _column(reader, "kind"),
                _column(reader, "source"),
                _column(reader, "chunk"),
            )
        return self._searcher

    def close(self) -> None:
        """Release the index."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._columns = None
        self._index.close()

    @contextlib.contextmanager
    def _writing(
        self, *, merge: MergePolicy | None = None
    ) -> Iterator[tuple[IndexWriter, dict[str, dict[str, object]]]]:
        """A Whoosh writer and the manifest to update, under the directory's lock; the
        commit (merging segments only with a `merge` policy) and then the manifest are written
        when the block ends without an error."""
        try:
            with _exclusive(self.directory):
                manifest = _read_manifest(self.directory)
                writer = self._index.writer(limitmb=WRITER_MEMORY_MB, codec=LibraryCodec())
                try:
                    yield writer, manifest
                except BaseException:
                    writer.cancel()
                    raise
                if merge is None:
                    writer.commit(merge=False)
                else:
                    writer.commit(mergetype=merge)
                _write_manifest(self.directory, manifest)
        except OSError as error:
            raise LibraryIndexError(cannot_write(self.directory, error)) from None


MergePolicy = Callable[[SegmentWriter, list[Segment]], list[Segment]]


def _merge_small_segments(writer: SegmentWriter, segments: list[Segment]) -> list[Segment]:
    """Whoosh's merge policy hook: merge the smallest segments into one, from the smallest up
    while each is at most twice all the smaller ones together, and keep the larger ones. A
    document's chunks are then rewritten a logarithmic number of times over the library's life
    (Whoosh's own MERGE_SMALL counts Whoosh documents against fixed sizes, and leaves most
    segments of chunk-sized documents unmerged)."""
    ordered = sorted(segments, key=lambda segment: segment.doc_count_all())
    merged = 0
    for number, segment in enumerate(ordered):
        if number >= 2 and segment.doc_count_all() > 2 * merged:
            break
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
        merged += segment.doc_count_all()
    else:
        return []
    return ordered[number:]


def cannot_write(where: Path, error: OSError) -> str:
    """A sentence for the user on a failed write (a full disk, a read-only cache...)."""
    reason = "the disk is full" if error.errno in (errno.ENOSPC, errno.EFBIG) else None
    reason = reason or error.strerror or str(error)
    return f"The library index cannot be saved in {where} ({reason}); searching without it."


def _column(reader: IndexReader, name: str) -> list[Any]:
    """A column's values by docnum. Read segment by segment: Whoosh's multi-segment column
    reader leaves out the segments without that column, which shifts every later docnum."""
    values: list[Any] = []
    for leaf, _offset in reader.leaf_readers():
        values.extend(leaf.column_reader(name))
    return values


def _candidate(searcher: Searcher, docnum: int, score: float = 1.0) -> Candidate:
    stored = searcher.stored_fields(docnum)
    return Candidate(
        kind=stored["kind"],
        document_id=stored["document"],
        start=stored["start"],
        section=stored["section"],
        body=stored["body"],
        annotation_id=stored.get("annotation", ""),
        score=score,
    )


def _open_checked(directory: Path) -> index.Index:
    try:
        _read_manifest(directory)
        whoosh_index = index.open_dir(str(directory))
        whoosh_index.doc_count()
    except LibraryIndexError:
        raise
    except Exception as error:  # any damage Whoosh trips over: the index is only a cache
        raise LibraryIndexError(f"The library index cannot be read ({error!r}).") from None
    return whoosh_index


def _read_manifest(directory: Path) -> dict[str, dict[str, object]]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise LibraryIndexError("The library index is missing or incomplete.") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("analysis") != LIBRARY_ANALYSIS_VERSION
        or not isinstance(manifest.get("documents"), dict)
        or not isinstance(manifest.get("notes"), dict)
    ):
        raise LibraryIndexError("The library index was made by another version.")
    return manifest


def _write_manifest(directory: Path, manifest: dict[str, dict[str, object]]) -> None:
    """Written whole and renamed into place, so a reader never sees half of it."""
    payload = {"analysis": LIBRARY_ANALYSIS_VERSION, **manifest}
    temporary = directory / f".{MANIFEST}.{os.getpid()}"
    with temporary.open("w", encoding="utf-8") as stream:
        json.dump(payload, stream, ensure_ascii=False)
        stream.flush()
        os.fsync(stream.fileno())
    temporary.replace(directory / MANIFEST)


@contextlib.contextmanager
def _exclusive(directory: Path, *, make: bool = False) -> Iterator[None]:
    """Hold the directory's write lock (another process may hold it for a while: wait)."""
    if make:
        directory.mkdir(parents=True, exist_ok=True)
    with (directory / LOCK_FILE).open("a") as lock:
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LibraryIndexError(
                        "Another reader is updating the library index; try again later."
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_outdated(cache_dir: Path) -> None:
    """Delete other analysis versions' library indexes and the retired per-document ones."""
    current = library_index_directory(cache_dir).name
    for entry in cache_dir.glob(f"{DIRECTORY_PREFIX}*"):
        if entry.name != current:
            _remove(entry)
    _remove(cache_dir / "indexes")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
