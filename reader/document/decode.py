"""Bytes -> text: find the encoding a Chinese reader's file was written in.

The cascade runs from the most certain evidence to the least, and stops at the first answer:

1. **A byte-order mark** is a declaration by the writer; nothing else outranks it. It must come
   first because UTF-16/32 text is full of NUL bytes that the binary check would reject.
2. **The binary check** (magic numbers, NUL bytes, control characters) runs before any decoder,
   because Latin-1-like decoders accept every byte and the detector will happily "find" an
   encoding for a PNG image. A clear "this is an image" beats a screen of mojibake.
3. **Strict UTF-8** is the common case and is almost never valid by accident for other
   encodings, so it wins without scoring; this keeps opening a large UTF-8 novel as fast as a
   plain ``bytes.decode``.
4. **GB18030 and Big5** both accept many of each other's byte sequences without error, so the
   order they are tried in proves nothing. Each candidate that decodes a 64 KB sample is scored
   by the share of its ideographs that are common characters (GB2312 level 1 plus Big5's
   frequently-used set, both built from the codecs themselves); a low score means "not this
   one". Of the plausible readings, the one with more common hanzi wins, and the full data is
   then decoded strictly.
   Korean (EUC-KR) and Japanese (EUC-JP) text decodes as GB18030 or Big5 too, with hangul and
   kana turned into common hanzi, so a sample that reads natively as either goes on to step 5.
5. **charset_normalizer** handles the remaining legacy encodings (Japanese, Korean, Western),
   but only when it is confident and does not name an encoding the steps above already ruled
   out. It is last because it guesses: on short texts it confuses GB18030 with Big5 and
   Windows-1252 with Windows-1250.
6. Otherwise the user is asked to choose (File > Reopen with Encoding), which calls
   ``decode(data, encoding)`` to decode strictly with that one codec.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache

from reader.document import charsets
from reader.document.errors import BinaryFileError, UndecodableError

__all__ = ["SUPPORTED_ENCODINGS", "Decoded", "decode"]


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text (BOM removed, line endings untouched) and the codec that produced it."""

    text: str
    encoding: str


SUPPORTED_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8", "Unicode (UTF-8)"),
    ("gb18030", "Chinese Simplified (GB18030/GBK)"),
    ("big5", "Chinese Traditional (Big5)"),
    ("big5hkscs", "Chinese Traditional (Big5-HKSCS)"),
    ("utf-16", "Unicode (UTF-16)"),
    ("shift_jis", "Japanese (Shift JIS)"),
    ("euc_jp", "Japanese (EUC-JP)"),
    ("euc_kr", "Korean (EUC-KR)"),
    ("cp1252", "Western (Windows-1252)"),
    ("iso8859-1", "Western (ISO-8859-1)"),
)
"""(canonical codec name, label) pairs for the "Reopen with Encoding" menu."""

_LABELS = dict(SUPPORTED_ENCODINGS) | {
    "utf-8-sig": "Unicode (UTF-8)",
    "utf-32": "Unicode (UTF-32)",
}

UNDECODABLE_MESSAGE = (
    "The file is not valid text in any supported encoding (UTF-8, UTF-16, GB18030, Big5, ...). "
    "Choose its encoding with File > Reopen with Encoding (or --encoding on the command line)."
)

# Longest BOMs first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program (ELF executable)"),
)

# C0 control bytes that real text does not contain (tab, newlines, form feed, ESC are allowed).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r\f\x1b")
_MAX_CONTROL_SHARE = 0.05

_SAMPLE_BYTES = 64 * 1024
# On equal scores the earlier wins: GB18030 has the most readers, plain Big5 is the narrowest
# of its family, and CP950 (Windows) and HKSCS (Hong Kong) add characters Big5 lacks.
_CHINESE_CANDIDATES = ("gb18030", "big5", "cp950", "big5hkscs")
_MIN_COMMON_SHARE = 0.5  # of the ideographs
_MIN_CJK_SHARE = 0.6  # of the non-ASCII letters
_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

# (codec, its native letters, the share of letters that proves it). Chinese GB text that
# happens to decode as EUC-KR is at most ~90% "hangul" in 50-letter windows of the novel;
# GB and Big5 text almost never decodes as EUC-JP, and then with hardly any kana.
_RIVALS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("euc_kr", re.compile("[\uac00-\ud7a3]"), 0.95),
    ("euc_jp", re.compile("[\u3041-\u30ff]"), 0.25),
)
_RIVAL_MIN_LETTERS = 50

