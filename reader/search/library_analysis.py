"""The library index's analysis: a real Whoosh analyzer, and the queries built from it.

Text is folded (Traditional->Simplified, widths, case: `reader.search.folding.fold`) and cut
into runs of word characters (letters, digits, ideographs); each run gives its single characters
and its character bigrams as terms, except bigrams with a rare character (not in `PAIRED`):
a rare character's own postings are selective enough, and its bigrams are the long tail of
the terms. A query term of one character looks up its unigram; a longer one asks for all its
bigrams (and the unigrams of its rare characters) in the same chunk
(`reader.search.library_texts`).

A Whoosh document of the text is a block of up to `BLOCK_CHUNKS` chunks, and a term's posting
says which of the block's chunks hold it (`ChunkBits`), nothing else (no positions, no
frequencies). Whoosh's writer costs Python time per posting and per term; a posting per chunk
was about one per character of text (4.4M on the corpus library), a posting per block is a
third of that (1.6M) for the same candidate chunks. Every candidate chunk is verified by the
exact scan, which also counts the hits that rank it, so anything more would only make the
index bigger and slower to write.

The analyzer objects live here, at a stable import path, because Whoosh pickles the schema
(with its analyzer) into the index. `LIBRARY_ANALYSIS_VERSION` (in `library_location`) is part of
the index directory's name: change it whenever folding or the terms change, and every library
index is rebuilt.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterator, Sequence

from whoosh import fields, formats
from whoosh.analysis import Analyzer, Filter, Token, Tokenizer
from whoosh.query import And, Query, Term

from reader.search.folding import fold
from reader.search.query import ParsedQuery

BLOCK_CHUNKS = 64
"""Chunks in one Whoosh document at most: one bit each in a posting's bitmap (8 bytes)."""
MAX_CLAUSES = 16
"""Terms one query asks the index at most: every candidate is verified by the scan, so a
10,000-character query narrows by its first bigrams and stays fast."""


