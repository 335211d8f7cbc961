"""Building the library index in a child process (`start_update`), resuming a stopped build, and
syncing only the notes (`sync_index_notes`): real files, real Whoosh indexes on disk."""

from __future__ import annotations

import queue
import time
from pathlib import Path

from reader.app.library_search import load_indexed
from reader.document.loader import load_document
from reader.document.model import Document
from reader.search.library_build import ChildMessages, Message, start_update, update_index
from reader.search.library_index import LibraryIndex
from reader.search.library_model import IndexedDocument, IndexedNote
from reader.search.library_notes import sync_index_notes
from reader.search.library_searcher import LibrarySearcher

CHILD_TIMEOUT_S = 600.0
"""A hang detector for the child build (nice 10 on a busy machine), never a time budget."""
TEXTS = {
    "a": "第一回 宝玉\n\n宝玉笑道：好。\n\n黛玉葬花。",
    "b": "第一章 人民\n\n中华人民共和国成立了。",
    "c": "序\n\n子曰：學而時習之。",
}


def write_library(folder: Path) -> list[IndexedDocument]:
    folder.mkdir(parents=True, exist_ok=True)
    documents = []
    for key, text in TEXTS.items():
        path = folder / f"{key}.txt"
        path.write_text(text, encoding="utf-8")
        document = load_document(path)
        documents.append(IndexedDocument(key, document.fingerprint, document.title, path))
    return documents


def a_note(text: str) -> IndexedNote:
    return IndexedNote("urn:uuid:n1", "a", "宝玉笑道", text, ("红楼",), "yellow", 4, 8)


def messages_until_the_end(messages: ChildMessages) -> list[Message]:
    """Every message of a child build, up to its last ("done" or "failed")."""
    received: list[Message] = []
    deadline = time.monotonic() + CHILD_TIMEOUT_S
    while not received or received[-1][0] == "progress":
        assert time.monotonic() < deadline, f"the child build hangs after {received}"
        try:
            received.append(messages.get_nowait())
        except queue.Empty:
            time.sleep(0.02)  # polling a pipe, as the window's timer does: no result awaited
    return received


def test_a_child_build_reports_progress_then_done_and_the_index_answers(tmp_path: Path) -> None:
    documents = write_library(tmp_path / "books")
    cache = tmp_path / "cache"
    process, messages = start_update(cache, documents, [a_note("葬花吟")], load_indexed)
    received = messages_until_the_end(messages)
    process.join(CHILD_TIMEOUT_S)
    assert process.exitcode == 0
    fractions = [float(value) for kind, value in received if kind == "progress"]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) == 3
    assert received[-1] == ("done", "")
    result = LibrarySearcher(cache, load_indexed).search("葬花", documents, [a_note("葬花吟")])
    assert result.from_index and result.note == ""
    [group] = result.groups
    assert {hit.kind.value for hit in group.hits} == {"text", "note"}


def test_a_child_build_names_the_files_it_could_not_read(tmp_path: Path) -> None:
    documents = write_library(tmp_path / "books")
    documents[1].path.unlink()
    process, messages = start_update(tmp_path / "cache", documents, [], load_indexed)
    kind, problems = messages_until_the_end(messages)[-1]
    process.join(CHILD_TIMEOUT_S)
    assert kind == "done" and str(documents[1].path) in str(problems)
    result = LibrarySearcher(tmp_path / "cache", load_indexed).search("宝玉", documents, [])
    assert result.from_index and [g.document.document_id for g in result.groups] == ["a"]


def test_a_child_that_cannot_write_says_why(tmp_path: Path) -> None:
    documents = write_library(tmp_path / "books")
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache folder should be")
    process, messages = start_update(cache, documents, [], load_indexed)
    kind, message = messages_until_the_end(messages)[-1]
    process.join(CHILD_TIMEOUT_S)
    assert kind == "failed" and "cannot be saved" in str(message)


def test_a_build_whose_window_went_away_stops_quietly(tmp_path: Path) -> None:
    documents = write_library(tmp_path / "books")
    process, messages = start_update(tmp_path / "cache", documents, [], load_indexed)
    messages.close()  # the window closed: the child's next message finds nobody
    process.join(CHILD_TIMEOUT_S)
    assert process.exitcode == 0


def test_a_stopped_build_resumes_with_what_it_had_not_committed(tmp_path: Path) -> None:
    documents = write_library(tmp_path / "books")
    cache = tmp_path / "cache"
    process, messages = start_update(cache, documents, [], load_indexed)
    kind, _value = messages_until_the_end_or_first_progress(messages)
    process.terminate()  # a quit or a crash in the middle of the build
    process.join(CHILD_TIMEOUT_S)
    committed = set(indexed_ids(cache))  # none when stopped within the first batch
    assert kind == "progress"
    loads: list[str] = []

    def counting_load(document: IndexedDocument) -> Document:
        loads.append(document.document_id)
        return load_document(document.path)

    assert update_index(cache, documents, [], counting_load) == []
    assert sorted(loads) == sorted(
        d.document_id for d in documents if d.document_id not in committed
    )
    assert set(indexed_ids(cache)) == {d.document_id for d in documents}


def messages_until_the_end_or_first_progress(messages: ChildMessages) -> Message:
    deadline = time.monotonic() + CHILD_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            return messages.get_nowait()
        except queue.Empty:
            time.sleep(0.02)
    raise AssertionError("the child build never reported")


def indexed_ids(cache: Path) -> list[str]:
    library_index = LibraryIndex.open(cache)
    try:
        return list(library_index.indexed_fingerprints())
    finally:
        library_index.close()


def test_notes_sync_into_an_existing_index_only(tmp_path: Path) -> None:
    documents = write_library(tmp_path / "books")
    cache = tmp_path / "cache"
    assert sync_index_notes(cache, [a_note("葬花吟")]) == 0  # no index yet: the build does it
    update_index(cache, documents, [a_note("葬花吟")], load_indexed)
    edited = a_note("秋窗风雨夕")
    assert sync_index_notes(cache, [edited]) == 1
    assert sync_index_notes(cache, [edited]) == 0  # nothing changed: nothing written
    library_index = LibraryIndex.open(cache)
    try:
        assert library_index.manifest()["notes"] == {edited.annotation_id: edited.digest}
    finally:
        library_index.close()
    result = LibrarySearcher(cache, load_indexed).search("秋窗", documents, [edited])
    [group] = result.groups
    assert [hit.note for hit in group.hits] == ["秋窗风雨夕"]
    assert sync_index_notes(cache, []) == 1  # deleted: gone from the index too
