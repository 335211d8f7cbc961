"""Other readers' highlights brought into the novel: matched, anchored, stored once, never lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reader.annotations.exchange.foreign_export import to_kindle, to_koreader
from reader.annotations.exchange.records import ForeignBook, ForeignHighlight
from reader.annotations.exchange.sniff import parse_foreign
from reader.annotations.exchange.w3c_import import from_w3c
from reader.annotations.foreign import ImportTarget, import_foreign
from reader.annotations.matching import Candidate, matches
from reader.annotations.model import Annotation
from reader.annotations.placement import import_file
from reader.annotations.store import AnnotationStore, DocumentRecord, StoreError
from reader.document.loader import load_document
from reader.document.model import Document
from reader.search.folding import fold
from tests.annotations import foreign_fixtures as f


@pytest.fixture(scope="module")
def novel(novel_path: Path) -> Document:
    return load_document(novel_path)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AnnotationStore]:
    with AnnotationStore.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def record(store: AnnotationStore, novel: Document) -> DocumentRecord:
    return store.open_document(novel.fingerprint, novel.title, novel.source)


def bring(
    store: AnnotationStore, record: DocumentRecord, novel: Document, content: str, kind: str
) -> str:
    foreign = parse_foreign(content.encode("utf-8"), kind)
    targets = [ImportTarget(book, record, novel) for book in foreign.books if book.title != "Faust"]
    return import_foreign(store, foreign.format, targets, fold).summary()


def quotes(store: AnnotationStore, record: DocumentRecord) -> dict[str, Annotation]:
    return {a.quote.exact: a for a in store.annotations(record.id)}


# --- Kindle into the novel -----------------------------------------------------------------------


def test_kindle_highlights_land_on_the_text_and_the_rest_is_kept(
    store: AnnotationStore, record: DocumentRecord, novel: Document
) -> None:
    summary = bring(store, record, novel, f.KINDLE, "kindle")
    assert summary == "3 placed, 2 not placed, 1 duplicates skipped"
    found = quotes(store, record)
    for quote in (f.FIRST, f.SECOND, f.THIRD):  # the Traditional quote found in Simplified text
        annotation = found[quote]
        assert novel.text[annotation.start : annotation.end] == quote
        assert not annotation.orphan and annotation.fingerprint == novel.fingerprint
    assert found[f.SECOND].note == "荒唐言"
    assert found[f.MISSING].orphan  # could not be placed: kept, listed
    assert found["<You have reached the clipping limit for this item>"].orphan


def test_a_revised_kindle_highlight_lands_once_with_its_note(
    store: AnnotationStore, record: DocumentRecord, novel: Document
) -> None:
    assert bring(store, record, novel, f.KINDLE_REVISED, "kindle") == (
        "2 placed, 0 not placed, 0 duplicates skipped"
    )
    found = quotes(store, record)
    assert set(found) == {f.EXTENDED, "细按则深"}
    assert found[f.EXTENDED].note == "看官"
    assert novel.text[found[f.EXTENDED].start : found[f.EXTENDED].end] == f.EXTENDED


def test_importing_twice_adds_nothing(
    store: AnnotationStore, record: DocumentRecord, novel: Document
) -> None:
    bring(store, record, novel, f.KINDLE, "kindle")
    before = store.annotations(record.id)
    assert bring(store, record, novel, f.KINDLE, "kindle") == (
        "0 placed, 0 not placed, 6 duplicates skipped"
    )
    assert store.annotations(record.id) == before


def test_a_local_edit_is_not_overwritten_by_an_older_copy(
    store: AnnotationStore, record: DocumentRecord, novel: Document
) -> None:
    bring(store, record, novel, f.KINDLE, "kindle")
    mine = quotes(store, record)[f.SECOND]
    store.update(mine.id, note="我自己的笔记")
    changed = f.KINDLE.replace("荒唐言", "Kindle 上改过的")  # same time as before: older
    summary = bring(store, record, novel, changed, "kindle")
    assert summary == "0 placed, 0 not placed, 5 duplicates skipped, 1 kept (changed here since)"
    assert quotes(store, record)[f.SECOND].note == "我自己的笔记"


def test_the_import_is_one_transaction(
    store: AnnotationStore, record: DocumentRecord, novel: Document
) -> None:
    bad = ForeignHighlight("\ud800 half a surrogate pair")  # SQLite cannot hold it
    book = ForeignBook("红楼梦", highlights=(ForeignHighlight(f.FIRST), bad))
    revision = store.revision()
    with pytest.raises(StoreError, match="half of a surrogate pair"):
        import_foreign(store, "kindle", [ImportTarget(book, record, novel)], fold)
    assert store.annotations(record.id) == [] and store.revision() == revision


# --- every other format into the novel -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind", "summary", "placed"),
    [
        (f.KOREADER_JSON, "koreader", "2 placed, 0 not placed, 0 duplicates skipped", [f.FIRST]),
        (f.KOREADER_LUA, "koreader", "2 placed, 0 not placed, 0 duplicates skipped", [f.SECOND]),
        (f.KOREADER_OLD_LUA, "koreader", "1 placed, 0 not placed, 0 duplicates skipped", []),
        (f.CALIBRE, "calibre", "2 placed, 0 not placed, 0 duplicates skipped", [f.SECOND]),
        (f.FOLIATE, "foliate", "2 placed, 0 not placed, 0 duplicates skipped", [f.FIRST]),
        (f.HYPOTHESIS, "hypothesis", "1 placed, 2 not placed, 0 duplicates skipped", [f.THIRD]),
    ],
    ids=["koreader-json", "koreader-lua", "koreader-old-lua", "calibre", "foliate", "hypothesis"],
)
def test_each_format_lands_on_the_novel(
    store: AnnotationStore,
    record: DocumentRecord,
    novel: Document,
    content: str,
    kind: str,
    summary: str,
    placed: list[str],
) -> None:
    assert bring(store, record, novel, content, kind) == summary
    found = quotes(store, record)
    for quote in placed:
        assert novel.text[found[quote].start : found[quote].end] == quote
    assert bring(store, record, novel, content, kind).startswith("0 placed, 0 not placed")


def test_hypothesis_orphans_and_page_notes_are_kept_with_their_notes(
    store: AnnotationStore, record: DocumentRecord, novel: Document
) -> None:
    bring(store, record, novel, f.HYPOTHESIS, "hypothesis")
    found = quotes(store, record)
    assert found[f.MISSING].orphan
    assert found[""].orphan and found[""].note == "整页的笔记"
    assert found[f.THIRD].tags == ("红楼", "开篇") and found[f.THIRD].note == "有意思"


# --- W3C: quote-only and CFI-only targets --------------------------------------------------------


def w3c(selectors: list[dict[str, object]]) -> str:
    item = {
        "id": "urn:other:1",
        "type": "Annotation",
        "target": {"source": "https://example.org/book", "selector": selectors},
    }
    return json.dumps({"type": "AnnotationCollection", "items": [item]}, ensure_ascii=False)


def test_a_w3c_quote_only_annotation_is_placed_by_its_quote_even_in_traditional(
    store: AnnotationStore, record: DocumentRecord, novel: Document, tmp_path: Path
) -> None:
    quote = {"type": "TextQuoteSelector", "exact": f.SECOND_TRADITIONAL, "suffix": "，细按则"}
    path = tmp_path / "quote-only.jsonld"
    path.write_text(w3c([quote]), encoding="utf-8")
    report = import_file(store, record, novel, path, fold)
    assert (report.count.added, report.unplaced) == (1, 0)
    (placed,) = store.annotations(record.id)
    assert novel.text[placed.start : placed.end] == f.SECOND


def test_a_w3c_annotation_with_only_an_epub_cfi_is_kept_not_placed() -> None:
    cfi = {"type": "FragmentSelector", "value": "epubcfi(/6/4!/4/2/1:0)"}
    (annotation,) = from_w3c(w3c([cfi]), "ab")
    assert annotation.quote.exact == ""  # anchoring can only keep it as an orphan


# --- matching books to documents -----------------------------------------------------------------

NOVEL = Candidate("1", "红楼梦", Path("/books/hongloumeng.txt"), "f1", "曹雪芹")
SEQUEL = Candidate("2", "红楼梦（程乙本）", Path("/books/chengyi.txt"), "f2", "高鹗")
ARTICLE = Candidate("3", "智算中心", Path("/a.txt"), "f3", identifiers=("urn:isbn:978-7",))


@pytest.mark.parametrize(
    ("book", "expected"),
    [
        (ForeignBook("《紅樓夢》", "曹雪芹"), [NOVEL]),  # folded, punctuation ignored
        (ForeignBook("ＲＥＤ"), []),
        (ForeignBook("程乙本"), [SEQUEL]),  # a title inside another
        (ForeignBook("", fingerprint="f3"), [ARTICLE]),
        (ForeignBook("anything", identifier="URN:ISBN:9787"), [ARTICLE]),
        (ForeignBook(""), []),
    ],
    ids=["traditional-title", "unknown", "contained", "fingerprint", "identifier", "untitled"],
)
def test_books_match_documents(book: ForeignBook, expected: list[Candidate]) -> None:
    assert matches(book, [NOVEL, SEQUEL, ARTICLE], fold) == expected


def test_an_ambiguous_title_is_decided_by_the_author_or_left_to_the_user() -> None:
    other = replace(NOVEL, document_id="4", title="红楼梦", author="")
    assert matches(ForeignBook("红楼梦", "曹雪芹"), [NOVEL, other], fold) == [NOVEL]
    assert matches(ForeignBook("红楼梦"), [NOVEL, other], fold) == [NOVEL, other]


# --- out and back in -----------------------------------------------------------------------------


@pytest.mark.parametrize(("export", "kind"), [(to_kindle, "kindle"), (to_koreader, "koreader")])
def test_exports_read_back_through_our_importers(
    tmp_path: Path, novel: Document, export: object, kind: str
) -> None:
    with AnnotationStore.open(tmp_path / "first") as first:
        record = first.open_document(novel.fingerprint, novel.title, novel.source)
        bring(first, record, novel, f.KINDLE, "kindle")
        original = first.annotations(record.id)
    assert callable(export)
    content = export(novel, original)
    with AnnotationStore.open(tmp_path / "second") as second:
        again = second.open_document(novel.fingerprint, novel.title, novel.source)
        summary = bring(second, again, novel, content, kind)
        assert summary == "3 placed, 2 not placed, 0 duplicates skipped"
        back = second.annotations(again.id)

    def essence(items: list[Annotation]) -> list[tuple[object, ...]]:
        # an orphan's position is only where it was looked for: a page is coarser than that
        return sorted(
            (a.quote.exact, a.orphan, a.note, None if a.orphan else (a.start, a.end)) for a in items
        )

    assert essence(back) == essence(original)
