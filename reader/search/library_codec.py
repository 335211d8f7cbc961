"""Whoosh's own W3 codec, with the costs of its writer that have nothing to do with the library
index's contents taken out.

Profiled on the corpus library (benchmarks/bench_library.py), most of a build went to places
that do not change what is indexed:

- For every posting of a field without a length column (an unscored field, as the grams are)
  the writer asks the storage whether that column's file exists: one ``stat`` per posting.
  This codec's field writer skips the length lookups; the library index scores nothing in
  Whoosh (candidates are ranked after the exact scan verifies them).
- A term with a handful of postings gets its own compressed block in the postings file (about
  60 bytes of headers, pickles and zlib for a few bytes of data) and most bigrams of a library
  are that rare. Whoosh means to inline such postings into the term's entry (``inlinelimit``),
  but its writer calls a method that does not exist (``set_inline`` for ``set_inlined``) and
  so crashes; the default limit of 1 keeps that path unreached. Here it works, for terms with
  fewer than `INLINE_LIMIT` postings.
- Even inlined, W3's term entry is a 22-byte header of statistics (weights, lengths) that only
  scoring reads, then a pickle: most of the index was these entries. `CompactTermInfo` writes
  an inlined list of unweighted postings as its document numbers and values (varints), a few
  bytes; every other term keeps W3's layout. The codec's terms reader reads both.
- The grams reach the field writer grouped by term (`reader.search.library_writer`), so
  `FieldWriter.add_grouped` writes a term's entry in one step instead of Whoosh's calls and
  checks per posting.

The codec is pickled into each segment's entry in Whoosh's table of contents, so it lives at
this stable import path, like the analyzer.
"""

from __future__ import annotations

import hashlib
import struct
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from whoosh import fields
from whoosh.codec.base import FieldWriter, PerDocumentReader, PostingsWriter
from whoosh.codec.whoosh3 import (
    W3Codec,
    W3FieldCursor,
    W3FieldWriter,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
)
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.reading import TermNotFound
from whoosh.system import pack_ushort

from reader.search.library_analysis import bits_bytes

INLINE_LIMIT = 8
"""Postings lists shorter than this live in the term's entry instead of a block of their own."""
POSTING = struct.Struct("<IQ")
"""A gathered grams posting: document number and chunk bitmap (`library_writer`)."""
_COMPACT = 2  # first byte of a compact entry (W3's own entries start with 0 or 1)

Posting = tuple[str, bytes, int, float, bytes]


class LibraryCodec(W3Codec):  # type: ignore[misc]
    """W3 with working, compact inlined postings and no per-posting length lookups."""

    def __init__(self) -> None:
        super().__init__(inlinelimit=INLINE_LIMIT)

    def field_writer(self, storage: object, segment: object) -> FieldWriter:
        """Whoosh's hook: the inverted index's writer."""
        return LibraryFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: StructFile, byteids: bool = False) -> PostingsWriter:
        """Whoosh's hook: one field's postings writer."""
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def terms_reader(self, storage: Any, segment: Any) -> W3TermsReader:
        """Whoosh's hook: W3's terms reader, reading compact entries too."""
        name = segment.make_filename(self.TERMS_EXT)
        postings = segment.open_file(storage, self.POSTS_EXT)
        return _TermsReader(self, storage.open_file(name), storage.file_length(name), postings)


class CompactTermInfo(W3TermInfo):  # type: ignore[misc]
    """W3's term info; inlined unweighted postings are written without W3's statistics."""

    def to_bytes(self) -> bytes:
        """Compact when inlined with every weight 1 (the grams), W3's layout otherwise."""
        inlined = self._inlined
        if (
            inlined is None
            or any(weight != 1.0 for weight in inlined[1])
            or any(len(value) > 0xFF for value in inlined[2])
        ):
            return bytes(W3TermInfo.to_bytes(self))
        ids, _weights, values = inlined
        return compact_entry(zip(ids, values, strict=True))

    @classmethod
    def from_bytes(cls, data: bytes) -> CompactTermInfo:
        """Either layout."""
        if data[0] != _COMPACT:
            return W3TermInfo.from_bytes.__func__(cls, data)  # type: ignore[no-any-return]
        ids: list[int] = []
        values: list[bytes] = []
        position, docnum = 1, 0
        while position < len(data):
            delta, position = _read_varint(data, position)
            length = data[position]
            docnum += delta
            ids.append(docnum)
            values.append(data[position + 1 : position + 1 + length])
            position += 1 + length
        info = cls()
        info._weight, info._df = float(len(ids)), len(ids)
        info._minlength, info._maxlength, info._maxweight = 0, 0, 1.0
        info._minid, info._maxid = ids[0], ids[-1]
        info._inlined = (tuple(ids), (1.0,) * len(ids), tuple(values))
        return info


def compact_entry(postings: Iterable[tuple[int, bytes]]) -> bytes:
    """A compact term entry: per posting, the document number's delta, the value's length
    and the value."""
    out = bytearray((_COMPACT,))
    last = 0
    for docnum, value in postings:
        _write_varint(out, docnum - last)
        out.append(len(value))
        out += value
        last = docnum
    return bytes(out)


def _write_varint(out: bytearray, number: int) -> None:
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)


def _read_varint(data: bytes, position: int) -> tuple[int, int]:
    number, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        number |= (byte & 0x7F) << shift
        if byte < 0x80:
            return number, position
        shift += 7


