"""``reader lookup``: words, pinyin and CC-CEDICT entries on the command line, offline."""

from __future__ import annotations

import io
import json

from reader.cli.common import EXIT_ERROR, EXIT_NOTHING_FOUND, EXIT_OK
from reader.cli.main import run


def run_cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(arguments), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def test_a_sentence_is_split_into_words_with_their_reading_in_context() -> None:
    status, out, err = run_cli("lookup", "我們的銀行行長", "--json")
    assert (status, err) == (EXIT_OK, "")
    words = json.loads(out)["words"]
    assert [w["word"] for w in words] == ["我們", "的", "銀行", "行長"]
    bank = words[2]
    assert (bank["start"], bank["end"], bank["reading"]) == (3, 5, "yín háng")
    assert bank["entries"][0]["simplified"] == "银行"
    assert "bank" in bank["entries"][0]["definitions"]


def test_plain_output_shows_word_pinyin_and_definitions() -> None:
    status, out, _err = run_cli("lookup", "重新")
    assert status == EXIT_OK
    assert out.splitlines()[:3] == [
        "重新  chóng xīn",
        "  重新  [chóng xīn]",
        "    again; once more; re-",
    ]


def test_text_with_no_entry_is_status_1_with_a_message() -> None:
    status, out, err = run_cli("lookup", "qqq")
    assert (status, out) == (EXIT_NOTHING_FOUND, "")
    assert "no dictionary entry for qqq" in err


def test_an_empty_text_is_an_error() -> None:
    status, _out, err = run_cli("lookup", "  ")
    assert status == EXIT_ERROR and "a word or a sentence" in err


def test_hostile_text_is_printed_inert() -> None:
    status, out, err = run_cli("lookup", "\x1b]0;x\x07重要")
    assert status == EXIT_OK and "\x1b" not in out + err
