"""Heading detection: the real corpus, small fixtures for each convention, and properties."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.document.structure import Heading, detect_headings

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
GLOSS = re.compile(r"\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)\)")
STRIP = " \t\r\n\u3000\ufeff"
BODY = "这是一段足够长的正文，用来把前后的短行衬托成标题，读者一眼就能看出它是正文。"


@cache
def corpus_paragraphs(name: str) -> tuple[str, ...]:
    """Paragraphs as the app computes them: glosses removed, lines stripped, empties dropped."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file {path} is not available")
    text = GLOSS.sub("", path.read_text(encoding="utf-8"))
    lines = (line.strip(STRIP) for line in text.split("\n"))
    return tuple(line for line in lines if line)


CN_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True))
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(numeral: str) -> int:
    """Parse 一 … 一百二十 (第一百一回 is chapter 101, as in the novel's own numbering)."""
    total, digit = 0, 0
    for char in numeral:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        else:
            total += (digit or 1) * CN_UNITS[char]
            digit = 0
    return total + digit


def titles(paragraphs: list[str]) -> list[str]:
    return [heading.title for heading in detect_headings(paragraphs)]


def outline(paragraphs: list[str]) -> list[tuple[int, str]]:
    return [(heading.level, heading.title) for heading in detect_headings(paragraphs)]


# --- the real corpus ------------------------------------------------------------------------


def test_hongloumeng_has_exactly_its_120_chapters_in_order() -> None:
    paragraphs = corpus_paragraphs("hongloumeng.txt")
    headings = detect_headings(paragraphs)
    assert len(headings) == 120
    assert {heading.level for heading in headings} == {1}
    numbers = []
    for heading in headings:
        match = re.match(r"第([一二三四五六七八九十百]+)回", heading.title)
        assert match, heading
        assert paragraphs[heading.index].startswith(match.group(0))
        numbers.append(chinese_number(match.group(1)))
    assert numbers == list(range(1, 121))
    assert headings[0].title == "第一回 甄士隐梦幻识通灵 贾雨村风尘怀闺秀"
    assert headings[-1].title == "第一百二十回甄士隐详说太虚情 贾雨村归结红楼梦"


def test_hongloumeng_front_matter_and_look_alike_body_paragraphs_are_not_headings() -> None:
    paragraphs = corpus_paragraphs("hongloumeng.txt")
    indices = {heading.index for heading in detect_headings(paragraphs)}
    assert paragraphs[0] == "《红楼梦》"
    assert {0, 1}.isdisjoint(indices)
    look_alikes = [i for i, p in enumerate(paragraphs) if p.startswith(("第四回中", "第二天，"))]
    assert len(look_alikes) == 2
    assert indices.isdisjoint(look_alikes)


def test_bundled_article_has_its_five_section_headings() -> None:
    paragraphs = corpus_paragraphs("000_b4732b532e84408a.txt")
    headings = detect_headings(paragraphs)
    assert [heading.title for heading in headings] == [
        "智慧的火花:OpenAI的誕生與GPT的革命",
        "震撼世界的巨浪:大模型的奇跡與應用",
        "跨越障礙:萬億級大模型的挑戰與中美AI領域的較量",
        "智算自主:全球運營商最大單集群智算中心在哈爾濱建成投用",
        "在人工智能技術領域,美國還能卡中國的脖子嗎?",
    ]
    assert {heading.level for heading in headings} == {1}
    assert all(paragraphs[heading.index] == heading.title for heading in headings)


# --- marked headings ------------------------------------------------------------------------


def test_traditional_novel_chapters_and_sections_get_levels() -> None:
    paragraphs = [
        "第一章　風起",
        BODY,
        "第一節　初見",
        BODY,
        "第二節 再見",
        BODY,
        "第二章：雲湧",
        BODY,
    ]
    assert outline(paragraphs) == [
        (1, "第一章 風起"),
        (2, "第一節 初見"),
        (2, "第二節 再見"),
        (1, "第二章：雲湧"),
    ]


