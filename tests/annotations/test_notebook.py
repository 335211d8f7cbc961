"""The notebook: every live annotation of every document, read in one go, and its filters."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.annotations.model import Annotation, Colour, annotate
from reader.annotations.notebook import Notebook, NotebookDocument, NotebookQuery, read_notebook
from reader.annotations.session import AnnotationSession
from reader.annotations.store import AnnotationStore, DocumentRecord, StoreReadOnlyError
from reader.search.folding import fold
from tests.notebook_store import TwoDocuments, annotate_two_documents, highlight


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AnnotationStore]:
    with AnnotationStore.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def two(store: AnnotationStore, article_path: Path, tmp_path: Path) -> TwoDocuments:
    return annotate_two_documents(store, article_path, tmp_path / "texts")


def ids(documents: list[NotebookDocument]) -> list[list[str]]:
    return [[a.id for a in d.annotations] for d in documents]


def test_every_annotation_is_listed_under_its_document_most_recently_read_first(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    notebook = read_notebook(store)

    titles = [d.record.title for d in notebook.documents]
    assert titles == [two.small.title, two.article.title]
    assert ids(notebook.documents) == [[a.id for a in two.on_small], [a.id for a in two.on_article]]
    paths = [d.record.path for d in notebook.documents]
    assert paths == [Path(os.path.realpath(d.source or "")) for d in (two.small, two.article)]
    assert notebook.total == 5
    assert notebook.tags() == ["地方", "基建", "模型", "算力", "聲音"]
    assert [d.missing for d in notebook.documents] == [False, False]


def test_deleted_annotations_are_not_listed(store: AnnotationStore, two: TwoDocuments) -> None:
    store.delete(two.on_article[0].id)

    listed = {a.id for d in read_notebook(store).documents for a in d.annotations}

    assert two.on_article[0].id not in listed
    assert len(listed) == 4


def test_orphans_are_listed_last_in_their_document_and_marked(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    first = two.on_article[0]
    store.update(first.id, orphan=True)

    article = read_notebook(store).documents[1]

    assert article.annotations[-1].id == first.id
    assert article.annotations[-1].orphan
    assert article.orphans == 1


def test_a_document_whose_file_is_gone_is_listed_as_missing(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    assert two.small.source is not None
    two.small.source.unlink()

    small = read_notebook(store).documents[0]

    assert small.missing
    assert [a.id for a in small.annotations] == [a.id for a in two.on_small]


def test_an_empty_store_has_an_empty_notebook(store: AnnotationStore) -> None:
    notebook = read_notebook(store)

    assert (notebook.documents, notebook.total, notebook.tags()) == ([], 0, [])
    assert notebook.filtered(NotebookQuery(text="寺"), fold) == []


def test_a_read_only_store_shows_its_notebook_and_writes_nothing(
    store: AnnotationStore, two: TwoDocuments, tmp_path: Path
) -> None:
    revision = store.revision()
    with AnnotationStore.open(tmp_path / "data", read_only=True) as read_only:
        notebook = read_notebook(read_only)
        with pytest.raises(StoreReadOnlyError):
            read_only.delete(two.on_small[0].id)

    assert notebook.total == 5
    assert store.revision() == revision


def test_a_note_of_100k_characters_is_listed_whole_and_found_by_its_last_word(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    note = "注" * 99_990 + "最後一個詞"
    store.update(two.on_small[1].id, note=note)
    notebook = read_notebook(store)

    found = notebook.filtered(NotebookQuery(text="最后一个词"), fold)

    assert ids(found) == [[two.on_small[1].id]]
    assert found[0].annotations[0].note == note


def test_the_text_filter_folds_simplified_to_traditional_and_needs_every_word(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    notebook = read_notebook(store)

    temple = notebook.filtered(NotebookQuery(text="寺庙"), fold)  # the text says 寺廟
    both = notebook.filtered(NotebookQuery(text="古老 寺庙"), fold)
    neither = notebook.filtered(NotebookQuery(text="古老 智算"), fold)
    by_tag_text = notebook.filtered(NotebookQuery(text="声音"), fold)  # a tag, 聲音
    wide = notebook.filtered(NotebookQuery(text="ＯＰＥＮＡＩ"), fold)  # full width, any case

    assert ids(temple) == ids(both) == [[two.on_small[0].id]]
    assert neither == []
    assert ids(by_tag_text) == [[two.on_small[1].id]]
    assert ids(wide) == [[a.id for a in two.on_article if a.quote.exact == "OpenAI"]]


def test_colour_and_tag_filters_keep_only_their_annotations_across_documents(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    notebook = read_notebook(store)

    yellow = notebook.filtered(NotebookQuery(colour=Colour.YELLOW), fold)
    computing = notebook.filtered(NotebookQuery(tag="算力"), fold)
    yellow_sound = notebook.filtered(NotebookQuery(colour=Colour.YELLOW, text="钟声"), fold)

    expected_yellow = [
        [a.id for a in two.on_small if a.colour is Colour.YELLOW],
        [a.id for a in two.on_article if a.colour is Colour.YELLOW],
    ]
    assert ids(yellow) == expected_yellow
    assert ids(computing) == [[two.on_small[1].id], [a.id for a in two.on_article[1:2]]]
    assert ids(yellow_sound) == [[two.on_small[1].id]]


def test_ten_thousand_annotations_are_read_and_filtered(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    session = AnnotationSession.open(store, two.small)
    text, record = two.small.text, session.record
    many = [
        annotate(text, record.id, two.small.fingerprint, n % 20, n % 20 + 2, note=f"第{n}條")
        for n in range(10_000)
    ]
    store.import_annotations(many)
    notebook = read_notebook(store)

    assert notebook.total == 10_005
    assert ids(notebook.filtered(NotebookQuery(text="第9999条"), fold)) == [[many[-1].id]]


def test_a_document_can_have_its_annotations_made_again_after_the_notebook_was_read(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    before = read_notebook(store)
    session = AnnotationSession.open(store, two.small)
    made = highlight(session, "小和尚")

    after = read_notebook(store)

    assert made.id not in {a.id for d in before.documents for a in d.annotations}
    assert made.id in {a.id for a in after.documents[0].annotations}


# --- the filter against a brute force that shares nothing with it ---------------------------------

WORDS = ["寺廟", "寺庙", "鐘", "钟", "山", "Ａ", "a", "note"]
texts = st.lists(st.sampled_from(WORDS), max_size=3).map("".join)


@st.composite
def annotations(draw: st.DrawFn) -> Annotation:
    quote = draw(texts) or "山"
    document_text = quote + "。"
    made = annotate(document_text, "doc", "f" * 8, 0, len(quote))
    return replace(
        made,
        colour=draw(st.sampled_from(list(Colour))),
        note=draw(texts),
        tags=tuple(draw(st.lists(st.sampled_from(["甲", "乙", "丙"]), max_size=2, unique=True))),
    )


@given(
    st.lists(annotations(), max_size=12),
    st.lists(st.sampled_from(WORDS), max_size=2).map(" ".join),
    st.none() | st.sampled_from(list(Colour)),
    st.none() | st.sampled_from(["甲", "乙", "丙"]),
)
def test_the_filter_keeps_exactly_what_a_brute_force_keeps(
    items: list[Annotation], text: str, colour: Colour | None, tag: str | None
) -> None:
    record = DocumentRecord("doc", "f" * 8, "title", None)
    notebook = Notebook([NotebookDocument(record, tuple(items))])
    query = NotebookQuery(text, colour, tag)

    kept = [a.id for d in notebook.filtered(query, fold) for a in d.annotations]

    def passes(a: Annotation) -> bool:
        haystack = fold(a.quote.exact) + "\0" + fold(a.note) + "\0" + "\0".join(map(fold, a.tags))
        words_found = all(fold(word) in haystack for word in text.split())
        return words_found and colour in (None, a.colour) and tag in (None, *a.tags)

    assert kept == [a.id for a in items if passes(a)]


def test_a_prepared_notebook_filters_alike_without_folding_again(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    folded: list[str] = []

    def counting_fold(text: str) -> str:
        folded.append(text)
        return fold(text)

    lazy = read_notebook(store)
    prepared = read_notebook(store).prepare(counting_fold)
    folds_to_prepare = len(folded)
    queries = [NotebookQuery("寺庙"), NotebookQuery("算力 中心"), NotebookQuery(tag="模型")]

    answers = [ids(prepared.filtered(query, counting_fold)) for query in queries]

    assert answers == [ids(lazy.filtered(query, fold)) for query in queries]
    assert folds_to_prepare == 5  # one per annotation, on the thread that prepared it
    assert folded[5:] == ["寺庙", "算力", "中心"]  # afterwards only the typed words
    assert prepared.tags() == ["地方", "基建", "模型", "算力", "聲音"]
