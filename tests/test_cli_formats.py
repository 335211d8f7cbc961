"""The command line on EPUB, HTML and Markdown: toc with levels, text, search, annotate,
export; the offsets they print index into `reader text`."""

from __future__ import annotations

import json
from pathlib import Path

from reader.cli.common import EXIT_ERROR, EXIT_OK
from tests.document.formats.epub_maker import simple_book
from tests.document.formats.test_cfi import text_of_cfi
from tests.document.formats.test_epub_corpus import EPUBS
from tests.test_cli import run_cli

NESTED = (
    '<li><a href="ch1.xhtml">第一卷</a><ol><li><a href="ch1.xhtml#a">第一章</a></li>'
    '<li><a href="ch2.xhtml">第二章</a></li></ol></li>'
)


def nested_book(tmp_path: Path) -> Path:
    return simple_book(
        tmp_path / "book.epub",
        ['<h1>第一卷</h1><h2 id="a">第一章</h2><p>甲乙</p>', "<h2>第二章</h2><p>丙丁</p>"],
        NESTED,
    )


def test_toc_json_of_an_epub_is_nested_with_levels(tmp_path: Path) -> None:
    status, out, _ = run_cli("toc", str(nested_book(tmp_path)), "--json")
    assert status == EXIT_OK
    toc = json.loads(out)
    assert toc["format"] == "epub" and toc["identifier"].startswith("urn:uuid:")
    assert [(s["title"], s["level"]) for s in toc["sections"]] == [
        ("第一卷", 1), ("第一章", 2), ("第二章", 2)
    ]  # fmt: skip
    [volume] = toc["contents"]
    assert [child["title"] for child in volume["children"]] == ["第一章", "第二章"]


def test_text_prints_the_canonical_text_that_offsets_count(tmp_path: Path) -> None:
    path = nested_book(tmp_path)
    _, text_out, _ = run_cli("text", str(path))
    _, toc_out, _ = run_cli("toc", str(path), "--json")
    text = text_out[:-1]  # the final newline
    assert text == "第一卷\n第一章\n甲乙\n第二章\n丙丁"
    for section in json.loads(toc_out)["sections"]:
        assert text[section["start"] :].startswith(section["title"])


def test_text_of_the_markdown_novel(tmp_path: Path) -> None:
    status, out, _ = run_cli("text", str(EPUBS / "rulinwaishi.md"))
    assert status == EXIT_OK
    assert out.startswith("第一回 说楔子敷陈大义 借名流隐括全文\n“人生南北多歧路")


def test_search_annotate_and_export_work_on_an_epub(tmp_path: Path) -> None:
    path = str(nested_book(tmp_path))
    status, out, _ = run_cli("search", "丙丁", path, "--json")
    assert status == EXIT_OK
    assert json.loads(out)[0]["start"] == len("第一卷\n第一章\n甲乙\n第二章\n")
    assert run_cli("annotate", path, "--quote", "甲乙")[0] == EXIT_OK
    status, out, _ = run_cli("export", path, "--format", "w3c")
    assert status == EXIT_OK
    assert "甲乙" in out


def test_text_of_a_drm_book_is_a_plain_error(tmp_path: Path) -> None:
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
        "</enc:EncryptedData></encryption>"
    )
    path = simple_book(
        tmp_path / "drm.epub", ["<p>x</p>"], extra={"META-INF/encryption.xml": encryption}
    )
    status, out, err = run_cli("text", str(path))
    assert status == EXIT_ERROR and out == ""
    assert "This book is protected by DRM and cannot be opened." in err


def test_w3c_export_of_an_epub_carries_a_cfi_that_resolves_to_the_quote(tmp_path: Path) -> None:
    path = nested_book(tmp_path)
    assert run_cli("annotate", str(path), "--quote", "丙丁")[0] == EXIT_OK
    _, out, _ = run_cli("export", str(path), "--format", "w3c")
    [item] = json.loads(out)["first"]["items"]
    [fragment] = [s for s in item["target"]["selector"] if s["type"] == "FragmentSelector"]
    assert fragment["conformsTo"] == "http://www.idpf.org/epub/linking/cfi/epub-cfi.html"
    assert text_of_cfi(path, fragment["value"]) == "丙丁"


def test_text_in_simplified_or_traditional_keeps_every_offset(article_path: Path) -> None:
    _, written, _ = run_cli("text", str(article_path))
    status, simplified, _ = run_cli("text", str(article_path), "--characters", "simplified")
    assert status == EXIT_OK and len(simplified) == len(written)
    assert "國" in written and "国" in simplified and "國" not in simplified
    _, traditional, _ = run_cli("text", str(article_path), "--characters", "traditional")
    assert len(traditional) == len(written) and "應用" in traditional
    start = written.index("應用")
    assert simplified[start : start + 2] == "应用"  # the same offset, the other form