def test_volumes_above_chapters() -> None:
    paragraphs = ["卷一 江湖", "第一回 出山", BODY, "第二回 下山", BODY, "卷之二", "第三回", BODY]
    assert outline(paragraphs) == [
        (1, "卷一 江湖"),
        (2, "第一回 出山"),
        (2, "第二回 下山"),
        (1, "卷之二"),
        (2, "第三回"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "上卷 第一回 灵石出世",
        "下卷第一回",
        "卷一 第三回 出山",
        "第一卷 第一章 开始",
        "正文 第1章 标题",
        "第壹回 开篇",
        "第贰拾叁回",
        "第两百零三章 大结局",
        "第〇〇一章 序幕",
        "第１２章　全角数字",
        "第 12 章 宽松空格",
        "第十回·暗流",
        "第十一回、余波",
        "第三幕",
        "第五章 风、花、雪",
        "第三章 他是谁？",
        "第一百二十回甄士隐详说太虚情　贾雨村归结红楼梦",
        "第一百十九回中乡魁宝玉却尘缘",
        "Chapter 1",
        "CHAPTER ONE",
        "Chapter XII: The Return",
        "chapter twenty-one",
    ],
)
def test_marked_heading_variants(line: str) -> None:
    assert titles([line, BODY]) == [re.sub(r"\s+", " ", line)]


def test_only_the_ranks_present_count_and_chapters_under_prefixes_are_chapters() -> None:
    paragraphs = ["上卷 第一回 灵石出世", BODY, "下卷 第一回 太虚幻境", BODY]
    assert {heading.level for heading in detect_headings(paragraphs)} == {1}


@pytest.mark.parametrize(
    "line",
    [
        "第四回中既将薛家母子在荣府内寄居等事略已表明，此回则暂不能写矣",
        "第二天，拿话去探贾政",
        "第一回说的是石头的来历。",
        "第三回里黛玉进府，众人都来看她",
        "第五回中写道:",
        "第一章 " + "很长" * 30,
        "Chapter and verse",
        "卷起千堆雪",
        "跋涉千里",
        "序幕拉开了，大家都安静下来",
        "前言不搭后语",
    ],
)
def test_prose_that_looks_like_a_heading_is_not_one(line: str) -> None:
    # Inside a novel with chapters, so that the news-style rule is off and only the marked and
    # front-matter rules are exercised.
    assert titles(["第一回", BODY, line, BODY, "第二回", BODY]) == ["第一回", "第二回"]


# --- front and back matter ------------------------------------------------------------------


def test_front_and_back_matter_take_the_top_level() -> None:
    paragraphs = [
        "序",
        BODY,
        "楔子 一块石头",
        BODY,
        "第一卷",
        "第一章 开端",
        BODY,
        "第二章",
        BODY,
        "后记",
        BODY,
        "附录一：人物表",
        BODY,
    ]
    assert outline(paragraphs) == [
        (1, "序"),
        (1, "楔子 一块石头"),
        (1, "第一卷"),
        (2, "第一章 开端"),
        (2, "第二章"),
        (1, "后记"),
        (1, "附录一：人物表"),
    ]


def test_front_matter_alone_in_a_novel_of_chapters() -> None:
    paragraphs = ["自序", BODY, "第一回", BODY, "第二回", BODY, "尾聲", BODY]
    assert outline(paragraphs) == [(1, "自序"), (1, "第一回"), (1, "第二回"), (1, "尾聲")]


# --- news-style headings --------------------------------------------------------------------


def test_essay_collection_with_short_headings() -> None:
    essays = ["故乡的河", "外婆家的灶台", "雨夜读书记", "旧书摊上的猫"]
    paragraphs = ["《江南小品》", "某某 著", "前言", BODY, BODY]
    for essay in essays:
        paragraphs += [essay, *[BODY] * 6]
    assert outline(paragraphs) == [(1, "前言")] + [(1, essay) for essay in essays]


def test_news_heading_needs_body_on_both_sides() -> None:
    lead_in = "最后，向专家提出以上的问题作为总结。专家是这样回答的:"
    paragraphs = [
        "一篇报道的标题",
        *[BODY] * 3,
        "短的正文行。",
        *[BODY] * 3,
        "结论在这里",
        lead_in,
        *[BODY] * 3,
        "“引号开头的短句”",
        *[BODY] * 3,
        "末尾的短行",
    ]
    assert titles(paragraphs) == ["结论在这里"]


