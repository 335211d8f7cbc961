"""Whoosh's segment writer, gathering the grams' postings by term as documents are added.

Whoosh's writer puts every posting in a sorting pool as a tuple, sorts them all, and hands
them one at a time to the codec: several Python calls per posting, about half a build's time
when a posting was written per chunk. A Whoosh document of the library's text holds a block of
chunks and has tens of thousands of distinct terms, so this writer keeps, per grams term, a
`bytearray` of packed postings (document number and chunk bitmap, `LibraryCodec.POSTING`),
appended in document order, and the codec writes each term's entry in one step
(`LibraryFieldWriter.add_grouped`). Every other field goes through Whoosh's pool as usual.

Merging segments gathers the grams the same way: each term's postings are read from its entry
in the merged segment's term table (most are inlined there) in one step, rather than Whoosh's
matcher and pool per posting (measured several times slower than indexing the text again).
Whoosh adds a merged segment's documents after the documents added to the writer, so each
term's postings stay in document order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from whoosh.reading import SegmentReader
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

    def add_postings_to_pool(
        self, reader: SegmentReader, startdoc: int, docmap: dict[int, int] | None
    ) -> None:
        """Whoosh's hook while merging `reader`'s segment: its grams are gathered, the other
        fields' postings go to the pool as in Whoosh. `docmap` maps the documents kept (None:
        all of them, from `startdoc` on)."""
        postings, pack = self._grams, POSTING.pack
        for term, info in reader.iter_field(GRAMS):
            if info.is_inlined():
                ids, _weights, values = info.inlined_postings()
            else:
                matcher = reader.postings(GRAMS, term)
                ids, values = [], []
                while matcher.is_active():
                    ids.append(matcher.id())
                    values.append(matcher.value())
                    matcher.next()
            key = term.decode("utf-8")
            gathered = postings[key]
            for docnum, value in zip(ids, values, strict=True):
                if docmap is None:
                    gathered += pack(startdoc + docnum, bytes_bits(value))
                elif docnum in docmap:
                    gathered += pack(docmap[docnum], bytes_bits(value))
            if not gathered:
                del postings[key]
        others = [name for name in reader.indexed_field_names() if name != GRAMS]
        items = self._process_posts(_postings(reader, others), startdoc, docmap)
        for item in items:
            self.pool.add(item)

    def _flush_segment(self) -> None:
        """Whoosh's hook: write the inverted index, fields in name order, the grams gathered."""
        self.perdocwriter.close()
        postings = self._grams
        before: list[Posting] = []
        after: list[Posting] = []
        for item in self.pool.iter_postings():
            (before if item[0] < GRAMS else after).append(item)
        writer: LibraryFieldWriter = self.fieldwriter
        writer.add_postings(self.schema, None, before)
        if postings:
            writer.add_grouped(GRAMS, self.schema[GRAMS], postings)
        writer.add_postings(self.schema, None, after)
        writer.close()
        postings.clear()


def _postings(reader: SegmentReader, fieldnames: list[str]) -> Iterator[Posting]:
    """Whoosh's `iter_postings`, for these fields only."""
    for fieldname in fieldnames:
        for term in reader.lexicon(fieldname):
            matcher = reader.postings(fieldname, term)
            while matcher.is_active():
                yield fieldname, term, matcher.id(), matcher.weight(), matcher.value()
                matcher.next()
