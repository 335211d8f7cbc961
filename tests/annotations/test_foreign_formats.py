"""Each reader's export read into books and highlights, quirks included, and the format told
from the content."""

from __future__ import annotations

import json
import re

import pytest

from reader.annotations.errors import ImportFormatError
from reader.annotations.exchange.calibre import parse_calibre
from reader.annotations.exchange.foliate import parse_foliate
from reader.annotations.exchange.hypothesis import parse_hypothesis
from reader.annotations.exchange.kindle import is_clipping_limit, parse_kindle
from reader.annotations.exchange.koreader import parse_koreader_json, parse_koreader_lua
from reader.annotations.exchange.sniff import parse_foreign, sniff
from reader.annotations.exchange.times import kindle_time
from reader.annotations.import_formats import W3C
from reader.annotations.model import Colour
from tests.annotations import foreign_fixtures as f

# --- Kindle --------------------------------------------------------------------------------------


def test_kindle_groups_clippings_by_book_with_bom_crlf_and_a_note_joined() -> None:
    books = parse_kindle(f.KINDLE.encode("utf-8")).books
    assert [(b.title, b.author) for b in books] == [
        ("红楼梦", "曹雪芹"),
        ("紅樓夢", "曹雪芹"),
        ("Faust", "Goethe, Johann Wolfgang"),
    ]
    simplified, traditional, faust = books
    assert [h.quote for h in simplified.highlights] == [
        f.FIRST,
        f.THIRD,
        "<You have reached the clipping limit for this item>",
        f.MISSING,
        f.FIRST,  # the repeat is kept here; the importer counts it as a duplicate
    ]
    (second,) = traditional.highlights
    assert (second.quote, second.note) == (f.SECOND_TRADITIONAL, "荒唐言")
    assert (second.created, second.modified) == ("2024-06-03T22:00:00", "2024-06-03T22:01:00")
    assert second.hints.kindle_location == (182, 183) and second.hints.page == 12
    assert faust.highlights[0].hints.kindle_location == (1234, 1256)  # "Loc. 1234-56"


def test_a_highlight_extended_or_shortened_on_the_kindle_replaces_its_old_clipping() -> None:
    (book,) = parse_kindle(f.KINDLE_REVISED).books
    extended, shortened = book.highlights
    assert (extended.quote, extended.note) == (f.EXTENDED, "看官")  # the first version's note
    assert extended.hints.kindle_location == (180, 183)
    assert (extended.created, extended.modified) == ("2024-06-03T10:00:00", "2024-06-03T10:01:00")
    assert shortened.quote == "细按则深"


def test_nested_quotes_far_apart_are_two_highlights() -> None:
    far = f.kindle_clipping(
        "Your Highlight on page 90 | Location 9000-9001 | Added on Monday, 3 June 2024 11:00:00",
        "你道此书从何而来",
    )
    (book,) = parse_kindle(f.KINDLE_REVISED + far).books
    assert [h.quote for h in book.highlights] == [f.EXTENDED, "细按则深", "你道此书从何而来"]


@pytest.mark.parametrize(
    ("header", "location", "page", "created"),
    [
        (
            "- Your Highlight on page 12 | Location 180-182 | "
            "Added on Monday, 3 June 2024 10:00:00",
            (180, 182),
            12,
            "2024-06-03T10:00:00",
        ),
        (
            "- Your Highlight at location 180-182 | Added on Monday, June 3, 2024 10:00:00 PM",
            (180, 182),
            None,
            "2024-06-03T22:00:00",
        ),
        (
            "- 您在第 12 页（位置 #180-182）的标注 | 添加于 2024年6月3日星期一 上午10:00:00",
            (180, 182),
            12,
            "2024-06-03T10:00:00",
        ),
        (
            "- 您在位置 #180-182的标注 | 添加于 2024年6月3日星期一 下午12:30:00",
            (180, 182),
            None,
            "2024-06-03T12:30:00",
        ),
        (
            "- Ihre Markierung auf Seite 12 | Position 180-182 | "
            "Hinzugefügt am Montag, 3. Juni 2024 10:00:00",
            (180, 182),
            12,
            "2024-06-03T10:00:00",
        ),
        (
            "- Votre surlignement sur la page 12 | emplacement 180-182 | "
            "Ajouté le lundi 3 juin 2024 10:00:00",
            (180, 182),
            12,
            "2024-06-03T10:00:00",
        ),
        (
            "- Tu subrayado en la página 12 | posición 180-182 | "
            "Añadido el lunes, 3 de junio de 2024 10:00:00",
            (180, 182),
            12,
            "2024-06-03T10:00:00",
        ),
    ],
    ids=["english", "english-us", "chinese-page", "chinese", "german", "french", "spanish"],
)
def test_kindle_headers_in_several_languages(
    header: str, location: tuple[int, int], page: int | None, created: str
) -> None:
    (book,) = parse_kindle(f"书\n{header}\n\n文字\n==========\n").books
    (highlight,) = book.highlights
    assert highlight.hints.kindle_location == location
    assert highlight.hints.page == page
    assert highlight.created == created


