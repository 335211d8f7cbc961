"""Re-finding annotations in a text that may have changed: the approach of the Hypothesis client.

An annotation remembers its place twice (see `model`): a position, exact while the text is
unchanged, and a quote with about 32 characters of context on each side, which survives edits.
`anchor` tries, in order:

1. the stored position, when the quote is still there and its context agrees completely;
2. every exact occurrence of the quote, scored by how well the characters around it agree with
   the stored prefix and suffix and by how close it is to where the annotation is expected
   (the stored position wins this when its context is only slightly edited, and is then still
   reported as found by `Method.POSITION`);
3. approximate occurrences of the quote (a character inside it was edited), near the expected
   place first and then in the whole text, scored the same way (`fuzzy` finds them).

A candidate is accepted only if its context agrees well enough (`required_context`): a short
quote such as 宝玉 occurs thousands of times in a novel, and without its context it would be
captured by the wrong one. What cannot be placed convincingly is an orphan, returned to the
caller and never dropped: a wrong place is worse than no place.

`anchor_all` adds the one observation that makes re-anchoring a whole book fast: after an edit,
most annotations have simply moved by the same number of characters as their neighbour.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from reader.annotations.fuzzy import (
    anchored_distance,
    approximate_matches,
    occurrences,
    seed_windows,
)
from reader.annotations.model import Annotation, TextPosition, TextQuote, quote_of

MIN_SIMILARITY = 0.75
"""An approximate match must keep at least this share of the quote (1 - edits / length)."""

MIN_CONTEXT = 0.5
"""How much of the prefix and suffix must still agree for a short quote to be placed."""

SELF_SUFFICIENT_LENGTH = 64
"""A quote this long identifies its place on its own; shorter ones need proportionally more
agreeing context (see `required_context`)."""

CONFIDENT_CONTEXT = 0.9
"""A match near the expected place with this much agreeing context ends the search early."""

LOCAL_RADIUS = 2048
"""How far around the expected place the local searches look, in characters."""

CLOSENESS_SCALE = 1024
"""Distance from the expected place at which the closeness score has halved."""

GLOBAL_CANDIDATES = 32
"""Exact occurrences far from the expected place that are scored in full (the rest are ranked
by a cheap exact-context comparison first)."""

_QUOTE_WEIGHT = 50.0
_CONTEXT_WEIGHT = 40.0
_CLOSENESS_WEIGHT = 10.0


class Method(Enum):
    """How an annotation was placed."""

    POSITION = "position"
    """At its stored position: the text there is unchanged."""
    EXACT = "exact"
    """Elsewhere, where its quote occurs exactly with agreeing context."""
    FUZZY = "fuzzy"
    """Where an approximate copy of its quote occurs with agreeing context."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an annotation sits in the new text, and its quote selector taken from that text."""

    annotation: Annotation
    position: TextPosition
    method: Method
    quote: TextQuote


@dataclass(frozen=True)
class AnchoringResult:
    """`placed` in the order of the annotations given; `orphans` likewise, never dropped."""

    placed: list[Placement]
    orphans: list[Annotation]


def required_context(quote_length: int) -> float:
    """The context agreement a match of a quote of this length needs to be believed."""
    return MIN_CONTEXT * max(0.0, 1.0 - quote_length / SELF_SUFFICIENT_LENGTH)


def similarity(errors: int, quote_length: int) -> float:
    """The share of the quote an approximate match keeps."""
    return 1.0 - errors / quote_length if quote_length else 0.0


