"""One Whoosh index over every document of the library and every note: a cache, updated
document by document.

A document's text is cut into chunks of a few thousand characters (`reader.search.library_texts`:
their text is kept compressed beside Whoosh, for verifying candidates and making snippets without
loading the book); one Whoosh document holds a block of up to `BLOCK_CHUNKS` consecutive chunks,
and each grams posting says which of the block's chunks hold the term
(`reader.search.library_analysis.ChunkBits`), so a query still narrows to chunks while Whoosh
writes a posting per block, not per chunk. Titles, headings and notes are one Whoosh document
each. A manifest beside the Whoosh files says which text of which document is indexed
(`fingerprint`) and which version of each note, so bringing the index up to date touches only
what changed; it is written after each commit, so a crash or a quit loses at most the batch
being indexed (its half-written text files are replaced when it is indexed again).

Whoosh writes with `LibraryCodec` (its own W3 codec without needless costs) through
`GramWriter` (which gathers the grams by term); each batch's commit adds a segment without
merging, and `merge_segments` merges the small ones once a build is done (at most
`MERGE_BYTES` at a time), so the index is neither rewritten after every batch nor split into
hundreds of parts.

Every write happens under an exclusive lock on the directory (two windows, or a window and the
command line, take turns). Anything wrong with the files (damaged, missing, another analysis
version) raises `LibraryIndexError`; the caller answers by scanning and rebuilds.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import json
import mmap
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.query import And, Query, Term
from whoosh.reading import IndexReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter, SegmentWriter

from reader.document.errors import DocumentError
from reader.document.model import Document
from reader.search.library_analysis import (
    BLOCK_CHUNKS,
    GramField,
    bytes_bits,
)
from reader.search.library_codec import LibraryCodec
from reader.search.library_location import (
    DIRECTORY_PREFIX,
    LIBRARY_ANALYSIS_VERSION,
    library_index_directory,
)
from reader.search.library_model import IndexedDocument, IndexedNote, LoadDocument
from reader.search.library_texts import (
    Chunk,
    TextsReader,
    TextsWriter,
    document_chunks,
    remove_texts,
)
from reader.search.library_writer import GRAMS, GramWriter

MANIFEST = "manifest.json"
LOCK_FILE = "writing.lock"
LOCK_TIMEOUT_SECONDS = 10.0
WRITER_MEMORY_MB = 64
"""Whoosh's sorting pool, which holds every field's postings but the grams (gathered by
`GramWriter`): past this it spills to disk."""
COMPOUND = False
"""Whoosh's compound segment (one file) is read through a copy of each of its parts in memory
(`BufferFile` over the mapped file): a process with the index open held the whole terms
table, and a build held every earlier segment's. Separate files are mapped instead
(`MappedStorage`)."""
BATCH_CHARACTERS = 8_000_000
"""Characters of text indexed per commit at most (the document that reaches it ends the batch):
a commit is a segment, and fewer segments mean fewer copies of the terms' entries; a crash loses
at most one batch."""
ALL_CHUNKS = (1 << BLOCK_CHUNKS) - 1
MERGE_AT_SEGMENTS = 8
"""A build ends with one merge once this many segments have piled up."""
MERGE_BYTES = 24_000_000
"""The most that one merge rewrites (about three novels): every term of the merged segments
is read back in Python (three novels' segments merge in about 5 s, measured) and the writer
holds the merged grams in memory. Larger segments (a batch of books) stay as they
are: a large library is a few dozen segments, each searched in turn."""


class MappedStorage(FileStorage):  # type: ignore[misc]
    """Whoosh's file storage, reading each file through a read-only memory map: nothing is
    copied (the pages are the file's, shared and evictable) and no descriptor stays open while
    a reader lives (Whoosh keeps its files open until the reader is closed)."""

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        """Whoosh's hook: an existing file, mapped."""
        with Path(self._fpath(name)).open("rb") as stream:
            if os.fstat(stream.fileno()).st_size == 0:  # an empty file cannot be mapped
                return StructFile(io.BytesIO(), name=name, **kwargs)
            mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)


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


def schema() -> fields.Schema:
    """The fields of every Whoosh document; only `grams` is analysed. `kind`, `source` (the
    document id of a block, heading or title; not of a note) and `chunk` (the number of a
    block's first chunk in its text file) are columns, read for every candidate without
    unpickling stored fields."""
    return fields.Schema(
        kind=fields.ID(stored=True, sortable=True),
        source=fields.ID(sortable=True),
        chunk=fields.NUMERIC(sortable=True),
        annotation=fields.ID(stored=True),
        document=fields.STORED,
        start=fields.STORED,
        section=fields.STORED,
        body=fields.STORED,
        texts=fields.STORED,  # a block's text file
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
                whoosh_index = MappedStorage(str(directory)).create_index(schema())
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

    def add_documents(
        self,
        documents: Sequence[IndexedDocument],
        load: LoadDocument,
        done: Callable[[IndexedDocument], None] | None = None,
    ) -> list[str]:
        """Index `documents` (replacing what was indexed of them), a batch of about
        `BATCH_CHARACTERS` per commit, calling `done` after each document (indexed or found
        unreadable; saved at its batch's commit); returns the documents that could not be
        read, for the user.

        Each document's chunks are streamed to its text file and, a block at a time, to
        Whoosh. A stop while a document is being read (a quit, `KeyboardInterrupt`) commits the
        batch's earlier documents first."""
        problems: list[str] = []
        pending = list(documents)
        while pending:
            stopped: BaseException | None = None
            written: dict[str, str] = {}
            with self._writing() as (writer, manifest):
                characters = 0
                while pending and characters < BATCH_CHARACTERS:
                    document = pending[0]
                    try:
                        text = load(document)
                    except (DocumentError, OSError) as error:
                        problems.append(f"{document.path}: {error}")
                        pending.pop(0)
                        if done is not None:
                            done(document)
                        continue
                    except BaseException as error:  # re-raised after the commit
                        stopped = error
                        break
                    written[document.document_id] = self._add_text(writer, document, text)
                    manifest["documents"][document.document_id] = {
                        "fingerprint": document.fingerprint,
                        "title": document.title,
                        "path": os.fsdecode(document.path),
                    }
                    characters += len(text.text)
                    pending.pop(0)
                    if done is not None:
                        done(document)
            for key, name in written.items():
                remove_texts(self.directory, key, keep=name)
            if stopped is not None:
                raise stopped
        return problems

    def _add_text(self, writer: IndexWriter, document: IndexedDocument, text: Document) -> str:
        """Add a document's title, headings and blocks; the name of its text file."""
        key = document.document_id
        writer.delete_by_term("source", key)
        self._add_small(writer, "title", key, 0, "", document.title)
        texts = TextsWriter(self.directory, key, document.fingerprint)
        try:
            block: list[Chunk] = []
            for chunk in document_chunks(text):
                for paragraph in chunk.paragraphs:
                    if paragraph.heading:
                        body = chunk.body(paragraph)
                        start, section = paragraph.start, paragraph.section
                        self._add_small(writer, "heading", key, start, section, body)
                block.append(chunk)
                if len(block) == BLOCK_CHUNKS:
                    self._add_block(writer, key, block, texts)
                    block = []
            if block:
                self._add_block(writer, key, block, texts)
        finally:
            texts.close()
        return texts.name

    @staticmethod
    def _add_small(
        writer: IndexWriter, kind: str, key: str, start: int, section: str, body: str
    ) -> None:
        """A title or heading, its text stored whole."""
        writer.add_document(
            kind=kind, source=key, document=key, start=start, section=section, body=body, grams=body
        )

    @staticmethod
    def _add_block(writer: IndexWriter, key: str, block: list[Chunk], texts: TextsWriter) -> None:
        """Consecutive chunks as one Whoosh document: its first chunk's number, and its chunks'
        texts (the grams' postings say which chunks hold a term)."""
        first = texts.add(block[0])
        for chunk in block[1:]:
            texts.add(chunk)
        grams = [chunk.text for chunk in block]
        writer.add_document(
            kind="block", source=key, chunk=first, document=key, texts=texts.name, grams=grams
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
        """Merge the small segments that commits left, when there are many."""
        segments = self._index._segments()
        if len(segments) >= MERGE_AT_SEGMENTS and len(self._mergeable(segments)) >= 2:
            with self._writing(merge=self._merge_small_segments):
                pass

    def _mergeable(self, segments: list[Segment]) -> list[Segment]:
        """The smallest segments, from the smallest up while each is at most twice all the
        smaller ones together, and all of them at most `MERGE_BYTES` on disk."""
        sizes = {segment.segment_id(): 0 for segment in segments}
        for path in self.directory.iterdir():
            key = path.name.split(".", 1)[0]
            if key in sizes:
                sizes[key] += path.stat().st_size
        chosen: list[Segment] = []
        total = 0
        for segment in sorted(segments, key=lambda segment: sizes[segment.segment_id()]):
            size = sizes[segment.segment_id()]
            if total + size > MERGE_BYTES or (len(chosen) >= 2 and size > 2 * total):
                break
            chosen.append(segment)
            total += size
        return chosen

    def _merge_small_segments(
        self, writer: SegmentWriter, segments: list[Segment]
    ) -> list[Segment]:
        """Whoosh's merge policy hook: the `_mergeable` segments become one, the others stay.
        A document is then rewritten a logarithmic number of times until its segment reaches
        `MERGE_BYTES` (Whoosh's own MERGE_SMALL counts Whoosh documents against fixed sizes)."""
        chosen = self._mergeable(segments)
        if len(chosen) < 2:
            return segments
        for segment in chosen:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        return [segment for segment in segments if segment not in chosen]

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

        Whoosh finds the matching documents (nothing is scored in Whoosh: candidates are
        verified and ranked by the exact scan); a block's chunks are narrowed to those whose
        bits every grams term of the query has, when the query is such terms."""
        try:
            searcher = self._current_searcher()
            assert self._columns is not None
            kinds, sources, numbers = self._columns
            small: list[Candidate] = []
            blocks: list[int] = []
            for docnum in query.docs(searcher):
                if kinds[docnum] == "block":
                    blocks.append(docnum)
                else:
                    small.append(_candidate(searcher, docnum))
            chunks: dict[str, list[int]] = {}
            files: dict[str, str] = {}
            for docnum, bits in _chunk_bits(searcher, query, blocks):
                key = sources[docnum]
                if key not in files:
                    files[key] = searcher.stored_fields(docnum)["texts"]
                first = numbers[docnum]
                found = chunks.setdefault(key, [])
                found.extend(first + n for n in range(bits.bit_length()) if bits >> n & 1)
            ordered = sorted(chunks.items(), key=lambda item: len(item[1]), reverse=True)
            grouped = [ChunkCandidates(key, files[key], found) for key, found in ordered]
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
                writer = GramWriter(
                    self._index, limitmb=WRITER_MEMORY_MB, codec=LibraryCodec(), compound=COMPOUND
                )
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


def _chunk_bits(searcher: Searcher, query: Query, blocks: list[int]) -> Iterator[tuple[int, int]]:
    """(docnum, bitmap of the chunks that may match) for each block, in docnum order: the
    AND of the bitmaps of the query's grams terms, when it is a `Term` or an `And` of them."""
    wanted = dict.fromkeys(blocks, ALL_CHUNKS)
    leaves = [query] if isinstance(query, Term) else list(getattr(query, "subqueries", []))
    if isinstance(query, (Term, And)) and all(
        isinstance(leaf, Term) and leaf.fieldname == GRAMS for leaf in leaves
    ):
        for leaf in leaves:
            bits = _term_bits(searcher.reader(), leaf.text, wanted)
            wanted = {docnum: wanted[docnum] & bits.get(docnum, 0) for docnum in wanted}
    for docnum in sorted(wanted):
        if wanted[docnum]:
            yield docnum, wanted[docnum]


def _term_bits(reader: IndexReader, term: str, wanted: dict[int, int]) -> dict[int, int]:
    """The chunk bitmaps of `term`'s postings in the `wanted` documents."""
    bits: dict[int, int] = {}
    for leaf, offset in reader.leaf_readers():
        if (GRAMS, term) not in leaf:
            continue
        matcher = leaf.postings(GRAMS, term)
        while matcher.is_active():
            docnum = offset + matcher.id()
            if docnum in wanted:
                bits[docnum] = bytes_bits(matcher.value())
            matcher.next()
    return bits


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
        whoosh_index = MappedStorage(str(directory)).open_index()
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
