"""The library index: exact recall and offsets against an independent brute force, the real
analyzer, incremental updates, and every hostile case (damage, deletion, a full disk, two
writers, a 10,000-character query): search keeps working by scanning, with a clear note."""

from __future__ import annotations

import fcntl
import multiprocessing
import resource
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.document.loader import load_document
from reader.document.model import Document
from reader.search import library_index
from reader.search.folding import fold
from reader.search.library_analysis import GramField, gram_counts, library_analyzer
from reader.search.library_build import update_index
from reader.search.library_index import LibraryIndex, LibraryIndexError, library_index_directory
from reader.search.library_model import HitKind, IndexedDocument, IndexedNote, LibraryResult
from reader.search.library_searcher import LibrarySearcher
from tests.search.library_reference import expected_hits, note_matches, query_text

TEXTS = {
    "a": "第一回  甄士隱夢幻識通靈\n\n宝玉笑道：“林妹妹。”ＧＰＴ與gpt。\n\n"
    "哈爾濱的智算中心，𠀀𠀁。",
    "b": "第一章 人民共和国\n\n中华人民共和国成立了。宝玉不在这里。\n\nabcbcb 哈哈哈 aaa",
    "c": "序\n\n子曰：學而時習之，不亦說乎？\n\n有朋自遠方來，不亦樂乎？宝 玉",
}


class Library:
    """A small library on disk: documents, their loaded texts, notes, and a load counter."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.texts: dict[str, Document] = {}
        self.documents: dict[str, IndexedDocument] = {}
        self.notes: list[IndexedNote] = []
        self.loads: list[str] = []

    def put(self, key: str, text: str) -> None:
        path = self.root / f"{key}.txt"
        path.write_text(text, encoding="utf-8")
        document = load_document(path)
        self.texts[key] = document
        self.documents[key] = IndexedDocument(key, document.fingerprint, document.title, path)

    def load(self, document: IndexedDocument) -> Document:
        self.loads.append(document.document_id)
        return load_document(document.path)

    def update(self, cache: Path) -> list[str]:
        return update_index(cache, list(self.documents.values()), self.notes, self.load)

    def search(
        self, searcher: LibrarySearcher, text: str, limit: int | None = None
    ) -> LibraryResult:
        return searcher.search(text, list(self.documents.values()), self.notes, limit)


def note(
    key: str, document_id: str, quote: str, text: str, tags: tuple[str, ...] = ()
) -> IndexedNote:
    return IndexedNote(key, document_id, quote, text, tags, "yellow", 0, len(quote))


@pytest.fixture
def library(tmp_path: Path) -> Library:
    made = Library(tmp_path / "books")
    made.root.mkdir()
    for key, text in TEXTS.items():
        made.put(key, text)
    made.notes = [
        note("n1", "a", "林妹妹", "黛玉的眼泪", ("紅樓",)),
        note("n2", "c", "學而時習之", "learning GPT"),
    ]
    return made


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def text_hits(result: LibraryResult) -> set[tuple[str, int, int]]:
    return {
        (hit.document_id, hit.start, hit.end)
        for group in result.groups
        for hit in group.hits
        if hit.kind in (HitKind.TEXT, HitKind.HEADING)
    }


def note_ids(result: LibraryResult) -> set[str]:
    return {hit.annotation_id for g in result.groups for hit in g.hits if hit.kind is HitKind.NOTE}


# ---- the analyzer -------------------------------------------------------------------------


def test_the_analyzer_folds_and_makes_unigrams_and_bigrams() -> None:
    terms = [token.text for token in library_analyzer()("智算中心 GPT，應用")]
    assert terms == [
        "智",
        "智算",
        "算",
        "算中",
        "中",
        "中心",
        "心",
        "g",
        "gp",
        "p",
        "pt",
        "t",
        "应",
        "应用",
        "用",
    ]


def test_the_fast_indexing_path_gives_exactly_the_analyzers_terms(novel: Document) -> None:
    """Whoosh's query parser and highlighter use the analyzer; indexing takes a shortcut."""
    field = GramField()
    for paragraph in [*novel.paragraphs[:400], *novel.paragraphs[-50:]]:
        text = novel.text[paragraph.start : paragraph.end]
        analysed = {token.text for token in field.analyzer(text)}
        fast = [term.decode("utf-8") for term, _count, _w, _v in field.index(text)]
        assert len(fast) == len(set(fast)), "each term once: only its presence is stored"
        assert set(fast) == analysed == set(gram_counts(fold(text)))