def anchor(
    annotation: Annotation, text: str, expected_start: int | None = None
) -> Placement | None:
    """Place `annotation` in `text`, or None if it cannot be placed with confidence.

    `expected_start` is where the annotation probably is now (for instance its stored start
    moved by the shift of its neighbours); it defaults to the stored start.
    """
    quote = annotation.quote
    if not quote.exact:
        return None
    stored = annotation.position
    if _fits_perfectly(text, quote, stored.start):
        end = stored.start + len(quote.exact)  # never the stored end: it may overrun the text
        method = Method.POSITION if end == stored.end else Method.EXACT
        return _placement(annotation, text, stored.start, end, method)
    expected = stored.start if expected_start is None else expected_start
    found = _exact_search(quote, text, expected) or _fuzzy_search(quote, text, expected)
    if found is None:
        return None
    start, end, method = found
    if method is Method.EXACT and (start, end) == (stored.start, stored.end):
        method = Method.POSITION
    return _placement(annotation, text, start, end, method)


def anchor_all(annotations: Sequence[Annotation], text: str) -> AnchoringResult:
    """Place every annotation; those that cannot be placed are returned as orphans.

    Annotations are visited in position order, and each is first tried where the shift of the
    previous placement predicts it (one string comparison), so a small edit costs about a
    constant per annotation plus a real search for the few whose surroundings changed.
    """
    order = sorted(range(len(annotations)), key=lambda i: annotations[i].position.start)
    placements: dict[int, Placement] = {}
    shift = 0
    for index in order:
        annotation = annotations[index]
        start = annotation.position.start
        placement: Placement | None = None
        if (
            shift
            and annotation.quote.exact
            and _fits_perfectly(text, annotation.quote, start + shift)
        ):
            end = start + shift + len(annotation.quote.exact)
            placement = _placement(annotation, text, start + shift, end, Method.EXACT)
        if placement is None:
            placement = anchor(annotation, text, expected_start=start + shift)
        if placement is not None:
            placements[index] = placement
            shift = placement.position.start - start
    return AnchoringResult(
        placed=[placements[i] for i in range(len(annotations)) if i in placements],
        orphans=[a for i, a in enumerate(annotations) if i not in placements],
    )


def _placement(
    annotation: Annotation, text: str, start: int, end: int, method: Method
) -> Placement:
    return Placement(annotation, TextPosition(start, end), method, quote_of(text, start, end))


def _fits_perfectly(text: str, quote: TextQuote, start: int) -> bool:
    """The quote, its whole prefix and its whole suffix are at `start`: an O(quote) check."""
    end = start + len(quote.exact)
    before = start - len(quote.prefix)
    return (
        before >= 0
        and end + len(quote.suffix) <= len(text)
        and text.startswith(quote.exact, start)
        and text.startswith(quote.prefix, before)
        and text.startswith(quote.suffix, end)
    )


# --- scoring ------------------------------------------------------------------------------------


def context_score(text: str, start: int, end: int, quote: TextQuote) -> float:
    """How well the text around [start, end) agrees with the stored prefix and suffix, 0..1.

    Measured by edit distance, so that one edited character next to the quote costs one
    character of agreement rather than everything behind it. The prefix must end at `start`
    and the suffix begin at `end`; each may otherwise stretch or shrink.
    """
    prefix, suffix = quote.prefix, quote.suffix
    total = len(prefix) + len(suffix)
    if total == 0:
        return 1.0
    errors = 0
    if prefix and not (start >= len(prefix) and text.startswith(prefix, start - len(prefix))):
        window = text[max(0, start - 2 * len(prefix)) : start]
        errors += anchored_distance(prefix[::-1], window[::-1])[0]
    if suffix and not text.startswith(suffix, end):
        errors += anchored_distance(suffix, text[end : end + 2 * len(suffix)])[0]
    return 1.0 - errors / total


def _closeness(start: int, expected: int) -> float:
    return 1.0 / (1.0 + abs(start - expected) / CLOSENESS_SCALE)


def _score(quote_similarity: float, context: float, start: int, expected: int) -> float:
    return (
        _QUOTE_WEIGHT * quote_similarity
        + _CONTEXT_WEIGHT * context
        + _CLOSENESS_WEIGHT * _closeness(start, expected)
    )


