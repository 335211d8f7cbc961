"""An EPUB's annotations leave with the book's own identifier as their W3C source and come back
to the same document; a re-saved EPUB with the same text keeps them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from reader.annotations.exchange import render
from reader.annotations.exchange.w3c_export import DOCUMENT_URN, to_w3c
from reader.annotations.exchange.w3c_import import from_w3c
from reader.annotations.model import Annotation
from reader.annotations.session import AnnotationSession
from reader.annotations.store import AnnotationStore
from reader.document.loader import load_document
from reader.document.model import Document
from tests.document.formats.epub_maker import simple_book

IDENTIFIER = "urn:uuid:12345678-1234-1234-1234-123456789abc"
"""What `epub_maker.opf` writes as the book's unique identifier."""


def book(tmp_path: Path) -> Path:
    return simple_book(
        tmp_path / "book.epub",
        ["<h1>第一章</h1><p>天下<em>大勢</em>，分久必合。</p>", "<h1>第二章</h1><p>合久必分。</p>"],
    )


def highlight(store: AnnotationStore, document: Document, quotes: list[str]) -> list[Annotation]:
    session = AnnotationSession.open(store, document)
    made = []
    for quote in quotes:
        start = document.text.index(quote)
        annotation, _changes = session.highlight(start, start + len(quote), note=f"說{quote}")
        made.append(annotation)
    return made


def positions(store: AnnotationStore, document: Document) -> list[tuple[str, int, int, str]]:
    session = AnnotationSession.open(store, document)
    assert not session.stale, "annotations waiting to be re-anchored: the text changed"
    record = session.record
    return sorted(
        (a.quote.exact, a.position.start, a.position.end, a.note)
        for a in store.annotations(record.id)
    )


def test_the_w3c_source_of_an_epub_is_its_identifier_and_a_re_import_lands_on_it(
    tmp_path: Path,
) -> None:
    document = load_document(book(tmp_path))
    with AnnotationStore.open(tmp_path / "first") as store:
        made = highlight(store, document, ["大勢", "合久必分"])
        exported = tmp_path / "notes.jsonld"
        exported.write_text(render(document, made, [], "w3c"), encoding="utf-8")
        expected = positions(store, document)
    items = json.loads(exported.read_text(encoding="utf-8"))["first"]["items"]
    assert {item["target"]["source"] for item in items} == {IDENTIFIER}

    with AnnotationStore.open(tmp_path / "second") as store:
        session = AnnotationSession.open(store, load_document(tmp_path / "book.epub"))
        report, _changes = session.import_file(exported)
        assert report.count.added == 2 and not report.unplaced and not report.elsewhere
        assert positions(store, document) == expected


def test_an_identifier_source_is_matched_to_its_book_among_other_texts(tmp_path: Path) -> None:
    document = load_document(book(tmp_path))
    with AnnotationStore.open(tmp_path / "data") as store:
        [ours] = highlight(store, document, ["分久必合"])
    collection = to_w3c(document, [ours])
    other = dict(collection["first"]["items"][0])  # type: ignore[index]
    other["id"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    other["target"] = {**other["target"], "source": f"{DOCUMENT_URN}{'0' * 64}"}
    collection["first"]["items"].append(other)  # type: ignore[index]

    loaded = from_w3c(json.dumps(collection), books={IDENTIFIER: document.fingerprint})

    assert [a.fingerprint for a in loaded] == [document.fingerprint, "0" * 64]


def test_our_document_urn_still_comes_back_for_texts_without_an_identifier(
    tmp_path: Path, article_path: Path
) -> None:
    article = load_document(article_path)
    with AnnotationStore.open(tmp_path / "data") as store:
        [made] = highlight(store, article, ["智算中心"])
    [item] = to_w3c(article, [made])["first"]["items"]  # type: ignore[index]

    assert item["target"]["source"] == f"{DOCUMENT_URN}{article.fingerprint}"
    assert from_w3c(json.dumps(item))[0].fingerprint == article.fingerprint


def resave(source: Path, target: Path) -> Path:
    """The same members, in reverse order (mimetype first, as EPUB requires) and stored
    uncompressed instead of deflated: another zip, the same book."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as new:
        names = old.namelist()
        for name in ["mimetype", *reversed([n for n in names if n != "mimetype"])]:
            new.writestr(name, old.read(name))
    return target


def test_a_re_saved_epub_with_the_same_text_keeps_its_annotations(tmp_path: Path) -> None:
    original = book(tmp_path)
    copy = resave(original, tmp_path / "resaved.epub")
    assert copy.read_bytes() != original.read_bytes()
    document = load_document(original)
    with AnnotationStore.open(tmp_path / "data") as store:
        highlight(store, document, ["大勢", "合久必分"])
        expected = positions(store, document)
        original.unlink()  # the user replaced the book with its re-saved copy
        copy.rename(original)

        again = load_document(original)

        assert again.fingerprint == document.fingerprint
        assert positions(store, again) == expected