# ---- exact recall: offsets across the library ------------------------------------------------


def corpus_pieces() -> st.SearchStrategy[str]:
    alphabet = sorted(set("".join(TEXTS.values())) - {'"', "＂", "\n"})
    return st.text(alphabet=st.sampled_from(alphabet), min_size=1, max_size=5).filter(
        lambda piece: piece.strip() == piece and bool(piece.strip())
    )


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Library, LibrarySearcher, LibrarySearcher]]:
    root = tmp_path_factory.mktemp("recall")
    made = Library(root / "books")
    made.root.mkdir()
    for key, text in TEXTS.items():
        made.put(key, text)
    article = Path(__file__).resolve().parents[2] / "resources"
    for number, path in enumerate(sorted(article.rglob("*.txt"))[:1]):
        made.put(f"article{number}", path.read_text(encoding="utf-8"))
    made.notes = [
        note("n1", "a", "林妹妹", "黛玉的眼泪", ("紅樓",)),
        note("n2", "c", "學而", "说乎"),
    ]
    cache = root / "cache"
    assert made.update(cache) == []
    indexed = LibrarySearcher(cache, made.load)
    scanning = LibrarySearcher(None, made.load)
    yield made, indexed, scanning
    indexed.forget_index()


@settings(
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    required=st.lists(corpus_pieces(), min_size=1, max_size=3),
    excluded=st.lists(corpus_pieces(), max_size=1),
)
def test_hit_offsets_equal_an_independent_brute_force(
    built: tuple[Library, LibrarySearcher, LibrarySearcher],
    required: list[str],
    excluded: list[str],
) -> None:
    made, indexed, scanning = built
    text = query_text(required, excluded)
    expected: set[tuple[str, int, int]] = set()
    for key, document in made.texts.items():
        expected |= expected_hits(key, document, required, excluded)
    expected_notes = {
        n.annotation_id for n in made.notes if note_matches(n.searchable, required, excluded)
    }
    from_index = made.search(indexed, text)
    assert from_index.complete
    assert text_hits(from_index) == expected, text
    assert note_ids(from_index) == expected_notes, text
    from_scan = made.search(scanning, text)
    assert text_hits(from_scan) == expected, text
    assert note_ids(from_scan) == expected_notes


def test_the_index_answers_and_ranks(library: Library, cache: Path) -> None:
    library.update(cache)
    searcher = LibrarySearcher(cache, library.load)
    library.loads.clear()
    result = library.search(searcher, "宝玉", limit=20)
    assert result.from_index and result.note == "" and library.loads == [], "no book is loaded"
    assert [group.document.document_id for group in result.groups][:2] == ["a", "b"]
    first = result.groups[0].hits[0]
    assert first.snippet[first.match_start : first.match_end] == "宝玉"
    heading = library.search(searcher, "人民共和国").groups[0]
    assert heading.document.document_id == "b" and heading.hits[0].kind is HitKind.HEADING
    notes = library.search(searcher, "紅樓")
    assert [(h.kind, h.note) for g in notes.groups for h in g.hits] == [
        (HitKind.NOTE, "黛玉的眼泪")
    ]


# ---- incremental, resumable ---------------------------------------------------------------


def test_only_what_changed_is_indexed_again(library: Library, cache: Path) -> None:
    library.update(cache)
    assert sorted(library.loads) == ["a", "b", "c"]
    library.loads.clear()
    library.update(cache)
    assert library.loads == [], "nothing changed: nothing loaded"
    library.put("d", "新来的书：贾宝玉")
    library.put("b", TEXTS["b"] + "\n\n又改了一行")
    del library.documents["c"]
    library.update(cache)
    assert sorted(library.loads) == ["b", "d"]
    searcher = LibrarySearcher(cache, library.load)
    found = library.search(searcher, "宝玉")
    assert found.from_index and found.note == ""
    assert {g.document.document_id for g in found.groups} == {"a", "b", "d"}
    index = LibraryIndex.open(cache)
    assert set(index.indexed_fingerprints()) == {"a", "b", "d"}
    index.close()


