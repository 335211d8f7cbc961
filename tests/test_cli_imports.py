"""`reader import` of other readers' files, and `reader export --format kindle/koreader`: the
real store on disk, the real novel."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from reader.cli.common import EXIT_ERROR, EXIT_OK
from reader.cli.main import run
from tests.annotations import foreign_fixtures as f


def run_cli(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(arguments), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def listing(path: Path) -> list[dict[str, object]]:
    status, out, _err = run_cli("annotations", str(path), "--json")
    assert status == EXIT_OK
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def test_books_no_document_matches_are_listed_and_nothing_is_imported(
    tmp_path: Path, novel_path: Path
) -> None:
    clippings = write(tmp_path, "My Clippings.txt", f.KINDLE)
    status, out, err = run_cli("import", str(clippings))
    assert (status, out) == (EXIT_ERROR, "")
    assert err.splitlines() == [
        "reader: nothing was imported: say which document the highlights are for. "
        "The file's books:",
        "  红楼梦 — 曹雪芹 (5 highlights): no document found",
        "  紅樓夢 — 曹雪芹 (1 highlight): no document found",
        "  Faust — Goethe, Johann Wolfgang (1 highlight): no document found",
        "Import one into a document with: reader import FILE PATH [--book TITLE]",
    ]
    assert listing(novel_path) == []


def test_a_book_matched_to_a_known_document_is_imported_without_path(
    tmp_path: Path, novel_path: Path
) -> None:
    listing(novel_path)  # the store now knows the novel
    clippings = write(tmp_path, "My Clippings.txt", f.KINDLE)
    status, _out, err = run_cli("import", str(clippings))
    known = os.path.realpath(novel_path)  # the store keeps the file's real path
    assert status == EXIT_ERROR and f"红楼梦 — 曹雪芹 (5 highlights): {known}" in err
    assert "Faust — Goethe, Johann Wolfgang (1 highlight): no document found" in err
    status, out, _err = run_cli("import", str(clippings), "--book", "红楼梦")
    assert (status, out) == (EXIT_OK, "3 placed, 2 not placed, 1 duplicates skipped\n")
    status, out, _err = run_cli("import", str(clippings), "--book", "红楼梦")
    assert (status, out) == (EXIT_OK, "0 placed, 0 not placed, 6 duplicates skipped\n")
    rows = listing(novel_path)
    assert len(rows) == 5 and sum(1 for row in rows if row["orphan"]) == 2


def test_path_says_which_document(tmp_path: Path, novel_path: Path) -> None:
    sidecar = write(tmp_path, "metadata.epub.lua", f.KOREADER_LUA)
    status, out, err = run_cli("import", str(sidecar), str(novel_path))
    assert (status, out, err) == (EXIT_OK, "2 placed, 0 not placed, 0 duplicates skipped\n", "")
    assert {row["quote"] for row in listing(novel_path)} == {f.FIRST, f.SECOND}


def test_several_books_and_a_path_that_matches_none_ask_for_the_book(
    tmp_path: Path, article_path: Path
) -> None:
    clippings = write(tmp_path, "My Clippings.txt", f.KINDLE)
    status, _out, err = run_cli("import", str(clippings), str(article_path))
    assert status == EXIT_ERROR and "say which with --book" in err
    status, out, _err = run_cli("import", str(clippings), str(article_path), "--book", "Faust")
    assert (status, out) == (EXIT_OK, "0 placed, 1 not placed, 0 duplicates skipped\n")


def test_from_overrides_the_recognised_format(tmp_path: Path, novel_path: Path) -> None:
    exported = write(tmp_path, "book.json", f.KOREADER_JSON)
    status, _out, err = run_cli("import", str(exported), str(novel_path), "--from", "kindle")
    assert status == EXIT_ERROR and "not a Kindle My Clippings file" in err
    status, out, _err = run_cli("import", str(exported), str(novel_path), "--from", "koreader")
    assert (status, out) == (EXIT_OK, "2 placed, 0 not placed, 0 duplicates skipped\n")


HOSTILE = [
    ("lua-runs-code", "metadata.epub.lua", 'return { ["a"] = os.execute("touch x") }', "never run"),
    ("lua-function", "metadata.epub.lua", "return { f = function() end }", "never run"),
    ("lua-escape", "metadata.epub.lua", 'return { ["a"] = "\\999" }', "unknown escape"),
    ("lua-deep", "m.lua", "return " + "{" * 5000 + "}" * 5000, "nested more than 32"),
    ("kindle-cut", "My Clippings.txt", f.KINDLE[: f.KINDLE.index("- 您在第")], "expected a title"),
    (
        "calibre-types",
        "c.json",
        '{"type": "calibre_annotation_collection", "annotations": 3}',
        "expected a list",
    ),
    ("foliate-truncated", "f.json", f.FOLIATE[: len(f.FOLIATE) // 2], "not valid JSON"),
    (
        "hypothesis-types",
        "h.json",
        '{"rows": [{"id": 5, "uri": "x", "target": []}]}',
        "id is a number",
    ),
    (
        "koreader-deep",
        "k.json",
        '{"entries": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "not JSON this program can read",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [(name, content, message) for _id, name, content, message in HOSTILE],
    ids=[identifier for identifier, *_rest in HOSTILE],
)
def test_hostile_files_are_refused_and_nothing_is_stored(
    tmp_path: Path, novel_path: Path, name: str, content: str, message: str
) -> None:
    run_cli("annotate", str(novel_path), "--quote", f.THIRD)
    before = listing(novel_path)
    status, out, err = run_cli("import", str(write(tmp_path, name, content)), str(novel_path))
    assert (status, out) == (EXIT_ERROR, "")
    assert err.startswith("reader: nothing was imported: ") and message in err, err
    assert listing(novel_path) == before
    assert not (Path.cwd() / "x").exists()


def test_a_huge_file_of_any_format_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "My Clippings.txt"
    with path.open("wb") as stream:
        stream.truncate(45 * 1024 * 1024)
    status, _out, err = run_cli("import", str(path))
    assert status == EXIT_ERROR and "45.0 MB" in err and "up to 40 MB" in err


@pytest.mark.parametrize("kind", ["kindle", "koreader"])
def test_export_for_other_readers_reads_back_in(
    tmp_path: Path, novel_path: Path, kind: str
) -> None:
    run_cli("annotate", str(novel_path), "--quote", f.THIRD, "--note", "笔记")
    exported = tmp_path / f"out.{kind}"
    status, _out, err = run_cli("export", str(novel_path), "--format", kind, "-o", str(exported))
    assert status == EXIT_OK and "exported 1 annotations" in err
    status, out, _err = run_cli("import", str(exported), str(novel_path))
    # a new copy of the same passage, under the other reader's id: it lands on the same text
    assert (status, out) == (EXIT_OK, "1 placed, 0 not placed, 0 duplicates skipped\n")
    rows = listing(novel_path)
    assert {(row["start"], row["end"], row["note"]) for row in rows} == {
        (rows[0]["start"], rows[0]["end"], "笔记")
    }
