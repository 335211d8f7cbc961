"""Anchoring that forgives Traditional/Simplified, width and case: for quotes from elsewhere.

A quote imported from another reader was copied from *its* edition of the text: 紅樓夢 where
ours says 红楼梦, ＡＩ where ours says AI. `anchoring` compares characters exactly, so here it runs
on the folded text (`reader.search.folding.fold`, which maps each character to exactly one, so
an offset in the folded text is the same offset in ours) with folded quotes and context; each
annotation placed gets its quote selector from our own text. The folding is handed in (`Fold`):
annotations never import search, whose analysis owns it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from reader.annotations.anchoring import anchor_all
from reader.annotations.model import Annotation, TextQuote, quote_of
from reader.document.model import Document

Fold = Callable[[str], str]
"""Folding that maps each character to exactly one (`reader.search.folding.fold`)."""


def place_tolerantly(
    annotations: list[Annotation], document: Document, fold: Fold, folded_text: str | None = None
) -> list[Annotation]:
    """`annotations` placed in `document` (new selectors from its text, fingerprint its own) or
    flagged as orphans of it, in the order given. `folded_text` saves folding the text again."""
    folded = fold(document.text) if folded_text is None else folded_text
    probes = [replace(a, quote=_folded(a.quote, fold)) for a in annotations]
    result = anchor_all(probes, folded)
    placed = {p.annotation.id: p.position for p in result.placed}
    text, fingerprint = document.text, document.fingerprint
    return [
        replace(
            a,
            fingerprint=fingerprint,
            position=placed[a.id],
            quote=quote_of(text, placed[a.id].start, placed[a.id].end),
            orphan=False,
        )
        if a.id in placed
        else replace(a, fingerprint=fingerprint, orphan=True)
        for a in annotations
    ]


def _folded(quote: TextQuote, fold: Fold) -> TextQuote:
    return TextQuote(fold(quote.exact), fold(quote.prefix), fold(quote.suffix))
