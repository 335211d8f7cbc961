"""CC-CEDICT look-up: longest match around a character, shorter and longer words, both forms."""

from __future__ import annotations

import pytest

from reader.chinese.dictionary import Dictionary, Entry, parse_cedict, ranked

SAMPLE = """\
# CC-CEDICT sample
重要 重要 [zhong4 yao4] /important/significant/
重新 重新 [chong2 xin1] /again/once more/
重 重 [zhong4] /heavy/
重 重 [chong2] /to repeat/
新 新 [Xin1] /surname Xin/
新 新 [xin1] /new/
銀行 银行 [yin2 hang2] /bank/
行長 行长 [hang2 zhang3] /bank president/
銀行行長 银行行长 [yin2 hang2 hang2 zhang3] /bank president (made up for the test)/
broken line without brackets
"""


@pytest.fixture(scope="module")
def sample() -> Dictionary:
    return Dictionary(parse_cedict(SAMPLE.splitlines()))


def test_a_click_finds_the_longest_word_around_it(sample: Dictionary) -> None:
    words = [m.word for m in sample.matches_at("他重新開始", 2)]
    assert words == ["重新", "新"]


def test_shorter_matches_follow_the_longest(sample: Dictionary) -> None:
    on_first_hang = [(m.word, m.start) for m in sample.matches_at("我的銀行行長", 3)]
    on_second_hang = [(m.word, m.start) for m in sample.matches_at("我的銀行行長", 4)]
    assert on_first_hang == [("銀行行長", 2), ("銀行", 2)]
    assert on_second_hang == [("銀行行長", 2), ("行長", 4)]


def test_both_character_forms_find_the_same_entry(sample: Dictionary) -> None:
    assert sample.entries("銀行") == sample.entries("银行")
    assert sample.entries("银行")[0].pinyin == "yín háng"


def test_every_entry_of_a_headword_is_kept(sample: Dictionary) -> None:
    assert [e.pinyin for e in sample.entries("重")] == ["zhòng", "chóng"]


def test_the_reading_in_context_comes_first_then_common_words(sample: Dictionary) -> None:
    assert ranked(sample.entries("重"), "chóng")[0].definitions == ("to repeat",)
    assert ranked(sample.entries("新"))[0].definitions == ("new",)


def test_comments_and_malformed_lines_are_skipped() -> None:
    assert len(list(parse_cedict(SAMPLE.splitlines()))) == 9


def test_segmenting_takes_the_longest_word_at_each_place(sample: Dictionary) -> None:
    assert [m.word for m in sample.segment("他重要銀行行長x")] == ["重要", "銀行行長"]


def test_outside_the_text_there_is_nothing(sample: Dictionary) -> None:
    assert sample.matches_at("重要", 5) == [] and sample.matches_at("", 0) == []


@pytest.mark.slow
def test_the_bundled_cc_cedict_works_offline_for_both_forms() -> None:
    dictionary = Dictionary.bundled()
    assert len(dictionary) > 100_000
    first = dictionary.matches_at("這是很重要的事情", 3)[0]
    assert (first.word, first.start, first.end) == ("重要", 3, 5)
    assert "important" in first.entries[0].definitions
    assert dictionary.entries("这是") == dictionary.entries("這是")
    assert Entry in {type(e) for e in dictionary.entries("行")}
    assert {e.pinyin for e in dictionary.entries("行")} >= {"xíng", "háng"}
