"""``reader search QUERY --all``: the library from the shell, never held by an index build."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reader.annotations.model import Annotation, TextPosition, TextQuote
from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.cli.common import EXIT_ERROR, EXIT_NOTHING_FOUND, EXIT_OK
from reader.cli.main import run
from reader.document.loader import load_document
from reader.search.library_index import library_index_directory


def run_cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(arguments), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def library(tmp_path: Path, novel_path: Path) -> dict[str, str]:
    """Two documents the user opened, and a note on one of them; their store ids."""
    small = tmp_path / "small.txt"
    small.write_text("第一回 宝玉\n\n宝玉笑道：好。\n\n另一段。", encoding="utf-8")
    ids = {}
    with AnnotationStore.open(AppPaths.from_environment().data_dir) as store:
        for name, path in (("small", small), ("novel", novel_path)):
            document = load_document(path)
            ids[name] = store.open_document(document.fingerprint, document.title, path).id
        store.add(
            Annotation(
                "urn:uuid:note-1",
                ids["small"],
                load_document(small).fingerprint,
                TextQuote("另一段"),
                TextPosition(14, 17),
                note="葬花吟的笔记",
            )
        )
    return ids


def test_it_answers_by_scanning_before_any_build_and_says_so(library: dict[str, str]) -> None:
    status, out, err = run_cli("search", "宝玉", "--all", "--json", "--limit", "5")
    assert status == EXIT_OK
    hits = json.loads(out)
    assert len(hits) == 5
    assert set(hits[0]) >= {"document_id", "title", "path", "section", "start", "end", "snippet"}
    assert "2 of 2 documents scanned until the library index is ready." in err
    assert "--wait" in err
    assert not library_index_directory(AppPaths.from_environment().cache_dir).exists()


def test_wait_builds_the_index_and_answers_from_it(library: dict[str, str]) -> None:
    status, out, err = run_cli("search", "葬花吟", "--all", "--json", "--wait")
    assert (status, err) == (EXIT_OK, "")
    [hit] = json.loads(out)
    assert hit["kind"] == "note" and hit["annotation_id"] == "urn:uuid:note-1"
    assert hit["note"] == "葬花吟的笔记" and hit["document_id"] == library["small"]
    status, out, err = run_cli("search", "宝玉笑道", "--all", "--limit", "0")
    assert (status, err) == (EXIT_OK, "")
    assert "small" in out and "【宝玉笑道】" in out


def test_nothing_found_and_a_path_with_all(library: dict[str, str]) -> None:
    assert run_cli("search", "不存在的词语", "--all")[0] == EXIT_NOTHING_FOUND
    status, _out, err = run_cli("search", "宝玉", "some.txt", "--all")
    assert status == EXIT_ERROR and "give no PATH" in err
