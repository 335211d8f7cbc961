"""Re-anchoring: annotations follow their text through edits, or become orphans, never misplaced."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.annotations.anchoring import (
    MIN_SIMILARITY,
    AnchoringResult,
    Method,
    Placement,
    anchor,
    anchor_all,
)
from reader.annotations.model import Annotation, TextPosition, annotate, quote_of
from reader.document.loader import load_document
from reader.document.model import Document

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
NOVEL = CORPUS / "hongloumeng.txt"

# Chapter one of the novel, long enough for real contexts and repeated words.
PASSAGE_LENGTH = 6000


@pytest.fixture(scope="module")
def novel() -> Document:
    return load_document(NOVEL)


@pytest.fixture(scope="module")
def passage(novel: Document) -> str:
    start = novel.sections[0].start if novel.sections else 0
    return novel.text[start : start + PASSAGE_LENGTH]


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def assert_nothing_misplaced(result: AnchoringResult, text: str) -> None:
    """Exact methods sit on their quote; fuzzy ones on text similar enough to it."""
    for placement in result.placed:
        start, end = placement.position.start, placement.position.end
        exact = placement.annotation.quote.exact
        assert 0 <= start < end <= len(text)
        assert placement.quote == quote_of(text, start, end)
        if placement.method is Method.FUZZY:
            errors = edit_distance(text[start:end], exact)
            assert 1 - errors / len(exact) >= MIN_SIMILARITY
        else:
            assert text[start:end] == exact


def spread(text: str, count: int, seed: int, document: str = "doc") -> list[Annotation]:
    rng = random.Random(seed)
    annotations = []
    for _ in range(count):
        start = rng.randrange(len(text) - 1)
        end = min(len(text), start + rng.randint(1, 40))
        annotations.append(annotate(text, document, document, start, end))
    return annotations


def by_id(result: AnchoringResult) -> dict[str, Placement]:
    return {p.annotation.id: p for p in result.placed}


# --- unchanged and shifted text ------------------------------------------------------------------


def test_unchanged_text_places_everything_by_position(novel: Document) -> None:
    annotations = spread(novel.text, 2000, seed=1)
    result = anchor_all(annotations, novel.text)
    assert result.orphans == []
    assert [p.annotation for p in result.placed] == annotations
    for placement in result.placed:
        assert placement.method is Method.POSITION
        assert placement.position == placement.annotation.position
        assert placement.quote == placement.annotation.quote


@pytest.mark.parametrize(
    ("offset", "inserted", "deleted"),
    [
        (-200, "新添的一句话。", 0),  # insertion well before
        (-200, "", 7),  # deletion well before
        (-200, "加", 3),  # replacement well before
        (-5, "多", 0),  # insertion inside the prefix
        (-5, "", 2),  # deletion inside the prefix
        (3, "插入", 0),  # inside the suffix (offset from the quote's end)
        (3, "", 2),  # deletion inside the suffix
        (200, "后面的字", 0),  # insertion well after
        (200, "", 9),  # deletion well after
    ],
)
def test_edits_outside_the_quote_keep_it_on_its_text(
    passage: str, offset: int, inserted: str, deleted: int
) -> None:
    start, end = 2500, 2512
    annotation = annotate(passage, "doc", "text-of-doc", start, end, note="a note")
    at = start + offset if offset < 0 else end + offset
    edited = passage[:at] + inserted + passage[at + deleted :]
    shift = len(inserted) - deleted if at < start else 0

    placement = anchor(annotation, edited)

    assert placement is not None
    assert placement.position == TextPosition(start + shift, end + shift)
    assert edited[start + shift : end + shift] == annotation.quote.exact
    expected_method = Method.POSITION if shift == 0 else Method.EXACT
    assert placement.method is expected_method
    assert placement.quote == quote_of(edited, start + shift, end + shift)


def test_all_annotations_follow_an_edit_before_them(novel: Document) -> None:
    annotations = spread(novel.text, 3000, seed=2)
    at = novel.paragraphs[3].start + 10
    edited = novel.text[:at] + "（此处新增数字）" + novel.text[at:]
    result = anchor_all(annotations, edited)
    assert result.orphans == []
    assert_nothing_misplaced(result, edited)
    for placement in result.placed:
        old = placement.annotation.position
        shift = 8 if old.start - len(placement.annotation.quote.prefix) >= at else 0
        if old.end + len(placement.annotation.quote.suffix) <= at or shift:
            assert placement.position == TextPosition(old.start + shift, old.end + shift)


# --- edited quotes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inside", "inserted", "deleted", "length_change"),
    [
        (6, "改", 1, 0),  # one character replaced
        (6, "多", 0, 1),  # one character inserted
        (6, "", 1, -1),  # one character deleted
        (1, "错", 1, 0),  # near the quote's start
        (14, "错", 1, 0),  # its last character
    ],
)
def test_an_edited_character_inside_the_quote_is_found_fuzzily(
    passage: str, inside: int, inserted: str, deleted: int, length_change: int
) -> None:
    start, end = 3000, 3015
    annotation = annotate(passage, "doc", "text-of-doc", start, end)
    at = start + inside
    assert passage[at : at + deleted] != inserted
    edited = passage[:50] + "前面插入" + passage[50:at] + inserted + passage[at + deleted :]

    placement = anchor(annotation, edited)

    assert placement is not None
    assert placement.method is Method.FUZZY
    assert placement.position == TextPosition(start + 4, end + 4 + length_change)
    assert edited[start + 4 : end + 4 + length_change] == placement.quote.exact


def test_a_rewritten_passage_becomes_an_orphan(passage: str) -> None:
    start, end = 3000, 3012
    annotation = annotate(passage, "doc", "text-of-doc", start, end)
    rewritten = "".join(chr(0x4E00 + (ord(c) * 7) % 20000) for c in passage[start - 40 : end + 40])
    edited = passage[: start - 40] + rewritten + passage[end + 40 :]
    assert anchor(annotation, edited) is None


def test_a_quote_edited_beyond_the_threshold_is_an_orphan(passage: str) -> None:
    start, end = 3000, 3008
    annotation = annotate(passage, "doc", "text-of-doc", start, end)
    edited = passage[:start] + "甲乙丙" + passage[start + 3 :]  # 3 of 8 characters changed
    assert anchor(annotation, edited) is None


# --- deleted text and repeated words -------------------------------------------------------------


def test_a_deleted_paragraph_orphans_its_annotations_and_misplaces_nothing(
    novel: Document,
) -> None:
    index = next(
        i
        for i in range(len(novel.paragraphs) // 2, len(novel.paragraphs))
        if novel.paragraphs[i].end - novel.paragraphs[i].start > 400
    )
    paragraph = novel.paragraphs[index]
    cut_start, cut_end = paragraph.start, paragraph.end + 1  # with its separator
    rng = random.Random(3)
    inside = []
    for _ in range(40):
        start = rng.randrange(paragraph.start + 10, paragraph.end - 50)
        inside.append(annotate(novel.text, "doc", "text-of-doc", start, start + rng.randint(2, 40)))
    around = [
        annotate(
            novel.text, "doc", "text-of-doc", cut_start - 12, cut_start - 4
        ),  # prefix reaches into the cut
        annotate(
            novel.text, "doc", "text-of-doc", cut_end + 1, cut_end + 6
        ),  # its prefix is all deleted
        annotate(
            novel.text, "doc", "text-of-doc", cut_start - 3, cut_start + 3
        ),  # straddles the cut
    ]
    outside = [
        a
        for a in spread(novel.text, 2000, seed=4)
        if a.end <= cut_start - 40 or a.start >= cut_end + 40
    ]
    edited = novel.text[:cut_start] + novel.text[cut_end:]

    result = anchor_all(inside + around + outside, edited)

    assert {a.id for a in inside} <= {a.id for a in result.orphans}
    assert_nothing_misplaced(result, edited)
    placed = by_id(result)
    shift = cut_start - cut_end
    assert placed[around[0].id].position == around[0].position
    moved = around[1].position
    assert placed[around[1].id].position == TextPosition(moved.start + shift, moved.end + shift)
    for annotation in outside:
        old = annotation.position
        delta = shift if old.start >= cut_end else 0
        assert placed[annotation.id].position == TextPosition(old.start + delta, old.end + delta)


def test_a_repeated_word_finds_its_own_occurrence_by_context(novel: Document) -> None:
    text = novel.text
    starts = [i for i in range(len(text)) if text.startswith("宝玉", i)]
    assert len(starts) > 1000
    chosen = random.Random(5).sample(starts, 150)
    annotations = [annotate(text, "doc", "text-of-doc", s, s + 2) for s in chosen]
    at = novel.paragraphs[5].start
    edited = text[:at] + "一二三" + text[at:]

    result = anchor_all(annotations, edited)
    assert result.orphans == []
    for placement in result.placed:
        old = placement.annotation.position
        assert placement.position == TextPosition(old.start + 3, old.end + 3)

    # Even with a useless position, the context alone picks the right occurrence (or one whose
    # quote and context are identical, which no reader could tell apart).
    for annotation in annotations[:60]:
        lost = replace(annotation, position=TextPosition(0, 2))
        found = anchor(lost, edited)
        assert found is not None
        expected = annotation.start + 3
        assert found.position.start == expected or found.quote == quote_of(
            edited, expected, expected + 2
        )


# --- characters outside the BMP ------------------------------------------------------------------


def test_astral_characters_in_and_around_quotes_count_as_one() -> None:
    # Every third character is from CJK Extension B (two UTF-16 units, one code point).
    text = "".join(chr(0x20000 + i) if i % 3 == 0 else chr(0x4E00 + 7 * i) for i in range(300))
    start = 151
    annotation = annotate(text, "doc", "text-of-doc", start, start + 6)
    assert annotation.quote.exact == text[151:157]
    assert sum(ord(c) > 0xFFFF for c in annotation.quote.exact + annotation.quote.prefix) > 10
    replaced = "𡘙"  # an astral character replaces the fourth one of the quote
    edited = "𠀀𠀁" + text[: start + 3] + replaced + text[start + 4 :]

    placement = anchor(annotation, edited)

    assert placement is not None
    assert placement.method is Method.FUZZY
    assert placement.position == TextPosition(start + 2, start + 8)
    assert placement.quote.exact == text[151:154] + replaced + text[155:157]

    plain = annotate(text, "doc", "text-of-doc", 30, 32)  # starts with an astral character
    assert ord(plain.quote.exact[0]) > 0xFFFF
    result = anchor_all([plain, annotation], "𠀀" + text)
    assert [p.position for p in result.placed] == [TextPosition(31, 33), TextPosition(152, 158)]
    assert [p.method for p in result.placed] == [Method.EXACT, Method.EXACT]


def test_quotes_at_the_ends_of_the_text_and_out_of_range_positions() -> None:
    text = "开头的几个字，中间一段普通的文字，最后的结尾。"
    first = annotate(text, "doc", "text-of-doc", 0, 4)
    last = annotate(text, "doc", "text-of-doc", len(text) - 4, len(text))
    edited = "新" + text + "尾"
    result = anchor_all([first, last], edited)
    assert [p.position for p in result.placed] == [
        TextPosition(1, 5),
        TextPosition(len(text) - 3, len(text) + 1),
    ]
    beyond = replace(first, position=TextPosition(10_000, 10_004))
    found = anchor(beyond, text)
    assert found is not None
    assert found.position == TextPosition(0, 4)


# --- the property --------------------------------------------------------------------------------

ALPHABET = [chr(0x4E00 + i) for i in range(3000)] + ["𠀀", "𠀁", "𪚥", "，", "。", "\n"]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_random_edits_move_untouched_annotations_exactly_and_misplace_none(
    data: st.DataObject,
) -> None:
    # Natural text rarely repeats a passage with its context; a seeded generator over a large
    # alphabet keeps that true while Hypothesis shrinks (it would shrink text to "一一一…").
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    length = data.draw(st.integers(20, 500), label="length")
    text = "".join(rng.choice(ALPHABET) for _ in range(length))
    spans = data.draw(
        st.lists(st.tuples(st.integers(0, length - 1), st.integers(1, 15)), min_size=1, max_size=12)
    )
    annotations = [annotate(text, "doc", "text-of-doc", s, min(length, s + n)) for s, n in spans]
    kind = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    at = data.draw(st.integers(0, length))
    size = data.draw(st.integers(1, 5))
    added = "" if kind == "delete" else "".join(rng.choice(ALPHABET) for _ in range(size))
    removed = 0 if kind == "insert" else min(size, length - at)
    edited = text[:at] + added + text[at + removed :]

    result = anchor_all(annotations, edited)

    assert sorted(a.id for a in [*result.orphans, *(p.annotation for p in result.placed)]) == (
        sorted(a.id for a in annotations)
    )
    assert_nothing_misplaced(result, edited)
    placed = by_id(result)
    for annotation in annotations:
        quote, old = annotation.quote, annotation.position
        reach_start, reach_end = old.start - len(quote.prefix), old.end + len(quote.suffix)
        if removed == 0:
            touched = reach_start < at < reach_end
        else:
            touched = at < reach_end and at + removed > reach_start
        if touched:
            continue
        shift = len(added) - removed if at <= reach_start else 0
        expected = TextPosition(old.start + shift, old.end + shift)
        assert annotation.id in placed
        placement = placed[annotation.id]
        indistinguishable = placement.quote == quote_of(edited, expected.start, expected.end)
        assert placement.position == expected or indistinguishable


# --- scale ---------------------------------------------------------------------------------------


def test_ten_thousand_annotations_on_the_novel_follow_a_small_edit(novel: Document) -> None:
    annotations = spread(novel.text, 10_000, seed=6)
    first_chapter = novel.sections[1].start if len(novel.sections) > 1 else 0
    at = first_chapter + 40
    edited = novel.text[:at] + "新加的几个字" + novel.text[at + 2 :]

    result = anchor_all(annotations, edited)

    assert len(result.placed) + len(result.orphans) == 10_000
    assert len(result.orphans) <= 2
    assert_nothing_misplaced(result, edited)
