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
   place first and then in the whole text, scored the same way.

A candidate is accepted only if its context agrees well enough (`required_context`): a short
quote such as 宝玉 occurs thousands of times in a novel, and without its context it would be
captured by the wrong one. What cannot be placed convincingly is an orphan, returned to the
caller and never dropped: a wrong place is worse than no place.

`anchor_all` adds the one observation that makes re-anchoring a whole book fast: after an edit,
most annotations have simply moved by the same number of characters as their neighbour.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

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
        return _placement(annotation, text, stored.start, stored.end, Method.POSITION)
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
        errors += _anchored_distance(prefix[::-1], window[::-1])[0]
    if suffix and not text.startswith(suffix, end):
        errors += _anchored_distance(suffix, text[end : end + 2 * len(suffix)])[0]
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


def _occurrences(text: str, exact: str, low: int, high: int) -> Iterator[int]:
    """Starts of every occurrence of `exact` lying inside text[low:high] (overlaps included)."""
    position = text.find(exact, low, high)
    while position != -1:
        yield position
        position = text.find(exact, position + 1, high)


def _exact_search(quote: TextQuote, text: str, expected: int) -> tuple[int, int, Method] | None:
    exact = quote.exact
    needed = required_context(len(exact))
    low = max(0, expected - LOCAL_RADIUS)
    high = min(len(text), expected + len(exact) + LOCAL_RADIUS)
    local = list(_occurrences(text, exact, low, high))
    best = _best_exact(quote, text, expected, local, needed)
    if best is not None and best[1] >= CONFIDENT_CONTEXT:
        return best[2], best[2] + len(exact), Method.EXACT
    # Far occurrences: rank by exact agreement next to the quote, score only the best few.
    far = (
        p for p in _occurrences(text, exact, 0, len(text)) if not low <= p < high - len(exact) + 1
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
    overall = _best_fuzzy(quote, text, expected, _seed_windows(exact, text, max_errors), max_errors)
    if best is None or (overall is not None and overall[0] > best[0]):
        best = overall
    if best is None:
        return None
    return best[2], best[3], Method.FUZZY


def _seed_windows(exact: str, text: str, max_errors: int) -> list[tuple[int, int]]:
    """Stretches of text where a match with at most `max_errors` edits can lie.

    Pigeonhole: cut the quote into `max_errors + 1` pieces; any such match contains at least
    one piece unedited, so it lies around an exact occurrence of some piece. Overlapping
    stretches are merged, so the cost is bounded by the length of the text.
    """
    pieces = max_errors + 1
    length = len(exact)
    bounds = [length * i // pieces for i in range(pieces + 1)]
    windows: list[tuple[int, int]] = []
    for i in range(pieces):
        piece = exact[bounds[i] : bounds[i + 1]]
        if not piece:
            continue
        offset = bounds[i]
        for position in _occurrences(text, piece, 0, len(text)):
            start = position - offset - max_errors
            windows.append((max(0, start), min(len(text), start + length + 3 * max_errors)))
    windows.sort()
    merged: list[tuple[int, int]] = []
    for start, end in windows:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


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
        for start, end, errors in _approximate_matches(exact, text, low, high, max_errors):
            if errors == 0:
                continue  # exact occurrences were judged by the exact search already
            context = context_score(text, start, end, quote)
            if context < needed:
                continue
            score = _score(similarity(errors, len(exact)), context, start, expected)
            if best is None or score > best[0]:
                best = (score, context, start, end)
    return best


def _approximate_matches(
    pattern: str, text: str, low: int, high: int, max_errors: int
) -> Iterator[tuple[int, int, int]]:
    """(start, end, errors) of matches of `pattern` in text[low:high] with few edits.

    For every run of ends within `max_errors`, each end with the run's fewest errors is
    reported with each start that attains it: which of the equally good alignments is right is
    for the context to decide.
    """
    run: list[tuple[int, int]] = []
    for end, errors in _search_ends(pattern, text, low, high, max_errors):
        if run and end != run[-1][0] + 1:
            yield from _resolve_run(pattern, text, low, run)
            run = []
        run.append((end, errors))
    if run:
        yield from _resolve_run(pattern, text, low, run)


def _resolve_run(
    pattern: str, text: str, low: int, run: list[tuple[int, int]]
) -> Iterator[tuple[int, int, int]]:
    fewest = min(errors for _, errors in run)
    reversed_pattern = pattern[::-1]
    for end, errors in run:
        if errors != fewest:
            continue
        window_start = max(low, end - len(pattern) - fewest)
        distance, lengths = _anchored_distance(reversed_pattern, text[window_start:end][::-1])
        for length in lengths:
            if length:
                yield end - length, end, distance


# --- Myers' bit-parallel edit distance (Myers 1999, in Hyyrö's formulation) ---------------------


def _pattern_masks(pattern: str) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, character in enumerate(pattern):
        masks[character] = masks.get(character, 0) | (1 << i)
    return masks


def _search_ends(
    pattern: str, text: str, low: int, high: int, max_errors: int
) -> Iterator[tuple[int, int]]:
    """(end, errors) for every end in (low, high] where some substring of text[low:end] is
    within `max_errors` edits of `pattern` (the pattern may start anywhere)."""
    masks = _pattern_masks(pattern)
    length = len(pattern)
    full = (1 << length) - 1
    top = 1 << (length - 1)
    vertical_plus, vertical_minus, errors = full, 0, length
    for index in range(low, high):
        equal = masks.get(text[index], 0)
        cross = equal | vertical_minus
        horizontal = (((equal & vertical_plus) + vertical_plus) ^ vertical_plus) | equal
        horizontal_plus = vertical_minus | (~(horizontal | vertical_plus) & full)
        horizontal_minus = vertical_plus & horizontal
        if horizontal_plus & top:
            errors += 1
        elif horizontal_minus & top:
            errors -= 1
        horizontal_plus = (horizontal_plus << 1) & full
        horizontal_minus = (horizontal_minus << 1) & full
        vertical_plus = horizontal_minus | (~(cross | horizontal_plus) & full)
        vertical_minus = horizontal_plus & cross
        if errors <= max_errors:
            yield index + 1, errors


def _anchored_distance(pattern: str, text: str) -> tuple[int, list[int]]:
    """The fewest edits turning `pattern` into a prefix of `text` (the empty one included),
    and every prefix length that attains it."""
    length = len(pattern)
    if length == 0:
        return 0, [0]
    masks = _pattern_masks(pattern)
    full = (1 << length) - 1
    top = 1 << (length - 1)
    vertical_plus, vertical_minus, errors = full, 0, length
    best, lengths = length, [0]
    for index, character in enumerate(text):
        equal = masks.get(character, 0)
        cross = equal | vertical_minus
        horizontal = (((equal & vertical_plus) + vertical_plus) ^ vertical_plus) | equal
        horizontal_plus = vertical_minus | (~(horizontal | vertical_plus) & full)
        horizontal_minus = vertical_plus & horizontal
        if horizontal_plus & top:
            errors += 1
        elif horizontal_minus & top:
            errors -= 1
        horizontal_plus = ((horizontal_plus << 1) | 1) & full
        horizontal_minus = (horizontal_minus << 1) & full
        vertical_plus = horizontal_minus | (~(cross | horizontal_plus) & full)
        vertical_minus = horizontal_plus & cross
        if errors < best:
            best, lengths = errors, [index + 1]
        elif errors == best:
            lengths.append(index + 1)
    return best, lengths
