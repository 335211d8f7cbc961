"""`reader annotate / annotations / export / import`: the real store on disk, the real corpus.

Every test runs against the data directory `conftest.isolated_home` gives it, so a store is
created on disk for each test and nothing is mocked. "Untouched" is always checked the same
way: the `annotations --json` listing before and after, compared whole.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from reader.annotations.model import TextPosition, quote_of
from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.cli.common import EXIT_ERROR, EXIT_OK
from reader.cli.main import run
from reader.document.loader import load_document
from reader.document.model import Document
from tests.reads import bytes_read

ROOT = Path(__file__).resolve().parents[1]
Row = dict[str, object]
ROW_KEYS = {"id", "quote", "start", "end", "color", "note", "tags", "orphan"}
SUBPROCESS_TIMEOUT = 300
"""A hang detector for the command-line children, not a budget."""


def open_document(path: str | None) -> Document:
    """A document as the commands open it (the bundled article for None)."""
    return Services.from_environment().load_document(None if path is None else Path(path))


def run_cli(*arguments: str) -> tuple[int, str, str]:
    """Run a subcommand in this process; (status, stdout, stderr).

    The annotation commands print their messages to `sys.stderr` instead of the `stderr` they
    are given (see `test_messages_go_to_the_stderr_given_to_run`), so both are captured here.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(stderr):
        status = run(list(arguments), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def annotate(*arguments: str) -> Row:
    status, out, err = run_cli("annotate", *arguments)
    assert (status, err) == (EXIT_OK, ""), err
    row: Row = json.loads(out)
    return row


def listing(*path: str) -> list[Row]:
    status, out, err = run_cli("annotations", *path, "--json")
    assert (status, err) == (EXIT_OK, ""), err
    rows: list[Row] = json.loads(out)
    return rows


def data_dir() -> Path:
    return AppPaths.from_environment().data_dir


def offsets(row: Row) -> tuple[int, int]:
    start, end = row["start"], row["end"]
    assert isinstance(start, int) and isinstance(end, int)
    return start, end


def quoted(text: str, row: Row) -> str:
    start, end = offsets(row)
    return text[start:end]


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def w3c_item(
    identifier: str,
    fingerprint: str,
    exact: str,
    start: int,
    end: int,
    *,
    prefix: str = "",
    suffix: str = "",
    note: str | None = None,
) -> dict[str, object]:
    """One W3C annotation as another tool (or a hostile file) might write it."""
    item: dict[str, object] = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": identifier,
        "type": "Annotation",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "target": {
            "source": f"urn:reader:document:{fingerprint}",
            "styleClass": "blue",
            "selector": [
                {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
    }
    if note is not None:
        item["body"] = {"type": "TextualBody", "value": note, "purpose": "commenting"}
    return item


def fitting_item(identifier: str, start: int, end: int) -> dict[str, object]:
    """An item whose selectors fit the bundled article exactly."""
    document = bundled()
    quote = quote_of(document.text, start, end)
    return w3c_item(
        identifier,
        document.fingerprint,
        quote.exact,
        start,
        end,
        prefix=quote.prefix,
        suffix=quote.suffix,
    )


@functools.cache
def bundled() -> Document:
    return open_document(None)


def collection(items: list[dict[str, object]]) -> dict[str, object]:
    return {"type": "AnnotationCollection", "items": items}


@pytest.fixture
def existing() -> list[Row]:
    """Two annotations already in the store, and their listing."""
    annotate("--quote", "智算中心", "--color", "pink", "--note", "已有的筆記", "--tag", "舊")
    annotate("--quote", "哈爾濱", "--occurrence", "3")
    rows = listing()
    assert len(rows) == 2
    return rows


# --- annotate ------------------------------------------------------------------------------------


def test_annotate_prints_the_new_annotation_as_json() -> None:
    text = open_document(None).text
    row = annotate(
        "--quote",
        "智算中心",
        "--color",
        "green",
        "--note",
        "算力的底座",
        "--tag",
        "a",
        "--tag",
        "b",
    )
    assert row.keys() >= ROW_KEYS
    assert isinstance(row["id"], str) and row["id"].startswith("urn:uuid:")
    start, end = offsets(row)
    assert text[start:end] == row["quote"] == "智算中心"
    assert start == text.index("智算中心")
    assert (row["color"], row["note"], row["tags"], row["orphan"]) == (
        "green",
        "算力的底座",
        ["a", "b"],
        False,
    )
    assert listing() == [row]


def test_occurrence_picks_the_nth_match() -> None:
    text = open_document(None).text
    first = text.index("智算中心")
    second = text.index("智算中心", first + 1)
    row = annotate("--quote", "智算中心", "--occurrence", "2")
    assert (row["start"], row["end"]) == (second, second + 4)


def test_a_simplified_quote_finds_the_traditional_text() -> None:
    text = open_document(None).text
    assert "哈尔滨" not in text and text.count("哈爾濱") > 2
    first = text.index("哈爾濱")
    second = text.index("哈爾濱", first + 1)
    row = annotate("--quote", "哈尔滨")
    assert (row["quote"], row["start"], row["end"]) == ("哈爾濱", first, first + 3)
    row = annotate("--quote", "哈尔滨", "--occurrence", "2")
    assert (row["quote"], row["start"]) == ("哈爾濱", second)


def test_a_traditional_quote_finds_the_simplified_novel(novel_path: Path) -> None:
    text = load_document(novel_path).text
    row = annotate(str(novel_path), "--quote", "寶玉", "--occurrence", "3")
    third = [i for i in range(len(text)) if text.startswith("宝玉", i)][2]
    assert (row["quote"], row["start"], row["end"]) == ("宝玉", third, third + 2)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--quote", "量子引力黑洞蒸發"], "does not occur"),
        (["--quote", "哈爾濱", "--occurrence", "99"], "there is no occurrence 99"),
        (["--quote", "哈尔滨", "--occurrence", "13"], "there is no occurrence 13"),
        (["--quote", "哈爾濱", "--occurrence", "0"], "counts from 1"),
        (["--quote", ""], "--quote is empty"),
        (["/nonexistent/missing.txt", "--quote", "哈爾濱"], "does not exist"),
    ],
)
def test_a_quote_that_cannot_be_placed_is_an_error_and_stores_nothing(
    existing: list[Row], arguments: list[str], message: str
) -> None:
    status, out, err = run_cli("annotate", *arguments)
    assert (status, out) == (EXIT_ERROR, "")
    assert err.startswith("reader: ") and message in err, err
    assert listing() == existing


def test_a_missing_file_is_refused_before_the_store_is_opened(tmp_path: Path) -> None:
    status, _out, err = run_cli("annotate", str(tmp_path / "missing.txt"), "--quote", "x")
    assert status == EXIT_ERROR and "does not exist" in err
    assert not data_dir().exists()


# --- annotations ---------------------------------------------------------------------------------


def test_the_json_listing_has_every_field_in_reading_order() -> None:
    later = annotate("--quote", "哈爾濱", "--color", "purple", "--tag", "城市")
    earlier = annotate("--quote", "智算中心", "--note", "第一處")
    rows = listing()
    assert [row["id"] for row in rows] == [earlier["id"], later["id"]]
    assert rows == [earlier, later]
    for row in rows:
        assert row.keys() >= ROW_KEYS


def test_the_text_listing_shows_colour_place_quote_tags_and_note() -> None:
    row = annotate("--quote", "哈爾濱", "--color", "blue", "--note", "筆記一行", "--tag", "城市")
    status, out, err = run_cli("annotations")
    assert (status, err) == (EXIT_OK, "")
    assert out.splitlines() == [
        f"[blue] {row['start']}-{row['end']}  “哈爾濱”  #城市",
        "    筆記一行",
        "1 annotations",
    ]


def test_an_explicit_path_lists_that_documents_annotations(
    tmp_path: Path, article_path: Path, novel_path: Path
) -> None:
    copy = tmp_path / "article-copy.txt"
    shutil.copyfile(article_path, copy)
    on_copy = annotate(str(copy), "--quote", "智算中心", "--occurrence", "5")
    on_novel = annotate(str(novel_path), "--quote", "通灵宝玉", "--note", "石头")
    assert listing(str(copy)) == [on_copy]
    assert listing(str(novel_path)) == [on_novel]
    novel_text = load_document(novel_path).text
    assert quoted(novel_text, on_novel) == "通灵宝玉"
    # Another file with the same text starts with copies of the annotations (new ids), as if
    # they were inside the file; from then on each file keeps its own.
    [on_bundled] = listing()
    assert {**on_bundled, "id": on_copy["id"]} == on_copy and on_bundled["id"] != on_copy["id"]
    assert listing(str(copy)) == [on_copy]


def test_an_empty_store_lists_nothing() -> None:
    assert listing() == []
    status, out, _err = run_cli("annotations")
    assert (status, out) == (EXIT_OK, "0 annotations\n")


# --- export --------------------------------------------------------------------------------------


def test_export_markdown_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    annotate("--quote", "哈爾濱", "--color", "green", "--note", "城市的筆記", "--tag", "東北")
    status, out, err = run_cli("export", "--format", "markdown")
    assert (status, err) == (EXIT_OK, "")
    assert out.startswith("# 從大模型到AI算力再到智算中心\n")
    assert "\n> 哈爾濱\n" in out and "\n城市的筆記\n" in out
    assert "Colour: green · Tags: `東北`" in out
    target = tmp_path / "notes.md"
    status, to_file, err = run_cli("export", "--format", "markdown", "-o", str(target))
    assert (status, to_file) == (EXIT_OK, "")
    assert f"exported 1 annotations to {target}" in err
    assert target.read_text(encoding="utf-8") == out


def test_export_w3c_is_a_collection_carrying_the_ids(tmp_path: Path) -> None:
    rows = [
        annotate("--quote", "智算中心", "--note", "有筆記"),
        annotate("--quote", "哈爾濱", "--color", "purple", "--tag", "t"),
    ]
    status, out, err = run_cli("export", "--format", "w3c")
    assert (status, err) == (EXIT_OK, "")
    exported = json.loads(out)
    assert exported["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert exported["type"] == "AnnotationCollection" and exported["total"] == 2
    items = exported["first"]["items"]
    assert [item["id"] for item in items] == [row["id"] for row in rows]
    assert [item["motivation"] for item in items] == ["commenting", "highlighting"]
    for item, row in zip(items, rows, strict=True):
        quote, position = item["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and quote["exact"] == row["quote"]
        assert (position["start"], position["end"]) == (row["start"], row["end"])
        assert item["target"]["styleClass"] == row["color"]
    target = tmp_path / "notes.jsonld"
    status, _out, _err = run_cli("export", "--format", "w3c", "-o", str(target))
    assert status == EXIT_OK
    assert json.loads(target.read_text(encoding="utf-8")) == exported


def test_export_to_an_unwritable_place_is_an_error(tmp_path: Path) -> None:
    annotate("--quote", "哈爾濱")
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    status, _out, err = run_cli("export", "--format", "w3c", "-o", str(not_a_folder / "f"))
    assert status == EXIT_ERROR and "cannot be written" in err


# --- import: the round trip ----------------------------------------------------------------------


def test_export_delete_import_restores_identical_annotations(
    tmp_path: Path, novel_path: Path
) -> None:
    annotate("--quote", "智算中心", "--color", "green", "--note", "多行\n筆記 <b>", "--tag", "a")
    annotate("--quote", "哈尔滨", "--occurrence", "4", "--tag", "x", "--tag", "y")
    annotate("--quote", "大模型", "--color", "purple")
    annotate(str(novel_path), "--quote", "通灵宝玉", "--note", "另一個文件")
    before, novel_before = listing(), listing(str(novel_path))
    exported, novel_exported = tmp_path / "article.jsonld", tmp_path / "novel.jsonld"
    assert run_cli("export", "--format", "w3c", "-o", str(exported))[0] == EXIT_OK
    novel_export = run_cli("export", str(novel_path), "--format", "w3c", "-o", str(novel_exported))
    assert novel_export[0] == EXIT_OK

    shutil.rmtree(data_dir())
    assert listing() == []
    status, out, err = run_cli("import", str(exported))
    assert (status, out, err) == (EXIT_OK, "imported 3 new, 0 updated, 0 already present\n", "")
    status, out, _err = run_cli("import", str(novel_exported), str(novel_path))
    assert (status, out) == (EXIT_OK, "imported 1 new, 0 updated, 0 already present\n")
    assert listing() == before
    assert listing(str(novel_path)) == novel_before

    status, out, _err = run_cli("import", str(exported))
    assert (status, out) == (EXIT_OK, "imported 0 new, 0 updated, 3 already present\n")
    assert listing() == before


def test_importing_twice_creates_no_duplicates(tmp_path: Path) -> None:
    annotate("--quote", "智算中心")
    exported = tmp_path / "a.jsonld"
    run_cli("export", "--format", "w3c", "-o", str(exported))
    before = listing()
    for _ in range(2):
        status, out, _err = run_cli("import", str(exported))
        assert (status, out) == (EXIT_OK, "imported 0 new, 0 updated, 1 already present\n")
    assert listing() == before


# --- import: hostile files -----------------------------------------------------------------------


def _many_then_one_bad(path: Path) -> None:
    items = [fitting_item(f"urn:test:{i}", i, i + 2) for i in range(500)]
    items.append({"id": "urn:test:bad", "type": "Annotation", "target": {"selector": []}})
    write_json(path, collection(items))


REFUSED: list[tuple[str, object, str]] = [
    ("not-json", b"{ this is not json", "not valid JSON"),
    ("empty", b"", "not valid JSON"),
    ("not-utf8", "智算中心".encode("gb18030") * 10, "not UTF-8"),
    ("numbers", [1, 2, 3], "item 1: expected an annotation object, found a number"),
    ("a-string", "annotations", "expected a JSON object or list, found text"),
    ("no-items", {"type": "AnnotationCollection"}, "does not contain its annotations"),
    ("untyped-object", {"items": []}, "not a W3C Web Annotation file"),
    ("items-not-list", {"type": "AnnotationPage", "items": {"a": 1}}, "items is an object"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "not JSON this program can read"),
    (
        "same-id-twice",
        [fitting_item("urn:test:1", 0, 3), fitting_item("urn:test:1", 5, 9)],
        "have the same id",
    ),
    (
        "start-after-end",
        [w3c_item("urn:test:1", "ab", "智算", 10, 5)],
        "starts (10) after it ends (5)",
    ),
    (
        "negative",
        [w3c_item("urn:test:1", "ab", "智算", -4, 5)],
        "start is -4, not a whole number",
    ),
    (
        "next-page",
        {"type": "AnnotationPage", "items": [], "next": "https://example.org/page2"},
        "continues on further pages",
    ),
    ("many-then-one-bad", _many_then_one_bad, "item 501: target has no TextQuoteSelector"),
]


@pytest.mark.parametrize(
    ("content", "message"),
    [(content, message) for _name, content, message in REFUSED],
    ids=[name for name, _content, _message in REFUSED],
)
def test_a_hostile_import_is_refused_and_changes_nothing(
    tmp_path: Path, existing: list[Row], content: object, message: str
) -> None:
    path = tmp_path / "hostile.json"
    if callable(content):
        content(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write_json(path, content)
    status, out, err = run_cli("import", str(path))
    assert (status, out) == (EXIT_ERROR, "")
    assert err.startswith("reader: nothing was imported: ") and message in err, err
    assert listing() == existing


@pytest.mark.parametrize("sparse", [True, False], ids=["sparse", "one-long-string"])
def test_a_50_mb_file_is_refused_by_its_size_without_reading_it(
    tmp_path: Path, existing: list[Row], sparse: bool
) -> None:
    path = tmp_path / "huge.json"
    size = 50 * 1024 * 1024
    if sparse:
        with path.open("wb") as stream:
            stream.truncate(size)
    else:
        with path.open("wb") as stream:
            stream.write(b'"' + b"a" * (size - 2) + b'"')
    before = bytes_read()
    status, out, err = run_cli("import", str(path))
    read = bytes_read() - before
    assert (status, out) == (EXIT_ERROR, "")
    assert "50.0 MB" in err and "up to 40 MB" in err, err
    assert read < size // 10, f"{read:,} bytes read to refuse a {size:,}-byte file"
    assert listing() == existing


def test_a_directory_is_refused(tmp_path: Path, existing: list[Row]) -> None:
    status, _out, err = run_cli("import", str(tmp_path))
    assert status == EXIT_ERROR
    assert "is a folder" in err
    assert listing() == existing


def test_a_missing_import_file_is_refused(tmp_path: Path, existing: list[Row]) -> None:
    status, _out, err = run_cli("import", str(tmp_path / "missing.json"))
    assert status == EXIT_ERROR
    assert "does not exist" in err
    assert listing() == existing


def test_a_fifo_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, existing: list[Row]
) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "reader", "import", str(fifo)],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
        cwd=ROOT,
    )
    assert (result.returncode, result.stdout) == (EXIT_ERROR, "")
    assert "is not a regular file" in result.stderr
    assert listing() == existing


def test_unknown_fields_are_ignored(tmp_path: Path, existing: list[Row]) -> None:
    document = open_document(None)
    start = document.text.index("大模型")
    item = fitting_item("urn:test:extra", start, start + 3)
    item |= {"x-unknown": {"deep": [1, 2]}, "generator": "another tool", "body": []}
    item["body"] = [
        {"type": "TextualBody", "value": "筆記", "purpose": "commenting", "language": "zh"},
        {"type": "TextualBody", "value": "標籤", "purpose": "tagging", "x-extra": True},
        {"type": "Image", "id": "https://example.org/picture.png"},
    ]
    target = item["target"]
    assert isinstance(target, dict)
    target["x-renderedVia"] = "somewhere"
    target["selector"][0]["x-unknown"] = 1
    target["selector"].append({"type": "CssSelector", "value": "#p1"})
    page = {"type": "AnnotationPage", "items": [item], "x-page": "ignored"}
    file = write_json(
        tmp_path / "extra.json",
        {"type": "AnnotationCollection", "first": page, "x-top": [None], "total": 1},
    )
    status, out, err = run_cli("import", str(file))
    assert (status, out, err) == (EXIT_OK, "imported 1 new, 0 updated, 0 already present\n", "")
    rows = listing()
    assert [row for row in rows if row["id"] != "urn:test:extra"] == existing
    (added,) = (row for row in rows if row["id"] == "urn:test:extra")
    assert (added["quote"], added["start"], added["end"]) == ("大模型", start, start + 3)
    assert (added["note"], added["tags"], added["color"], added["orphan"]) == (
        "筆記",
        ["標籤"],
        "blue",
        False,
    )


def test_selectors_outside_the_text_are_re_anchored_or_kept_as_orphans(
    tmp_path: Path, existing: list[Row]
) -> None:
    document = open_document(None)
    text, fingerprint = document.text, document.fingerprint
    start = text.index("哈爾濱", text.index("哈爾濱") + 1)
    quote = quote_of(text, start, start + 3)
    items = [
        # The quote and its context are in the text: found again by the quote.
        w3c_item(
            "urn:test:moved",
            fingerprint,
            quote.exact,
            len(text) + 500,
            len(text) + 503,
            prefix=quote.prefix,
            suffix=quote.suffix,
        ),
        # Nowhere in the text: kept, as an orphan.
        w3c_item("urn:test:lost", fingerprint, "此句從未在文章中出現過", 10**6, 10**6 + 11),
        # The largest offsets SQLite can hold.
        w3c_item("urn:test:far", fingerprint, "亦不在此", 2**62, 2**63 - 1, note="遠"),
    ]
    file = write_json(tmp_path / "outside.json", collection(items))
    status, out, _err = run_cli("import", str(file))
    assert (status, out) == (
        EXIT_OK,
        "imported 3 new, 0 updated, 0 already present,"
        " 1 placed by their quote, 2 could not be placed\n",
    )
    rows = {row["id"]: row for row in listing()}
    assert [rows[row["id"]] for row in existing] == existing
    moved, lost, far = rows["urn:test:moved"], rows["urn:test:lost"], rows["urn:test:far"]
    assert (moved["start"], moved["end"], moved["orphan"]) == (start, start + 3, False)
    assert (lost["quote"], lost["orphan"]) == ("此句從未在文章中出現過", True)
    assert (far["note"], far["orphan"]) == ("遠", True)
    status, out, _err = run_cli("export", "--format", "markdown")
    assert status == EXIT_OK and "## Could not be placed" in out


def test_an_offset_too_large_for_sqlite_is_a_clear_refusal(
    tmp_path: Path, existing: list[Row]
) -> None:
    fingerprint = open_document(None).fingerprint
    item = w3c_item("urn:test:huge", fingerprint, "智算中心", 10**30, 10**30 + 4)
    file = write_json(tmp_path / "huge-offset.json", [item])
    try:
        status, _out, err = run_cli("import", str(file))
    finally:
        assert listing() == existing  # nothing half-imported even when it crashes
    assert status == EXIT_ERROR and "nothing was imported" in err


def test_ten_thousand_annotations_in_one_file(tmp_path: Path, existing: list[Row]) -> None:
    text = open_document(None).text
    count = 10_000
    items = []
    for i in range(count):
        start = (i * 37) % (len(text) - 8)
        item = fitting_item(f"urn:test:{i:05}", start, start + 1 + i % 7)
        if i % 3 == 0:
            item["body"] = {"type": "TextualBody", "value": f"筆記 {i}", "purpose": "commenting"}
        items.append(item)
    file = write_json(tmp_path / "many.json", collection(items))
    status, out, err = run_cli("import", str(file))
    assert (status, err) == (EXIT_OK, "")
    assert out == f"imported {count} new, 0 updated, 0 already present\n"
    rows = listing()
    assert len(rows) == count + len(existing)
    assert [row for row in rows if not str(row["id"]).startswith("urn:test:")] == existing
    imported = [row for row in rows if str(row["id"]).startswith("urn:test:")]
    assert not any(row["orphan"] for row in imported)
    assert all(quoted(text, row) == row["quote"] for row in imported)
    assert sum(1 for row in imported if row["note"]) == len(range(0, count, 3))
    status, out, _err = run_cli("import", str(file))
    assert out == f"imported 0 new, 0 updated, {count} already present\n"


# --- an edited file ------------------------------------------------------------------------------


def test_an_edited_file_re_anchors_one_and_orphans_the_other(
    tmp_path: Path, novel_path: Path
) -> None:
    paragraphs = novel_path.read_text(encoding="utf-8").split("\n\n")[:40]
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    path = tmp_path / "chapter.txt"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    kept_quote, removed_quote = paragraphs[6][10:30], paragraphs[12][5:25]
    text = load_document(path).text
    assert text.count(kept_quote) == 1 and text.count(removed_quote) == 1
    kept = annotate(str(path), "--quote", kept_quote, "--note", "留下")
    removed = annotate(str(path), "--quote", removed_quote, "--color", "pink", "--note", "刪去")

    edited = ["新加的一行:編者按。", *paragraphs[:12], *paragraphs[13:]]
    path.write_text("\n\n".join(edited) + "\n", encoding="utf-8")
    new_text = load_document(path).text
    assert removed_quote not in new_text

    rows = {row["id"]: row for row in listing(str(path))}
    assert rows.keys() == {kept["id"], removed["id"]}
    moved, orphan = rows[kept["id"]], rows[removed["id"]]
    assert offsets(moved)[0] == new_text.index(kept_quote) > offsets(kept)[0]
    assert (moved["end"], moved["quote"], moved["note"], moved["orphan"]) == (
        new_text.index(kept_quote) + len(kept_quote),
        kept_quote,
        "留下",
        False,
    )
    assert (orphan["quote"], orphan["note"], orphan["color"], orphan["orphan"]) == (
        removed_quote,
        "刪去",
        "pink",
        True,
    )
    assert listing(str(path)) == list(rows.values())  # listing again changes nothing


# --- a store that cannot be written --------------------------------------------------------------


def test_a_data_folder_that_cannot_be_created_still_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "/proc/reader-tests-cannot-exist")
    status, out, err = run_cli("annotate", "--quote", "智算中心", "--note", "不會保存")
    assert (status, out) == (EXIT_ERROR, "")
    assert "Cannot save annotations" in err and "cannot be created" in err, err
    status, out, err = run_cli("annotations", "--json")
    assert (status, json.loads(out)) == (EXIT_OK, [])
    assert "cannot be saved" in err
    status, out, _err = run_cli("export", "--format", "w3c")
    assert status == EXIT_OK and json.loads(out)["total"] == 0


