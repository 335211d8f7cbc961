"""Approximate string matching: where a quote occurs with a few characters edited.

Anchoring needs two questions answered quickly even in a whole novel: where in a stretch of text
does a copy of the quote end that is at most k edits away, and how many edits turn a stored
prefix or suffix into the text next to a candidate. Both use Myers' bit-parallel edit distance
(a handful of integer operations per character of text, the quote's characters being the bits
of Python's unbounded integers), and the first is narrowed beforehand to the few stretches
where such a copy can lie at all (`seed_windows`). Which match is right is judged by
`anchoring`, not here.
"""

from __future__ import annotations

from collections.abc import Iterator


def occurrences(text: str, exact: str, low: int, high: int) -> Iterator[int]:
    """Starts of every occurrence of `exact` lying inside text[low:high] (overlaps included)."""
    position = text.find(exact, low, high)
    while position != -1:
        yield position
        position = text.find(exact, position + 1, high)


def seed_windows(exact: str, text: str, max_errors: int) -> list[tuple[int, int]]:
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
        for position in occurrences(text, piece, 0, len(text)):
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


def approximate_matches(
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
        distance, lengths = anchored_distance(reversed_pattern, text[window_start:end][::-1])
        for length in lengths:
            if length:
                yield end - length, end, distance


# --- Myers' bit-parallel edit distance (Myers 1999, in Hyyrö's formulation) ---------------------


def _pattern_masks(pattern: str) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, character in enumerate(pattern):
        masks[character] = masks.get(character, 0) | (1 << i)
    return masks


def _distances(pattern: str, text: str, *, anchored: bool) -> Iterator[int]:
    """After each character of `text`, the fewest edits turning `pattern` into a substring of
    the text read so far that ends there: starting anywhere, or (`anchored`) at its start.

    Myers' bit-parallel recurrence: a handful of integer operations per character, the
    pattern's positions being the bits of Python's unbounded integers.
    """
    masks = _pattern_masks(pattern)
    length = len(pattern)
    full = (1 << length) - 1
    top = 1 << (length - 1)
    carry = 1 if anchored else 0  # an anchored start costs an edit per skipped text character
    vertical_plus, vertical_minus, errors = full, 0, length
    for character in text:
        equal = masks.get(character, 0)
        cross = equal | vertical_minus
        horizontal = (((equal & vertical_plus) + vertical_plus) ^ vertical_plus) | equal
        horizontal_plus = vertical_minus | (~(horizontal | vertical_plus) & full)
        horizontal_minus = vertical_plus & horizontal
        if horizontal_plus & top:
            errors += 1
        elif horizontal_minus & top:
            errors -= 1
        horizontal_plus = ((horizontal_plus << 1) | carry) & full
        horizontal_minus = (horizontal_minus << 1) & full
        vertical_plus = horizontal_minus | (~(cross | horizontal_plus) & full)
        vertical_minus = horizontal_plus & cross
        yield errors


def _search_ends(
    pattern: str, text: str, low: int, high: int, max_errors: int
) -> Iterator[tuple[int, int]]:
    """(end, errors) for every end in (low, high] where some substring of text[low:end] is
    within `max_errors` edits of `pattern` (the pattern may start anywhere)."""
    for end, errors in enumerate(_distances(pattern, text[low:high], anchored=False), low + 1):
        if errors <= max_errors:
            yield end, errors


def anchored_distance(pattern: str, text: str) -> tuple[int, list[int]]:
    """The fewest edits turning `pattern` into a prefix of `text` (the empty one included),
    and every prefix length that attains it."""
    if not pattern:
        return 0, [0]
    best, lengths = len(pattern), [0]
    for length, errors in enumerate(_distances(pattern, text, anchored=True), 1):
        if errors < best:
            best, lengths = errors, [length]
        elif errors == best:
            lengths.append(length)
    return best, lengths
