"""A hostile index directory never stops search: the reader scans, says why, and rebuilds.

Every case works on a real Whoosh index on disk, damaged the way disks, crashes and other
processes damage files; the answers are compared with the scan and the brute-force reference.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.index import LockError

from reader.app.paths import AppPaths
from reader.cli.common import EXIT_OK
from reader.cli.main import run
from reader.document.loader import load_document
from reader.document.model import Document
from reader.search.analysis import ANALYSIS_VERSION
from reader.search.folded import FoldedDocument
from reader.search.index import (
    META_FILE,
    IndexUnavailableError,
    SearchIndex,
    index_directory,
)
from reader.search.results import Method
from reader.search.searcher import DocumentSearcher, IndexState
from tests.search.reference import Reference, check_result, same_hits

QUERIES = ("智算", "哈爾濱", "GPT", "算", "大模型 中心", '"智算中心"', "AI -GPT", "，")
SUBPROCESS_TIMEOUT = 600
"""A hang detector for the command-line children, not a budget: they build the novel's index."""


@pytest.fixture
def cache_dir() -> Path:
    """The reader's cache directory inside this test's own XDG_CACHE_HOME."""
    return AppPaths.from_environment().cache_dir


def build(document: Document, cache_dir: Path) -> Path:
    """A complete index of `document`, built the way the reader builds it; its directory."""
    searcher = DocumentSearcher(document, cache_dir)
    searcher.ensure_index()
    assert searcher.state is IndexState.READY
    searcher.close()
    directory = index_directory(cache_dir, document.fingerprint)
    assert directory.is_dir()
    return directory


def assert_searches_like_the_scan(
    searcher: DocumentSearcher, scanner: DocumentSearcher, reference: Reference, method: Method
) -> None:
    for query in QUERIES:
        result = searcher.search(query)
        check_result(result, reference, query)
        assert same_hits(result, scanner.search(query)), query
        if query != "，":  # punctuation only: the index has nothing to look up
            assert result.method is method, query


def assert_rebuilt(searcher: DocumentSearcher, directory: Path) -> None:
    """`ensure_index` builds a fresh index that opens and answers through Whoosh."""
    searcher.ensure_index()
    assert searcher.state is IndexState.READY
    assert searcher.problem == ""
    assert searcher.search("智算").method is Method.INDEX
    SearchIndex.open(directory, searcher.folded).close()
    assert not list(directory.parent.glob(".building-*"))


def largest_segment(directory: Path) -> Path:
    return max(directory.glob("*.seg"), key=lambda path: path.stat().st_size)


