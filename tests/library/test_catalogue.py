"""The library over a real annotation store on disk: what it lists, adds, removes and finds
again, and the hostile folders and failures it meets (each: a clear message, nothing lost)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.annotations import integrity
from reader.annotations.model import annotate
from reader.annotations.session import open_session
from reader.annotations.store import AnnotationStore
from reader.document.loader import load_document
from reader.library.catalogue import Library, LibraryError
from tests.conftest import CORPUS_DIR

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 300
"""A hang detector for the children, not a budget."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AnnotationStore]:
    with AnnotationStore.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def library(store: AnnotationStore) -> Library:
    return Library(store)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def highlight(store: AnnotationStore, path: Path, note: str) -> str:
    """Annotate the first two characters of the file at `path`, as the window does."""
    session = open_session(store, load_document(path))
    stored, _changes = session.highlight(0, 2, note=note)
    return stored.id


def by_title(library: Library) -> dict[str, object]:
    return {e.title: e for e in library.entries()}


def test_the_corpus_library_is_added_with_authors_formats_sizes_and_lengths(
    library: Library, novel_path: Path
) -> None:
    report = library.add([CORPUS_DIR / "library", novel_path])
    assert report.summary() == "22 added" and report.error is None
    entries = {e.title: e for e in library.entries()}
    novel = entries["红楼梦"]
    assert (novel.author, novel.format, novel.size) == ("曹雪芹 高鄂", "TXT", 2_622_979)
    assert novel.length == len(load_document(novel_path).text)
    assert entries["家"].author == "巴金" and entries["论语"].author == ""
    assert all(e.last_read is None and e.added and not e.missing for e in entries.values())
    again = library.add([CORPUS_DIR / "library"])
    assert again.summary() == "0 added, 21 already in the library"


def test_progress_is_the_remembered_position_over_the_length(store: AnnotationStore) -> None:
    library = Library(store, position_of=lambda fingerprint: 1000)
    library.add([CORPUS_DIR / "library" / "论语.txt"])
    [entry] = library.entries()
    assert entry.progress == pytest.approx(1000 / entry.length)  # type: ignore[operator]
    past_the_end = Library(store, position_of=lambda fingerprint: 10**9)
    assert past_the_end.entries()[0].progress == 1.0


def test_opening_a_document_puts_it_in_the_library_as_the_one_read_last(
    tmp_path: Path, store: AnnotationStore, library: Library
) -> None:
    first = write(tmp_path / "first.txt", "《第一》\n\n作者：张三\n\n正文。")
    second = write(tmp_path / "second.txt", "第二篇正文。")
    library.add([second])
    open_session(store, load_document(first))
    entries = library.entries()
    assert [e.title for e in entries] == ["第一", "second"]
    assert entries[0].author == "张三" and entries[0].last_read is not None
    assert entries[1].last_read is None


def test_removing_keeps_the_file_and_the_annotations_which_come_back_when_added_again(
    tmp_path: Path, store: AnnotationStore, library: Library
) -> None:
    book = write(tmp_path / "book.txt", "满纸荒唐言，一把辛酸泪。")
    before = book.read_bytes()
    annotation = highlight(store, book, "a note")
    [entry] = library.entries()
    assert entry.annotations == 1
    removed = library.remove(entry.id[:6])
    assert removed.id == entry.id and library.entries() == []
    assert book.read_bytes() == before and store.get(annotation) is not None
    report = library.add([book])
    assert report.added == [entry.id]
    [back] = library.entries()
    assert back.annotations == 1 and store.annotations(back.id)[0].note == "a note"


def test_reopening_a_removed_document_brings_it_back(
    tmp_path: Path, store: AnnotationStore, library: Library
) -> None:
    book = write(tmp_path / "book.txt", "满纸荒唐言。")
    open_session(store, load_document(book))
    library.remove(library.entries()[0].id)
    open_session(store, load_document(book))
    assert [e.title for e in library.entries()] == ["book"]


