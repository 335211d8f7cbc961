"""The searcher lists exactly the hits of the plain reference, in exactly its order: every
occurrence once, overlapping terms resolved the same way, paragraphs ranked the same way."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.document.loader import document_from_text, load_document
from reader.search.searcher import DocumentSearcher
from tests.search.reference import Reference, ranked_hits

HEADINGS = ("第一回 天地", "第二回 玄黄")
LINES = st.text(alphabet="天地玄黄宇宙aA ", min_size=1, max_size=30)
QUERY = st.text(alphabet='天地玄黄宇宙aA "-\n', min_size=1, max_size=8)
"""Small alphabets, so that terms overlap (天地 and 地玄, a and aa) and repeat often; quotes,
exclusions and a separator inside a phrase included."""


@example(["天地玄黄天地"], "天 天地")  # a term that begins another: the longer wins
@example(["aaaa"], '"aa" a')
@settings(max_examples=300)
@given(st.lists(st.one_of(LINES, st.sampled_from(HEADINGS)), min_size=1, max_size=12), QUERY)
def test_hits_and_their_order_equal_the_plain_reference(lines: list[str], query: str) -> None:
    text = "\n".join(line for line in lines if line.strip()) or "天"
    document = document_from_text(text)
    found = DocumentSearcher(document).search(query)
    assert [tuple(hit) for hit in found.hits] == ranked_hits(Reference(document), query), query


def test_a_common_character_of_the_novel_in_the_reference_order(novel_path: Path) -> None:
    document = load_document(novel_path)
    searcher, reference = DocumentSearcher(document), Reference(document)
    for query in ("了", "宝玉 黛玉", '"凤姐儿笑道"', "道 -宝玉"):
        hits = [tuple(hit) for hit in searcher.search(query).hits]
        assert hits == ranked_hits(reference, query), query


def test_a_phrase_starting_with_a_space_is_found_after_a_paragraph_end() -> None:
    """Folded, the paragraph separator is a space too: a match that would start there must not
    hide the real one just after it (U+3000 folds to a space)."""
    document = document_from_text("第一回  龍\n哈爾濱\u3000哈尔滨 全形空格\n")
    result = DocumentSearcher(document).search('" 哈尔滨 "')
    assert [document.text[hit.start : hit.end] for hit in result.hits] == ["\u3000哈尔滨 "]
