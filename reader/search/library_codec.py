"""Whoosh's own W3 codec, with two costs of its writer taken out for the library index.

Profiled on the corpus library (benchmarks/bench_library.py), most of a build went to two
places that have nothing to do with the index's contents:

- For every posting of a field without a length column (an unscored field, as the grams are)
  the writer asks the storage whether that column's file exists: one ``stat`` per posting.
  This codec's field writer skips the length lookups; the library index scores nothing in
  Whoosh (candidates are ranked after the exact scan verifies them).
- A term with a handful of postings gets its own compressed block in the postings file (about
  60 bytes of headers, pickles and zlib for a few bytes of data) and most bigrams of a library
  are that rare. Whoosh means to inline such postings into the term's entry (``inlinelimit``),
  but its writer calls a method that does not exist (``set_inline`` for ``set_inlined``) and
  so crashes; the default limit of 1 keeps that path unreached. Here it works, for terms with
  fewer than `INLINE_LIMIT` postings. Whoosh's reader already reads inlined postings.

The codec is pickled into each segment's entry in Whoosh's table of contents, so it lives at
this stable import path, like the analyzer.
"""

from __future__ import annotations

from collections.abc import Iterable

from whoosh import fields
from whoosh.codec.base import FieldWriter, PerDocumentReader, PostingsWriter
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter, W3TermInfo
from whoosh.filedb.structfile import StructFile

INLINE_LIMIT = 8
"""Postings lists shorter than this live in the term's entry instead of a block of their own."""

Posting = tuple[str, bytes, int, float, bytes]


class LibraryCodec(W3Codec):  # type: ignore[misc]
    """W3 with working inlined postings and no per-posting length lookups."""

    def __init__(self) -> None:
        super().__init__(inlinelimit=INLINE_LIMIT)

    def field_writer(self, storage: object, segment: object) -> FieldWriter:
        """Whoosh's hook: the inverted index's writer."""
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: StructFile, byteids: bool = False) -> PostingsWriter:
        """Whoosh's hook: one field's postings writer."""
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


class _FieldWriter(W3FieldWriter):  # type: ignore[misc]
    def add_postings(
        self,
        schema: fields.Schema,
        lengths: PerDocumentReader | None,
        items: Iterable[Posting],
    ) -> None:
        """Whoosh's loop, without the field lengths (no field of this index is scored)."""
        super().add_postings(schema, None, items)


class _PostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    def finish_postings(self) -> W3TermInfo:
        """Whoosh's own, calling the term info's method by its real name, with an empty value
        per posting when the format has none: Whoosh's reader of inlined postings would give
        ``''`` instead, which merging segments rejects (it wants bytes)."""
        terminfo: W3TermInfo = self._terminfo  # type: ignore[has-type]
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            values = self._values or [b""] * len(self._ids)
            terminfo.set_inlined(self._ids, self._weights, values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()