def test_unknown_and_ambiguous_ids_are_refused_clearly(library: Library) -> None:
    with pytest.raises(LibraryError, match="no document with the id 'nope'"):
        library.remove("nope")
    library.add([CORPUS_DIR / "library"])
    ids = [e.id for e in library.entries()]
    first = next(i for i in ids if sum(other.startswith(i[:4]) for other in ids) == 1)
    with pytest.raises(LibraryError, match="no document"):
        library.entry(first[:3])  # too short to count as a start, even if unique
    assert library.entry(first[:4]).id == first
    assert len(library.entries()) == 21


def test_a_moved_file_is_missing_then_located_by_its_text(
    tmp_path: Path, store: AnnotationStore, library: Library
) -> None:
    book = write(tmp_path / "old" / "book.txt", "满纸荒唐言，一把辛酸泪。都云作者痴，谁解其中味？")
    annotation = highlight(store, book, "kept")
    moved = tmp_path / "new" / "renamed.txt"
    moved.parent.mkdir()
    book.rename(moved)
    [entry] = library.entries()
    assert entry.missing
    found = library.locate(entry.id, moved)
    assert (found.id, found.missing, found.path) == (entry.id, False, moved)
    assert [a.id for a in store.annotations(found.id)] == [annotation]


def test_locating_a_different_text_is_refused_and_changes_nothing(
    tmp_path: Path, library: Library
) -> None:
    book = write(tmp_path / "book.txt", "满纸荒唐言。")
    library.add([book])
    book.unlink()
    other = write(tmp_path / "other.txt", "另一本书。")
    [entry] = library.entries()
    with pytest.raises(LibraryError, match="is not “book”: its text is different"):
        library.locate(entry.id, other)
    with pytest.raises(LibraryError, match="is a folder"):
        library.locate(entry.id, tmp_path)
    assert library.entries() == [entry]


def test_a_file_and_a_symlink_to_it_are_one_entry(tmp_path: Path, library: Library) -> None:
    book = write(tmp_path / "shelf" / "book.txt", "满纸荒唐言。")
    (tmp_path / "shelf" / "link.txt").symlink_to(book)
    report = library.add([tmp_path / "shelf"])
    assert len(report.added) == 1
    again = library.add([tmp_path / "shelf" / "link.txt"])
    assert again.summary() == "0 added, 1 already in the library"
    assert [e.path for e in library.entries()] == [book]


def test_a_symlink_loop_ends_and_every_file_is_added_once(tmp_path: Path, library: Library) -> None:
    shelf = tmp_path / "shelf"
    write(shelf / "a" / "one.txt", "第一本。")
    write(shelf / "a" / "b" / "two.txt", "第二本。")
    (shelf / "a" / "b" / "up").symlink_to(shelf)  # back to the top: a loop
    (shelf / "self").symlink_to(shelf / "self")  # a link to itself
    report = library.add([shelf])
    assert len(report.added) == 2 and report.error is None
    assert [s.reason for s in report.skipped] == ["unreadable"]
    assert "link to nothing (or to itself)" in report.skipped[0].message