def _cheap_context(text: str, start: int, end: int, quote: TextQuote) -> int:
    """Characters of exact agreement right next to the quote: a fast first ranking."""
    agreeing = 0
    prefix = quote.prefix
    limit = min(len(prefix), start)
    while agreeing < limit and text[start - 1 - agreeing] == prefix[-1 - agreeing]:
        agreeing += 1
    suffix = quote.suffix
    limit = min(len(suffix), len(text) - end)
    count = 0
    while count < limit and text[end + count] == suffix[count]:
        count += 1
    return agreeing + count


# --- exact search --------------------------------------------------------------------------------


def _exact_search(quote: TextQuote, text: str, expected: int) -> tuple[int, int, Method] | None:
    exact = quote.exact
    needed = required_context(len(exact))
    low = max(0, expected - LOCAL_RADIUS)
    high = min(len(text), expected + len(exact) + LOCAL_RADIUS)
    local = list(occurrences(text, exact, low, high))
    best = _best_exact(quote, text, expected, local, needed)
    if best is not None and best[1] >= CONFIDENT_CONTEXT:
        return best[2], best[2] + len(exact), Method.EXACT
    # Far occurrences: rank by exact agreement next to the quote, score only the best few.
    far = (
        p for p in occurrences(text, exact, 0, len(text)) if not low <= p < high - len(exact) + 1
    )
    promising = heapq.nlargest(
        GLOBAL_CANDIDATES, far, key=lambda p: _cheap_context(text, p, p + len(exact), quote)
    )
    overall = _best_exact(quote, text, expected, promising, needed)
    if best is None or (overall is not None and overall[0] > best[0]):
        best = overall
    if best is None:
        return None
    return best[2], best[2] + len(exact), Method.EXACT


def _best_exact(
    quote: TextQuote, text: str, expected: int, starts: Sequence[int], needed: float
) -> tuple[float, float, int] | None:
    """(score, context, start) of the best acceptable occurrence among `starts`."""
    best: tuple[float, float, int] | None = None
    length = len(quote.exact)
    for start in starts:
        context = context_score(text, start, start + length, quote)
        if context < needed:
            continue
        candidate = (_score(1.0, context, start, expected), context, start)
        if best is None or candidate[0] > best[0]:
            best = candidate
    return best


# --- fuzzy search --------------------------------------------------------------------------------


def _fuzzy_search(quote: TextQuote, text: str, expected: int) -> tuple[int, int, Method] | None:
    exact = quote.exact
    max_errors = int(len(exact) * (1.0 - MIN_SIMILARITY) + 1e-9)
    if max_errors == 0:
        return None  # too short for an approximate match to mean anything
    low = max(0, expected - LOCAL_RADIUS)
    high = min(len(text), expected + len(exact) + LOCAL_RADIUS)
    best = _best_fuzzy(quote, text, expected, [(low, high)], max_errors)
    if best is not None and best[1] >= CONFIDENT_CONTEXT:
        return best[2], best[3], Method.FUZZY
    overall = _best_fuzzy(quote, text, expected, seed_windows(exact, text, max_errors), max_errors)
    if best is None or (overall is not None and overall[0] > best[0]):
        best = overall
    if best is None:
        return None
    return best[2], best[3], Method.FUZZY


def _best_fuzzy(
    quote: TextQuote,
    text: str,
    expected: int,
    windows: Sequence[tuple[int, int]],
    max_errors: int,
) -> tuple[float, float, int, int] | None:
    """(score, context, start, end) of the best acceptable approximate match in `windows`."""
    exact = quote.exact
    needed = required_context(len(exact))
    best: tuple[float, float, int, int] | None = None
    for low, high in windows:
        for start, end, errors in approximate_matches(exact, text, low, high, max_errors):
            if errors == 0:
                continue  # exact occurrences were judged by the exact search already
            context = context_score(text, start, end, quote)
            if context < needed:
                continue
            score = _score(similarity(errors, len(exact)), context, start, expected)
            if best is None or score > best[0]:
                best = (score, context, start, end)
    return best
