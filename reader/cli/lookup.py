"""``reader lookup``: CC-CEDICT entries and pinyin for Chinese text, offline.

A word the dictionary knows is shown with all its entries; any longer text is split into the
longest dictionary words from left to right, each with its entries. The reading line is the
pinyin of the word in this text (phrase-aware), and the entry read that way comes first.
"""

from __future__ import annotations

import argparse

from reader.app.services import Services
from reader.chinese.dictionary import Dictionary, Match, ranked
from reader.chinese.readings import readings
from reader.cli.common import EXIT_NOTHING_FOUND, EXIT_OK, CommandError, Streams
from reader.cli.output import dump_json, message, printable

MAX_TEXT_LENGTH = 2_000
"""A look-up is for words and sentences; a whole book belongs in ``reader text``."""


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``lookup``."""
    lookup = commands.add_parser(
        "lookup", help="look up Chinese words in CC-CEDICT, with their pinyin"
    )
    lookup.add_argument("text", metavar="TEXT", help="a word or a sentence")
    lookup.add_argument("--json", action="store_true", help="print one JSON object")
    lookup.set_defaults(handler=run_lookup)


def run_lookup(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """Print the words of TEXT with their entries; status 1 when none is in the dictionary."""
    text: str = arguments.text.strip()
    if not text or len(text) > MAX_TEXT_LENGTH:
        raise CommandError(f"Give a word or a sentence of at most {MAX_TEXT_LENGTH} characters.")
    words = list(Dictionary.bundled().segment(text))
    in_text = readings(text)
    spoken = [" ".join(r for r in in_text[w.start : w.end] if r) for w in words]
    if arguments.json:
        found = [_as_json(word, reading) for word, reading in zip(words, spoken, strict=True)]
        dump_json({"text": text, "words": found}, streams.out)
    for word, reading in [] if arguments.json else zip(words, spoken, strict=True):
        print(f"{printable(word.word)}  {reading}", file=streams.out)
        for entry in ranked(word.entries, reading):
            forms = entry.traditional
            if entry.simplified != entry.traditional:
                forms += f" / {entry.simplified}"
            print(f"  {printable(forms)}  [{printable(entry.pinyin)}]", file=streams.out)
            print(f"    {printable('; '.join(entry.definitions))}", file=streams.out)
    if not words:
        print(message(f"no dictionary entry for {text}"), file=streams.err)
        return EXIT_NOTHING_FOUND
    return EXIT_OK


def _as_json(word: Match, reading: str) -> dict[str, object]:
    return {
        "word": word.word,
        "start": word.start,
        "end": word.end,
        "reading": reading,
        "entries": [
            {
                "traditional": e.traditional,
                "simplified": e.simplified,
                "pinyin": e.pinyin,
                "definitions": list(e.definitions),
            }
            for e in ranked(word.entries, reading)
        ],
    }
