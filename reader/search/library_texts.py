"""The library index's texts: each document cut into chunks, kept compressed beside Whoosh.

A chunk is a few thousand characters, cut at paragraph ends: the unit a query narrows to. Whoosh
indexes blocks of chunks (`reader.search.library_index`) and stores only where their text lies;
the text itself, with its paragraphs and their sections, is one zlib block per chunk in a file
per document in the index directory. So verifying a candidate and
making its snippets reads and inflates one small block (no book is loaded), and the stored
text costs about half its UTF-8 size instead of Whoosh's pickled copy.

A document's file is named after its id and fingerprint: a new text of the same document is
written to a new file before Whoosh's commit, and the old file is deleted after it, so a crash
at any moment leaves the committed index with the file it points to.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reader.document.model import Document, ParagraphKind

CHUNK_CHARACTERS = 4_000
"""A chunk ends at the first paragraph end past this many characters. Larger chunks mean more
text verified per candidate (and fewer bits in a block's postings); measured on the corpus
library, 4,000 keeps the verification small (benchmarks/bench_library.py)."""
TEXTS_DIRECTORY = "texts"
LEVEL = 6
"""zlib's level for the blocks (higher levels gain little on Chinese text)."""
ENCODING = "utf-16-le"
"""The blocks' encoding before zlib: Chinese text in UTF-16 compresses to 6% less than in
UTF-8, and faster (measured on the corpus library)."""
OFFSETS_KEPT = 4_096
_TRAILER = struct.Struct("<Q")


@dataclass(frozen=True, slots=True)
class ChunkParagraph:
    """A paragraph of a chunk: canonical offsets in its document."""

    start: int
    end: int
    heading: bool
    section: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of whole paragraphs of a document, with the canonical text they span."""

    start: int
    text: str
    paragraphs: tuple[ChunkParagraph, ...]

    def body(self, paragraph: ChunkParagraph) -> str:
        """A paragraph's canonical text."""
        return self.text[paragraph.start - self.start : paragraph.end - self.start]


def document_chunks(text: Document) -> Iterator[Chunk]:
    """`text` cut into chunks at paragraph ends, in reading order."""
    toc = text.toc()
    paragraphs: list[ChunkParagraph] = []
    for paragraph in text.paragraphs:
        section = toc[text.toc_index_at(paragraph.start)].title
        heading = paragraph.kind is ParagraphKind.HEADING
        paragraphs.append(ChunkParagraph(paragraph.start, paragraph.end, heading, section))
        if paragraph.end - paragraphs[0].start >= CHUNK_CHARACTERS:
            yield _chunk(text, paragraphs)
            paragraphs = []
    if paragraphs:
        yield _chunk(text, paragraphs)


def _chunk(text: Document, paragraphs: list[ChunkParagraph]) -> Chunk:
    start, end = paragraphs[0].start, paragraphs[-1].end
    return Chunk(start, text.text[start:end], tuple(paragraphs))


def texts_file_name(document_id: str, fingerprint: str) -> str:
    """The file of one text of one document (ids may hold any character: hashed); without a
    fingerprint, the prefix of all the document's files."""
    return (
        f"{_digest(document_id, 24)}-{_digest(fingerprint, 16)}.z"
        if fingerprint
        else (f"{_digest(document_id, 24)}-")
    )


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


class TextsWriter:
    """Writes a document's chunks to its file: blocks, then their offsets and the offsets'
    own position as a trailer. `close` before Whoosh's commit."""

    def __init__(self, directory: Path, document_id: str, fingerprint: str) -> None:
        (directory / TEXTS_DIRECTORY).mkdir(exist_ok=True)
        self.name = texts_file_name(document_id, fingerprint)
        self._stream = (directory / TEXTS_DIRECTORY / self.name).open("wb")
        self._offsets: list[int] = []

    def add(self, chunk: Chunk) -> int:
        """Write `chunk`'s block; its number in the file."""
        paragraphs = [[p.start, p.end, int(p.heading), p.section] for p in chunk.paragraphs]
        payload = json.dumps([chunk.start, paragraphs, chunk.text], ensure_ascii=False)
        self._offsets.append(self._stream.tell())
        self._stream.write(zlib.compress(payload.encode(ENCODING, "surrogatepass"), LEVEL))
        return len(self._offsets) - 1

    def close(self) -> None:
        """Write the trailer and flush the file to disk (the commit pointing to it is next)."""
        trailer = self._stream.tell()
        self._offsets.append(trailer)
        self._stream.write(json.dumps(self._offsets).encode("ascii"))
        self._stream.write(_TRAILER.pack(trailer))
        self._stream.flush()
        os.fsync(self._stream.fileno())
        self._stream.close()


class TextsReader:
    """Reads chunks back, keeping the offsets of recently read files."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory / TEXTS_DIRECTORY
        self._offsets: dict[str, list[int]] = {}

    def chunk(self, file: str, number: int) -> Chunk:
        """Chunk `number` of `file` (`OSError` or `ValueError` when it is damaged or gone)."""
        with (self._directory / file).open("rb") as stream:
            offsets = self._offsets.get(file) or self._read_offsets(file, stream)
            if not 0 <= number < len(offsets) - 1:
                raise ValueError(f"no chunk {number} in {file}")
            stream.seek(offsets[number])
            block = stream.read(offsets[number + 1] - offsets[number])
        try:
            payload = zlib.decompress(block).decode(ENCODING, "surrogatepass")
        except zlib.error as error:
            raise ValueError(f"damaged text block in {file}: {error}") from None
        start, paragraphs, text = json.loads(payload)
        return Chunk(
            start,
            text,
            tuple(ChunkParagraph(s, e, bool(h), section) for s, e, h, section in paragraphs),
        )

    def _read_offsets(self, file: str, stream: BinaryIO) -> list[int]:
        stream.seek(-_TRAILER.size, os.SEEK_END)
        (trailer,) = _TRAILER.unpack(stream.read(_TRAILER.size))
        stream.seek(trailer)
        offsets = json.loads(stream.read()[: -_TRAILER.size])
        if len(self._offsets) >= OFFSETS_KEPT:
            self._offsets.clear()
        self._offsets[file] = offsets
        return list(offsets)


def remove_texts(directory: Path, document_id: str, keep: str = "") -> None:
    """Delete a document's text files, except `keep`."""
    prefix = texts_file_name(document_id, "")
    for path in (directory / TEXTS_DIRECTORY).glob(f"{prefix}*"):
        if path.name != keep:
            path.unlink(missing_ok=True)