def test_an_unreadable_kindle_date_is_unknown_not_guessed() -> None:
    assert kindle_time("Added on someday") == ""


def test_the_clipping_limit_placeholder_is_recognised_in_several_languages() -> None:
    assert is_clipping_limit("<You have reached the clipping limit for this item>")
    assert is_clipping_limit(" <您已达到本内容的剪贴上限>")
    assert not is_clipping_limit("<b>a real quote</b>")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("hello\n==========\n", "clipping 1 (line 1): expected a title line"),
        ("书\n- Your Frobnication on page 3\n\nx\n==========\n", "names no highlight"),
        ("==========\n\n==========\n", "holds no Kindle clippings"),
        (b"\xff\xfe\x00\x00 not utf-8", "not UTF-8"),
    ],
    ids=["no-header", "unknown-kind", "empty", "not-utf8"],
)
def test_a_broken_kindle_file_is_refused(content: str | bytes, message: str) -> None:
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        parse_kindle(content)


def test_a_kindle_file_cut_mid_clipping_keeps_what_is_whole() -> None:
    cut = f.KINDLE[: f.KINDLE.index(f.THIRD) + 3]
    books = parse_kindle(cut).books
    assert books[0].highlights[-1].quote == f.THIRD[:3]  # anchored fuzzily or kept as orphan


# --- KOReader ------------------------------------------------------------------------------------


def test_koreader_json_export() -> None:
    (book,) = parse_koreader_json(f.KOREADER_JSON).books
    assert (book.title, book.author) == ("紅樓夢", "曹雪芹")
    first, second = book.highlights
    assert (first.quote, first.note, first.colour) == (f.FIRST, "开篇", Colour.GREEN)
    assert first.created == "2024-06-03T10:00:00Z"
    assert (first.hints.page, first.hints.pages) == (1, 1752)
    assert second.quote == f.SECOND_TRADITIONAL


def test_koreader_json_with_several_documents() -> None:
    one = json.loads(f.KOREADER_JSON)
    both = {"created_on": 1, "version": "v", "documents": [one, {**one, "title": "二"}]}
    assert [b.title for b in parse_koreader_json(json.dumps(both)).books] == ["紅樓夢", "二"]


def test_koreader_lua_sidecar_with_pos0_pos1_xpointers() -> None:
    (book,) = parse_koreader_lua(f.KOREADER_LUA).books
    assert (book.title, book.author, book.identifier) == ("红楼梦", "曹雪芹", "urn:uuid:1234")
    first, second = book.highlights  # the page bookmark (no text, no pos0) is not a highlight
    assert first.hints.xpointer == (
        "/body/DocFragment[2]/body/p[3]/text().0",
        "/body/DocFragment[2]/body/p[3]/text().14",
    )
    assert first.note == '第一句\n第二行 "引号" 中'
    assert (first.colour, first.created, first.modified) == (
        Colour.PINK,
        "2024-06-03T10:00:00",
        "2024-06-04T11:00:00",
    )
    assert first.source_id.startswith("5f3e0c6b1b2a9d7e8f00112233445566:/body/")
    assert second.quote == f.SECOND_TRADITIONAL


def test_an_old_koreader_sidecar_takes_notes_from_its_bookmarks() -> None:
    (book,) = parse_koreader_lua(f.KOREADER_OLD_LUA).books
    (highlight,) = book.highlights
    assert (highlight.quote, highlight.note, highlight.hints.page) == (f.FIRST, "旧版的笔记", 3)