def test_a_build_of_many_documents_leaves_few_segments(library: Library, cache: Path) -> None:
    for number in range(library_index.MERGE_AT_SEGMENTS):
        library.put(f"extra{number}", f"第{number}本：宝玉又来了\n\n别的段落{number}")
    library.update(cache)
    segments = list(library_index_directory(cache).glob("*.trm"))  # one per segment
    assert len(segments) < library_index.MERGE_AT_SEGMENTS, "a batch per commit, merged at the end"
    searcher = LibrarySearcher(cache, library.load)
    result = library.search(searcher, "宝玉")
    assert result.from_index and result.note == ""
    expected: set[tuple[str, int, int]] = set()
    for key, text in library.texts.items():
        expected |= expected_hits(key, text, ["宝玉"], [])
    assert text_hits(result) == expected


def test_an_edited_note_is_searchable_after_one_sync(library: Library, cache: Path) -> None:
    library.update(cache)
    index = LibraryIndex.open(cache)
    edited = note("n1", "a", "林妹妹", "新的想法：葬花")
    assert index.sync_notes([edited, library.notes[1]]) == 1
    library.notes = [edited, library.notes[1]]
    searcher = LibrarySearcher(cache, library.load)
    result = library.search(searcher, "葬花")
    assert result.from_index and note_ids(result) == {"n1"}
    assert note_ids(library.search(searcher, "眼泪")) == set()
    index.close()


