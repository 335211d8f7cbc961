"""Heading and chapter detection over a document's cleaned paragraphs.

The input is the paragraph list after cleaning (stripped, non-empty, glosses removed); the output
is the outline a reader navigates. Three kinds of heading are recognised, from most to least
certain:

1. **Marked headings** — the conventions of Chinese books: ``第X回/章/节/節/卷/部/篇/集/折/幕``
   where X is Chinese (incl. 两 〇 零 廿), financial (壹贰叁…), Arabic or full-width numerals,
   optionally after ``上卷`` / ``卷一`` / ``第一卷`` / ``正文``, with the title separated by
   spaces or ``：:·.、`` *or attached directly* (``第一百二十回甄士隐详说太虚情``). Also a lone
   ``卷X`` / ``上卷`` / ``下篇`` and ``Chapter 1`` / ``CHAPTER ONE``. Such a line must be short
   (≤ 50 characters) and read like a title, not prose: it may not contain the clause punctuation
   ``。，,；;`` anywhere (a body paragraph that merely starts with ``第四回中…`` always has a
   comma), nor end with ``。．.；;：:，,、`` (a trailing colon introduces what follows). Spaces,
   ``·``, ``、``, quotes and ``！？!?`` *are* allowed: they separate or decorate the parts of
   real titles (``第五章 风、花、雪``, ``第三章 他是谁？``), and 红楼梦's own chapter 99 carries
   a stray ``?`` mid-title from a lost character. A title may not be told apart from the
   marker by anything but its position — ``第一百十九回中乡魁…`` is a real title whose first
   character is 中 — so no "looks like prose" guess is made about the words themselves.
2. **Front / back matter** — 序, 序言, 自序, 代序, 前言, 楔子, 引子, 引首, 引言, 后记/後記, 跋,
   尾声/尾聲, 附录/附錄 (optionally numbered) as a whole line or followed by a separator and a
   short title. A separator is required, so ``跋涉千里`` is not a heading.
3. **News-style headings** — only when the document has no marked heading. A *candidate* is a
   short line (≤ 32 characters) with no ``。``, not opening with a quote, not ending with
   sentence punctuation (``。．.！!；;：:，,、…—``, looking through closing quotes/brackets;
   ASCII and full-width alike) and not starting like a rejected marked heading (``第三回中，…``).
   A candidate is a heading when it sits *between* body paragraphs: the previous paragraph
   exists and is not a candidate, and the next one exists, is not a candidate and is longer.
   Requiring a body paragraph before it keeps a book's title line (``《红楼梦》``) and author
   line out of the outline: they are the opening, not a section. When candidates are
   implausibly many (more than a fifth of the paragraphs, and more than two), the text is
   dialogue or verse made of short lines and news-style detection is switched off. The count
   leaves out the opening run of short lines (title, author, date) and front-matter headings:
   they say nothing about the body, and counting them would silence a short essay collection.

4. **Layout headings** — when there is no marked heading and the file has a layout of its
   own: titles indented differently from the body, numbered parts one level below their
   story (`reader.document.layout_headings`). News-style detection is the fallback.

Levels: 部/卷/篇 rank 1, 章/回/集/折/幕/Chapter rank 2, 节/節 rank 3, front matter takes the
shallowest rank present, news-style headings rank 1; the ranks actually present are then
renumbered from 1, so a novel with only 回 has every chapter at level 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.document.layout_headings import LaidOut, layout_headings

__all__ = ["Heading", "detect_headings"]


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading paragraph: its index in the paragraphs, outline level (1 = top) and TOC title."""

    index: int
    level: int
    title: str


MAX_MARKED_LENGTH = 50
MAX_SHORT_LENGTH = 32
MAX_CANDIDATE_SHARE = 0.2
MIN_CANDIDATES_TOLERATED = 2

_NUM = "0-9０-９〇零一二三四五六七八九十百千万萬两兩廿卅壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"
_SEP = r"\s：:·・•.．、"
_MARKER_RANK = {**dict.fromkeys("部卷篇", 1), **dict.fromkeys("回章集折幕", 2), "节": 3, "節": 3}
_CHAPTER_RANK = 2

_CHAPTER_PREFIX = rf"(?:[上中下前后後][卷部篇]|卷之?[{_NUM}]+|第[{_NUM}]+[卷部]|正文卷?)[{_SEP}]*"
_CHAPTER_RE = re.compile(
    rf"(?:{_CHAPTER_PREFIX})?第\s*[{_NUM}]+\s*(?P<marker>[回章节節卷部篇集折幕])"
)
_VOLUME_RE = re.compile(rf"(?:卷之?[{_NUM}]+|[上中下前后後](?P<marker>[卷部篇]))(?=[{_SEP}]|$)")
_ENGLISH_RE = re.compile(rf"chapter\s+(?P<num>\d+|[a-z]+(?:-[a-z]+)?)(?=[{_SEP}]|$)", re.I)
_ROMAN_RE = re.compile(r"[ivxlcdm]+", re.I)
_FRONT_RE = re.compile(
    r"(?:序言|自序|代序|序|前言|楔子|引子|引首|引言|后记|後記|跋|尾声|尾聲|附录|附錄)"
    rf"[{_NUM}]{{0,3}}(?=[{_SEP}]|$)"
)
_NUMBER_WORD_RE = re.compile(
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|hundred"
    r"|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty",
    re.I,
)

