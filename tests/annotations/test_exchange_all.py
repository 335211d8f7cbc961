"""Export All: every document's annotations in one Markdown or W3C file, and back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.all_documents import ALL_COLLECTION_ID, render_all
from reader.annotations.exchange.markdown import ORPHANS_HEADING
from reader.annotations.model import Annotation
from reader.annotations.notebook import read_notebook
from reader.annotations.session import AnnotationSession
from reader.annotations.store import AnnotationStore
from reader.document.loader import load_document
from tests.annotations.test_exchange import validate_collection
from tests.notebook_store import TwoDocuments, annotate_two_documents


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AnnotationStore]:
    with AnnotationStore.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def two(store: AnnotationStore, article_path: Path, tmp_path: Path) -> TwoDocuments:
    return annotate_two_documents(store, article_path, tmp_path / "texts")


def kept_values(annotation: Annotation) -> tuple[object, ...]:
    """Everything an export must carry (the local document id and revision are not)."""
    a = annotation
    return (a.id, a.fingerprint, a.quote, a.position, a.colour, a.note, a.tags, a.created, a.orphan)


def test_w3c_export_of_everything_is_one_valid_collection_of_every_annotation(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    collection = json.loads(render_all(read_notebook(store).documents, "w3c"))

    validate_collection(collection, 5)
    assert collection["id"] == ALL_COLLECTION_ID
    sources = [item["target"]["source"] for item in collection["first"]["items"]]
    assert sources.count(f"urn:reader:document:{two.small.fingerprint}") == 2
    assert sources.count(f"urn:reader:document:{two.article.fingerprint}") == 3


def test_export_all_then_import_per_document_restores_every_annotation(
    store: AnnotationStore, two: TwoDocuments, tmp_path: Path
) -> None:
    exported = tmp_path / "all.jsonld"
    exported.write_text(render_all(read_notebook(store).documents, "w3c"), encoding="utf-8")

    with AnnotationStore.open(tmp_path / "elsewhere") as fresh:
        reports = []
        for document in (two.article, two.small):
            report, _changes = AnnotationSession.open(fresh, document).import_file(exported)
            reports.append(report)
        restored = {a.id: a for d in read_notebook(fresh).documents for a in d.annotations}

    originals = [*two.on_article, *two.on_small]
    assert sorted(map(kept_values, restored.values())) == sorted(map(kept_values, originals))
    assert [(r.count.added, r.elsewhere) for r in reports] == [(3, 2), (2, 3)]
    assert "2 of other documents left out" in reports[0].summary()


def test_importing_everything_into_a_document_it_does_not_hold_imports_nothing(
    store: AnnotationStore, two: TwoDocuments, tmp_path: Path
) -> None:
    exported = tmp_path / "all.jsonld"
    exported.write_text(render_all(read_notebook(store).documents, "w3c"), encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("另一本書，沒有任何註記。\n", encoding="utf-8")
    session = AnnotationSession.open(store, load_document(other))

    with pytest.raises(ImportFormatError, match="annotations of 2 documents, and none"):
        session.import_file(exported)

    assert store.annotations(session.document_id) == []


def test_markdown_has_a_section_per_document_with_its_orphans_last(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    store.update(two.on_article[0].id, orphan=True)
    assert two.small.source is not None
    two.small.source.unlink()

    markdown = render_all(read_notebook(store).documents, "markdown")

    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == [
        "# All annotations",
        f"## {two.small.title}",
        f"## {two.article.title}",
        f"### {ORPHANS_HEADING}",
    ]
    assert "5 annotations in 2 documents." in markdown
    assert "(missing)" in markdown.split(f"## {two.article.title}")[0]
    orphans_section = markdown.split(ORPHANS_HEADING)[1]
    assert f"> {two.on_article[0].quote.exact}" in orphans_section
    for annotation in [*two.on_article, *two.on_small]:
        assert f"> {annotation.quote.exact}" in markdown
    assert "<b>不是</b> markup" in markdown  # the user's note as written


def test_a_title_cannot_forge_a_heading_in_the_markdown(
    store: AnnotationStore, two: TwoDocuments
) -> None:
    first, *rest = read_notebook(store).documents
    record = replace(first.record, title="第一\n# 假的 #", path=None)

    markdown = render_all([replace(first, record=record), *rest], "markdown")

    assert "## 第一 # 假的 \\#" in markdown.splitlines()
    assert "No file (imported annotations)." in markdown


def test_an_empty_notebook_exports_an_empty_collection_and_a_friendly_markdown(
    store: AnnotationStore,
) -> None:
    documents = read_notebook(store).documents

    collection = json.loads(render_all(documents, "w3c"))
    markdown = render_all(documents, "markdown")

    validate_collection(collection, 0)
    assert markdown == "# All annotations\n\nNo annotations yet.\n"
