"""Decoding: real Chinese text round-trips in every encoding; hostile bytes get a clear error."""

from __future__ import annotations

import codecs
import random
import string
from pathlib import Path

import charset_normalizer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.document import decode as decode_module
from reader.document.decode import SUPPORTED_ENCODINGS, Decoded, decode
from reader.document.errors import BinaryFileError, DocumentError, UndecodableError

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
NOVEL = (CORPUS / "hongloumeng.txt").read_text(encoding="utf-8")  # Simplified
ARTICLE = (CORPUS / "000_b4732b532e84408a.txt").read_text(encoding="utf-8")  # Traditional
ARTICLE_BIG5 = ARTICLE.encode("big5", errors="ignore").decode("big5")  # pinyin tones, 墻 ... go

# Hand-written sentences in the encodings the GB/Big5 scoring must not claim.
KOREAN = (
    "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 "
    "나온다. 오늘은 날씨가 좋아서 친구들과 함께 공원에 산책을 갔습니다. 우리는 점심을 먹고 "
    "커피를 마셨어요. 저녁에는 도서관에서 책을 읽었습니다."
)
JAPANESE = (
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめ"
    "した所でニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを"
    "見た。しかもあとで聞くとそれは書生という人間中で一番獰悪な種族であったそうだ。"
)
WESTERN = (
    "Le cœur a ses raisons que la raison ne connaît point. Dès le début de l'été, nous étions "
    "à la maison près du lac; c'était très agréable. Où est la bibliothèque? Ça coûte cher. "
    "Über die Größe der Straße müssen wir später reden, sagte der Bürgermeister."
)


def _excerpt(text: str, encoding: str, newline: str, size: int = 3000) -> str:
    """A few KB from the middle of ``text``, limited to what ``encoding`` can hold."""
    start = len(text) // 3
    excerpt = text[start : start + size].encode(encoding, errors="ignore").decode(encoding)
    return excerpt.replace("\n", newline)


# --- real corpus round trips -----------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize(
    ("source", "encoding", "expected"),
    [
        (NOVEL, "utf-8", "utf-8"),
        (NOVEL, "utf-8-sig", "utf-8-sig"),
        (NOVEL, "utf-16", "utf-16"),
        (NOVEL, "utf-32", "utf-32"),
        (NOVEL, "gb18030", "gb18030"),
        (NOVEL, "gbk", "gb18030"),
        (NOVEL, "gb2312", "gb18030"),
        (ARTICLE, "utf-8", "utf-8"),
        (ARTICLE, "utf-8-sig", "utf-8-sig"),
        (ARTICLE, "utf-16", "utf-16"),
        (ARTICLE, "gb18030", "gb18030"),  # Traditional stored as GB: still GB18030
        (ARTICLE, "gbk", "gb18030"),
        (ARTICLE_BIG5, "big5", "big5"),
        (ARTICLE_BIG5, "cp950", "big5"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 12 else None,
)
def test_corpus_excerpts_round_trip(
    source: str, encoding: str, expected: str, newline: str
) -> None:
    text = _excerpt(source, encoding, newline)
    assert len(text) > 1000
    decoded = decode(text.encode(encoding))
    assert decoded == Decoded(text, expected)


def test_the_whole_novel_round_trips_as_gb18030() -> None:
    decoded = decode(NOVEL.encode("gb18030"))  # far beyond the 64 KB scoring sample
    assert decoded == Decoded(NOVEL, "gb18030")


@pytest.mark.parametrize("shift", [0, 1, 2, 3])
def test_a_character_cut_by_the_sample_boundary_is_not_an_error(shift: int) -> None:
    text = "x" * shift + NOVEL[:40_000]  # ~80 KB in GB18030: the boundary lands mid-character
    assert decode(text.encode("gb18030")) == Decoded(text, "gb18030")


def test_valid_utf8_is_decoded_without_scoring_or_detecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*_: object) -> None:
        raise AssertionError("valid UTF-8 must not be scored or sent to the detector")

    monkeypatch.setattr(decode_module, "_read_sample", forbidden)
    monkeypatch.setattr(charset_normalizer, "from_bytes", forbidden)
    data = (CORPUS / "hongloumeng.txt").read_bytes()
    assert decode(data) == Decoded(NOVEL, "utf-8")


def test_empty_bytes_are_empty_utf8_text() -> None:
    assert decode(b"") == Decoded("", "utf-8")


# --- byte-order marks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "codec", "expected"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    ],
)
def test_a_bom_decides_and_is_removed(bom: bytes, codec: str, expected: str) -> None:
    text = "第一回\r\nHello 紅樓夢 𠀀\n"  # 𠀀 is outside the BMP: surrogates in UTF-16
    assert decode(bom + text.encode(codec)) == Decoded(text, expected)