_CLAUSE_PUNCT = frozenset("。，,；;")
_TITLE_BAD_ENDINGS = frozenset("。．.；;：:，,、")
_SENTENCE_ENDINGS = frozenset("。．.！!；;：:，,、…—")
_CLOSERS = "”’」』\"'）)》〉】]"
_OPEN_QUOTES = frozenset("“「『‘\"'")
_WHITESPACE_RUN = re.compile(r"\s+")


def detect_headings(
    paragraphs: Sequence[str], layout: Sequence[LaidOut] | None = None
) -> list[Heading]:
    """The headings among `paragraphs`, in order (see the module docstring for the rules).

    `layout` tells how each paragraph was set in the file; with it, a book whose headings are
    marked only by their indentation is outlined too (`layout_headings`)."""
    ranked: dict[int, int] = {}
    front: list[int] = []
    for index, text in enumerate(paragraphs):
        rank = _marked_rank(text)
        if rank is not None:
            ranked[index] = rank
        elif _is_front_matter(text):
            front.append(index)
    if not ranked and layout is not None:
        ranked = layout_headings(paragraphs, layout)
        front = [index for index in front if index not in ranked]
    if not ranked:
        ranked = dict.fromkeys(_news_headings(paragraphs, set(front)), 1)
    shallowest = min(ranked.values(), default=1)
    ranked.update(dict.fromkeys(front, shallowest))
    levels = {rank: level for level, rank in enumerate(sorted(set(ranked.values())), start=1)}
    return [
        Heading(index, levels[ranked[index]], _title(paragraphs[index])) for index in sorted(ranked)
    ]


def _marked_rank(text: str) -> int | None:
    """The rank of a 第X回, 卷X or ``Chapter N`` heading, or None if `text` is not one."""
    if len(text) > MAX_MARKED_LENGTH or not _reads_like_title(text):
        return None
    if match := _CHAPTER_RE.match(text):
        return _MARKER_RANK[match["marker"]]
    if match := _VOLUME_RE.match(text):
        return _MARKER_RANK[match["marker"] or "卷"]
    if (match := _ENGLISH_RE.match(text)) and _is_english_number(match["num"]):
        return _CHAPTER_RANK
    return None


def _is_english_number(word: str) -> bool:
    lowered = word.lower()
    if lowered.isdigit() or _ROMAN_RE.fullmatch(lowered):
        return True
    return all(_NUMBER_WORD_RE.fullmatch(part) for part in lowered.split("-"))


def _is_front_matter(text: str) -> bool:
    return (
        len(text) <= MAX_SHORT_LENGTH
        and _reads_like_title(text)
        and _FRONT_RE.match(text) is not None
    )


def _reads_like_title(text: str) -> bool:
    """No clause punctuation inside, and no ending that makes the line a sentence or a lead-in."""
    if not _CLAUSE_PUNCT.isdisjoint(text):
        return False
    return _last_significant(text) not in _TITLE_BAD_ENDINGS


def _last_significant(text: str) -> str:
    """The last character once closing quotes and brackets are looked through ('' if none)."""
    trimmed = text.rstrip().rstrip(_CLOSERS)
    return trimmed[-1:] if trimmed else ""


def _is_news_candidate(text: str) -> bool:
    return (
        0 < len(text) <= MAX_SHORT_LENGTH
        and "。" not in text
        and text[0] not in _OPEN_QUOTES
        and _last_significant(text) not in _SENTENCE_ENDINGS
        and _CHAPTER_RE.match(text) is None
    )


def _news_headings(paragraphs: Sequence[str], taken: set[int]) -> list[int]:
    """Indices of short standalone lines set between body paragraphs (see the module docstring)."""
    candidates = [_is_news_candidate(text) for text in paragraphs]
    opening = next((i for i, candidate in enumerate(candidates) if not candidate), 0)
    count = sum(1 for i in range(opening, len(paragraphs)) if candidates[i] and i not in taken)
    if count > MIN_CANDIDATES_TOLERATED and count > MAX_CANDIDATE_SHARE * len(paragraphs):
        return []
    return [
        index
        for index in range(1, len(paragraphs) - 1)
        if candidates[index]
        and index not in taken
        and not candidates[index - 1]
        and (index - 1) not in taken
        and not candidates[index + 1]
        and (index + 1) not in taken
        and len(paragraphs[index + 1]) > len(paragraphs[index])
    ]


def _title(text: str) -> str:
    """The heading as a TOC shows it: whitespace runs (incl. U+3000) collapsed to one space."""
    return _WHITESPACE_RUN.sub(" ", text).strip()
