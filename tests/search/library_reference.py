"""An independent brute force for the library search: it shares no code with `reader.search`.

Folding, query syntax and the hit rule are written again here from the design's words:
Traditional -> Simplified (OpenCC, repeated until it stops changing), NFKC width and lower case
where either keeps one character, every space character a plain space; a hit is an occurrence
of a required term in a paragraph holding every required and no excluded term, scanned left to
right with the longest term winning where occurrences overlap.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import opencc

from reader.document.model import Document

_CONVERTER = opencc.OpenCC("t2s")


@cache
def fold_character(character: str) -> str:
    """One character folded (or itself where folding would change the length)."""
    if character.isspace():
        return " "
    if 0xD800 <= ord(character) <= 0xDFFF:
        return character
    wide = unicodedata.normalize("NFKC", character)
    character = wide if len(wide) == 1 else character
    lower = character.lower()
    character = lower if len(lower) == 1 else character
    for _ in range(4):
        simple = str(_CONVERTER.convert(character))
        if len(simple) != 1 or simple == character:
            break
        character = simple
    return character


def fold_text(text: str) -> str:
    """`text` folded character by character."""
    return "".join(fold_character(character) for character in text)


def query_text(required: list[str], excluded: list[str]) -> str:
    """The query a user would type: each term quoted, exclusions with a minus."""
    return " ".join([*(f'"{t}"' for t in required), *(f'-"{t}"' for t in excluded)])


def expected_hits(
    document_id: str, document: Document, required: list[str], excluded: list[str]
) -> set[tuple[str, int, int]]:
    """(document id, start, end) of every hit in `document`'s paragraphs."""
    wanted = [fold_text(term) for term in required]
    unwanted = [fold_text(term) for term in excluded]
    found: set[tuple[str, int, int]] = set()
    for paragraph in document.paragraphs:
        text = fold_text(document.text[paragraph.start : paragraph.end])
        if not wanted or not all(t in text for t in wanted) or any(t in text for t in unwanted):
            continue
        position = 0
        while position < len(text):
            lengths = [len(t) for t in wanted if t and text.startswith(t, position)]
            if lengths:
                longest = max(lengths)
                found.add(
                    (document_id, paragraph.start + position, paragraph.start + position + longest)
                )
                position += longest
            else:
                position += 1
    return found


def note_matches(searchable: str, required: list[str], excluded: list[str]) -> bool:
    """Whether a note's text holds every required and no excluded term."""
    text = fold_text(searchable)
    wanted = [fold_text(term) for term in required]
    return all(t in text for t in wanted) and not any(fold_text(t) in text for t in excluded)
