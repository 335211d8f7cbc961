"""Whoosh's segment writer, gathering the grams' postings by term as documents are added.

Whoosh's writer puts every posting in a sorting pool as a tuple, sorts them all, and hands
them one at a time to the codec: several Python calls per posting, about half a build's time
when a posting was written per chunk. A Whoosh document of the library's text holds a block of
chunks and has tens of thousands of distinct terms, so this writer keeps, per grams term, a
`bytearray` of packed postings (document number and chunk bitmap, `LibraryCodec.POSTING`),
appended in document order, and the codec writes each term's entry in one step
(`LibraryFieldWriter.add_grouped`). Every other field goes through Whoosh's pool as usual.

Merging segments reads the grams back through Whoosh's reader into the pool; they are moved
into the gathered postings when the segment is written. Whoosh adds a merged segment's
documents after the documents added to the writer, so each term's postings stay in document
order.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from whoosh.writing import SegmentWriter

from reader.search.library_analysis import bytes_bits, term_bits
from reader.search.library_codec import POSTING, LibraryFieldWriter, Posting

GRAMS = "grams"


class GramWriter(SegmentWriter):  # type: ignore[misc]
    """A `SegmentWriter` whose grams field is gathered by term (the index's codec must be
    `LibraryCodec`)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._grams: defaultdict[str, bytearray] = defaultdict(bytearray)

    def add_document(self, **fields: Any) -> None:
        """Whoosh's `add_document`; the grams (a text, or a block's chunks) are gathered."""
        grams = fields.pop(GRAMS, None)
        docnum = self.docnum
        super().add_document(**fields)
        if grams is not None:
            postings, pack = self._grams, POSTING.pack
            for term, bits in term_bits(grams).items():
                postings[term] += pack(docnum, bits)

    def _flush_segment(self) -> None:
        """Whoosh's hook: write the inverted index, fields in name order, the grams gathered."""
        self.perdocwriter.close()
        postings, pack = self._grams, POSTING.pack
        before: list[Posting] = []
        after: list[Posting] = []
        for item in self.pool.iter_postings():
            fieldname, term, docnum, _weight, value = item
            if fieldname == GRAMS:  # from a merged segment
                postings[term.decode("utf-8")] += pack(docnum, bytes_bits(value))
            else:
                (before if fieldname < GRAMS else after).append(item)
        writer: LibraryFieldWriter = self.fieldwriter
        writer.add_postings(self.schema, None, before)
        if postings:
            writer.add_grouped(GRAMS, self.schema[GRAMS], postings)
        writer.add_postings(self.schema, None, after)
        writer.close()
        postings.clear()