def _paired_characters() -> frozenset[str]:
    """ASCII letters and digits, and GB2312's characters but its level-2 hanzi (rows 0xD8 and
    up: the 3,008 less common ones): the 3,755 common hanzi, kana, Greek, Cyrillic."""
    paired = {chr(code) for code in range(128) if chr(code).isalnum()}
    for high in range(0xA1, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                character = bytes((high, low)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if character.isalnum():
                paired.add(fold(character))
    return frozenset(paired)


PAIRED = _paired_characters()
"""Characters whose bigrams with each other are terms. Measured on the corpus library, the
bigrams with any other character are a tenth of all distinct terms."""


class FoldingTokenizer(Tokenizer):  # type: ignore[misc]
    """Folds the text and yields each run of word characters as one token (with its
    character offsets, which folding leaves unchanged)."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        """Whoosh's tokenizer protocol; one reused `Token`, as Whoosh's own tokenizers do."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for start, run in word_runs(fold(value)):
            token.text, token.boost, token.stopped = run, 1.0, False
            if keeporiginal:
                token.original = value[start : start + len(run)]
            if positions:
                token.pos = position
                position += 1
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + start + len(run)
            yield token


class GramFilter(Filter):  # type: ignore[misc]
    """Turns each run into its single characters and its character bigrams (of `PAIRED`
    characters), in text order, with ordinal positions."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        """Whoosh's filter protocol."""
        position = 0
        for token in tokens:
            run, run_start = token.text, getattr(token, "startchar", 0)
            for offset, character in enumerate(run):
                pair = run[offset : offset + 2]
                paired = len(pair) == 2 and pair[0] in PAIRED and pair[1] in PAIRED
                for gram in (character, pair) if paired else (character,):
                    token.text = gram
                    if token.positions:
                        token.pos = position
                        position += 1
                    if token.chars:
                        token.startchar = run_start + offset
                        token.endchar = run_start + offset + len(gram)
                    yield token


def library_analyzer() -> Analyzer:
    """The analyzer of the library index's text field."""
    return FoldingTokenizer() | GramFilter()


def word_runs(folded: str) -> Iterator[tuple[int, str]]:
    """(offset, run) for each run of word characters in `folded`."""
    start = -1
    for offset, character in enumerate(folded):
        if character.isalnum():
            if start < 0:
                start = offset
        elif start >= 0:
            yield start, folded[start:offset]
            start = -1
    if start >= 0:
        yield start, folded[start:]


def gram_counts(folded: str) -> dict[str, int]:
    """How often each term of the analyzer occurs in `folded` (counted in C: a bigram made of
    two word characters never straddles a run's edge, so counting all pairs and keeping the
    word ones of paired characters gives exactly the analyzer's terms)."""
    unigrams = Counter(folded)
    bigrams = Counter(map(operator.add, folded, folded[1:]))
    counts = {term: count for term, count in unigrams.items() if term.isalnum()}
    counts.update((term, count) for term, count in bigrams.items() if _is_pair(term))
    return counts


def _is_pair(bigram: str) -> bool:
    return bigram.isalnum() and bigram[0] in PAIRED and bigram[1] in PAIRED


def gram_set(folded: str) -> set[str]:
    """The analyzer's distinct terms in `folded` (as `gram_counts`, without counting)."""
    grams = {character for character in set(folded) if character.isalnum()}
    pairs = {pair for pair in set(map(operator.add, folded, folded[1:])) if pair.isalnum()}
    unpaired = grams - PAIRED
    if unpaired:
        pairs = {pair for pair in pairs if pair[0] not in unpaired and pair[1] not in unpaired}
    return grams | pairs


class ChunkBits(formats.Format):  # type: ignore[misc]
    """A posting's value says which chunks of its Whoosh document hold the term (a title,
    heading or note is one chunk): their numbers, a byte each, when fewer than 8 (most terms
    of a library are in one chunk of a block), else the 8-byte bitmap (`bits_bytes`)."""

    posting_size = -1  # values of any length

    def word_values(
        self, value: str, analyzer: Analyzer, **_kwargs: object
    ) -> Iterator[tuple[str, int, float, bytes]]:
        """Whoosh's hook: (term, frequency, weight, value) for one text, one chunk."""
        return ((term, 1, 1.0, ONE_CHUNK) for term in gram_set(fold(value)))

    def decode_frequency(self, _value: bytes) -> int:
        """Whoosh's hook: frequencies are not stored."""
        return 1

    def decode_weight(self, _value: bytes) -> float:
        """Whoosh's hook: nothing is weighted."""
        return 1.0


ONE_CHUNK = b"\x00"
_BITMAP_BYTES = BLOCK_CHUNKS // 8


_ONE_BIT = {1 << number: bytes((number,)) for number in range(BLOCK_CHUNKS)}


def bits_bytes(bits: int) -> bytes:
    """A chunk bitmap as a posting's value (`ChunkBits`)."""
    one = _ONE_BIT.get(bits)
    if one is not None:  # most postings: a term in one chunk of its block
        return one
    if bits.bit_count() >= _BITMAP_BYTES:
        return bits.to_bytes(_BITMAP_BYTES, "little")
    numbers = bytearray()
    while bits:
        lowest = bits & -bits
        numbers.append(lowest.bit_length() - 1)
        bits ^= lowest
    return bytes(numbers)


def bytes_bits(value: bytes) -> int:
    """A posting's value as a chunk bitmap (`ChunkBits`)."""
    if len(value) == _BITMAP_BYTES:
        return int.from_bytes(value, "little")
    bits = 0
    for number in value:
        bits |= 1 << number
    return bits


def term_bits(chunks: str | Sequence[str]) -> dict[str, int]:
    """Each term of a text (one chunk) or of a block's chunks -> the bitmap of the chunks
    holding it."""
    if isinstance(chunks, str):
        return dict.fromkeys(gram_set(fold(chunks)), 1)
    if len(chunks) > BLOCK_CHUNKS:
        raise ValueError(f"a block holds at most {BLOCK_CHUNKS} chunks")
    bits: dict[str, int] = {}
    get = bits.get
    for number, chunk in enumerate(chunks):
        bit = 1 << number
        for term in gram_set(fold(chunk)):
            bits[term] = get(term, 0) | bit
    return bits


class GramField(fields.TEXT):  # type: ignore[misc]
    """Unigrams and bigrams, each posting the bitmap of the chunks holding it.

    The analyzer is the field's own (query parsing, highlighting and `more_like_this` use
    it); indexing takes a shortcut that yields the same terms several times faster than
    Whoosh's one-Token-per-term pipeline (a test checks they agree on the corpus). Its value
    is a text (one chunk) or a block's chunks (a sequence of texts).
    """

    def __init__(self) -> None:
        super().__init__(analyzer=library_analyzer(), phrase=False)
        self.format = ChunkBits()
        self.scorable = False  # nothing is scored in Whoosh: no field lengths to write

    def index(
        self, value: str | Sequence[str], **_kwargs: object
    ) -> Iterator[tuple[bytes, int, float, bytes]]:
        """Whoosh's hook: (term bytes, frequency, weight, encoded value) per term."""
        for term, bits in term_bits(value).items():
            yield term.encode("utf-8"), 1, 1.0, bits_bytes(bits)


def whoosh_query(query: ParsedQuery, field: str = "grams") -> Query | None:
    """All the required terms' grams, or None when no term has a word character (then only a
    scan can answer). Longer terms go first: they are the more selective."""
    terms: list[str] = []
    for term in sorted(query.required, key=len, reverse=True):
        for _start, run in word_runs(term):
            terms.extend(gram for gram in _query_grams(run) if gram not in terms)
    clauses: list[Query] = [Term(field, gram) for gram in terms[:MAX_CLAUSES]]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else And(clauses)


def _query_grams(run: str) -> list[str]:
    """The terms a chunk holding `run` (folded word characters) must hold: its bigrams of
    paired characters and its unpaired characters."""
    if len(run) == 1:
        return [run]
    grams = [run[i : i + 2] for i in range(len(run) - 1) if _is_pair(run[i : i + 2])]
    return grams + [character for character in run if character not in PAIRED]
