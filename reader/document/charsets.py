"""Character repertoires of the two legacy Chinese encodings, derived from Python's codecs.

Both the encoding detector and the script guesser need to know which characters are common in
Simplified (GB2312) and Traditional (Big5) text. Decoding every valid byte pair of the codecs
gives those sets exactly, with no hand-typed tables to get wrong.
"""

from __future__ import annotations

import codecs
from functools import cache

_TRAIL_BYTES_GB = range(0xA1, 0xFF)
_TRAIL_BYTES_BIG5 = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
_NOT_A_PAIR = "\ufffd"
_NEXT_PAIR = "reader-next-pair"


def _skip_to_next_pair(error: UnicodeError) -> tuple[str, int]:
    """An undecodable pair stands for nothing: decoding goes on at the next pair's lead."""
    assert isinstance(error, UnicodeDecodeError)
    return _NOT_A_PAIR, error.start - error.start % 2 + 2


codecs.register_error(_NEXT_PAIR, _skip_to_next_pair)


def _decode_pairs(codec: str, leads: range, trails: list[int] | range) -> frozenset[str]:
    """Every character a pair (lead, trail) decodes to: all pairs in one call (a call per pair
    took a quarter of the bundled article's load), each undecodable one skipped whole."""
    pairs = bytes(byte for lead in leads for trail in trails for byte in (lead, trail))
    characters = set(pairs.decode(codec, errors=_NEXT_PAIR))
    characters.discard(_NOT_A_PAIR)
    return frozenset(characters)


@cache
def gb2312_level1() -> frozenset[str]:
    """The 3,755 most frequent Simplified characters (GB2312 level 1, rows 16-55)."""
    return _decode_pairs("gb2312", range(0xB0, 0xD8), _TRAIL_BYTES_GB)


@cache
def gb2312_hanzi() -> frozenset[str]:
    """All 6,763 GB2312 characters (levels 1 and 2)."""
    return _decode_pairs("gb2312", range(0xB0, 0xF8), _TRAIL_BYTES_GB)


@cache
def big5_common() -> frozenset[str]:
    """The frequently used Traditional characters (Big5 0xA440-0xC6FE, about 5,400)."""
    return _decode_pairs("big5", range(0xA4, 0xC7), _TRAIL_BYTES_BIG5)


@cache
def big5_hanzi() -> frozenset[str]:
    """All Big5 characters (frequent and less frequent), about 13,000."""
    return _decode_pairs("big5", range(0xA4, 0xFA), _TRAIL_BYTES_BIG5)