def test_a_utf16_file_whose_first_character_is_nul_is_not_mistaken_for_utf32() -> None:
    data = codecs.BOM_UTF16_LE + "\x00中文".encode("utf-16-le")  # starts FF FE 00 00
    assert decode(data) == Decoded("\x00中文", "utf-16")


def test_a_bom_that_lies_is_an_error_naming_the_encoding() -> None:
    with pytest.raises(UndecodableError, match="UTF-8"):
        decode(codecs.BOM_UTF8 + "正文".encode("gb18030"))


# --- GB18030 versus Big5 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("The novel 红楼梦 was written by 曹雪芹 in the 18th century.\n", "gb18030"),
        ("The novel 紅樓夢 was written by 曹雪芹 in the 18th century.\n", "big5"),
        ("Hello 世界", "gb18030"),
        ("log: 用户登录成功 user=alice\n" * 20, "gb18030"),
        ("log: 使用者登入成功 user=alice\n" * 20, "big5"),
    ],
)
def test_mostly_ascii_text_with_a_few_hanzi(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding)) == Decoded(text, encoding)


def test_the_common_hanzi_are_gb2312_level_1_and_big5_frequently_used() -> None:
    common = decode_module._common_hanzi()
    simplified = {char for char in common if _in_range(char, "gb2312", 0xB0A1, 0xD7FE)}
    traditional = {char for char in common if _in_range(char, "big5", 0xA440, 0xC67E)}
    assert (len(simplified), len(traditional)) == (3755, 5401)  # the standards' own counts
    assert common == simplified | traditional
    assert {"的", "是", "国", "國", "说", "說"} <= common
    assert not {"丂", "龘", "の", "가"} & common  # rare hanzi, kana, hangul


def _in_range(char: str, codec: str, first: int, last: int) -> bool:
    """Whether ``char`` encodes in ``codec`` as one two-byte code within [first, last]."""
    try:
        encoded = char.encode(codec)
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and first <= int.from_bytes(encoded) <= last


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(KOREAN, "euc_kr"), (JAPANESE, "euc_jp"), (JAPANESE, "shift_jis"), (WESTERN, "cp1252")],
)
def test_other_legacy_encodings_are_not_claimed_as_chinese(text: str, encoding: str) -> None:
    decoded = decode(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding not in ("gb18030", "big5", "cp950", "big5hkscs")


# --- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(8), "ELF executable"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"\x1f\x8b\x08\x00", "gzip archive"),
    ],
)
def test_known_binary_formats_are_named(header: bytes, what: str) -> None:
    with pytest.raises(BinaryFileError, match=what):
        decode(header + random.Random(1).randbytes(256))


def test_random_bytes_are_binary() -> None:
    with pytest.raises(BinaryFileError, match="binary data"):
        decode(random.Random(20261129).randbytes(4096))


def test_a_nul_byte_in_text_makes_it_binary() -> None:
    with pytest.raises(BinaryFileError):
        decode("正文".encode() + b"\x00" + "正文".encode())


def test_many_control_bytes_make_text_binary_but_tabs_and_form_feeds_do_not() -> None:
    with pytest.raises(BinaryFileError):
        decode(b"abc\x01\x02\x03def\x04\x05")
    text = "第一章\t序\f\r\n\x1b[1m正文\x1b[0m\n"
    assert decode(text.encode()) == Decoded(text, "utf-8")


def test_bytes_invalid_in_every_candidate_are_undecodable() -> None:
    with pytest.raises(UndecodableError, match="Reopen with Encoding"):
        decode(bytes(range(0x80, 0x100)) * 4)


def test_gb_text_broken_after_the_sample_is_not_decoded_loosely() -> None:
    with pytest.raises(UndecodableError):
        decode(NOVEL[:100_000].encode("gb18030") + b"\xff\xfe\xff")


def test_a_short_big5_lookalike_never_yields_replacement_characters() -> None:
    decoded = decode("國".encode("big5"))  # two bytes: too short to tell, but never lossy
    assert "\ufffd" not in decoded.text


# --- a user's choice of encoding -------------------------------------------------------------


def test_a_forced_encoding_overrides_the_cascade() -> None:
    data = "紅樓夢".encode("big5")
    assert decode(data, "big5") == Decoded("紅樓夢", "big5")
    assert decode(data, "BIG5") == Decoded("紅樓夢", "big5")
    assert decode(data, "latin-1") == Decoded(data.decode("latin-1"), "iso8859-1")


def test_a_forced_wrong_encoding_says_which_and_where() -> None:
    data = "第一行\n第二行\n".encode() + "第三行".encode("gb18030")
    with pytest.raises(UndecodableError, match=r"UTF-8.*line 3"):
        decode(data, "utf-8")


@pytest.mark.parametrize("name", ["no-such-encoding", "", "rot13", "base64", "undefined"])
def test_an_unknown_or_non_text_encoding_is_an_error(name: str) -> None:
    with pytest.raises(UndecodableError):
        decode(b"text", name)