# --- a real process ------------------------------------------------------------------------------


def test_the_installed_command_annotates_and_lists() -> None:
    def reader(*arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "reader", *arguments],
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
            check=False,
            cwd=ROOT,
        )
        assert (result.returncode, result.stderr) == (EXIT_OK, "")
        return result.stdout

    created = json.loads(reader("annotate", "--quote", "大模型", "--tag", "cli"))
    assert created["quote"] == "大模型" and created["orphan"] is False
    assert json.loads(reader("annotations", "--json")) == [created]
    assert (data_dir() / AnnotationStore.DATABASE_NAME).is_file()


# --- bugs found ----------------------------------------------------------------------------------


def test_messages_go_to_the_stderr_given_to_run(capsys: pytest.CaptureFixture[str]) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["annotate", "--quote", ""], stdout=stdout, stderr=stderr)
    assert status == EXIT_ERROR
    assert capsys.readouterr().err == ""
    assert "--quote is empty" in stderr.getvalue()


def test_reimporting_an_older_file_leaves_newer_edits_alone(tmp_path: Path) -> None:
    document = open_document(None)
    text, fingerprint = document.text, document.fingerprint
    lost = w3c_item("urn:test:lost", fingerprint, "此句從未在文章中出現過", 10**6, 10**6 + 11)
    file = write_json(tmp_path / "old.json", collection([lost]))
    assert run_cli("import", str(file))[0] == EXIT_OK
    assert listing()[0]["orphan"] is True
    # The user re-attaches the orphan to a passage in the window.
    start = text.index("智算中心")
    with AnnotationStore.open(data_dir()) as store:
        store.update(
            "urn:test:lost",
            quote=quote_of(text, start, start + 4),
            position=TextPosition(start, start + 4),
            orphan=False,
        )
    before = listing()
    assert (before[0]["quote"], before[0]["orphan"]) == ("智算中心", False)
    status, out, _err = run_cli("import", str(file))
    assert (status, out) == (
        EXIT_OK,
        "imported 0 new, 0 updated, 0 already present, 1 kept (local is newer)\n",
    )
    assert listing() == before


