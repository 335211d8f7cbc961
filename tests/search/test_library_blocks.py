"""The library index's layout: blocks of chunks whose postings carry chunk bitmaps, bigrams of
rare characters left to their unigrams, compact term entries, long posting lists in Whoosh's
blocks, and segments merged through the gathering writer. Hits are compared with the
independent brute force (`library_reference`), offsets and all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.document.loader import load_document
from reader.document.model import Document
from reader.search import library_index
from reader.search.library_analysis import (
    BLOCK_CHUNKS,
    PAIRED,
    bits_bytes,
    bytes_bits,
    library_analyzer,
)
from reader.search.library_build import update_index
from reader.search.library_codec import CompactTermInfo, compact_entry
from reader.search.library_index import library_index_directory
from reader.search.library_model import HitKind, IndexedDocument, IndexedNote, LibraryResult
from reader.search.library_searcher import LibrarySearcher
from tests.search.library_reference import expected_hits, note_matches


def indexed(path: Path, key: str) -> tuple[IndexedDocument, Document]:
    text = load_document(path)
    return IndexedDocument(key, text.fingerprint, text.title, path), text


def load(document: IndexedDocument) -> Document:
    return load_document(document.path)


def text_hits(result: LibraryResult) -> set[tuple[str, int, int]]:
    return {
        (hit.document_id, hit.start, hit.end)
        for group in result.groups
        for hit in group.hits
        if hit.kind in (HitKind.TEXT, HitKind.HEADING)
    }


@given(st.integers(min_value=1, max_value=(1 << BLOCK_CHUNKS) - 1))
def test_a_chunk_bitmap_survives_its_posting_value(bits: int) -> None:
    value = bits_bytes(bits)
    assert bytes_bits(value) == bits
    assert len(value) <= BLOCK_CHUNKS // 8, "never longer than the bitmap"


@given(
    st.lists(
        st.tuples(st.integers(0, 2**31), st.binary(min_size=0, max_size=8)),
        min_size=1,
        max_size=7,
        unique_by=lambda posting: posting[0],
    )
)
def test_a_compact_term_entry_reads_back_as_whooshs_inlined_postings(
    postings: list[tuple[int, bytes]],
) -> None:
    postings.sort()
    info = CompactTermInfo.from_bytes(compact_entry(postings))
    ids, weights, values = info.inlined_postings()
    assert list(zip(ids, values, strict=True)) == postings
    assert weights == (1.0,) * len(postings)
    assert info.doc_frequency() == len(postings)
    assert (info.min_id(), info.max_id()) == (postings[0][0], postings[-1][0])


def test_bigrams_of_rare_characters_are_not_terms_yet_are_found(tmp_path: Path) -> None:
    assert "峥" not in PAIRED and "岁" in PAIRED
    terms = [token.text for token in library_analyzer()("峥嵘岁月")]
    assert terms == ["峥", "嵘", "岁", "岁月", "月"], "no bigram with a rare character"
    path = tmp_path / "rare.txt"
    path.write_text("序\n\n峥嵘岁月稠。\n\n岁月峥嵘。\n\n峥 嵘", encoding="utf-8")
    document, text = indexed(path, "rare")
    update_index(tmp_path / "cache", [document], [], load)
    searcher = LibrarySearcher(tmp_path / "cache", load)
    for query in ("峥嵘", "嵘岁", "峥嵘岁月", "月峥"):
        result = searcher.search(f'"{query}"', [document], [], None)
        assert result.from_index and result.note == "", query
        assert text_hits(result) == expected_hits("rare", text, [query], []), query
    searcher.forget_index()


@pytest.fixture(scope="module")
def novel_library(
    tmp_path_factory: pytest.TempPathFactory, novel_path: Path
) -> Iterator[tuple[IndexedDocument, LibrarySearcher]]:
    document, _text = indexed(novel_path, "novel")
    cache = tmp_path_factory.mktemp("novel") / "cache"
    update_index(cache, [document], [], load)
    searcher = LibrarySearcher(cache, load)
    yield document, searcher
    searcher.forget_index()


@pytest.mark.parametrize(
    "required", [["宝玉"], ["的"], ["林黛玉"], ["宝玉", "黛玉"], ["袭人", "麝月"], ["鸳鸯剑"]]
)
def test_the_novels_hits_from_blocks_equal_the_brute_force(
    novel_library: tuple[IndexedDocument, LibrarySearcher],
    novel: Document,
    required: list[str],
) -> None:
    """The novel is several blocks of 64 chunks: common terms' postings are bitmaps, rare
    ones chunk numbers."""
    document, searcher = novel_library
    result = searcher.search(" ".join(f'"{term}"' for term in required), [document], [], None)
    assert result.from_index and result.complete
    assert text_hits(result) == expected_hits("novel", novel, required, [])


def test_a_term_in_hundreds_of_documents_is_read_from_whooshs_posting_blocks(
    tmp_path: Path,
) -> None:
    """More postings than Whoosh's block (128): the term is written a block at a time."""
    path = tmp_path / "a.txt"
    path.write_text("序\n\n无关的文字。", encoding="utf-8")
    document, _text = indexed(path, "a")
    notes = [
        IndexedNote(f"n{number}", "a", f"引文{number}", f"第{number}条：宝玉", (), "", 0, 1)
        for number in range(300)
    ]
    notes.append(IndexedNote("other", "a", "引文", "黛玉", (), "", 0, 1))
    cache = tmp_path / "cache"
    update_index(cache, [document], notes, load)
    searcher = LibrarySearcher(cache, load)
    result = searcher.search("宝玉", [document], notes, None)
    assert result.from_index
    found = {hit.annotation_id for group in result.groups for hit in group.hits}
    assert found == {
        note.annotation_id for note in notes if note_matches(note.searchable, ["宝玉"], [])
    }
    assert len(found) == 300
    searcher.forget_index()


def test_segments_of_separate_updates_are_merged_and_still_exact(tmp_path: Path) -> None:
    """Each update is a commit (a segment); merging gathers the grams from the merged
    segments' term tables, leaving out the documents deleted there (a re-indexed text)."""
    books = tmp_path / "books"
    books.mkdir()
    cache = tmp_path / "cache"
    documents: dict[str, IndexedDocument] = {}
    texts: dict[str, Document] = {}

    def put(key: str, text: str) -> None:
        path = books / f"{key}.txt"
        path.write_text(text, encoding="utf-8")
        documents[key], texts[key] = indexed(path, key)
        update_index(cache, list(documents.values()), [], load)

    for number in range(library_index.MERGE_AT_SEGMENTS - 1):
        put(f"d{number}", f"第{number}章\n\n宝玉又来了{number}次。\n\n别的段落，黛玉。")
    put("d0", "第0章\n\n改过的文字：黛玉葬花。")  # d0's first text is deleted from its segment
    segments = list(library_index_directory(cache).glob("*.trm"))  # one per segment
    assert len(segments) < library_index.MERGE_AT_SEGMENTS, "merged"
    searcher = LibrarySearcher(cache, load)
    for required in (["宝玉"], ["黛玉"], ["段落"], ["3次"], ["葬花"], ["0次"]):
        result = searcher.search(" ".join(required), list(documents.values()), [], None)
        assert result.from_index and result.note == ""
        expected: set[tuple[str, int, int]] = set()
        for key, text in texts.items():
            expected |= expected_hits(key, text, required, [])
        assert text_hits(result) == expected, required
    searcher.forget_index()
