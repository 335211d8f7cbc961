"""Text analysis shared by indexing, querying and the reference scan.

Everything is compared in *folded* form, applied identically to the document and the query:
Traditional characters become Simplified (OpenCC ``t2s``), full-width forms become half-width
(NFKC) and letters lose their case, so ``應用`` finds ``应用``, and ``ＧＰＴ`` finds ``gpt``.
Folding maps each character to exactly one character, so an offset in the folded text is the
same offset in the canonical text: hit positions need no translation.

The index stores character bigrams (with positions, for exact substring phrases) and single
characters (for one-character queries) of the *word characters* only (letters, digits,
ideographs). Punctuation and spaces are matched by the verifying scan, which keeps the index
about a fifth smaller and faster to build without losing any match.

`ANALYSIS_VERSION` is part of the index directory name: change it whenever folding or the
indexed terms change, and every index is rebuilt.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from functools import cache

import opencc
from whoosh import fields
from whoosh.system import pack_uint

ANALYSIS_VERSION = 2
FOLD_CHUNK = 32_768
_SURROGATES_START, _SURROGATES_END = 0xD800, 0xDFFF
_MAX_SIMPLIFY_STEPS = 4


class TextFolding:
    """Folds text character by character, caching each character's folded form."""

    def __init__(self) -> None:
        self._converter = opencc.OpenCC("t2s")
        self._table: dict[int, str] = {}

    def fold(self, text: str) -> str:
        """`text` with every character folded; always the same length as `text`.

        A novel is folded in chunks: each C call holds the interpreter lock, and a window
        thread waiting that long (tens of milliseconds for a whole novel) would drop frames.
        """
        table = self._table
        pieces = []
        for start in range(0, len(text), FOLD_CHUNK):
            chunk = text[start : start + FOLD_CHUNK]
            for character in set(chunk):
                if ord(character) not in table:
                    table[ord(character)] = self._fold_character(character)
            pieces.append(chunk.translate(table))
        return "".join(pieces)

    def _fold_character(self, character: str) -> str:
        """One character's folded form, or the character itself when folding would change the
        length (``㍿`` -> ``株式会社``, ``ß`` -> ``ss``): offsets must survive folding."""
        if character.isspace():
            return " "
        if _SURROGATES_START <= ord(character) <= _SURROGATES_END:
            return character  # a lone surrogate (from undecodable input) has no other form
        folded = unicodedata.normalize("NFKC", character)
        if len(folded) != 1:
            folded = character
        lowered = folded.lower()
        if len(lowered) == 1:
            folded = lowered
        return self._simplify(folded)

    def _simplify(self, character: str) -> str:
        """OpenCC's Simplified form, applied until it stops changing (薴 -> 苧 -> 苎), so that
        folding a folded text changes nothing and both spellings find each other."""
        for _attempt in range(_MAX_SIMPLIFY_STEPS):
            simplified = str(self._converter.convert(character))
            if len(simplified) != 1 or simplified == character:
                break
            character = simplified
        return character


@cache
def shared_folding() -> TextFolding:
    """One folding table per process: its cache makes folding a second text almost free."""
    return TextFolding()


def fold(text: str) -> str:
    """Fold `text` with the shared folding table (see `TextFolding.fold`)."""
    return shared_folding().fold(text)


def indexable_fragments(folded: str) -> list[str]:
    """The runs of word characters in folded text: what the index can look up."""
    fragments: list[str] = []
    current: list[str] = []
    for character in folded:
        if character.isalnum():
            current.append(character)
        elif current:
            fragments.append("".join(current))
            current = []
    if current:
        fragments.append("".join(current))
    return fragments


def bigram_positions(folded: str) -> dict[str, list[int]]:
    """Each word-character bigram of `folded` with the offsets where it starts."""
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for offset in range(len(folded) - 1):
        bigram = folded[offset : offset + 2]
        if bigram.isalnum():
            positions[bigram].append(offset)
    return positions


def character_counts(folded: str) -> dict[str, int]:
    """How often each word character occurs in `folded`."""
    counts: defaultdict[str, int] = defaultdict(int)
    for character in folded:
        if character.isalnum():
            counts[character] += 1
    return counts


class BigramField(fields.TEXT):  # type: ignore[misc]
    """Character bigrams with their offsets as positions, so a phrase of consecutive bigrams
    matches exactly the substring they spell.

    Whoosh's analyzer pipeline makes a Token object per term; building the postings directly
    is several times faster and gives the same index. Values must already be folded.
    """

    def __init__(self) -> None:
        super().__init__(phrase=True)

    def index(self, value: str, **_kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        """Whoosh's hook: (term bytes, frequency, weight, encoded positions) per bigram."""
        encode = self.format.encode
        for bigram, offsets in bigram_positions(value).items():
            yield bigram.encode("utf-8"), len(offsets), float(len(offsets)), encode(offsets)


class CharacterField(fields.TEXT):  # type: ignore[misc]
    """Single word characters with their frequencies, for one-character queries."""

    def __init__(self) -> None:
        super().__init__(phrase=False)

    def index(self, value: str, **_kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        """Whoosh's hook: (term bytes, frequency, weight, encoded frequency) per character."""
        for character, count in character_counts(value).items():
            yield character.encode("utf-8"), count, float(count), pack_uint(count)
