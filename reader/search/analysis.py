"""What the Whoosh index stores of a folded text (`reader.search.folding`).

The index stores character bigrams (with positions, for exact substring phrases) and single
characters (for one-character queries) of the *word characters* only (letters, digits,
ideographs). Punctuation and spaces are matched by the verifying scan, which keeps the index
about a fifth smaller and faster to build without losing any match.

`ANALYSIS_VERSION` is part of the index directory name: change it whenever folding or the
indexed terms change, and every index is rebuilt.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from whoosh import fields
from whoosh.system import pack_uint

ANALYSIS_VERSION = 2


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
