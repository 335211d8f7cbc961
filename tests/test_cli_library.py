"""`reader library`: listing, adding and removing from the shell, with the real store on disk
(each test's own, from `conftest.isolated_home`), and clear refusals of bad ids and paths."""

from __future__ import annotations

import io
import json
from pathlib import Path

from reader.cli.common import EXIT_ERROR, EXIT_OK
from reader.cli.main import run
from tests.conftest import CORPUS_DIR


def reader(*arguments: str) -> tuple[int, str, str]:
    """Run `reader ARGUMENTS` in this process; (status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(arguments), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def listing() -> list[dict[str, object]]:
    status, out, err = reader("library", "--json")
    assert (status, err) == (EXIT_OK, "")
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_an_empty_library_says_how_to_fill_it() -> None:
    assert reader("library") == (
        EXIT_OK,
        "",
        "reader: The library is empty; 'reader library add PATH' adds files.\n",
    )
    assert listing() == []


def test_adding_a_folder_and_a_file_prints_a_summary_and_lists_them(novel_path: Path) -> None:
    status, out, err = reader("library", "add", str(CORPUS_DIR / "library"), str(novel_path))
    assert (status, out, err) == (EXIT_OK, "22 added\n", "")
    rows = listing()
    novel = next(r for r in rows if r["title"] == "红楼梦")
    assert novel["author"] == "曹雪芹 高鄂" and novel["path"] == str(novel_path.resolve())
    assert (novel["size"], novel["format"], novel["missing"]) == (2_622_979, "TXT", False)
    assert novel["progress"] == 0.0 and novel["last_read"] is None and novel["annotations"] == 0
    status, out, _ = reader("library", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "READ", "LAST", "READ", "NOTES", "FORMAT", "SIZE", "TITLE"]
    assert any(line.endswith("红楼梦 — 曹雪芹 高鄂") and "2.5 MB" in line for line in lines)
    assert len(lines) == 23


def test_opening_a_document_from_the_command_line_adds_it(article_path: Path) -> None:
    status, _out, _err = reader("annotate", str(article_path), "--quote", "人工智能")
    assert status == EXIT_OK
    [row] = listing()
    assert row["author"] == "孫迎新" and row["annotations"] == 1 and row["last_read"]


def test_removing_by_a_short_id_keeps_the_file_and_annotations(article_path: Path) -> None:
    reader("annotate", str(article_path), "--quote", "人工智能", "--note", "keep me")
    [row] = listing()
    status, out, err = reader("library", "remove", str(row["id"])[:8])
    assert (status, err) == (EXIT_OK, "")
    assert (
        out == f"Removed “{row['title']}” from the library; its file and its 1 annotation(s)"
        " are untouched.\n"
    )
    assert listing() == []
    status, out, _ = reader("annotations", str(article_path), "--json")
    assert [a["note"] for a in json.loads(out)] == ["keep me"]
    assert [r["id"] for r in listing()] == [row["id"]]  # opening it again brought it back


def test_bad_ids_and_paths_are_refused_with_status_2_and_nothing_changes(tmp_path: Path) -> None:
    book = tmp_path / "book.txt"
    book.write_text("满纸荒唐言。", encoding="utf-8")
    reader("library", "add", str(book))
    before = listing()
    status, out, err = reader("library", "remove", "nonexistent-id")
    assert (status, out) == (EXIT_ERROR, "")
    assert err == "reader: There is no document with the id 'nonexistent-id' in the library.\n"
    status, out, err = reader("library", "add", str(tmp_path / "gone.txt"), str(book))
    assert (status, out) == (EXIT_ERROR, "")
    assert err == f"reader: Nothing was added: {tmp_path / 'gone.txt'} does not exist.\n"
    picture = tmp_path / "picture.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    status, out, err = reader("library", "add", str(picture))
    assert (status, out) == (EXIT_ERROR, "0 added, 1 skipped: not text\n")
    assert err.startswith("reader: skipped: ") and "picture.txt" in err
    assert reader("library", "remove")[0] == EXIT_ERROR
    assert reader("library", "list", "extra")[0] == EXIT_ERROR
    assert listing() == before


def test_adding_prints_json_with_ids_and_skips(tmp_path: Path) -> None:
    (tmp_path / "shelf").mkdir()
    (tmp_path / "shelf" / "a.txt").write_text("第一。", encoding="utf-8")
    (tmp_path / "shelf" / "b.pdf").write_bytes(b"%PDF-1.4")
    status, out, err = reader("library", "add", str(tmp_path / "shelf"), "--json")
    report = json.loads(out)
    assert (status, err, report["summary"]) == (EXIT_OK, "", "1 added, 1 skipped: not text")
    assert report["added"] == [r["id"] for r in listing()]
    assert report["skipped"][0]["reason"] == "not text" and report["error"] is None