_MAX_CHAOS = 0.2
# Detector answers the cascade has already ruled out. UTF-16/32 without a BOM is among them:
# such text has NUL bytes and was rejected as binary, so on what is left it is a wild guess.
_RULED_OUT = frozenset({"utf-8", "gb18030", "big5", "utf-16", "utf-32"})
_FAMILY = {
    "ascii": "utf-8",
    "utf-8-sig": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp950": "big5",
    "big5hkscs": "big5",
    "utf-16-le": "utf-16",
    "utf-16-be": "utf-16",
    "utf-32-le": "utf-32",
    "utf-32-be": "utf-32",
}


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data`` with ``encoding`` if given, else with the cascade described above.

    Raises `BinaryFileError` for images, programs and other non-text bytes, and
    `UndecodableError` when no encoding fits (or the forced one does not).
    """
    if encoding is not None:
        return _decode_forced(data, encoding)
    if not data:
        return Decoded("", "utf-8")
    marked = _decode_with_bom(data)
    if marked is not None:
        return marked
    _reject_binary(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    chinese = _decode_chinese(data)
    if chinese is not None:
        return chinese
    return _decode_detected(data)


# --- forced encoding -----------------------------------------------------------------------


def _decode_forced(data: bytes, encoding: str) -> Decoded:
    """Decode strictly with the user's choice; a leading BOM of that encoding is dropped."""
    codec = _text_codec(encoding)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise UndecodableError(_where_it_failed(data, codec, error)) from None
    except (UnicodeError, LookupError, ValueError):  # "undefined", "idna" on long lines, ...
        raise UndecodableError(f"The file cannot be read as {_label(codec)}.") from None
    _refuse_lone_surrogates(text, codec)
    return Decoded(text.removeprefix("\ufeff"), codec)


def _text_codec(encoding: str) -> str:
    """The canonical name of `encoding`, refusing unknown names and codecs that do not turn
    bytes into text (``rot13``, ``hex``, ``base64``, ``zlib`` ...)."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):
        raise UndecodableError(f'"{encoding}" is not a known text encoding.') from None
    if not info._is_text_encoding:  # the flag str.encode and bytes.decode themselves check
        raise UndecodableError(
            f'"{encoding}" is a data transformation, not a character encoding. '
            "Choose a character encoding such as UTF-8, GB18030 or Big5."
        )
    return info.name


def _refuse_lone_surrogates(text: str, codec: str) -> None:
    """Refuse text no file could hold: ``utf-7`` and the ``unicode_escape`` codecs decode
    escapes such as ``\\ud800`` into lone surrogates, which cannot be stored, searched or
    printed as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        raise UndecodableError(
            f"Read as {_label(codec)}, the file is not valid text: character {error.start:,} "
            f"is a lone surrogate (U+{code:04X}). Choose another encoding."
        ) from None


def _canonical(encoding: str) -> str | None:
    """Python's canonical name for a codec (``"UTF8"`` -> ``"utf-8"``), or None if unknown."""
    try:
        return codecs.lookup(encoding).name
    except (LookupError, ValueError):
        return None


def _label(codec: str) -> str:
    """The menu label of a codec, or its upper-cased name when it is not in the menu."""
    return _LABELS.get(codec, codec.upper())


def _where_it_failed(data: bytes, codec: str, error: UnicodeDecodeError) -> str:
    """A short message naming the encoding and the byte (and line, if countable) that failed."""
    where = f"byte {error.start:,}"
    if "\n".encode(codec) == b"\n":  # ASCII-compatible: counting newline bytes counts lines
        line = data.count(b"\n", 0, error.start) + 1
        where = f"line {line:,} ({where})"
    return f"The file is not valid {_label(codec)} text: it breaks at {where}."


# --- byte-order marks ----------------------------------------------------------------------


def _decode_with_bom(data: bytes) -> Decoded | None:
    """Decode by the byte-order mark, if any; a file whose BOM lies is undecodable."""
    first_failure: tuple[str, UnicodeDecodeError] | None = None
    for bom, codec in _BOMS:
        if not data.startswith(bom):
            continue
        try:
            return Decoded(data.decode(codec), codec)
        except UnicodeDecodeError as failure:  # FF FE 00 00 may be UTF-16 text after all
            first_failure = first_failure or (codec, failure)
    if first_failure is None:
        return None
    raise UndecodableError(_where_it_failed(data, *first_failure))


# --- binary data ---------------------------------------------------------------------------


