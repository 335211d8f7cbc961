"""Export to Markdown and W3C JSON-LD, and import that refuses hostile files whole."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.annotations.exchange.markdown import OPENING_HEADING, ORPHANS_HEADING, to_markdown
from reader.annotations.exchange.w3c_export import W3C_CONTEXT, to_w3c
from reader.annotations.exchange.w3c_import import ImportFormatError, from_w3c, load_w3c_file
from reader.annotations.model import Annotation, Colour, TextPosition, annotate, normalise_tags
from reader.app.bundled import bundled_article_path
from reader.document.loader import load_document
from reader.document.model import Document
from tests.reads import bytes_read


@pytest.fixture(scope="module")
def article() -> Document:
    return load_document(bundled_article_path())


def mark(document: Document, phrase: str, **details: object) -> Annotation:
    start = document.text.index(phrase)
    return annotate(  # as it comes from a file: no local document yet
        document.text,
        "",
        document.fingerprint,
        start,
        start + len(phrase),
        **details,
    )  # type: ignore[arg-type]


def round_trip(document: Document, annotations: list[Annotation]) -> list[Annotation]:
    return from_w3c(json.dumps(to_w3c(document, annotations), ensure_ascii=False))


# --- a validator for the parts of the W3C Web Annotation Data Model we emit ----------------------

MOTIVATIONS = {
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
}
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
ANNOTATION_KEYS = {
    "@context",
    "id",
    "type",
    "motivation",
    "created",
    "modified",
    "body",
    "bodyValue",
    "target",
    "stylesheet",
    "creator",
    "generator",
    "generated",
    "audience",
    "rights",
    "canonical",
    "via",
}


def has_w3c_context(value: object) -> bool:
    return value == W3C_CONTEXT or (isinstance(value, list) and W3C_CONTEXT in value)


def validate_annotation(item: dict[str, object]) -> None:
    assert set(item) <= ANNOTATION_KEYS, set(item) - ANNOTATION_KEYS
    assert has_w3c_context(item["@context"])
    identifier = item["id"]
    assert isinstance(identifier, str) and IRI.match(identifier)
    assert item["type"] == "Annotation"
    assert item["motivation"] in MOTIVATIONS
    for key in ("created", "modified"):
        stamp = item[key]
        assert isinstance(stamp, str) and DATE_TIME.match(stamp)
    bodies = item.get("body", [])
    assert isinstance(bodies, list)
    for body in bodies:
        assert isinstance(body, dict)
        assert set(body) <= {"type", "value", "format", "language", "purpose", "id"}
        assert body["type"] == "TextualBody"
        assert isinstance(body["value"], str)
        assert body.get("purpose", "commenting") in MOTIVATIONS
        assert body.get("format", "text/plain") == "text/plain"
    target = item["target"]
    assert isinstance(target, dict)
    assert set(target) <= {"type", "source", "selector", "styleClass", "state", "scope"}
    assert target.get("type", "SpecificResource") == "SpecificResource"
    source = target["source"]
    assert isinstance(source, str) and IRI.match(source)
    selectors = target["selector"]
    assert isinstance(selectors, list)
    kinds = [s["type"] for s in selectors]
    assert sorted(kinds) == ["TextPositionSelector", "TextQuoteSelector"]
    for selector in selectors:
        if selector["type"] == "TextQuoteSelector":
            assert set(selector) == {"type", "exact", "prefix", "suffix"}
            assert isinstance(selector["exact"], str) and selector["exact"]
            assert isinstance(selector["prefix"], str) and isinstance(selector["suffix"], str)
        else:
            assert set(selector) == {"type", "start", "end"}
            start, end = selector["start"], selector["end"]
            assert type(start) is int and type(end) is int and 0 <= start <= end
    # Styling (model §4.1): a style class on the specific resource, defined by the stylesheet.
    style_class = target["styleClass"]
    stylesheet = item["stylesheet"]
    assert isinstance(style_class, str) and isinstance(stylesheet, dict)
    assert stylesheet["type"] == "CssStylesheet"
    assert f".{style_class} " in stylesheet["value"]


def validate_collection(collection: dict[str, object], count: int) -> None:
    assert has_w3c_context(collection["@context"])
    assert isinstance(collection["id"], str) and IRI.match(collection["id"])
    assert collection["type"] == "AnnotationCollection"
    assert isinstance(collection["label"], str)
    assert collection["total"] == count
    page = collection["first"]
    assert isinstance(page, dict)
    assert page["type"] == "AnnotationPage"
    assert page.get("startIndex", 0) == 0
    items = page["items"]
    assert isinstance(items, list) and len(items) == count
    for item in items:
        validate_annotation(item)


# --- W3C export and round trip -------------------------------------------------------------------


def test_w3c_export_validates_and_round_trips(article: Document) -> None:
    annotations = [
        mark(article, "OpenAI", colour=Colour.GREEN),
        mark(article, "智算中心", note="算力的集中。\n第二行", tags=("AI", "算力")),
        mark(article, "哈爾濱", colour=Colour.PURPLE, tags=("地名",)),
    ]
    collection = to_w3c(article, annotations)
    validate_collection(json.loads(json.dumps(collection)), 3)
    items = collection["first"]["items"]  # type: ignore[index]
    assert [i["motivation"] for i in items] == ["highlighting", "commenting", "highlighting"]
    assert items[1]["body"][0] == {
        "type": "TextualBody",
        "value": "算力的集中。\n第二行",
        "format": "text/plain",
        "purpose": "commenting",
    }
    assert items[0]["target"]["source"] == f"urn:reader:document:{article.fingerprint}"
    assert round_trip(article, annotations) == annotations


def test_a_chosen_source_needs_the_document_on_import(article: Document) -> None:
    annotations = [mark(article, "OpenAI")]
    data = json.dumps(to_w3c(article, annotations, source="file:///home/me/article.txt"))
    with pytest.raises(ImportFormatError, match=r"item 1: .*does not name a document"):
        from_w3c(data)
    assert from_w3c(data, document_fingerprint=article.fingerprint) == annotations


NOTES = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(
        [
            "<script>alert(1)</script><img src=/dev/zero>",
            "# heading\n---\n**bold** [link](file:///etc/passwd)",
            "emoji 😀👩‍👩‍👧 and 𠀀𪚥 astral",
            '"quotes" \\ back\\slash \u2028 line separator',
        ]
    ),
)
TAGS = st.lists(st.text(st.characters(codec="utf-8"), max_size=20), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    notes=st.lists(NOTES, min_size=1, max_size=5),
    tags=TAGS,
    colour=st.sampled_from(list(Colour)),
    revision=st.integers(0, 10**6),
    span=st.tuples(st.integers(0, 4000), st.integers(1, 200)),
)
def test_round_trip_keeps_every_value(
    article: Document,
    notes: list[str],
    tags: list[str],
    colour: Colour,
    revision: int,
    span: tuple[int, int],
) -> None:
    start = span[0]
    end = min(len(article.text), start + span[1])
    base = annotate(article.text, "", article.fingerprint, start, end)
    annotations = [
        replace(
            base,
            id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            note=note,
            tags=normalise_tags(tags),
            colour=colour,
            modified="2026-11-29T10:00:00.123Z",
            revision=revision,
        )
        for i, note in enumerate(notes)
    ]
    collection = to_w3c(article, annotations)
    validate_collection(json.loads(json.dumps(collection)), len(annotations))
    assert round_trip(article, annotations) == [replace(a, revision=0) for a in annotations]


def test_other_shapes_of_the_same_annotations_import(article: Document) -> None:
    annotations = [mark(article, "OpenAI"), mark(article, "哈爾濱", note="n")]
    items = to_w3c(article, annotations)["first"]["items"]  # type: ignore[index]
    as_page = {"type": "AnnotationPage", "items": items}
    as_flat = {"type": "AnnotationCollection", "items": items}
    for shape in (items, as_page, as_flat):
        assert from_w3c(json.dumps(shape)) == annotations
    assert from_w3c(json.dumps(items[1]).encode("utf-8-sig")) == annotations[1:]


def test_an_export_of_another_tool_imports(article: Document) -> None:
    """Shaped like a Hypothesis export: a target list, other selectors, no colour, no format."""
    foreign = {
        "@context": W3C_CONTEXT,
        "id": "https://hypothes.is/a/abc123",
        "type": "Annotation",
        "created": "2024-05-01T08:00:00.000000+00:00",
        "modified": "2024-05-02T08:00:00.000000+00:00",
        "bodyValue": "from Hypothesis",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": " spaced   tag "}],
        "target": [
            {
                "source": "https://example.org/article",
                "styleClass": "hypothesis-highlight",
                "selector": [
                    {"type": "RangeSelector", "startContainer": "/p[2]", "endContainer": "/p[2]"},
                    {"type": "TextPositionSelector", "start": 10, "end": 16},
                    {"type": "TextQuoteSelector", "exact": "OpenAI"},
                ],
            }
        ],
    }
    (imported,) = from_w3c(json.dumps(foreign), document_fingerprint=article.fingerprint)
    assert imported.id == "https://hypothes.is/a/abc123"
    assert (imported.document_id, imported.fingerprint) == ("", article.fingerprint)
    assert imported.note == "from Hypothesis"
    assert imported.tags == ("spaced tag",)
    assert imported.colour is Colour.YELLOW
    assert imported.quote.prefix == imported.quote.suffix == ""
    assert imported.position == TextPosition(10, 16)
    assert imported.created == "2024-05-01T08:00:00.000000+00:00"


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_groups_by_section_in_reading_order(article: Document) -> None:
    late = mark(article, "哈爾濱", colour=Colour.BLUE, tags=("地名", "a`b"))
    early = mark(article, "OpenAI", note="# not a heading\n<b>html</b> and **markdown**\n\nend")
    opening = mark(article, article.text[5:15])
    orphan = replace(mark(article, "GPT"), position=TextPosition(99_999, 100_002), note="lost")

    markdown = to_markdown(article, [late, early, opening], orphans=[orphan])

    lines = markdown.splitlines()
    assert lines[0] == f"# {article.title}"
    headings = [line for line in lines if line.startswith("## ")]
    toc = article.toc()
    expected = [
        OPENING_HEADING,
        next(e.title for e in reversed(toc) if e.start <= early.start),
        next(e.title for e in reversed(toc) if e.start <= late.start),
    ]
    assert headings == [f"## {title}" for title in expected] + [f"## {ORPHANS_HEADING}"]
    assert len(set(expected)) == 3
    assert f"> {opening.quote.exact}" in lines
    assert "> OpenAI" in lines
    # The note is the user's own text: kept verbatim, except that it cannot forge a heading.
    assert "\\# not a heading" in lines
    assert "<b>html</b> and **markdown**" in lines
    assert "Colour: blue · Tags: `地名`, ``a`b``" in lines
    assert lines.index("> OpenAI") < lines.index("> 哈爾濱") < lines.index("> GPT")
    assert lines[lines.index("> GPT") :][:5] == ["> GPT", "", "lost", "", "Colour: yellow"]
    assert markdown.endswith("\n")


def test_markdown_quotes_every_line_of_a_multi_paragraph_quote(article: Document) -> None:
    second = article.paragraphs[1]
    annotation = annotate(
        article.text, article.fingerprint, article.fingerprint, second.end - 3, second.end + 4
    )
    lines = to_markdown(article, [annotation]).splitlines()
    first_line, second_line = annotation.quote.exact.split("\n")
    assert f"> {first_line}" in lines
    assert f"> {second_line}" in lines


# --- hostile imports -----------------------------------------------------------------------------


def valid_item(article: Document) -> dict[str, object]:
    item = to_w3c(article, [mark(article, "OpenAI", note="n")])["first"]["items"][0]  # type: ignore[index]
    return json.loads(json.dumps(item))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not valid JSON"),
        (b"not json", "not valid JSON"),
        (b'{"type": "AnnotationCollection", ', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON this program can read"),
        (b"[" + b"1" * 5000 + b"]", "not JSON this program can read"),
        (b"42", "expected a JSON object or list, found a number"),
        (b'"text"', "found text"),
        (b'{"type": "Document"}', "not a W3C Web Annotation file"),
        (b'{"type": "AnnotationCollection", "first": "https://x/1"}', "nothing is fetched"),
        (b'{"type": "AnnotationPage", "items": {}}', "items is an object, not a list"),
        (b'{"type": "AnnotationPage", "items": [], "next": "https://x/2"}', "further pages"),
        (b"[1]", "item 1: expected an annotation object, found a number"),
        (b'[{"type": "Note"}]', "item 1: type is 'Note'"),
    ],
)
def test_files_that_are_not_annotations_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        from_w3c(data)


def broken(article: Document, path: list[object], value: object) -> bytes:
    item = valid_item(article)
    node: object = item
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    if value is DELETE:
        del node[path[-1]]  # type: ignore[attr-defined]
    else:
        node[path[-1]] = value  # type: ignore[index]
    return json.dumps([valid_item(article), item]).encode()


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["id"], DELETE, "item 2: has no id"),
        (["id"], 7, "item 2: has no id"),
        (["target"], DELETE, "item 2: has no target"),
        (["target"], "https://x", "item 2: target is only a link"),
        (["target", "selector", 0], DELETE, "item 2: target has no TextQuoteSelector"),
        (["target", "selector"], [], "item 2: target has no TextQuoteSelector"),
        (["target", "selector", 0, "exact"], "", "item 2: TextQuoteSelector has no exact text"),
        (["target", "selector", 0, "exact"], ["x"], "TextQuoteSelector exact is a list"),
        (["target", "selector", 0, "prefix"], None, "TextQuoteSelector prefix is missing"),
        (["target", "selector", 1, "start"], -1, "item 2: TextPositionSelector start is -1"),
        (["target", "selector", 1, "end"], 2.5, "TextPositionSelector end is 2.5"),
        (["target", "selector", 1, "start"], "3", "TextPositionSelector start is '3'"),
        (["target", "selector", 1, "start"], True, "TextPositionSelector start is True"),
        (["target", "selector", 1, "start"], 10**6, "starts (1000000) after it ends"),
        (["target", "source"], "urn:reader:document:NOT-HEX", "not a valid document id"),
        (["body", 0, "value"], DELETE, "item 2: a TextualBody has no text value"),
        (["created"], "yesterday", "item 2: created is 'yesterday'"),
        (["modified"], 1700000000, "item 2: modified is 1700000000"),
    ],
)
def test_a_malformed_item_is_named_and_nothing_is_imported(
    article: Document, path: list[object], value: object, message: str
) -> None:
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        from_w3c(broken(article, path, value))


def test_a_50_mb_file_is_refused_by_its_size_before_parsing(
    article: Document, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:
        stream.write(b'["')
        for _ in range(50):
            stream.write(b"a" * (1024 * 1024))
        stream.write(b'"]')

    def no_parsing(*_: object, **__: object) -> object:
        raise AssertionError("an oversized file must be refused before it is parsed")

    monkeypatch.setattr(json, "loads", no_parsing)
    before = bytes_read()
    with pytest.raises(ImportFormatError, match=r"50\.0 MB"):
        load_w3c_file(huge)
    assert bytes_read() - before < 1024 * 1024, "an oversized file must be refused unread"
    with pytest.raises(ImportFormatError, match=r"MB; annotation files up to 40 MB"):
        from_w3c(huge.read_bytes())
    with pytest.raises(ImportFormatError, match=r"MB; annotation files up to 40 MB"):
        from_w3c("x" * (41 * 1024 * 1024))
    with pytest.raises(ImportFormatError, match=r"MB; annotation files up to 40 MB"):
        from_w3c("𠀀" * (11 * 1024 * 1024))  # 11 M characters, 44 MB of UTF-8


def test_files_that_cannot_be_read_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="does not exist"):
        load_w3c_file(tmp_path / "missing.json")
    with pytest.raises(ImportFormatError, match="is a folder"):
        load_w3c_file(tmp_path)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # nobody writes: reading it the plain way would wait forever
    with pytest.raises(ImportFormatError, match="not a regular file"):
        load_w3c_file(fifo)


def test_unknown_fields_are_ignored(article: Document) -> None:
    annotations = [mark(article, "OpenAI", note="n", tags=("t",))]
    collection = to_w3c(article, annotations)
    collection["x-extra"] = {"nested": [1, 2]}
    page = collection["first"]
    page["partOf"] = "urn:somewhere"  # type: ignore[index]
    item = page["items"][0]  # type: ignore[index]
    item["generator"] = {"id": "https://example.org/tool", "type": "Software"}
    item["target"]["renderedVia"] = "anything"
    item["target"]["selector"][0]["refinedBy"] = {"type": "Unknown"}
    item["target"]["selector"].append({"type": "XPathSelector", "value": "/p[1]"})
    item["body"].append({"type": "Image", "id": "https://example.org/x.png"})
    item["body"].append("https://example.org/external-body")
    assert from_w3c(json.dumps(collection)) == annotations


def test_selectors_pointing_outside_the_text_still_parse(article: Document) -> None:
    data = broken(article, ["target", "selector", 1], {"type": "TextPositionSelector"})
    with pytest.raises(ImportFormatError):
        from_w3c(data)
    item = valid_item(article)
    item["target"]["selector"][1] = {  # type: ignore[index]
        "type": "TextPositionSelector",
        "start": 10**12,
        "end": 10**12 + 6,
    }
    (imported,) = from_w3c(json.dumps(item))
    assert imported.position == TextPosition(10**12, 10**12 + 6)


def test_ten_thousand_annotations_parse_back_unchanged(article: Document) -> None:
    base = mark(article, "智算中心", note="筆記", tags=("a", "b"))
    annotations = [
        replace(base, id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}", note=f"筆記 {i}")
        for i in range(10_000)
    ]
    data = json.dumps(to_w3c(article, annotations), ensure_ascii=False).encode()
    assert from_w3c(data) == annotations


def test_duplicated_ids_in_one_file_are_refused(article: Document) -> None:
    first = valid_item(article)
    items = [first, valid_item(article), dict(first, created="2026-01-01T00:00:00Z")]
    with pytest.raises(ImportFormatError, match=r"Items 1 and 3 have the same id"):
        from_w3c(json.dumps(items))


def test_markdown_export_writes_every_heading_in_full(article_path: Path) -> None:
    """The opening (lead) is labelled, not cut; the document's own headings are whole."""
    document = load_document(article_path)
    toc = document.toc()
    assert toc[0].is_opening and toc[0].title.endswith("…")  # the TOC's cut label
    annotations = [
        annotate(document.text, "", document.fingerprint, entry.start, entry.start + 4)
        for entry in toc
    ]

    lines = to_markdown(document, annotations).splitlines()

    headings = [line.removeprefix("## ") for line in lines if line.startswith("## ")]
    assert headings == [OPENING_HEADING] + [entry.title for entry in toc[1:]]
    assert not any(heading.endswith("…") for heading in headings)


def test_a_heading_ending_in_hashes_keeps_them(article: Document) -> None:
    """Markdown would take a trailing run of ``#`` for a closing sequence and drop it."""
    first = replace(article.sections[0], title="Part #")
    document = replace(article, sections=(first, *article.sections[1:]))
    annotation = mark(document, document.text[first.start : first.start + 4])
    lines = to_markdown(document, [annotation]).splitlines()
    assert "## Part \\#" in lines