def test_news_headings_need_a_body_paragraph_longer_than_themselves() -> None:
    paragraphs = [BODY, "一个并不算短的小标题", "短正文。", BODY, BODY, BODY, BODY, BODY]
    assert detect_headings(paragraphs) == []


def test_news_style_is_off_when_a_document_has_chapters() -> None:
    paragraphs = ["第一章 开端", BODY, "插曲", BODY, BODY]
    assert titles(paragraphs) == ["第一章 开端"]


def test_dialogue_heavy_text_has_no_news_headings() -> None:
    paragraphs = [
        BODY,
        "你去哪儿",
        BODY,
        "回家",
        "那我送你",
        BODY,
        "不用了",
        BODY,
        "好吧",
        "明天见",
        BODY,
        "嗯",
        BODY,
    ]
    assert detect_headings(paragraphs) == []


def test_free_verse_of_short_unpunctuated_lines_has_no_headings() -> None:
    stanza = ["黑夜给了我黑色的眼睛", "我却用它寻找光明"]
    assert detect_headings([BODY, *stanza, BODY, *stanza, BODY, *stanza, BODY]) == []


def test_text_without_structure_has_no_headings() -> None:
    paragraphs = [BODY, "他笑了笑，没说话。", BODY, "天黑了。", BODY * 2]
    assert detect_headings(paragraphs) == []
    assert detect_headings([]) == []
    assert detect_headings(["孤零零的一行"]) == []


def test_title_collapses_whitespace() -> None:
    assert detect_headings(["第一回  甄士隐\u3000\u3000贾雨村", BODY]) == [
        Heading(index=0, level=1, title="第一回 甄士隐 贾雨村")
    ]


# --- properties -----------------------------------------------------------------------------

SAMPLE = ["第一回 开端", BODY, "第二回", BODY, "第一节 小节", BODY, "序", "插曲", BODY, "短句"]
paragraph_text = st.one_of(
    st.sampled_from(SAMPLE),
    st.text(min_size=1, max_size=60).map(lambda text: text.strip(STRIP)).filter(bool),
)
paragraph_lists = st.lists(paragraph_text, max_size=40)
numerals = st.sampled_from(["一", "四", "十二", "一百零一", "壹", "两百", "3", "１２"])
look_alike = st.builds(
    lambda number, tail: f"第{number}回中，{tail}",
    numerals,
    st.text(max_size=30).map(lambda text: text.strip(STRIP)),
)


@settings(max_examples=300)
@given(paragraph_lists)
def test_headings_are_ordered_in_range_and_well_formed(paragraphs: list[str]) -> None:
    headings = detect_headings(paragraphs)
    indices = [heading.index for heading in headings]
    assert indices == sorted(set(indices))
    assert all(0 <= index < len(paragraphs) for index in indices)
    assert all(heading.level >= 1 for heading in headings)
    if headings:
        assert min(heading.level for heading in headings) == 1


@settings(max_examples=300)
@given(paragraph_lists, st.lists(st.tuples(st.integers(min_value=0), look_alike), max_size=5))
def test_look_alike_body_paragraphs_never_become_headings(
    paragraphs: list[str], insertions: list[tuple[int, str]]
) -> None:
    tagged = [(False, text) for text in paragraphs]
    for position, text in insertions:
        tagged.insert(position % (len(tagged) + 1), (True, text))
    headings = detect_headings([text for _, text in tagged])
    assert not any(tagged[heading.index][0] for heading in headings)


@given(st.lists(st.tuples(st.integers(min_value=0), look_alike), max_size=5))
def test_look_alikes_leave_a_novels_outline_unchanged(insertions: list[tuple[int, str]]) -> None:
    novel = ["第一回 开端", BODY, BODY, "第二回 发展", BODY, "第一节", BODY, "第三回", BODY]
    marked = [(i, text) for i, text in enumerate(novel)]
    for position, text in insertions:
        marked.insert(position % (len(marked) + 1), (-1, text))
    before = [(h.level, h.title) for h in detect_headings(novel)]
    after = detect_headings([text for _, text in marked])
    assert [(h.level, h.title) for h in after] == before
    assert all(marked[h.index][0] >= 0 for h in after)