def test_a_newer_import_that_fits_the_text_is_no_longer_an_orphan(tmp_path: Path) -> None:
    fingerprint = open_document(None).fingerprint
    old = w3c_item("urn:test:1", fingerprint, "此句從未在文章中出現過", 10**6, 10**6 + 11)
    assert run_cli("import", str(write_json(tmp_path / "old.json", old)))[0] == EXIT_OK
    assert listing()[0]["orphan"] is True
    start = open_document(None).text.index("智算中心")
    newer = fitting_item("urn:test:1", start, start + 4)
    newer["modified"] = "2025-01-01T00:00:00.000Z"
    status, out, _err = run_cli("import", str(write_json(tmp_path / "new.json", newer)))
    assert (status, out) == (EXIT_OK, "imported 0 new, 1 updated, 0 already present\n")
    (row,) = listing()
    assert (row["quote"], row["start"], row["orphan"]) == ("智算中心", start, False)


def test_re_anchoring_an_import_keeps_its_modified_time(tmp_path: Path) -> None:
    document = open_document(None)
    start = document.text.index("哈爾濱")
    quote = quote_of(document.text, start, start + 3)
    item = w3c_item(
        "urn:test:1",
        document.fingerprint,
        quote.exact,
        start + 9000,
        start + 9003,
        prefix=quote.prefix,
        suffix=quote.suffix,
    )
    assert run_cli("import", str(write_json(tmp_path / "a.json", item)))[0] == EXIT_OK
    (row,) = listing()
    assert (row["start"], row["orphan"]) == (start, False)
    assert row["modified"] == "2024-01-01T00:00:00.000Z"


