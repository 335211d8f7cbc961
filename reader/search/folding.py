"""Folding: the one form in which documents and queries are compared.

Traditional characters become Simplified (OpenCC ``t2s``), full-width forms become half-width
(NFKC) and letters lose their case, so ``應用`` finds ``应用``, and ``ＧＰＴ`` finds ``gpt``.
Folding maps each character to exactly one character, so an offset in the folded text is the
same offset in the canonical text: hit positions need no translation.

It lives apart from the index's analysis (`reader.search.analysis`) so that what only folds (the
exact scan, the annotations panel's filter, the command line) never loads Whoosh.
"""

from __future__ import annotations

import unicodedata
from functools import cache

FOLD_CHUNK = 32_768
_SURROGATES_START, _SURROGATES_END = 0xD800, 0xDFFF
_MAX_SIMPLIFY_STEPS = 4


class TextFolding:
    """Folds text character by character, caching each character's folded form."""

    def __init__(self) -> None:
        import opencc  # its dictionaries load with the first fold, not before the first paint

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
