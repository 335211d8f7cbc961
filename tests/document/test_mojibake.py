"""The repair of runs garbled by a site that read GBK one byte out of step.

The real article's nine runs, the clean corpus left alone, and runs garbled here the same way
(`garble` below states the site's behaviour as the article shows it) restored or marked.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pypinyin.pinyin_dict import pinyin_dict

from reader.document.charsets import big5_common, big5_hanzi, gb2312_hanzi, gb2312_level1
from reader.document.cleanup import clean_text
from reader.document.loader import load_document
from reader.document.mojibake import _ANCHOR, MISSING, _is_anchor, has_garbled_runs, repair
from reader.document.pinyin import is_tone_marked_pinyin

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
STRAY_SYLLABLE = re.compile(r"\?([a-zü\u0300-\u036fāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]+)")


@pytest.mark.parametrize(
    ("garbled", "restored"),
    [
        ("也正因?yàn)殡S著AI", "也正因為隨著AI"),
        ("還是因?yàn)閷?duì)公司", "還是因為對公司"),
        ("它們?cè)谔幚韽?fù)雜任務", "它們在處理復雜任務"),
        ("澳大利亞?wèn)|部數據", "澳大利亞東部數據"),
        ("領域?qū)χ袊?guó)進行", "領域對中國進行"),
        ("適當(dāng)?shù)拇胧﹣?lái)解決", "適當(dāng)的措施來解決"),
        ("巨大飛躍,F(xiàn)在很難", "巨大飛躍,現在很難"),
    ],
)
def test_the_articles_runs_are_restored_from_their_bytes_and_glosses(
    garbled: str, restored: str
) -> None:
    assert repair(garbled).text == restored
    assert repair(garbled).missing == ()


@pytest.mark.parametrize(
    ("garbled", "restored", "why"),
    [
        # 此 lost its second byte before a comma, and no gloss says which it was.
        ("也正因?yàn)槿绱,像", "也正因為如〓,像", "no gloss fixes the byte 此 lost"),
        # A pair the site could not decode vanished: 同's second byte and 領's first.
        ("它們?cè)诓煌I(lǐng)域", "它們在不〓領域", "13 characters fit before the lost pair"),
    ],
)
def test_what_the_evidence_does_not_determine_is_marked_not_guessed(
    garbled: str, restored: str, why: str
) -> None:
    result = repair(garbled)
    assert result.text == restored, why
    index = restored.index(MISSING)
    assert result.missing == ((index, index + 1),), why


def test_the_repaired_article_has_no_stray_gloss_and_nothing_left_to_repair(
    article_path: Path,
) -> None:
    document = load_document(article_path)
    strays = [m.group() for m in STRAY_SYLLABLE.finditer(document.text)]
    assert [s for s in strays if is_tone_marked_pinyin(s[1:])] == []
    assert not has_garbled_runs(document.text)
    assert repair(document.text).text == document.text
    for phrase in ("因為隨著", "處理復雜", "澳大利亞東部", "對中國進行", "適當的措施來解決"):
        assert phrase in document.text, phrase
    assert [document.text[start:end] for start, end in document.garbled] == [MISSING] * 2
    assert document.text.count(MISSING) == 2


def test_the_repair_keeps_the_articles_glosses_for_itself_then_they_go(article_path: Path) -> None:
    cleaned = "\n".join(clean_text(article_path.read_text(encoding="utf-8")).paragraphs)
    assert "(xiàn)" not in cleaned and "(lǐng)" not in cleaned
    assert "F在" not in cleaned and "現在很難" in cleaned


def corpus_books() -> list[Path]:
    books = sorted((CORPUS / "library").glob("*.txt"))
    return [*books, CORPUS / "hongloumeng.txt"]


@pytest.mark.parametrize("book", corpus_books(), ids=lambda path: path.stem)
def test_clean_books_are_left_exactly_as_they_are(book: Path) -> None:
    if not book.exists():
        pytest.skip(f"corpus file {book} is not available")
    text = book.read_text(encoding="utf-8")
    assert not has_garbled_runs(text), f"{book.name} looks garbled to the repair"
    assert repair(text).text == text
    assert clean_text(text).missing == []


@pytest.mark.parametrize(
    "text",
    [
        "拼音字母 a(ā) 讀作啊",  # a primer glosses a letter on purpose: several characters fit
        "問號?後面跟著字",
        "英文句子?Yes)",
        "括號(AGI)和(3.34萬億)",
        "不是拼音?abc)",
    ],
)
def test_text_that_only_resembles_a_run_is_left_alone(text: str) -> None:
    assert repair(text).text == text


def test_a_lone_stray_gloss_with_nothing_to_restore_becomes_a_marked_gap() -> None:
    result = repair("開頭,?guó)結尾")
    assert result.text == f"開頭,{MISSING}結尾"
    assert result.missing == ((3, 4),)


# --- runs garbled here the way the site garbles them ---------------------------------------


@cache
def readings(char: str) -> list[str]:
    """The readings a gloss can show: tone-marked ones (a neutral-tone gloss is not stripped)."""
    every = pinyin_dict.get(ord(char), "").split(",")
    return [reading for reading in every if is_tone_marked_pinyin(reading)]


@cache
def glossed_by_the_site() -> frozenset[str]:
    """The site glosses the characters it converted to Traditional."""
    return big5_hanzi() - gb2312_hanzi()


def gbk(char: str) -> bytes:
    return char.encode("gbk")


def gloss(char: str) -> str:
    return readings(char)[0]


def garble(c0: str, run: str, gloss_last: bool) -> str:
    """What the site shows for `c0 + run`, reading `run` one byte out of step.

    The ghost (c0's second byte and the run's first) shows as ``?`` and its gloss without the
    opening bracket; the pairs in between are decoded as they fall (a pair GBK cannot decode
    vanishes); the last character's second byte shows as ASCII if it is one, else as ``?``
    swallowing its gloss's ``(``, else (no gloss) not at all.
    """
    stream = b"".join(gbk(char) for char in run)
    ghost = bytes((gbk(c0)[1], stream[0])).decode("gbk")
    shifted = bytes(stream[1:-1]).decode("gbk", errors="ignore")
    trail, last = stream[-1], run[-1]
    if trail < 0x80:
        tail = chr(trail) + (f"({gloss(last)})" if gloss_last else "")
    else:
        tail = f"?{gloss(last)})" if gloss_last else ""
    return f"{c0}?{gloss(ghost)}){shifted}{tail}"


@cache
def everyday_characters() -> list[str]:
    """Characters in common use, as real text is made of (and all of them in GBK)."""
    pool = (gb2312_level1() | big5_common()) - {MISSING}
    return sorted(c for c in pool if readings(c) and len(c.encode("gbk", "ignore")) == 2)


@cache
def by_first_byte() -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for char in everyday_characters():
        grouped.setdefault(gbk(char)[0], []).append(char)
    return grouped


@cache
def ghost_leads(trail: int) -> list[int]:
    """First bytes that make a glossed ghost after a character whose second byte is `trail`."""
    leads = []
    for lead in sorted(by_first_byte()):
        ghost = bytes((trail, lead)).decode("gbk", errors="replace")
        if len(ghost) == 1 and ghost in glossed_by_the_site() and readings(ghost):
            leads.append(lead)
    return leads


@st.composite
def garbled_runs(draw: st.DrawFn) -> tuple[str, str, str, bool]:
    """(text before the run, the run, text after it, whether its last character is glossed):
    runs the site would have garbled visibly, i.e. with a glossed ghost."""
    everyday = st.sampled_from(everyday_characters())
    before = draw(st.text(everyday, min_size=1, max_size=6))
    leads = ghost_leads(gbk(before[-1])[1])
    assume(leads)
    first = draw(st.sampled_from(by_first_byte()[draw(st.sampled_from(leads))]))
    run = first + draw(st.text(everyday, max_size=7))
    after = draw(st.sampled_from(["", ",然後", ":結束", "."]))
    # Only the site's converted characters carry glosses.
    glossable = run[-1] in glossed_by_the_site() and readings(run[-1])
    gloss_last = draw(st.booleans()) and bool(glossable)
    return before, run, after, gloss_last


@given(garbled_runs())
def test_a_garbled_run_is_restored_and_nothing_wrong_goes_unmarked(
    case: tuple[str, str, str, bool],
) -> None:
    before, run, after, gloss_last = case
    stream = b"".join(gbk(char) for char in run)
    # A pair lost mid-run leaves no trace: outside what any repair can see (documented).
    shifted = bytes(stream[1:-1])
    assume(shifted.decode("gbk", errors="ignore") == shifted.decode("gbk", errors="replace"))
    original = before + run + after
    garbled = before[:-1] + garble(before[-1], run, gloss_last) + after
    result = repair(garbled)
    assert len(result.text) == len(original), (garbled, result.text)
    marked = {start for start, _end in result.missing}
    for index, (got, want) in enumerate(zip(result.text, original, strict=True)):
        if index in marked:
            assert got == MISSING
        else:
            assert got == want, (garbled, result.text, original)
    assert STRAY_SYLLABLE.search(result.text) is None


PIECES = ["中", "國", "對", "a", "F", "?", ")", "(", "ā", "guó", "duì", ",", " "]


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_repair_never_grows_a_text_and_is_idempotent(text: str) -> None:
    once = repair(text)
    assert len(once.text) <= len(text)
    assert repair(once.text).text == once.text
    assert all(once.text[start:end] == MISSING for start, end in once.missing)


@given(st.lists(st.sampled_from([*"?()F天為 yàngóx", "yàn)", "(guó)", "?shù)"]), max_size=12))
def test_the_quick_look_for_runs_misses_none(pieces: list[str]) -> None:
    """`has_garbled_runs` first looks for what every anchor holds: it answers as a full look
    at every anchor does."""
    text = "".join(pieces)
    assert has_garbled_runs(text) == any(_is_anchor(m) for m in _ANCHOR.finditer(text))