def rewrite_checksums(directory: Path) -> None:
    """Make the meta file agree with damaged files, so only Whoosh itself can notice."""
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    meta["files"] = {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in meta["files"]
    }
    (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


# ---- missing, truncated, corrupted ----------------------------------------------------------


def test_a_missing_index_means_a_scan_that_says_so_then_a_build(
    article: Document,
    cache_dir: Path,
    article_scanner: DocumentSearcher,
    article_reference: Reference,
) -> None:
    searcher = DocumentSearcher(article, cache_dir)
    assert not searcher.open_index()
    assert searcher.state is IndexState.MISSING
    assert searcher.problem == ""  # nothing went wrong: there is just no index yet
    result = searcher.search("智算")
    assert result.method is Method.SCAN
    assert "scan" in result.note
    assert_searches_like_the_scan(searcher, article_scanner, article_reference, Method.SCAN)
    assert_rebuilt(searcher, index_directory(cache_dir, article.fingerprint))
    assert_searches_like_the_scan(searcher, article_scanner, article_reference, Method.INDEX)
    searcher.close()


def test_an_index_directory_deleted_under_the_reader_is_rebuilt(
    article: Document, cache_dir: Path
) -> None:
    directory = build(article, cache_dir)
    shutil.rmtree(directory)
    searcher = DocumentSearcher(article, cache_dir)
    assert not searcher.open_index()
    assert searcher.state is IndexState.MISSING
    assert_rebuilt(searcher, directory)
    searcher.close()


def _truncate(directory: Path, _rng: random.Random) -> None:
    segment = largest_segment(directory)
    os.truncate(segment, segment.stat().st_size // 2)


Damage = Callable[[Path, random.Random], None]


def _scribble(pattern: str) -> Damage:
    def damage(directory: Path, rng: random.Random) -> None:
        (target,) = directory.glob(pattern)
        size = target.stat().st_size
        with target.open("r+b") as stream:
            stream.seek(rng.randrange(size) if size else 0)
            stream.write(rng.randbytes(64))

    return damage


DAMAGE: dict[str, Damage] = {
    "truncated segment": _truncate,
    "random bytes over the segment": _scribble("*.seg"),
    "random bytes over the table of contents": _scribble("_MAIN_*.toc"),
    "random bytes over the meta file": _scribble(META_FILE),
    "random bytes over the lock file": _scribble("MAIN_WRITELOCK"),
}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_index_is_detected_scanned_around_and_rebuilt(
    article: Document,
    cache_dir: Path,
    article_scanner: DocumentSearcher,
    article_reference: Reference,
    damage: str,
    seed: int,
) -> None:
    directory = build(article, cache_dir)
    DAMAGE[damage](directory, random.Random(seed))

    searcher = DocumentSearcher(article, cache_dir)
    assert not searcher.open_index()
    assert searcher.state is IndexState.MISSING
    assert searcher.problem.startswith("The search index ")
    assert searcher.problem.endswith("It will be rebuilt.")
    assert not directory.exists(), "the damaged index must be thrown away"
    assert_searches_like_the_scan(searcher, article_scanner, article_reference, Method.SCAN)

    # The next ensure_index() rebuilds it, and the new index is intact.
    assert_rebuilt(searcher, directory)
    assert_searches_like_the_scan(searcher, article_scanner, article_reference, Method.INDEX)
    searcher.close()


def test_truncation_is_reported_by_the_checksums(article: Document, cache_dir: Path) -> None:
    directory = build(article, cache_dir)
    _truncate(directory, random.Random(0))
    with pytest.raises(IndexUnavailableError, match="damaged"):
        SearchIndex.open(directory, FoldedDocument(article))


# Whoosh leaves the damaged segment's file open when it fails to read it; the garbage collector
# closes it (with a ResourceWarning that the strict warning filter would turn into an error).
@pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io\.FileIO:pytest.PytestUnraisableExceptionWarning"
)
def test_damage_the_checksums_do_not_see_is_caught_when_whoosh_trips(
    article: Document,
    cache_dir: Path,
    article_scanner: DocumentSearcher,
    article_reference: Reference,
) -> None:
    """Defence in depth: a truncated segment with matching checksums (as a buggy copy tool
    might leave it) still never reaches the user as an exception."""
    directory = build(article, cache_dir)
    _truncate(directory, random.Random(0))
    rewrite_checksums(directory)
    searcher = DocumentSearcher(article, cache_dir)
    assert not searcher.open_index()
    assert "cannot be read" in searcher.problem
    assert_searches_like_the_scan(searcher, article_scanner, article_reference, Method.SCAN)
    assert_rebuilt(searcher, directory)
    searcher.close()


def test_an_index_of_another_text_is_not_used(
    article: Document, novel: Document, cache_dir: Path
) -> None:
    """A directory named for the article but holding another text's meta is refused."""
    directory = build(article, cache_dir)
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    meta["fingerprint"] = novel.fingerprint
    (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    searcher = DocumentSearcher(article, cache_dir)
    assert not searcher.open_index()
    assert "another text" in searcher.problem
    assert_rebuilt(searcher, directory)
    searcher.close()


# ---- locks ----------------------------------------------------------------------------------


@pytest.fixture
def held_lock() -> Iterator[list[int]]:
    """File descriptors holding an exclusive flock, closed after the test."""
    descriptors: list[int] = []
    yield descriptors
    for descriptor in descriptors:
        os.close(descriptor)


def hold_lock(path: Path, descriptors: list[int]) -> None:
    """Hold Whoosh's write lock from another open file descriptor, as a hung writer would."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT)
    descriptors.append(descriptor)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_held_write_lock_in_the_index_does_not_stop_reading(
    article: Document,
    cache_dir: Path,
    held_lock: list[int],
    article_scanner: DocumentSearcher,
    article_reference: Reference,
) -> None:
    directory = build(article, cache_dir)
    hold_lock(directory / "MAIN_WRITELOCK", held_lock)
    with pytest.raises(LockError):  # the lock is real: Whoosh itself cannot write now
        whoosh_index.open_dir(str(directory)).writer(timeout=0)

    searcher = DocumentSearcher(article, cache_dir)
    searcher.ensure_index()
    assert searcher.state is IndexState.READY
    assert_searches_like_the_scan(searcher, article_scanner, article_reference, Method.INDEX)
    searcher.close()


def test_a_stale_lock_left_without_an_index_is_replaced_by_a_build(
    article: Document,
    cache_dir: Path,
    held_lock: list[int],
    article_scanner: DocumentSearcher,
    article_reference: Reference,
) -> None:
    """A writer that died in the index directory left only its (still held) lock.

    The lock stays held for the whole test, so a build that waited for it could only fail (Whoosh
    gives up with a LockError): building at all shows it did not wait."""
    directory = index_directory(cache_dir, article.fingerprint)
    directory.mkdir(parents=True)
    hold_lock(directory / "MAIN_WRITELOCK", held_lock)
    searcher = DocumentSearcher(article, cache_dir)
    assert_rebuilt(searcher, directory)
    assert_searches_like_the_scan(searcher, article_scanner, article_reference, Method.INDEX)
    searcher.close()


def test_abandoned_builds_are_cleared_and_live_ones_left_alone(
    article: Document, cache_dir: Path, held_lock: list[int]
) -> None:
    indexes = cache_dir / "indexes"
    abandoned, live = indexes / ".building-crashed", indexes / ".building-live"
    for workspace in (abandoned, live):
        workspace.mkdir(parents=True)
        hold_lock(workspace / "MAIN_WRITELOCK", held_lock)
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    build(article, cache_dir)
    assert not abandoned.exists()
    assert live.is_dir(), "another process's build in progress must not be deleted"


# ---- a cache directory that cannot be written -------------------------------------------------


def _inside_a_regular_file(tmp_path: Path) -> Path:
    plain = tmp_path / "plain-file"
    plain.write_text("not a directory", encoding="utf-8")
    return plain / "cache"


def _under_proc(_tmp_path: Path) -> Path:
    return Path("/proc/reader-test-cache")  # read-only, for root too


def _read_only_directory(tmp_path: Path) -> Path:
    cache_home = tmp_path / "read-only"
    cache_home.mkdir()
    cache_home.chmod(0o500)
    return cache_home


UNWRITABLE = {
    "inside a regular file": (_inside_a_regular_file, "Not a directory"),
    "under /proc": (_under_proc, ""),
    "a read-only directory": (_read_only_directory, "Permission denied"),
}


@pytest.fixture(
    params=[
        pytest.param(name, marks=[pytest.mark.unprivileged] if "read-only" in name else [])
        for name in UNWRITABLE
    ]
)
def unwritable_cache_home(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, str]]:
    make, reason = UNWRITABLE[request.param]
    cache_home = make(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    yield cache_home, reason
    if cache_home.exists() and cache_home.is_relative_to(tmp_path):
        cache_home.chmod(0o700)


def test_an_unwritable_cache_means_scanning_and_saying_why(
    article: Document,
    unwritable_cache_home: tuple[Path, str],
    article_scanner: DocumentSearcher,
    article_reference: Reference,
) -> None:
    _cache_home, reason = unwritable_cache_home
    searcher = DocumentSearcher(article, AppPaths.from_environment().cache_dir)
    with pytest.raises(IndexUnavailableError, match="cannot be saved") as raised:
        searcher.ensure_index()
    assert reason in str(raised.value)
    assert searcher.state is IndexState.UNAVAILABLE
    assert searcher.problem == str(raised.value)
    result = searcher.search("智算")
    assert result.method is Method.SCAN
    assert result.note == searcher.problem
    assert_searches_like_the_scan(searcher, article_scanner, article_reference, Method.SCAN)


def test_the_command_line_searches_without_a_writable_cache(
    unwritable_cache_home: tuple[Path, str], article: Document
) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["search", "智算", "--json"], stdout=stdout, stderr=stderr)
    assert status == EXIT_OK
    assert stderr.getvalue().startswith("reader: The search index cannot be saved in ")
    assert "searching without it" in stderr.getvalue()
    hits = json.loads(stdout.getvalue())
    assert len(hits) == article.text.count("智算")


# ---- a full disk, and two processes at once -------------------------------------------------

LIMIT_FILE_SIZE = (
    "import os, resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])\n"
)
"""Runs the rest of its arguments with writes beyond 2 MB failing (EFBIG, "File too large"),
as on a full disk: the limit and the ignored signal survive the exec."""


def reader_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "reader", *arguments]


def environment(cache_home: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(cache_home)}


def hits_by_position(output: str) -> list[dict[str, object]]:
    hits: list[dict[str, object]] = json.loads(output)
    return sorted(hits, key=lambda hit: (hit["start"], hit["end"]))


@pytest.mark.slow
def test_a_full_disk_while_building_falls_back_to_the_scan(
    novel_path: Path,
    novel_searcher: DocumentSearcher,
    session_cache_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache_home = tmp_path / "full-disk-cache"
    arguments = ("search", "宝玉", str(novel_path), "--json", "--limit", "0")
    limited = subprocess.run(
        [sys.executable, "-c", LIMIT_FILE_SIZE, *reader_command(*arguments)[1:]],
        env=environment(cache_home),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert limited.returncode == EXIT_OK, limited.stderr
    assert "Traceback" not in limited.stderr
    message = limited.stderr.strip()
    assert message.startswith("reader: The search index cannot be saved in ")
    assert "File too large" in message and message.endswith("searching without it.")
    indexes = cache_home / "reader" / "indexes"
    assert list(indexes.iterdir()) == [], "no half-built index or workspace may be left"

    # The same search with room to write, through the session's index of the novel.
    monkeypatch.setenv("XDG_CACHE_HOME", str(session_cache_home))
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(list(arguments), stdout=stdout, stderr=stderr) == EXIT_OK
    assert stderr.getvalue() == ""
    expected = hits_by_position(stdout.getvalue())
    assert len(expected) == novel_searcher.document.text.count("宝玉")
    assert hits_by_position(limited.stdout) == expected


def mid_size_text(novel: Document, directory: Path, characters: int = 300_000) -> Path:
    """The opening of the novel: big enough that two builds overlap, small enough to be quick."""
    end = next(p.end for p in novel.paragraphs if p.end >= characters)
    path = directory / "opening.txt"
    path.write_text(novel.text[:end], encoding="utf-8")
    return path


@pytest.mark.slow
def test_two_processes_building_the_same_index_at_once(novel: Document, tmp_path: Path) -> None:
    path = mid_size_text(novel, tmp_path)
    cache_home = tmp_path / "shared-cache"
    command = reader_command("search", "宝玉", str(path), "--json", "--limit", "0")
    processes = [
        subprocess.Popen(
            command,
            env=environment(cache_home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=SUBPROCESS_TIMEOUT) for process in processes]

    for process, (_stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == EXIT_OK, stderr
        assert stderr == "", "nothing (no LockError, no traceback, no message) on stderr"
    assert outputs[0][0] == outputs[1][0]

    document = load_document(path)
    hits = json.loads(outputs[0][0])
    assert len(hits) == document.text.count("宝玉") > 100
    assert all(document.text[hit["start"] : hit["end"]] == "宝玉" for hit in hits)

    indexes = cache_home / "reader" / "indexes"
    assert [entry.name for entry in indexes.iterdir()] == [
        f"{document.fingerprint}-a{ANALYSIS_VERSION}"
    ]
    opened = SearchIndex.open(
        index_directory(cache_home / "reader", document.fingerprint), FoldedDocument(document)
    )
    opened.close()
