"""`reader annotations --all` and `reader export --all`: every document at once, on a real store."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.cli.common import EXIT_ERROR, EXIT_OK
from reader.cli.main import run
from tests.notebook_store import TwoDocuments, annotate_two_documents


def run_cli(*arguments: str, services: Services | None = None) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(arguments), stdout=stdout, stderr=stderr, services=services)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def two(article_path: Path, tmp_path: Path) -> TwoDocuments:
    """Two annotated documents in the store the commands use (closed again before they run)."""
    with AnnotationStore.open(AppPaths.from_environment().data_dir) as store:
        return annotate_two_documents(store, article_path, tmp_path / "texts")


def all_rows() -> list[dict[str, object]]:
    status, out, err = run_cli("annotations", "--all", "--json")
    assert (status, err) == (EXIT_OK, "")
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_annotations_all_lists_every_document_with_its_annotations(two: TwoDocuments) -> None:
    status, out, err = run_cli("annotations", "--all")

    assert (status, err) == (EXIT_OK, "")
    lines = out.splitlines()
    headers = [line for line in lines if line.startswith("== ")]
    assert [h.split("  [")[0] for h in headers] == [
        f"== {two.small.title}",
        f"== {two.article.title}",
    ]
    temple = two.on_small[0]
    assert f"[green] {temple.start}-{temple.end}  “寺廟”  #地方" in lines
    assert "    古老的寺廟" in lines
    assert lines[-1] == "5 annotations in 2 documents"


def test_annotations_all_json_names_each_annotations_document(two: TwoDocuments) -> None:
    rows = all_rows()

    assert [row["quote"] for row in rows] == [
        a.quote.exact for a in (*two.on_small, *two.on_article)
    ]
    documents = [row["document"] for row in rows]
    assert [d["title"] for d in documents] == [two.small.title] * 2 + [two.article.title] * 3  # type: ignore[index]
    assert {d["missing"] for d in documents} == {False}  # type: ignore[index]
    assert str(documents[0]["path"]).endswith("山寺.txt")  # type: ignore[index]


def test_a_document_whose_file_is_gone_is_listed_as_missing(two: TwoDocuments) -> None:
    assert two.small.source is not None
    two.small.source.unlink()

    status, out, _err = run_cli("annotations", "--all")
    rows = all_rows()

    assert status == EXIT_OK
    assert "(missing)]" in out.splitlines()[0]
    assert [row["document"]["missing"] for row in rows[:2]] == [True, True]  # type: ignore[index]


@pytest.mark.parametrize(
    "arguments",
    [
        ("annotations", "--all", "somebook.txt"),
        ("annotations", "--all", "--encoding", "gb18030"),
        ("export", "--all", "--format", "w3c", "somebook.txt"),
    ],
)
def test_all_beside_a_document_is_refused_with_a_clear_message(
    two: TwoDocuments, arguments: tuple[str, ...]
) -> None:
    before = all_rows()

    status, out, err = run_cli(*arguments)

    assert (status, out) == (EXIT_ERROR, "")
    assert "--all takes every document" in err
    assert all_rows() == before


def test_an_empty_store_lists_nothing_and_says_so() -> None:
    assert run_cli("annotations", "--all") == (EXIT_OK, "0 annotations in 0 documents\n", "")
    assert all_rows() == []
    status, out, _err = run_cli("export", "--all", "--format", "markdown")
    assert (status, out) == (EXIT_OK, "# All annotations\n\nNo annotations yet.\n")


def test_export_all_markdown_goes_to_standard_output(two: TwoDocuments) -> None:
    status, out, err = run_cli("export", "--all", "--format", "markdown")

    assert (status, err) == (EXIT_OK, "")
    assert f"## {two.small.title}" in out and f"## {two.article.title}" in out
    assert out.index(two.small.title) < out.index("> 寺廟") < out.index(f"## {two.article.title}")


def test_export_all_w3c_to_a_file_then_import_per_document_restores_everything(
    two: TwoDocuments, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = tmp_path / "out" / "all.jsonld"
    before = all_rows()

    status, out, err = run_cli("export", "--all", "--format", "w3c", "-o", str(exported))

    assert (status, out) == (EXIT_OK, "")
    assert f"exported 5 annotations of 2 documents to {exported}" in err
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "another-machine"))
    assert all_rows() == []
    for document in (two.article, two.small):
        status, out, err = run_cli("import", str(exported), str(document.source))
        assert (status, err) == (EXIT_OK, "")
        assert "of other documents left out" in out
    after = all_rows()

    def without_local_ids(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{**row, "document": {**row["document"], "id": ""}} for row in rows]  # type: ignore[dict-item]

    assert sorted(map(str, without_local_ids(after))) == sorted(map(str, without_local_ids(before)))


def test_export_all_to_a_folder_is_refused_and_writes_nothing(
    two: TwoDocuments, tmp_path: Path
) -> None:
    status, out, err = run_cli("export", "--all", "--format", "w3c", "-o", str(tmp_path))

    assert (status, out) == (EXIT_ERROR, "")
    assert "it is a folder" in err
    assert not list(tmp_path.glob(".*"))


def test_a_read_only_store_lists_and_exports_everything(two: TwoDocuments) -> None:
    paths = AppPaths.from_environment()
    read_only = AnnotationStore.open(paths.data_dir, read_only=True)

    status, out, _err = run_cli(
        "export", "--all", "--format", "w3c", services=Services(paths, store=read_only)
    )

    assert status == EXIT_OK
    assert json.loads(out)["total"] == 5
