"""Headings marked only by layout: books built here in each layout, and the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.document.loader import document_from_text, load_document

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
BODY = "他走进屋里，看见桌上放着一封信，信封上的字迹他认得，是多年不见的老朋友寄来的。"
DIALOGUE = ["“什么？”", "“是的。”", "“你回来了？”她问。", "“走吧”"]


def book(lines: list[tuple[str, str]], blank: bool = False) -> str:
    """(indent, text) lines joined into a file, with blank lines between them if `blank`."""
    return ("\n\n" if blank else "\n").join(indent + text for indent, text in lines)


def outline(text: str) -> list[tuple[int, str]]:
    return [(s.level, s.title) for s in document_from_text(text).sections]


def story(title: str, title_indent: str, body_indent: str, parts: int = 0) -> list[tuple[str, str]]:
    lines = [(title_indent, title)]
    numerals = "一二三四五"
    for part in range(max(parts, 1)):
        if parts:
            lines.append((title_indent, numerals[part]))
        lines += [(body_indent, BODY), (body_indent, DIALOGUE[part % 4]), (body_indent, BODY)]
    return lines


@pytest.mark.parametrize(
    ("title_indent", "body_indent"),
    [(" ", "    "), ("", "    "), ("", "\u3000\u3000"), ("\u3000", "")],
    ids=["one-space-vs-four", "flush-vs-four", "flush-vs-ideographic", "indented-vs-flush"],
)
@pytest.mark.parametrize("blank", [False, True], ids=["dense", "blank-lines"])
def test_story_titles_set_apart_by_indentation_are_headings_and_dialogue_is_not(
    title_indent: str, body_indent: str, blank: bool
) -> None:
    lines = [
        *story("祝福", title_indent, body_indent),
        *story("在酒楼上", title_indent, body_indent),
        *story("幸福的家庭", title_indent, body_indent),
    ]
    assert outline(book(lines, blank)) == [(1, "祝福"), (1, "在酒楼上"), (1, "幸福的家庭")]


def test_numbered_parts_nest_under_their_story() -> None:
    lines = [*story("孔乙己", " ", "    ", parts=2), *story("药", " ", "    ", parts=3)]
    assert outline(book(lines)) == [
        (1, "孔乙己"),
        (2, "一"),
        (2, "二"),
        (1, "药"),
        (2, "一"),
        (2, "二"),
        (2, "三"),
    ]


def test_a_novels_numbered_chapters_after_a_preface_stay_at_one_level() -> None:
    lines = [("", "序"), ("    ", BODY), ("    ", BODY)]
    for numeral in "一二三":
        lines += [("", numeral), ("    ", BODY), ("    ", DIALOGUE[0]), ("    ", BODY)]
    assert outline(book(lines)) == [(1, "序"), (1, "一"), (1, "二"), (1, "三")]


def test_the_books_own_title_line_opens_it_and_is_no_section() -> None:
    lines = [("", "《故事集》"), *story("第一个故事", "", "    "), *story("第二个故事", "", "    ")]
    document = document_from_text(book(lines))
    assert [s.title for s in document.sections] == ["第一个故事", "第二个故事"]


def test_without_a_body_indentation_there_is_no_layout_to_read() -> None:
    mixed = [(" " * (i % 5), BODY) for i in range(10)] + [("  ", "短行")]
    assert all(title != "短行" for _level, title in outline(book(mixed)))


def test_separators_and_short_dialogue_set_apart_are_not_headings() -> None:
    lines = [("", "------------"), *story("致诸弟", "", "    "), ("", "“什么？”"), ("    ", BODY)]
    assert outline(book(lines)) == [(1, "致诸弟")]


TITLES = st.text(st.sampled_from("春夏秋冬山水花鸟风月云雨"), min_size=1, max_size=8)


@given(
    titles=st.lists(TITLES, min_size=2, max_size=6, unique=True),
    indents=st.sampled_from([(" ", "    "), ("", "    "), ("", "\u3000\u3000"), ("\t", "")]),
    blank=st.booleans(),
    dialogue=st.lists(st.sampled_from(DIALOGUE), min_size=1, max_size=3),
)
def test_any_collection_laid_out_this_way_is_outlined_exactly(
    titles: list[str], indents: tuple[str, str], blank: bool, dialogue: list[str]
) -> None:
    title_indent, body_indent = indents
    lines: list[tuple[str, str]] = []
    for title in titles:
        lines += [(title_indent, title), (body_indent, BODY)]
        lines += [(body_indent, line) for line in dialogue] + [(body_indent, BODY)]
    assert outline(book(lines, blank)) == [(1, title) for title in titles]


# Chapter counts of every corpus book, recorded before layout headings existed. Books whose
# headings are marked only by layout are outlined now (庄子's 33 chapters, 诗经's 30 parts,
# 曾国藩家书's letters), and books the news-style guess got wrong now get their real chapters
# (史记 130, 四世同堂 序幕 + 100, 子夜 19 + 后记, 家 序 + 40, 骆驼祥子 序 + 24).
BEFORE = {
    "京华烟云": 46, "儒林外史": 57, "封神演义": 107, "围城": 21, "孽海花": 35, "彷徨": 16,
    "春秋左传": 19, "朝花夕拾": 13, "茶馆": 6, "论语": 20, "边城": 21, "道德经": 81,
    "隋唐演义": 100, "hongloumeng": 120, "000_b4732b532e84408a": 5,
    "史记": 214, "四世同堂": 124, "子夜": 27, "家": 9, "骆驼祥子": 29,
    "庄子": 0, "曾国藩家书": 0, "诗经": 0,
}  # fmt: skip
NOW = {
    **BEFORE,
    "史记": 130, "四世同堂": 101, "子夜": 20, "家": 41, "骆驼祥子": 25,
    "庄子": 33, "曾国藩家书": 192, "诗经": 30,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(NOW))
def test_corpus_chapter_counts(name: str) -> None:
    path = CORPUS / "library" / f"{name}.txt"
    if not path.exists():
        path = CORPUS / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"corpus file {path} is not available")
    sections = load_document(path).sections
    assert len(sections) == NOW[name], json.dumps([s.title for s in sections], ensure_ascii=False)
