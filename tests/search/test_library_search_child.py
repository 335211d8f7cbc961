"""The library search in a child process: the same answers as in-process, trimmed to what a
window shows, a child that died started again, and a closed one refusing clearly."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.app.library_search import load_indexed
from reader.document.loader import load_document
from reader.search.library_model import (
    DocumentHits,
    HitKind,
    IndexedDocument,
    IndexedNote,
    LibraryHit,
    LibraryResult,
)
from reader.search.library_search_child import SearchChild, SearchChildError
from reader.search.library_searcher import LibrarySearcher

KEEP = 3


@pytest.fixture
def library(tmp_path: Path, novel_path: Path) -> tuple[list[IndexedDocument], list[IndexedNote]]:
    small = tmp_path / "寺.txt"
    small.write_text("第一回 山寺\n\n宝玉到了寺里。\n\n和尚说宝玉来了。\n", encoding="utf-8")
    documents = []
    for number, path in enumerate((novel_path, small)):
        document = load_document(path)
        documents.append(IndexedDocument(f"d{number}", document.fingerprint, document.title, path))
    notes = [IndexedNote("n1", "d1", "宝玉", "宝玉的笔记", (), "yellow", 6, 8)]
    return documents, notes


@pytest.fixture
def child(tmp_path: Path) -> Iterator[SearchChild]:
    made = SearchChild(tmp_path / "cache", load_indexed, KEEP)
    yield made
    made.close()


def test_the_child_answers_as_the_searcher_does_trimmed_to_what_is_shown(
    child: SearchChild, library: tuple[list[IndexedDocument], list[IndexedNote]], tmp_path: Path
) -> None:
    documents, notes = library
    expected = LibrarySearcher(tmp_path / "cache", load_indexed).search("宝玉", documents, notes)
    answer = child.search("宝玉", documents, notes)
    assert child.pid is not None and child.pid != os.getpid()
    assert answer == expected.trimmed(KEEP)
    assert answer.hit_count == expected.hit_count > 1_000
    assert all(len(group.hits) <= KEEP for group in answer.groups)


def test_a_child_that_died_is_started_again_and_answers(
    child: SearchChild, library: tuple[list[IndexedDocument], list[IndexedNote]]
) -> None:
    documents, notes = library
    first = child.search("和尚", documents, notes)
    pid = child.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert child.search("和尚", documents, notes) == first  # the library is handed over again
    assert child.pid not in (None, pid)


def test_a_closed_child_says_so(
    child: SearchChild, library: tuple[list[IndexedDocument], list[IndexedNote]]
) -> None:
    child.close()
    with pytest.raises(SearchChildError, match="Search Everything was closed"):
        child.search("和尚", *library)


def test_trimming_keeps_the_best_hits_and_counts_the_others() -> None:
    document = IndexedDocument("d", "f", "书", Path("书.txt"))
    hits = [
        LibraryHit(HitKind.TEXT, "d", start, start + 2, "", "宝玉", 0, 2, 2, 1.0)
        for start in range(0, 50, 5)
    ]
    result = LibraryResult("宝玉", (DocumentHits(document, hits),), True, False)
    trimmed = result.trimmed(4)
    [group] = trimmed.groups
    assert group.hits == hits[:4] and group.more == 6 and group.count == 10
    assert trimmed.hit_count == result.hit_count == 10
    assert trimmed.trimmed(4) == trimmed  # trimming again changes nothing
    assert result.groups[0].hits == hits  # the original is untouched
