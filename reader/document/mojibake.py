"""Repairing runs of GBK text that the site a document came from read one byte out of step.

The bundled article was saved from a site that glosses converted characters with pinyin
(``國(guó)``) and, here and there, read its own GBK bytes one byte out of step. Such a run
looks like this (``也正因為如此,`` became)::

    也正因?yàn)槿绱,
          │    │ └ 此 lost its second byte: nothing shows of it
          │    └ 槿 绱: the bytes of 為 如 此 paired one byte late (e9 c8 | e7 b4)
          └ a *ghost*: 因's second byte and 為's first (f2 9e) read as 驗, shown as ``?`` and
            its gloss ``yàn)``

Where the run stops, the last character's second byte is lost too: as ``?`` plus what is left
of its gloss (``袊?guó)`` for 國), as an ASCII letter when that byte is one (``殡S`` for 隨,
``F(xiàn)`` for 現), or not at all before punctuation. A pair the site could not decode
(GBK's user-defined area) vanished, taking a byte of two characters with it.

The repair undoes this: it re-encodes the run, puts back the lost bytes, decodes, and keeps a
character only where the bytes and the glosses leave exactly one candidate: the ghost's
reading fixes the run's first byte (驗 = f2 9e, so 為 starts with 9e), the trailing gloss fixes
the last character's second byte. A character they do not determine becomes ``〓`` (the
printer's mark for a missing character) and its range is reported, so the reader can show it
as garbled in the source rather than pretend to know it.

Everything starts from an anchor that clean text does not contain: ``?`` glued to a
tone-marked pinyin syllable and ``)``. An ASCII letter glossed like a Han character
(``F(xiàn)``) is repaired only when the gloss determines the character fully, since a pinyin
primer may gloss a letter on purpose.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reader.document.charsets import big5_hanzi, gb2312_hanzi
from reader.document.pinyin import SYLLABLE_LETTERS, is_tone_marked_pinyin

__all__ = ["MISSING", "Repaired", "has_garbled_runs", "repair", "repair_paragraphs"]

MISSING = "〓"
"""Stands for a character the source garbled beyond recovery (the geta mark of typesetting)."""

_SYLLABLE = SYLLABLE_LETTERS
_STRAY_GLOSS = re.compile(rf"\?(?P<reading>{_SYLLABLE})\)")
_GLOSSED_BYTE = re.compile(rf"(?P<byte>[\x40-\x7e])\((?P<reading>{_SYLLABLE})\)")
_INTACT_GLOSS = re.compile(rf"\((?P<reading>{_SYLLABLE})\)")
_ANCHOR = re.compile(
    rf"\?(?P<reading>{_SYLLABLE})\)|(?P<byte>[\x40-\x7e])\((?P<byte_reading>{_SYLLABLE})\)"
)
_ANCHOR_HINT = re.compile(rf"[?(]{_SYLLABLE}")
"""What every anchor holds, as a pattern the regex engine scans for quickly (it tries
`_ANCHOR`'s alternatives at every character: 13 ms on the novel, which has none)."""

_LEADS = range(0x81, 0xFF)
_HIGH_TRAILS = range(0x80, 0xFF)
"""Second bytes that cannot show as ASCII: a lost one left no letter behind."""


@dataclass(frozen=True, slots=True)
class Repaired:
    """A repaired paragraph and the ranges in it that stand for unrecoverable characters."""

    text: str
    missing: tuple[tuple[int, int], ...] = ()


def has_garbled_runs(text: str) -> bool:
    """Whether `text` may hold a run to repair: one quick scan, so clean books pay nothing."""
    if _ANCHOR_HINT.search(text) is None:
        return False
    return any(_is_anchor(match) for match in _ANCHOR.finditer(text))


def repair_paragraphs(paragraphs: Sequence[str]) -> list[Repaired]:
    """`repair` for each paragraph (untouched ones are returned as they are)."""
    return [repair(text) if has_garbled_runs(text) else Repaired(text) for text in paragraphs]


def repair(text: str) -> Repaired:
    """`text` with every out-of-step run restored where its bytes and glosses allow."""
    pieces: list[str] = []
    missing: list[tuple[int, int]] = []
    length = 0
    done = 0  # everything before `done` is final
    for match in _ANCHOR.finditer(text):
        if match.start() < done or not _is_anchor(match):
            continue
        fix = _fix_at(text, match, done)
        if fix is None:
            continue
        start, end, chars = fix
        pieces.append(text[done:start])
        length += start - done
        for char in chars:
            if char is None:
                missing.append((length, length + 1))
            pieces.append(char or MISSING)
            length += 1
        done = end
    pieces.append(text[done:])
    return Repaired("".join(pieces), tuple(missing))


def _is_anchor(match: re.Match[str]) -> bool:
    reading = match["reading"] or match["byte_reading"]
    return is_tone_marked_pinyin(reading)


Restored = list[str | None]
"""The restored characters of a run; None where the evidence leaves several candidates."""


def _fix_at(text: str, anchor: re.Match[str], floor: int) -> tuple[int, int, Restored] | None:
    """The span of `text` the run around `anchor` covers and what replaces it, or None."""
    if anchor["reading"] is not None:
        return _fix_ghost(text, anchor) or _fix_stray_end(text, anchor, floor)
    return _fix_glossed_byte(text, anchor, floor)


def _fix_ghost(text: str, ghost: re.Match[str]) -> tuple[int, int, Restored] | None:
    """A stray gloss after an intact character: the ghost that starts a run."""
    start = ghost.start()
    intact = _char_before_gloss(text, start)
    before = _gbk_pair(text[intact]) if intact >= 0 else None
    if before is None or before[1] not in _LEADS:
        return None
    leads = _ghost_leads(before[1], ghost["reading"])
    if not leads:
        return None
    run_end = _two_byte_run_end(text, ghost.end())
    trails, reading, end = _run_ending(text, run_end)
    body = _gbk(text[ghost.end() : run_end])
    chars = _restore(leads, body, trails, reading)
    return None if chars is None else (start, end, chars)


def _char_before_gloss(text: str, end: int) -> int:
    """The index of the character before `end`, looking through one intact gloss
    (``當(dāng)?shù)``: the ghost follows 當 and its gloss)."""
    opening = text.rfind("(", max(end - 9, 0), end)
    gloss = _INTACT_GLOSS.fullmatch(text, opening, end) if opening > 0 else None
    if gloss and is_tone_marked_pinyin(gloss["reading"]):
        return opening - 1
    return end - 1


def _fix_stray_end(text: str, stray: re.Match[str], floor: int) -> tuple[int, int, Restored] | None:
    """A stray gloss with no ghost before the run: only the last character has evidence."""
    run_start = _two_byte_run_start(text, stray.start(), floor)
    body = _gbk(text[run_start : stray.start()])
    chars = _restore(set(_LEADS), body, set(_HIGH_TRAILS), stray["reading"])
    if chars is None:  # the run before reads as no run: only the lost character is known lost
        return stray.start(), stray.end(), [None]
    return run_start, stray.end(), chars


def _fix_glossed_byte(
    text: str, anchor: re.Match[str], floor: int
) -> tuple[int, int, Restored] | None:
    """``F(xiàn)``: a lone second byte showing as ASCII, with its character's gloss."""
    if _two_byte_run_start(text, anchor.start(), floor) != anchor.start():
        return None  # an unknown first byte before it: nothing would be determined
    byte = ord(anchor["byte"])
    chars = _restore(set(_LEADS), b"", {byte}, anchor["byte_reading"])
    if chars is None or None in chars:
        return None
    return anchor.start(), anchor.end(), chars


def _run_ending(text: str, at: int) -> tuple[set[int], str | None, int]:
    """How a run ending at `at` lost its last byte: the possible bytes, the reading the last
    character must have (if its gloss survived) and where the damage ends."""
    if (stray := _STRAY_GLOSS.match(text, at)) and is_tone_marked_pinyin(stray["reading"]):
        return set(_HIGH_TRAILS), stray["reading"], stray.end()
    if at < len(text) and 0x40 <= ord(text[at]) <= 0x7E:
        gloss = _GLOSSED_BYTE.match(text, at)
        if gloss and is_tone_marked_pinyin(gloss["reading"]):
            return {ord(text[at])}, gloss["reading"], gloss.end()
        return {ord(text[at])}, None, at + 1
    return set(_HIGH_TRAILS), None, at


def _restore(
    leads: set[int], body: bytes, trails: set[int], reading: str | None
) -> Restored | None:
    """Decode ``lead + body + trail`` for every candidate lead and trail byte.

    If no trail fits the last character's reading, the site may have dropped an undecodable
    pair just before it; that hypothesis is tried next. None when nothing fits at all.
    """
    last_leads = {body[-1]} if body else leads
    first = [_candidates(leads, {body[0]})] if body else []
    middle = [_candidates({body[i]}, {body[i + 1]}) for i in range(1, len(body) - 1, 2)]
    last = _candidates(last_leads, trails, reading)
    if last or not body or reading is None:
        return _settle([*first, *middle, last])
    dropped_leads = {x for x in _LEADS for y in trails if _reads(_decode(x, y), reading)}
    before_drop = {t for t in _HIGH_TRAILS if any(_decode(t, x) is None for x in dropped_leads)}
    return _settle(
        [
            *first,
            *middle,
            _candidates({body[-1]}, before_drop),
            _candidates(dropped_leads, trails, reading),
        ]
    )


def _candidates(leads: set[int], trails: set[int], reading: str | None = None) -> set[str]:
    """The characters ``lead + trail`` decodes to; with the gloss's `reading`, only those the
    site would have glossed so, and of those the likeliest (see `_likeliest`)."""
    found = {char for x in leads for y in trails if (char := _decode(x, y)) is not None}
    if reading is None:
        return _likeliest(found, (_common(),))
    glossed = {char for char in found if _reads(char, reading)}
    return _likeliest(glossed, (_traditional_only(), _common()))


def _ghost_leads(trail_before: int, reading: str) -> set[int]:
    """The first bytes of a run whose ghost (the byte before it and this one) reads `reading`."""
    ghosts = {x: _decode(trail_before, x) for x in _LEADS}
    glossed = {char for char in ghosts.values() if char is not None and _reads(char, reading)}
    likeliest = _likeliest(glossed, (_traditional_only(), _common()))
    return {x for x, char in ghosts.items() if char in likeliest}


def _likeliest(found: set[str], tiers: Sequence[frozenset[str]]) -> set[str]:
    """The candidates from the first tier that has any, else all of them.

    The site glosses the characters it converted to Traditional, so a glossed character is most
    likely Traditional-only; any character is likelier to be in common use (GB2312 or Big5)
    than one of GBK's rare extensions.
    """
    for tier in tiers:
        if kept := found & tier:
            return kept
    return found


def _settle(positions: list[set[str]]) -> Restored | None:
    """One character per position where exactly one candidate is left; None if any is empty."""
    if any(not candidates for candidates in positions):
        return None
    return [next(iter(c)) if len(c) == 1 else None for c in positions]


@cache
def _common() -> frozenset[str]:
    return gb2312_hanzi() | big5_hanzi()


@cache
def _traditional_only() -> frozenset[str]:
    return big5_hanzi() - gb2312_hanzi()


def _two_byte_run_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and _gbk_pair(text[end]) is not None:
        end += 1
    return end


def _two_byte_run_start(text: str, end: int, floor: int) -> int:
    start = end
    while start > floor and _gbk_pair(text[start - 1]) is not None:
        start -= 1
    return start


@cache
def _gbk_pair(char: str) -> bytes | None:
    """The two GBK bytes of `char`, or None for ASCII and what GBK cannot encode."""
    try:
        encoded = char.encode("gbk")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 else None


def _gbk(run: str) -> bytes:
    return b"".join(_gbk_pair(char) or b"" for char in run)


@cache
def _decode(lead: int, trail: int) -> str | None:
    try:
        char = bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


def _reads(char: str | None, reading: str) -> bool:
    """Whether `reading` is one of the readings of `char`, by pypinyin's dictionary."""
    return char is not None and reading in _readings(char)


@cache
def _readings(char: str) -> frozenset[str]:
    """The readings of `char`, made into a set only for the characters a repair asks about
    (a thousand or so for the bundled article, of the table's 42,000)."""
    readings = _reading_table().get(str(ord(char)))
    return frozenset(readings.split(",")) if readings else frozenset()


@cache
def _reading_table() -> dict[str, str]:
    """Code point (in decimal) -> its readings joined by commas, from pypinyin's dictionary,
    loaded only when a text has a run to repair.

    Its JSON copy is read directly: importing the `pypinyin` package would also load its phrase
    tables and converters, eight times slower, on the way to showing the bundled article.
    """
    spec = importlib.util.find_spec("pypinyin")
    table_file = Path(spec.origin).with_name("pinyin_dict.json") if spec and spec.origin else None
    if table_file is not None and table_file.is_file():
        table: dict[str, str] = json.loads(table_file.read_bytes())
        return table
    from pypinyin.pinyin_dict import pinyin_dict

    return {str(code): readings for code, readings in pinyin_dict.items()}
