"""The legacy repertoires, decoded all at once, are exactly what decoding pair by pair gives."""

from __future__ import annotations

import pytest

from reader.document.charsets import (
    _TRAIL_BYTES_BIG5,
    _TRAIL_BYTES_GB,
    big5_common,
    big5_hanzi,
    gb2312_hanzi,
    gb2312_level1,
)


def pair_by_pair(codec: str, leads: range, trails: list[int] | range) -> frozenset[str]:
    """The reference: each pair decoded on its own, the undecodable ones left out."""
    characters = set()
    for lead in leads:
        for trail in trails:
            try:
                characters.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue
    return frozenset(characters)


@pytest.mark.parametrize(
    ("repertoire", "codec", "leads", "trails", "size"),
    [
        (gb2312_level1, "gb2312", range(0xB0, 0xD8), _TRAIL_BYTES_GB, 3755),
        (gb2312_hanzi, "gb2312", range(0xB0, 0xF8), _TRAIL_BYTES_GB, 6763),
        (big5_common, "big5", range(0xA4, 0xC7), _TRAIL_BYTES_BIG5, None),
        (big5_hanzi, "big5", range(0xA4, 0xFA), _TRAIL_BYTES_BIG5, None),
    ],
)
def test_each_repertoire_is_every_decodable_pair_and_nothing_else(
    repertoire: object, codec: str, leads: range, trails: list[int] | range, size: int | None
) -> None:
    assert callable(repertoire)
    found = repertoire()
    assert found == pair_by_pair(codec, leads, trails)
    assert "\ufffd" not in found, "an undecodable pair stands for nothing"
    assert all(len(character) == 1 for character in found)
    if size is not None:
        assert len(found) == size