def test_editing_a_copy_does_not_take_the_originals_annotations(
    tmp_path: Path, article_path: Path
) -> None:
    on_bundled = annotate("--quote", "哈爾濱")
    copy = tmp_path / "copy.txt"
    shutil.copyfile(article_path, copy)
    [on_copy] = listing(str(copy))  # a copy of the file comes with a copy of its annotations
    assert {**on_copy, "id": on_bundled["id"]} == on_bundled and on_copy["id"] != on_bundled["id"]
    copy.write_text("新的一行\n" + article_path.read_text(encoding="utf-8"), encoding="utf-8")
    [moved] = listing(str(copy))
    assert (moved["id"], moved["quote"]) == (on_copy["id"], "哈爾濱")
    assert moved["start"] == on_bundled["start"] + len("新的一行\n")
    assert listing() == [on_bundled]


# --- export -o: only regular files are replaced --------------------------------------------------


def test_export_dash_o_dash_writes_to_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotate("--quote", "哈爾濱")
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli("export", "--format", "markdown", "-o", "-")
    assert (status, err) == (EXIT_OK, "")
    assert out == run_cli("export", "--format", "markdown")[1]
    assert not (tmp_path / "-").exists()


def test_export_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    annotate("--quote", "哈爾濱")
    target = tmp_path / "notes.md"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    status, _out, _err = run_cli("export", "--format", "markdown", "-o", str(link))
    assert status == EXIT_OK
    assert link.is_symlink() and "哈爾濱" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["fifo", "folder", "symlink-to-dev-null", "socket"])
