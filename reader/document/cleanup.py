"""Turning decoded text into clean paragraphs: the single place where raw text is edited.

What is removed here never reaches the screen, the index or an annotation, so the rules are
deliberately narrow:

* line endings of every kind become paragraph breaks, and blank lines disappear (paragraph
  spacing is the view's job, not the text's);
* leading and trailing whitespace of a paragraph goes (novels indent with U+3000; the view
  indents consistently instead);
* control characters that would show as boxes go;
* runs the source site garbled (GBK read one byte out of step) are repaired, before the
  glosses go since the repair reads them (`reader.document.mojibake`);
* inline pinyin glosses such as ``創(chuàng)`` lose the ``(chuàng)``. A gloss is a parenthesised
  *single* Hanyu Pinyin syllable carrying a tone mark, attached to the character before it, so
  ``(AGI)``, ``(3.34萬億)``, ``(孫迎新/文)`` and ``(a)`` stay;
* lines longer than `MAX_PARAGRAPH_LENGTH` are soft-wrapped at sentence ends, because Qt needs
  tens of seconds to lay out one huge line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.document.mojibake import MISSING, has_garbled_runs, repair
from reader.document.pinyin import SYLLABLE_LETTERS, is_tone_marked_pinyin

MAX_PARAGRAPH_LENGTH = 4000
"""Longest paragraph handed on; longer lines are split, preferably after a sentence end."""

# CR LF is one break. Written as one character class first (rather than `\r\n|[...]`), so the
# regex engine scans for it quickly: splitting the novel took twice as long.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029](?:(?<=\r)\n)?")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufeff\ufffe]")
_GLOSS = re.compile(rf"(?<=[^\s(（])\(({SYLLABLE_LETTERS})\)")
_SENTENCE_END = re.compile(r"[。！？!?；;…」』”]+")


@dataclass(frozen=True, slots=True)
class CleanText:
    """The clean paragraphs, and where in them a character garbled in the source is missing."""

    paragraphs: list[str] = field(default_factory=list)
    missing: list[tuple[int, int]] = field(default_factory=list)
    """(paragraph index, offset in the paragraph) of each `MISSING` mark the repair put in."""
    layout: list[Layout] = field(default_factory=list)
    """How each paragraph was set in the file: what heading detection reads layout from."""


@dataclass(frozen=True, slots=True)
class Layout:
    """A paragraph's place in the file's own layout, before cleaning stripped it."""

    indent: int | None
    """Leading whitespace in columns (a space 1, U+3000 2, a tab 4); None for the second and
    later pieces of a soft-wrapped line, which had no indentation of their own."""
    blank_before: bool
    """Whether a blank line precedes it."""


def clean_paragraphs(text: str) -> list[str]:
    """Split decoded text into the clean, non-empty paragraphs of the canonical text."""
    return clean_text(text).paragraphs


def clean_text(text: str) -> CleanText:
    """`clean_paragraphs`, with garbled runs repaired first (they need the glosses) and the
    characters the repair could not restore located in the result."""
    text = _CONTROL_CHARACTERS.sub("", text)
    garbled = has_garbled_runs(text)
    clean = CleanText()
    blank_before = False
    for line in _LINE_BREAKS.split(text):
        introduced: set[int] = set()
        if garbled:
            line, introduced = _repaired(line)
        pieces = list(soft_wrap(strip_pinyin_glosses(line).strip()))
        if not pieces:
            blank_before = True
            continue
        if introduced:
            _locate_missing(pieces, introduced, len(clean.paragraphs), clean.missing)
        clean.paragraphs.extend(pieces)
        clean.layout.append(Layout(indent_of(line), blank_before))
        clean.layout.extend(Layout(None, False) for _piece in pieces[1:])
        blank_before = False
    return clean


_INDENT_WIDTH = {" ": 1, "\xa0": 1, "\u3000": 2, "\t": 4}


def indent_of(line: str) -> int:
    """The width of `line`'s leading whitespace, in columns of a half-width space."""
    width = 0
    for char in line:
        if char not in _INDENT_WIDTH:
            break
        width += _INDENT_WIDTH[char]
    return width


def _repaired(line: str) -> tuple[str, set[int]]:
    """`line` repaired, and the ordinals (among all `MISSING` marks of the repaired line) of the
    marks the repair introduced: cleaning never adds or removes one, so ordinals survive it."""
    result = repair(line)
    if not result.missing:
        return result.text, set()
    starts = {start for start, _end in result.missing}
    marks = [i for i, char in enumerate(result.text) if char == MISSING]
    return result.text, {ordinal for ordinal, i in enumerate(marks) if i in starts}


def _locate_missing(
    pieces: list[str], introduced: set[int], first_index: int, found: list[tuple[int, int]]
) -> None:
    ordinal = 0
    for number, piece in enumerate(pieces):
        for offset, char in enumerate(piece):
            if char == MISSING:
                if ordinal in introduced:
                    found.append((first_index + number, offset))
                ordinal += 1


def strip_pinyin_glosses(line: str) -> str:
    """Remove ``(syllable)`` glosses that follow a character, leaving all other brackets."""
    if "(" not in line:
        return line
    return _GLOSS.sub(_drop_if_pinyin, line)


def _drop_if_pinyin(match: re.Match[str]) -> str:
    syllable = match.group(1)
    return "" if is_tone_marked_pinyin(syllable) else match.group(0)


def soft_wrap(line: str, limit: int = MAX_PARAGRAPH_LENGTH) -> Iterator[str]:
    """Cut `line` into pieces of at most `limit` characters, after a sentence end if one lies in
    the second half of the window, else at the limit."""
    start = 0
    while len(line) - start > limit:
        window = line[start : start + limit]
        cut = limit
        for match in _SENTENCE_END.finditer(window, limit // 2):
            cut = match.end()
        piece = window[:cut].strip()
        if piece:
            yield piece
        start += cut
    rest = line[start:].strip()
    if rest:
        yield rest
