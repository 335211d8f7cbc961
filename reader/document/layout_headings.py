"""Headings that only the layout of a file marks: a story collection's titles set apart from
the body by their indentation.

Many plain-text books carry no ``第X章`` at all: their titles are simply indented differently
from the body (one space where body paragraphs have four, or flush where the body is
indented). The body's indentation is read from the book itself, as the indentation most of
its sentences share; a heading is then a short line set differently that reads like a
title, never like a sentence or speech: no clause or sentence punctuation, no quotation
marks, something besides symbols (so a ``------`` separator is not one). A title that is
only a number (``一``, ``二``, ``(三)``, ``4.``) is a part of the story before it and sits
one level below it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

__all__ = ["LaidOut", "layout_headings"]


class LaidOut(Protocol):
    """What heading detection needs to know of a paragraph's layout (see `cleanup.Layout`)."""

    @property
    def indent(self) -> int | None: ...


MAX_TITLE_LENGTH = 32
MIN_BODY_PARAGRAPHS = 3
MIN_BODY_SHARE = 0.6
"""The body has an indentation when this share of its sentences has the same one."""
MAX_HEADING_SHARE = 0.5
"""More lines set apart than this means the layout is not about headings (verse, a list)."""

_NOT_IN_TITLES = frozenset('。，,；;！!？?…：:“”「」『』‘’"')
_WORDS = re.compile(r"[\w\u3400-\u9fff]")
_PART_NUMBER = re.compile(
    r"[(（]?[一二三四五六七八九十百〇零两0-9０-９]{1,4}[)）]?[、.．]?|[ivxlcIVXLC]{1,6}\.?"
)


def layout_headings(paragraphs: Sequence[str], layout: Sequence[LaidOut]) -> dict[int, int]:
    """Paragraph index -> level (1 for a story, 2 for its numbered parts) of the headings the
    layout marks; empty when the file has no layout to read."""
    body = body_indent(paragraphs, layout)
    if body is None:
        return {}
    candidates = [
        index
        for index, text in enumerate(paragraphs)
        if layout[index].indent not in (None, body) and reads_like_title(text)
    ]
    if len(candidates) > MAX_HEADING_SHARE * len(paragraphs):
        return {}
    candidates = _without_book_title(candidates, paragraphs, layout, body)
    numbered = [bool(_PART_NUMBER.fullmatch(paragraphs[index])) for index in candidates]
    # Parts nest only where their numbering starts again under each story: a novel's 一, 二,
    # … 十九 between a 序 and a 后记 are its chapters, all at one level.
    numbers = [paragraphs[i] for i, is_part in zip(candidates, numbered, strict=True) if is_part]
    nested = len(set(numbers)) < len(numbers)
    return {
        index: 2 if is_part and nested else 1
        for index, is_part in zip(candidates, numbered, strict=True)
    }


def _without_book_title(
    candidates: list[int], paragraphs: Sequence[str], layout: Sequence[LaidOut], body: int
) -> list[int]:
    """Of the lines set apart before the first body paragraph, only the last title (and the
    part numbers after it) head the first story: those before are the book's own title and
    byline (``《庄子》``, ``《家》巴金``)."""
    first_body = next(
        (i for i, text in enumerate(paragraphs) if layout[i].indent == body and text), 0
    )
    titles = [i for i in candidates if i < first_body and not _PART_NUMBER.fullmatch(paragraphs[i])]
    book_title = {0} if paragraphs and paragraphs[0].startswith("《") else set()
    dropped = {*titles[:-1], *book_title} if len(candidates) > 1 else set()
    return [index for index in candidates if index not in dropped]


def body_indent(paragraphs: Sequence[str], layout: Sequence[LaidOut]) -> int | None:
    """The indentation most body paragraphs (those that cannot be titles) share, or None if
    they share none."""
    indents = Counter(
        layout[index].indent
        for index, text in enumerate(paragraphs)
        if layout[index].indent is not None and not reads_like_title(text)
    )
    if not indents:
        return None
    indent, count = indents.most_common(1)[0]
    total = sum(indents.values())
    if total < MIN_BODY_PARAGRAPHS or count < MIN_BODY_SHARE * total:
        return None
    return indent


def reads_like_title(text: str) -> bool:
    """Short, with words in it, and neither a sentence nor speech."""
    return (
        len(text) <= MAX_TITLE_LENGTH
        and _WORDS.search(text) is not None
        and _NOT_IN_TITLES.isdisjoint(text)
    )
