"""`reader search QUERY [PATH] [--json] [--limit N]`: hits as text or JSON, and exit statuses."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.app.bundled import bundled_article_path
from reader.app.paths import AppPaths
from reader.cli.common import EXIT_ERROR, EXIT_NOTHING_FOUND, EXIT_OK
from reader.cli.main import run
from reader.document.loader import load_document
from reader.document.model import Document
from reader.search.folding import fold
from reader.search.index import index_directory


def run_cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(arguments), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def bundled() -> Document:
    return load_document(bundled_article_path())


def section_of(document: Document, offset: int) -> str:
    titles = [entry.title for entry in document.toc() if entry.start <= offset]
    return titles[-1]


def test_json_hits_carry_section_offsets_text_and_snippet(bundled: Document) -> None:
    status, out, err = run_cli("search", "哈尔滨", "--json")
    assert (status, err) == (EXIT_OK, "")
    hits = json.loads(out)
    assert len(hits) == bundled.text.count("哈爾濱") > 1
    for hit in hits:
        assert {"section", "start", "end", "snippet"} <= hit.keys()
        assert hit["text"] == bundled.text[hit["start"] : hit["end"]] == "哈爾濱"
        assert hit["section"] == section_of(bundled, hit["start"])
        match_start, match_end = hit["snippet_match"]
        assert hit["snippet"][match_start:match_end] == hit["text"]
        assert len(hit["snippet"]) < 80


def test_the_default_document_is_the_bundled_article(bundled: Document, article_path: Path) -> None:
    _status, default, _err = run_cli("search", "智算", "--json", "--limit", "0")
    _status, explicit, _err = run_cli("search", "智算", str(article_path), "--json", "--limit", "0")
    assert json.loads(default) == json.loads(explicit)
    assert len(json.loads(default)) == bundled.text.count("智算")


def test_hits_come_best_first(bundled: Document) -> None:
    _status, out, _err = run_cli("search", "智算", "--json")
    hits = json.loads(out)
    assert hits[0]["in_heading"]
    assert hits[0]["section"] == "智算自主:全球運營商最大單集群智算中心在哈爾濱建成投用"


@pytest.mark.parametrize(("limit", "shown"), [("1", 1), ("3", 3), ("0", 10), ("100", 10)])
def test_limit(limit: str, shown: int, bundled: Document) -> None:
    assert bundled.text.count("GPT") == 10
    status, out, _err = run_cli("search", "gpt", "--json", "--limit", limit)
    assert status == EXIT_OK
    assert len(json.loads(out)) == shown


def test_the_limit_keeps_the_best_hits() -> None:
    _status, everything, _err = run_cli("search", "大模型", "--json", "--limit", "0")
    _status, first_three, _err = run_cli("search", "大模型", "--json", "--limit", "3")
    assert json.loads(first_three) == json.loads(everything)[:3]


def test_a_negative_limit_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as raised:
        run_cli("search", "智算", "--limit", "-1")
    assert raised.value.code == EXIT_ERROR


def test_text_output_marks_the_match_and_counts(bundled: Document) -> None:
    status, out, err = run_cli("search", "ＧＰＴ", "--limit", "2")
    assert (status, err) == (EXIT_OK, "")
    lines = out.splitlines()
    assert len(lines) == 2 * 2 + 1
    assert "【GPT】" in lines[1]
    assert lines[-1] == "10 hits in 5 paragraphs, 2 shown"


def test_nothing_found_is_status_1() -> None:
    status, out, err = run_cli("search", "量子引力弦论", "--json")
    assert (status, out.strip(), err) == (EXIT_NOTHING_FOUND, "[]", "")
    status, out, _err = run_cli("search", "量子引力弦论")
    assert status == EXIT_NOTHING_FOUND
    assert out.strip() == "0 hits in 0 paragraphs"


def test_exclusions_after_a_double_dash(bundled: Document) -> None:
    """A query starting with `-` looks like an option to argparse; after `--` it is one."""
    status, out, _err = run_cli("search", "--json", "--limit", "0", "--", "GPT -openai")
    assert status == EXIT_OK
    folded = [fold(bundled.paragraph_text(i)) for i in range(len(bundled.paragraphs))]
    expected = {i for i, text in enumerate(folded) if "gpt" in text and "openai" not in text}
    assert {hit["paragraph"] for hit in json.loads(out)} == expected
    assert expected and expected != {i for i, text in enumerate(folded) if "gpt" in text}
    status, _out, err = run_cli("search", "--", "-智算")
    assert status == EXIT_NOTHING_FOUND
    assert "nothing to search" in err


@pytest.mark.parametrize("name", ["missing.txt", "."])
def test_a_file_that_cannot_be_opened_is_status_2(tmp_path: Path, name: str) -> None:
    status, out, err = run_cli("search", "智算", str(tmp_path / name), "--json")
    assert (status, out) == (EXIT_ERROR, "")
    assert err.startswith("reader: ")


def index_files(directory: Path) -> dict[str, tuple[int, int]]:
    return {
        path.name: (path.stat().st_mtime_ns, path.stat().st_size) for path in directory.iterdir()
    }


def test_the_index_is_built_once_in_the_cache_and_reused(bundled: Document) -> None:
    cache_dir = AppPaths.from_environment().cache_dir
    assert str(cache_dir).startswith(os.environ["XDG_CACHE_HOME"])
    directory = index_directory(cache_dir, bundled.fingerprint)
    assert not directory.exists()

    first = run_cli("search", "智算", "--json")
    assert directory.is_dir()
    before = index_files(directory)
    second = run_cli("search", "智算", "--json")
    assert second == first
    assert index_files(directory) == before, "the second run must not rewrite the index"
    assert [path.name for path in directory.parent.iterdir()] == [directory.name]


def test_a_real_subprocess(tmp_path: Path, bundled: Document) -> None:
    cache_home = tmp_path / "subprocess-cache"
    completed = subprocess.run(
        [sys.executable, "-m", "reader", "search", "哈尔滨", "--json"],
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
        capture_output=True,
        text=True,
        timeout=600,  # a hang detector, not a budget
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (EXIT_OK, "")
    hits = json.loads(completed.stdout)
    assert [hit["text"] for hit in hits] == ["哈爾濱"] * bundled.text.count("哈爾濱")
    assert index_directory(cache_home / "reader", bundled.fingerprint).is_dir()


def test_a_damaged_index_is_replaced_on_the_next_run(bundled: Document) -> None:
    directory = index_directory(AppPaths.from_environment().cache_dir, bundled.fingerprint)
    first = run_cli("search", "智算", "--json")
    segment = max(directory.glob("*.seg"), key=lambda path: path.stat().st_size)
    os.truncate(segment, segment.stat().st_size // 3)
    assert run_cli("search", "智算", "--json") == first
    assert not segment.exists(), "the damaged index was rebuilt, with new segment files"
    assert list(directory.glob("*.seg"))
