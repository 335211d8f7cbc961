"""What the user typed -> the substrings a paragraph must and must not contain.

The syntax is the one people already know from web search, and nothing else: words separated by
spaces must all occur (in any order) in the same paragraph, ``"quoted text"`` is one exact
phrase (spaces included), and a leading ``-`` excludes a word or phrase. Every other character,
including Whoosh's own operators (``AND``, ``*``, ``~``, ``:``...), is searched literally, so no
query can be malformed: an unbalanced quote simply quotes the rest of the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.search.folding import fold

_QUOTES = '"＂'
_EXCLUDE = "-－"


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query reduced to folded substrings."""

    text: str
    """The query as typed."""
    required: tuple[str, ...]
    """Folded substrings that must all occur in a paragraph."""
    excluded: tuple[str, ...]
    """Folded substrings none of which may occur in it."""

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to look for (blank, or only exclusions)."""
        return not self.required

    @property
    def phrases(self) -> tuple[str, ...]:
        """The required terms as one run of text, for ranking exact-phrase matches first:
        joined by a space as typed, and without it (Chinese has no spaces between words)."""
        return (" ".join(self.required), "".join(self.required))


def parse_query(text: str) -> ParsedQuery:
    """Split `text` into required and excluded folded substrings (see the module docstring)."""
    required: list[str] = []
    excluded: list[str] = []
    for term, is_excluded in _terms(text):
        folded = fold(term)
        target = excluded if is_excluded else required
        if folded and folded not in target:
            target.append(folded)
    return ParsedQuery(text=text, required=tuple(required), excluded=tuple(excluded))


def _terms(text: str) -> list[tuple[str, bool]]:
    """(term, excluded) pairs in the order typed."""
    terms: list[tuple[str, bool]] = []
    position, length = 0, len(text)
    while position < length:
        if text[position].isspace():
            position += 1
            continue
        excluded = text[position] in _EXCLUDE and position + 1 < length
        if excluded and not text[position + 1].isspace():
            position += 1
        else:
            excluded = False
        if text[position] in _QUOTES:
            end = _closing_quote(text, position + 1)
            term = text[position + 1 : end]
            position = end + 1
            if term.strip():
                terms.append((term, excluded))
            continue
        end = position
        while end < length and not text[end].isspace():
            end += 1
        terms.append((text[position:end], excluded))
        position = end
    return terms


def _closing_quote(text: str, start: int) -> int:
    """Index of the quote closing a phrase opened before `start`, or the end of the text."""
    for index in range(start, len(text)):
        if text[index] in _QUOTES:
            return index
    return len(text)