def test_files_that_are_not_text_unreadable_or_vanished_are_skipped_with_reasons(
    tmp_path: Path, library: Library
) -> None:
    shelf = tmp_path / "shelf"
    write(shelf / "good.txt", "满纸荒唐言。")
    (shelf / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    (shelf / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 500)
    write(shelf / "empty.txt", "  \n\n ")
    write(shelf / "zz-vanishes.txt", "就要消失了。")
    os.mkfifo(shelf / "pipe.txt")

    def vanish(done: int, total: int) -> None:
        (shelf / "zz-vanishes.txt").unlink(missing_ok=True)  # gone before it is read

    report = library.add([shelf], progress=vanish)
    reasons = sorted(s.reason for s in report.skipped)
    assert reasons == ["empty", "not text", "not text", "unreadable", "vanished"]
    assert report.summary() == (
        "1 added, 5 skipped (2 not text, 1 empty, 1 unreadable, 1 vanished)"
    )
    assert [e.title for e in library.entries()] == ["good"]


@pytest.mark.unprivileged
def test_a_file_without_read_permission_is_skipped(tmp_path: Path, library: Library) -> None:
    shelf = tmp_path / "shelf"
    write(shelf / "good.txt", "满纸荒唐言。")
    write(shelf / "secret.txt", "不许看。").chmod(0)
    write(shelf / "locked" / "inside.txt", "锁住的。")
    (shelf / "locked").chmod(0)
    try:
        report = library.add([shelf])
    finally:
        (shelf / "locked").chmod(0o755)
    assert len(report.added) == 1
    messages = sorted(s.message for s in report.skipped)
    assert any("permission" in m for m in messages), messages
    assert {s.reason for s in report.skipped} == {"unreadable"} and len(messages) == 2


def test_a_folder_of_ten_thousand_files_is_added_in_batches(
    tmp_path: Path, library: Library
) -> None:
    shelf = tmp_path / "shelf"
    for i in range(10_000):
        write(shelf / f"part{i // 1000}" / f"{i:05d}.txt", f"第{i}篇\n\n正文{i}。")
    calls: list[tuple[int, int]] = []
    report = library.add([shelf], progress=lambda done, total: calls.append((done, total)))
    assert report.summary() == "10000 added"
    assert len(calls) == 10_000 and calls[-1] == (10_000, 10_000)
    assert len(library.entries()) == 10_000


def test_adding_can_be_stopped_and_keeps_what_was_saved(tmp_path: Path, library: Library) -> None:
    for i in range(200):
        write(tmp_path / "shelf" / f"{i:03d}.txt", f"正文{i}。")
    done: list[int] = []
    report = library.add(
        [tmp_path / "shelf"],
        progress=lambda n, total: done.append(n),
        cancelled=lambda: len(done) >= 100,
    )
    assert report.stopped and len(report.added) == 100
    assert report.summary() == "100 added; stopped before the end"
    assert len(library.entries()) == 100


def child(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.library.library_child", *arguments],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_two_processes_adding_at_once_both_succeed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    AnnotationStore.open(data).close()
    for i in range(300):
        write(tmp_path / "one" / f"{i:03d}.txt", f"第一组{i}。")
        write(tmp_path / "two" / f"{i:03d}.txt", f"第二组{i}。")
    shutil.copytree(tmp_path / "one", tmp_path / "two" / "also-one")  # copies: new documents
    children = [child("add", str(data), str(tmp_path / name)) for name in ("one", "two")]
    for process in children:
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    for process in children:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in children:
        out, err = process.communicate(timeout=CHILD_TIMEOUT)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    assert [r["error"] for r in results] == [None, None]
    assert (len(results[0]["added"]), len(results[1]["added"])) == (300, 600)
    with AnnotationStore.open(data) as store:
        assert len(Library(store).entries()) == 900
        assert integrity.check(store._connection()).version == 4


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_disk_that_fills_while_adding_stops_with_a_message_and_loses_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with AnnotationStore.open(data) as store:
        store.add(annotate("满纸荒唐言", "doc", "doc", 0, 2, note="precious"))
    for i in range(3000):
        write(tmp_path / "shelf" / f"{i:04d}.txt", f"第{i}篇" + "字" * 200)
    limit = (data / AnnotationStore.DATABASE_NAME).stat().st_size + 200_000
    process = child("fill", str(data), str(tmp_path / "shelf"), str(limit))
    out, err = process.communicate(timeout=CHILD_TIMEOUT)
    assert process.returncode == 0, err  # a message, not a traceback
    result = json.loads(out)
    assert "disk" in result["error"] and "Nothing already saved was harmed" in result["error"]
    assert 0 < len(result["added"]) < 3000
    with AnnotationStore.open(data) as store:
        assert integrity.check(store._connection()).annotations == 1
        assert [a.note for a in store.annotations("doc")] == ["precious"]
        assert len(Library(store).entries()) == len(result["added"])