def test_export_refuses_to_replace_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    annotate("--quote", "哈爾濱")
    target = tmp_path / "out"
    with contextlib.ExitStack() as stack:
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "folder":
            target.mkdir()
        elif kind == "symlink-to-dev-null":
            target.symlink_to("/dev/null")
        else:
            server = stack.enter_context(socket.socket(socket.AF_UNIX))
            server.bind(str(target))
        before = os.lstat(target)
        status, out, err = run_cli("export", "--format", "w3c", "-o", str(target))
        after = os.lstat(target)
    assert (status, out) == (EXIT_ERROR, "")
    assert err.startswith(f"reader: {target} cannot be written: it is a ")
    assert "not a regular file" in err and "leave out -o" in err
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


# --- hostile notes and tags, undecodable file names ----------------------------------------------

ACTIVE = ("\x1b", "\x07", "\x9b", "\x7f", "\r", "\u202e", "\u2066")


def test_the_listing_shows_hostile_notes_and_tags_as_visible_escapes() -> None:
    annotate(
        "--quote", "哈爾濱", "--note", "第一行\n\x1b[2J第二行\r\x9b\u202e", "--tag", "t\x07\u2066"
    )
    status, out, err = run_cli("annotations")
    assert (status, err) == (EXIT_OK, "")
    assert not [char for char in ACTIVE if char in out], repr(out)
    lines = out.splitlines()
    assert lines[0].endswith("“哈爾濱”  #t\\x07\\u2066")
    assert lines[1:4] == ["    第一行", "    \\x1b[2J第二行\\x0d\\x9b\\u202e", "1 annotations"]