class LibraryFieldWriter(W3FieldWriter):  # type: ignore[misc]
    """W3's field writer with compact term infos and a grouped path for the grams."""

    def start_term(self, btext: bytes) -> None:
        """Whoosh's hook: as W3's, with this codec's term info."""
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, CompactTermInfo())

    def add_postings(
        self,
        schema: fields.Schema,
        lengths: PerDocumentReader | None,
        items: Iterable[Posting],
    ) -> None:
        """Whoosh's loop, without the field lengths (no field of this index is scored)."""
        super().add_postings(schema, None, items)

    def add_grouped(
        self, fieldname: str, field: fields.FieldType, terms: Mapping[str, bytearray]
    ) -> None:
        """Write a field whose postings are gathered by term: each term's `POSTING`s packed
        one after another, in document order."""
        self.start_field(fieldname, field)
        key_prefix = pack_ushort(self._fieldid)
        writer: _PostingsWriter = self._postwriter
        inline_bytes = INLINE_LIMIT * POSTING.size
        entries: list[tuple[bytes, bytes]] = []
        for term in sorted(terms):
            packed = terms[term]
            if len(packed) == POSTING.size:  # one posting: most terms
                docnum, bits = POSTING.unpack(packed)
                entry = _one_posting_entry(docnum, bits_bytes(bits))
            elif len(packed) < inline_bytes:
                entry = compact_entry((d, bits_bytes(b)) for d, b in POSTING.iter_unpack(packed))
            else:
                postings = POSTING.iter_unpack(packed)
                ids, values = zip(*((d, bits_bytes(b)) for d, b in postings), strict=True)
                entry = writer.write_unweighted(field.format, ids, values).to_bytes()
            entries.append((key_prefix + term.encode("utf-8"), entry))
            if len(entries) >= _ENTRIES_PER_WRITE:
                _add_entries(self._tindex, entries)
                entries.clear()
        _add_entries(self._tindex, entries)
        self.finish_field()


_ENTRIES_PER_WRITE = 4096
_ENTRY_LENGTHS = struct.Struct("!ii")  # HashWriter's record header: key and value lengths


def _one_posting_entry(docnum: int, value: bytes) -> bytes:
    """`compact_entry` of one posting."""
    out = bytearray((_COMPACT,))
    _write_varint(out, docnum)
    out.append(len(value))
    return bytes(out + value)


def _add_entries(table: OrderedHashWriter, entries: list[tuple[bytes, bytes]]) -> None:
    """`OrderedHashWriter.add` for many entries in one write: the same records, positions and
    hash table rows (its MD5 hash is the digest's last four bytes, read directly), without
    its three writes, two ``tell``s and checks per entry."""
    assert table.hashtype == 0, "Whoosh's default hash (MD5)"
    start = table.dbfile.tell()
    out = bytearray()
    last = table.lastkey
    positions, buckets = table.index, table.buckets
    for key, value in entries:
        if key <= last:
            raise ValueError(f"Keys must increase: {last!r}..{key!r}")
        position = start + len(out)
        positions.append(position)
        out += _ENTRY_LENGTHS.pack(len(key), len(value))
        out += key
        out += value
        hashed = int.from_bytes(hashlib.md5(key).digest()[-4:], "big")
        buckets[hashed & 255].append((hashed, position))
        last = key
    table.dbfile.write(bytes(out))
    table.lastkey = last


class _PostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    def write_unweighted(
        self, format_: Any, ids: Sequence[int], values: Sequence[bytes]
    ) -> W3TermInfo:
        """A term's postings (weight 1) in W3's blocks, a block at a time rather than Whoosh's
        `add_posting` and its checks per posting."""
        self.start_postings(format_, CompactTermInfo())
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            if start:
                self._write_block()
            self._ids = array("I", ids[start : start + limit])
            self._weights = array("f", (1.0,)) * len(self._ids)
            self._values = list(values[start : start + limit])
            self._maxweight = 1.0
        return self.finish_postings()

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


class _TermsReader(W3TermsReader):  # type: ignore[misc]
    """W3's terms reader, decoding term infos with `CompactTermInfo` (W3's reads its own
    layout's statistics at fixed offsets, which compact entries do not have)."""

    def cursor(self, fieldname: str, fieldobj: fields.FieldType) -> W3FieldCursor:
        return _FieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self) -> Iterable[tuple[tuple[str, bytes], CompactTermInfo]]:
        decode = self._keydecoder
        items = self._tindex.items()
        return ((decode(key), CompactTermInfo.from_bytes(value)) for key, value in items)

    def items_from(
        self, fieldname: str, prefix: bytes
    ) -> Iterable[tuple[tuple[str, bytes], CompactTermInfo]]:
        decode = self._keydecoder
        items = self._tindex.items_from(self._keycoder(fieldname, prefix))
        return ((decode(key), CompactTermInfo.from_bytes(value)) for key, value in items)

    def term_info(self, fieldname: str, tbytes: bytes) -> CompactTermInfo:
        try:
            return self._info(fieldname, tbytes)
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def frequency(self, fieldname: str, tbytes: bytes) -> float:
        """`KeyError` for a missing term, as W3's (the segment reader answers 0)."""
        return float(self._info(fieldname, tbytes).weight())

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> int:
        """`KeyError` for a missing term, as W3's (the segment reader answers 0)."""
        return int(self._info(fieldname, tbytes).doc_frequency())

    def _info(self, fieldname: str, tbytes: bytes) -> CompactTermInfo:
        return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])


class _FieldCursor(W3FieldCursor):  # type: ignore[misc]
    def term_info(self) -> CompactTermInfo | None:
        if self._pos is None:
            return None
        return CompactTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))