# --- calibre, Foliate, Hypothesis ----------------------------------------------------------------


def test_calibre_highlights_with_cfis_and_colour_names() -> None:
    (book,) = parse_calibre(f.CALIBRE).books
    first, second = book.highlights  # the removed one and the bookmark are not imported
    assert (first.quote, first.note, first.colour) == (f.FIRST, "calibre 的笔记", Colour.PURPLE)
    assert first.hints.cfi == "epubcfi(/6/4!/2/4/2/6:0)"
    assert first.source_id == "9vJ1Xb3UQd2Sx0Z0nYfLfQ"
    assert second.colour is Colour.YELLOW  # a wavy underline is no colour
    assert book.title == ""  # calibre's export names no book: the user says which


def test_foliate_annotations_and_book_metadata() -> None:
    (book,) = parse_foliate(f.FOLIATE).books
    assert (book.title, book.author, book.identifier) == (
        "紅樓夢",
        "曹雪芹, 高鹗",
        "urn:isbn:9787020002207",
    )
    first, second = book.highlights
    assert (first.colour, first.modified) == (Colour.BLUE, "2024-06-04T10:00:00.000Z")
    assert first.hints.cfi.startswith("epubcfi(/6/4!")
    assert second.created == ""


def test_hypothesis_rows_page_notes_kept_replies_skipped() -> None:
    (book,) = parse_hypothesis(f.HYPOTHESIS).books
    assert (book.title, book.identifier) == ("红楼梦", "https://example.org/hongloumeng.html")
    assert [h.source_id for h in book.highlights] == ["h1", "h2-orphan", "h3-page-note"]
    first = book.highlights[0]
    assert (first.note, first.tags, first.hints.text_position) == (
        "有意思",
        ("红楼", "开篇"),
        (60, 67),
    )
    assert book.highlights[2].quote == "" and book.highlights[2].note == "整页的笔记"


# --- hostile JSON of each format -----------------------------------------------------------------

HOSTILE_JSON = [
    ("calibre", '{"type": "calibre_annotation_collection", "annotations": {"a": 1}}', "a list"),
    (
        "calibre",
        '{"type": "calibre_annotation_collection", "annotations": [{"type": "highlight", '
        '"highlighted_text": 5}]}',
        "highlighted_text is a number",
    ),
    ("foliate", '{"annotations": [{"value": "epubcfi(/6)", "note": ["x"]}]}', "note is a list"),
    ("foliate", '{"annotations": [', "not valid JSON"),
    ("hypothesis", '{"rows": [{"uri": "x", "target": []}]}', "has no id"),
    (
        "hypothesis",
        '{"rows": [{"id": "a", "uri": "x", "tags": "t", "target": []}]}',
        "tags is text",
    ),
    ("koreader", '{"entries": [{"text": "x", "time": "yesterday"}]}', "time is text"),
    ("koreader", '{"entries": "all of them"}', "expected a list, found text"),
    ("koreader", "[" * 50_000 + "]" * 50_000, "not JSON this program can read"),
]


@pytest.mark.parametrize(("kind", "content", "message"), HOSTILE_JSON)
def test_hostile_json_of_each_format_is_refused(kind: str, content: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        parse_foreign(content.encode(), kind)


# --- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (f.KINDLE, "kindle"),
        (f.KOREADER_JSON, "koreader"),
        (f.KOREADER_LUA, "koreader"),
        (f.KOREADER_OLD_LUA, "koreader"),
        (f.CALIBRE, "calibre"),
        (f.FOLIATE, "foliate"),
        (f.HYPOTHESIS, "hypothesis"),
        ('{"type": "AnnotationCollection", "items": []}', W3C),
        ("{ broken", W3C),
    ],
    ids=[
        "kindle",
        "koreader-json",
        "koreader-lua",
        "koreader-old",
        "calibre",
        "foliate",
        "hypothesis",
        "w3c",
        "broken-json",
    ],
)
def test_the_format_is_told_from_the_content(content: str, kind: str) -> None:
    assert sniff(content.encode("utf-8")) == kind


def test_a_file_of_no_known_format_is_refused_with_what_is_understood() -> None:
    with pytest.raises(ImportFormatError, match=re.escape("Kindle My Clippings.txt, KOReader")):
        sniff(b"just some notes\nof mine\n")