def _reject_binary(data: bytes) -> None:
    """Raise `BinaryFileError` if ``data`` is a known binary format or full of control bytes."""
    for magic, what in _MAGIC_NUMBERS:
        if data.startswith(magic):
            raise BinaryFileError(f"This looks like {what}, not a text file.")
    sample = data[:_SAMPLE_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in data or controls > _MAX_CONTROL_SHARE * len(sample):
        raise BinaryFileError("This file contains binary data, not text.")


# --- GB18030 versus Big5 -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    """How much the sample looks like Chinese text when read with one codec."""

    codec: str
    ideographs: int
    common: int  # ideographs that are common hanzi
    cjk_share: float  # share of the non-ASCII letters that are ideographs (kana, Greek: not)

    @property
    def common_share(self) -> float:
        """The score: the share of the ideographs that are common hanzi."""
        return self.common / self.ideographs if self.ideographs else 0.0

    @property
    def plausible(self) -> bool:
        """Some ideographs, mostly common ones, and few letters of other scripts."""
        return self.common_share >= _MIN_COMMON_SHARE and self.cjk_share >= _MIN_CJK_SHARE


def _decode_chinese(data: bytes) -> Decoded | None:
    """Decode as GB18030 or a Big5 variant, whichever reads as more common Chinese; else None."""
    readings = [_read_sample(data, codec) for codec in _CHINESE_CANDIDATES]
    plausible = [reading for reading in readings if reading is not None and reading.plausible]
    if not plausible or _reads_as_korean_or_japanese(data):
        return None
    # Readings of the same bytes have about as many characters, so the one with more common
    # hanzi wins; a garbage reading loses hanzi to symbols, kana and rare characters. On a tie
    # the earlier candidate wins (the sort is stable).
    plausible.sort(key=lambda reading: reading.common, reverse=True)
    for reading in plausible:
        try:
            return Decoded(data.decode(reading.codec), reading.codec)
        except UnicodeDecodeError:
            continue  # the sample was fine, a later byte is not
    return None


def _read_sample(data: bytes, codec: str) -> _Reading | None:
    """Score the sample read with ``codec``; None if it does not decode."""
    text = _decode_sample(data, codec)
    if text is None:
        return None
    ideographs = _IDEOGRAPH.findall(text)
    if not ideographs:
        return _Reading(codec, 0, 0, 0.0)
    common = _common_hanzi()
    letters = max(_count_letters(text), len(ideographs))  # unassigned code points: not alpha
    return _Reading(
        codec=codec,
        ideographs=len(ideographs),
        common=sum(char in common for char in ideographs),
        cjk_share=len(ideographs) / letters,
    )


def _reads_as_korean_or_japanese(data: bytes) -> bool:
    """Whether the sample is EUC-KR hangul or EUC-JP kana text (see `_RIVALS`)."""
    for codec, native, min_share in _RIVALS:
        text = _decode_sample(data, codec)
        if text is None:
            continue
        letters = _count_letters(text)
        if letters >= _RIVAL_MIN_LETTERS and len(native.findall(text)) >= min_share * letters:
            return True
    return False


def _decode_sample(data: bytes, codec: str) -> str | None:
    """The first `_SAMPLE_BYTES` of ``data`` decoded strictly, or None if they are invalid."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        # final=False: a character cut in half by the sample boundary is not an error.
        return decoder.decode(data[:_SAMPLE_BYTES], final=len(data) <= _SAMPLE_BYTES)
    except UnicodeDecodeError:
        return None


def _count_letters(text: str) -> int:
    """The number of non-ASCII letters: ideographs, kana, hangul, accented Latin ..."""
    return sum(1 for char in text if not char.isascii() and char.isalpha())


@cache
def _common_hanzi() -> frozenset[str]:
    """GB2312 level-1 hanzi plus Big5's frequently-used hanzi (Python's Big5 puts kana there too).

    Scoring against the union lets Traditional text stored as GB18030 score as high as it
    does stored as Big5.
    """
    candidates = charsets.gb2312_level1() | charsets.big5_common()
    return frozenset(char for char in candidates if _IDEOGRAPH.match(char))


# --- everything else -----------------------------------------------------------------------


def _decode_detected(data: bytes) -> Decoded:
    """Ask charset_normalizer; accept only a confident answer the cascade has not ruled out."""
    guess = _detector_guess(data)
    codec = None if guess is None else _canonical(guess)
    if codec is None or _FAMILY.get(codec, codec) in _RULED_OUT:
        raise UndecodableError(UNDECODABLE_MESSAGE)
    try:
        text = data.decode(codec)
        text.encode("utf-8")  # a detector's guess must give valid text too (see above)
    except (UnicodeError, LookupError):
        raise UndecodableError(UNDECODABLE_MESSAGE) from None
    return Decoded(text.removeprefix("\ufeff"), codec)


def _detector_guess(data: bytes) -> str | None:
    """charset_normalizer's confident best guess, or None.

    Western text often ties between Windows-1250 and Windows-1252; the tie goes to 1252.
    """
    import charset_normalizer  # the rare last resort: not loaded for GB, Big5 or UTF-8 files

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    for match in matches:
        tied = (match.chaos, match.coherence) == (best.chaos, best.coherence)
        if tied and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return str(best.encoding)