def test_the_json_listing_escapes_c1_and_bidi_and_keeps_the_note() -> None:
    note = "第一行\n\x1b[2J第二行\r\x9b\u202e"
    annotate("--quote", "哈爾濱", "--note", note)
    status, out, _err = run_cli("annotations", "--json")
    assert status == EXIT_OK
    assert not [char for char in ACTIVE if char in out], repr(out)
    assert json.loads(out)[0]["note"] == note


def test_export_and_import_name_an_undecodable_file_readably(tmp_path: Path) -> None:
    annotate("--quote", "哈爾濱")
    target = tmp_path / os.fsdecode(b"notes\xff.jsonld")
    status, _out, err = run_cli("export", "--format", "w3c", "-o", str(target))
    assert status == EXIT_OK and target.exists()
    assert err == f"reader: exported 1 annotations to {tmp_path}/notes\\xff.jsonld\n"
    missing = tmp_path / os.fsdecode(b"gone\xff.jsonld")
    status, _out, err = run_cli("import", str(missing))
    assert status == EXIT_ERROR
    err.encode("utf-8")
    assert f"{tmp_path}/gone\\xff.jsonld" in err


def test_export_to_a_link_to_the_commands_own_stdout_pipe_is_refused(tmp_path: Path) -> None:
    """What ``-o /dev/stdout`` is when stdout is a pipe (a link through /proc to pipe:[...]);
    the link sits in tmp_path, so even a regression replaces nothing outside the test."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", "--format", "w3c", "-o", str(link)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (EXIT_ERROR, "")
    assert "it is a named pipe (FIFO), not a regular file" in result.stderr
    assert link.is_symlink() and str(link.readlink()) == "/proc/self/fd/1"