@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        (codecs.BOM_UTF8 + "正文".encode(), "utf-8", Decoded("正文", "utf-8")),
        (
            codecs.BOM_UTF16_LE + "正文".encode("utf-16-le"),
            "utf-16-le",
            Decoded("正文", "utf-16-le"),
        ),
        (codecs.BOM_UTF16_BE + "正文".encode("utf-16-be"), "utf-16", Decoded("正文", "utf-16")),
        ("\ufeff正文".encode("gb18030"), "gb18030", Decoded("正文", "gb18030")),
    ],
)
def test_a_forced_encoding_still_drops_its_own_bom(
    data: bytes, encoding: str, expected: Decoded
) -> None:
    assert decode(data, encoding) == expected


def test_a_forced_encoding_does_not_drop_another_encodings_bom() -> None:
    assert decode(codecs.BOM_UTF8 + b"abc", "cp1252").text == "ï»¿abc"


def test_the_menu_lists_canonical_codecs_with_plain_labels() -> None:
    codecs_in_menu = [codec for codec, _ in SUPPORTED_ENCODINGS]
    assert codecs_in_menu[:3] == ["utf-8", "gb18030", "big5"]
    assert "utf-16" in codecs_in_menu
    assert dict(SUPPORTED_ENCODINGS)["gb18030"] == "Chinese Simplified (GB18030/GBK)"
    assert dict(SUPPORTED_ENCODINGS)["big5"] == "Chinese Traditional (Big5)"
    for codec in codecs_in_menu:
        assert codecs.lookup(codec).name == codec  # comparable with Decoded.encoding
    assert len(set(codecs_in_menu)) == len(codecs_in_menu)


# --- properties ------------------------------------------------------------------------------

_ASCII = string.ascii_letters + string.digits + string.punctuation + " \t\n\r"
_CHINESE_AND_ASCII = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x3000, max_codepoint=0x303F),  # 、。「」 ...
        st.sampled_from(_ASCII),
    )
)


def _slices(text: str, min_size: int) -> st.SearchStrategy[str]:
    """Real passages of ``text`` joined by short ASCII runs: plausible mixed documents."""
    passage = st.integers(0, len(text) - 200).flatmap(
        lambda start: st.integers(min_size, 200).map(lambda size: text[start : start + size])
    )
    ascii_run = st.text(alphabet=_ASCII, max_size=12)
    parts = st.lists(st.tuples(ascii_run, passage), min_size=1, max_size=4)
    return parts.map(lambda pairs: "".join(run + passage for run, passage in pairs))


@given(_CHINESE_AND_ASCII)
def test_any_chinese_and_ascii_text_round_trips_as_utf8(text: str) -> None:
    assert decode(text.encode("utf-8")) == Decoded(text, "utf-8")


@settings(deadline=None)
@given(_slices(NOVEL, min_size=30))
def test_novel_passages_round_trip_as_gb18030(text: str) -> None:
    assert decode(text.encode("gb18030")) == Decoded(text, "gb18030")


@settings(deadline=None)
@given(_slices(ARTICLE_BIG5, min_size=40))
def test_article_passages_round_trip_as_big5(text: str) -> None:
    assert decode(text.encode("big5")) == Decoded(text, "big5")


@settings(deadline=None, max_examples=200)
@given(st.one_of(st.binary(max_size=512), st.binary(max_size=512).map(lambda b: b"\xa4" + b)))
def test_any_bytes_give_strictly_decoded_text_or_a_document_error(data: bytes) -> None:
    try:
        decoded = decode(data)
    except DocumentError:
        return
    assert decoded.text == data.decode(decoded.encoding).removeprefix("\ufeff")


# --- forced encodings that do not give valid text ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"+2AA-", "utf-7"),
        (b"\\ud800", "unicode_escape"),
        (b"\\udcff", "raw_unicode_escape"),
        (b"\\ud800 and more", "unicode-escape"),
    ],
)
def test_a_forced_encoding_that_yields_lone_surrogates_is_refused(
    data: bytes, encoding: str
) -> None:
    with pytest.raises(UndecodableError, match="not valid text") as refusal:
        decode(data, encoding)
    str(refusal.value).encode("utf-8")  # the message itself is printable


@pytest.mark.parametrize("name", ["hex", "zlib", "bz2", "uu", "quopri", "rot_13", "base64_codec"])
def test_a_non_text_codec_is_refused_by_name(name: str) -> None:
    with pytest.raises(UndecodableError, match="not a character encoding"):
        decode(b"6869", name)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_odd_utf16_data_is_a_clear_refusal(encoding: str) -> None:
    with pytest.raises(UndecodableError):
        decode(b"\x00\xd8a\x00b", encoding)


def test_a_valid_utf7_text_is_accepted() -> None:
    assert decode("紅樓夢".encode("utf-7"), "utf-7") == Decoded("紅樓夢", "utf-7")