def test_a_sync_searches_for_an_old_version_only_of_notes_it_indexed(
    library: Library, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each delete_by_term opens a searcher over every segment: done for thousands of new
    notes it made a sync of 1,000 notes take 40 s instead of 0.2 s."""
    from whoosh.writing import SegmentWriter

    library.update(cache)
    deleted: list[str] = []
    delete = SegmentWriter.delete_by_term

    def counting(writer: SegmentWriter, field: str, text: str, searcher: object = None) -> int:
        deleted.append(text)
        return delete(writer, field, text, searcher)

    monkeypatch.setattr(SegmentWriter, "delete_by_term", counting)
    index = LibraryIndex.open(cache)
    new = [note(f"new{number}", "b", "人民共和国", f"第{number}条") for number in range(50)]
    edited = note("n1", "a", "林妹妹", "新的想法：葬花")
    assert index.sync_notes([edited, library.notes[1], *new]) == 51
    assert deleted == ["n1"]
    library.notes = [edited, library.notes[1], *new]
    searcher = LibrarySearcher(cache, library.load)
    assert note_ids(library.search(searcher, "第7条")) == {"new7"}
    assert note_ids(library.search(searcher, "葬花")) == {"n1"}
    assert note_ids(library.search(searcher, "眼泪")) == set()
    index.close()


def test_a_build_stopped_midway_resumes_where_it_was(library: Library, cache: Path) -> None:
    def load_then_crash(document: IndexedDocument) -> Document:
        if document.document_id == "b":
            raise KeyboardInterrupt  # the process dies while indexing b
        return library.load(document)

    with pytest.raises(KeyboardInterrupt):
        update_index(cache, list(library.documents.values()), [], load_then_crash)
    library.loads.clear()
    library.update(cache)
    assert library.loads == ["b", "c"], "a is not indexed twice"
    searcher = LibrarySearcher(cache, library.load)
    assert text_hits(library.search(searcher, "宝玉")) == expected_hits(
        "a", library.texts["a"], ["宝玉"], []
    ) | expected_hits("b", library.texts["b"], ["宝玉"], []) | expected_hits(
        "c", library.texts["c"], ["宝玉"], []
    )


def test_a_file_that_vanished_is_reported_and_skipped(library: Library, cache: Path) -> None:
    library.documents["b"].path.unlink()  # listed, then gone before the build reads it
    problems = library.update(cache)
    assert len(problems) == 1 and "b.txt" in problems[0]
    index = LibraryIndex.open(cache)
    assert set(index.indexed_fingerprints()) == {"a", "c"}
    index.close()


# ---- hostile -------------------------------------------------------------------------------


def test_before_any_build_queries_are_answered_by_scanning(library: Library, cache: Path) -> None:
    result = library.search(LibrarySearcher(cache, library.load), "宝玉")
    assert not result.from_index
    assert result.note.startswith("The library index is missing or incomplete. 3 of 3 documents")
    assert text_hits(result)


# Whoosh leaves the damaged segment's file open when it fails to read it; the garbage collector
# closes it (with a ResourceWarning that the strict warning filter would turn into an error).
@pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io\.FileIO:pytest.PytestUnraisableExceptionWarning"
)
def test_a_damaged_index_is_scanned_around_then_rebuilt(library: Library, cache: Path) -> None:
    library.update(cache)
    searcher = LibrarySearcher(cache, library.load)
    expected = text_hits(library.search(searcher, "宝玉"))
    directory = library_index_directory(cache)
    segment_files = [*directory.glob("*.trm"), *directory.glob("*.pst")]
    assert segment_files
    for segment in segment_files:
        segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 3])
    searcher.forget_index()
    damaged = library.search(searcher, "宝玉")
    assert text_hits(damaged) == expected and not damaged.from_index
    assert damaged.note.startswith("The library index cannot be read")
    library.update(cache)
    rebuilt = library.search(searcher, "宝玉")
    assert rebuilt.from_index and text_hits(rebuilt) == expected


def test_an_index_deleted_while_searching_falls_back_to_the_scan(
    library: Library, cache: Path
) -> None:
    library.update(cache)
    searcher = LibrarySearcher(cache, library.load)
    expected = text_hits(library.search(searcher, "宝玉"))
    shutil.rmtree(library_index_directory(cache))
    result = library.search(searcher, "宝玉")  # the searcher had the index open
    assert text_hits(result) == expected
    library.update(cache)
    assert library.search(searcher, "宝玉").from_index


def test_an_index_from_another_analysis_version_is_replaced(library: Library, cache: Path) -> None:
    old = cache / "library-index-a0"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text("{}")
    (cache / "indexes").mkdir()  # the retired per-document indexes
    library.update(cache)
    assert not old.exists() and not (cache / "indexes").exists()
    manifest = library_index_directory(cache) / "manifest.json"
    manifest.write_text('{"analysis": 999, "documents": {}, "notes": {}}')
    searcher = LibrarySearcher(cache, library.load)
    result = library.search(searcher, "宝玉")
    assert not result.from_index
    assert result.note.startswith("The library index was made by another version.")
    library.update(cache)
    assert library.search(searcher, "宝玉").from_index


def test_a_ten_thousand_character_query(library: Library, cache: Path) -> None:
    library.update(cache)
    searcher = LibrarySearcher(cache, library.load)
    long_query = ("宝玉" * 5_000)[:10_000]
    result = library.search(searcher, long_query)
    assert result.from_index and text_hits(result) == set()
    phrase = ("中华人民共和国成立了。" * 1_000)[:10_000]
    assert library.search(searcher, f'"{phrase}"').groups == ()
    words = " ".join(["宝玉"] * 3_333)
    assert text_hits(library.search(searcher, words)) == text_hits(library.search(searcher, "宝玉"))


def _build_with_a_small_disk(
    cache: str, documents: list[IndexedDocument], limit: int, queue: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    """In a child: writes beyond `limit` bytes fail (EFBIG), as on a disk that fills."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        update_index(Path(cache), documents, [], lambda d: load_document(d.path))
        queue.put("finished")
    except LibraryIndexError as error:
        queue.put(str(error))


def test_a_disk_that_fills_while_indexing(library: Library, cache: Path, novel_path: Path) -> None:
    first = [library.documents["a"]]
    update_index(cache, first, [], library.load)
    novel = load_document(novel_path)
    documents = [*first, IndexedDocument("novel", novel.fingerprint, novel.title, novel_path)]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(
        target=_build_with_a_small_disk, args=(str(cache), documents, 300_000, queue)
    )
    child.start()
    said = queue.get(timeout=600)  # a hang detector
    child.join(timeout=600)
    assert said.startswith("The library index cannot be saved in ") and "the disk is full" in said
    searcher = LibrarySearcher(cache, lambda d: load_document(d.path))
    result = searcher.search("宝玉", documents, [])
    assert {g.document.document_id for g in result.groups} == {"a", "novel"}
    assert result.note == "1 of 2 documents scanned until the library index is ready."


def test_two_writers_take_turns(
    library: Library, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.update(cache)
    monkeypatch.setattr(library_index, "LOCK_TIMEOUT_SECONDS", 0.2)
    lock = (library_index_directory(cache) / library_index.LOCK_FILE).open("a")
    fcntl.flock(lock, fcntl.LOCK_EX)  # another window is writing (flock is per open file)
    try:
        library.put("d", "另一本书：宝玉")
        with pytest.raises(LibraryIndexError, match="Another reader is updating the library index"):
            library.update(cache)
        result = library.search(LibrarySearcher(cache, library.load), "宝玉")
        assert "d" in {g.document.document_id for g in result.groups}
    finally:
        lock.close()
    library.update(cache)
