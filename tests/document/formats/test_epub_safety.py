"""An EPUB is an untrusted zip of untrusted XHTML: every hostile case, its own test."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from reader.document.errors import DocumentError, FileTooLargeError
from reader.document.formats.archive import clean_member_name, resolve_reference
from reader.document.formats.epub import DrmProtectedError
from reader.document.loader import load_document
from tests.document.formats.epub_maker import opf, page, simple_book, write_epub


def png_header(width: int, height: int) -> bytes:
    """The first bytes of a PNG of the given size (enough for its header to be read)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00" * 64
    )


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = simple_book(tmp_path / "bomb.epub", ["<p>正文</p>"])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OEBPS/filler.xhtml", b"<p>" + b"\x20" * (300 * 1024 * 1024) + b"</p>")
    with pytest.raises(DocumentError, match="zip bomb"):
        load_document(path)


def test_a_member_that_inflates_far_too_well_is_not_read(tmp_path: Path) -> None:
    bomb = page("<p>" + "啊" * 2_000_000 + "</p>").encode()  # 6 MB of one repeated character
    path = simple_book(
        tmp_path / "ratio.epub", ["<p>第一章</p>", "<p>x</p>"], extra={"OEBPS/ch2.xhtml": bomb}
    )
    document = load_document(path)
    assert "啊啊啊" not in document.text
    assert any("zip bomb" in note for note in document.metadata.notes)


@pytest.mark.parametrize(
    "name", ["../evil.xhtml", "/etc/passwd", "OEBPS\\ch1.xhtml", "OEBPS/../../x", "C:/x"]
)
def test_unsafe_member_names_are_never_usable(name: str) -> None:
    assert clean_member_name(name) is None


@pytest.mark.parametrize(
    "reference",
    ["../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "http://x/a.png", "..\\a"],
)
def test_references_that_leave_the_book_resolve_to_nothing(reference: str) -> None:
    assert resolve_reference("OEBPS/ch1.xhtml", reference) is None


def test_a_book_pointing_outside_itself_reads_nothing_from_disk(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_header(10, 10))
    body = (
        f'<p>图<img src="../../{secret}" alt="a"/><img src="file://{secret}" alt="b"/>'
        f'<img src="{secret}" alt="c"/><img src="http://example.com/x.png" alt="d"/></p>'
    )
    path = simple_book(tmp_path / "outside.epub", [body])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../escape.xhtml", page("<p>逃逸</p>"))
        archive.writestr("/abs.xhtml", page("<p>绝对</p>"))
    document = load_document(path)
    assert document.resources == {}
    assert "逃逸" not in document.text and "绝对" not in document.text
    assert document.text == "图[a][b][c][d]"


def test_entity_expansion_and_external_entities_are_not_resolved(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = (
        '<!DOCTYPE html [<!ENTITY l0 "哈">' + laughs + '<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
    )
    chapter = page("<p>前&l9;中&ext;后</p>").replace("<html", doctype + "<html", 1)
    path = simple_book(tmp_path / "laughs.epub", ["<p>x</p>"], extra={"OEBPS/ch1.xhtml": chapter})
    document = load_document(path)
    assert document.text == "前&l9;中&ext;后"  # shown as written, as a browser shows them


def test_scripts_event_attributes_and_forms_never_become_content(tmp_path: Path) -> None:
    body = (
        "<script>alert('x')</script><p onclick=\"alert(1)\" onmouseover='x()'>正文"
        '<a href="javascript:alert(1)">链接</a></p><form action="http://x"><input value="输入"/>'
        "<button>按钮</button><textarea>文本框</textarea><p>表单说明</p></form>"
        "<style>p{color:red}</style><iframe src='http://x'>框</iframe>"
    )
    document = load_document(simple_book(tmp_path / "script.epub", [body]))
    assert document.text == "正文链接\n表单说明"
    spans = document.paragraphs[0].style.spans
    assert all(span.kind != "link" for span in spans)  # javascript: is no link at all


def test_remote_links_stay_inert_addresses_and_css_urls_are_never_read(tmp_path: Path) -> None:
    css = "@import url(http://example.com/a.css); p { background: url(file:///etc/passwd) }"
    head = f"<style>{css}</style>"
    chapter = page('<p class="x">读<a href="https://example.com/">外链</a></p>', head=head)
    document = load_document(
        simple_book(tmp_path / "remote.epub", ["x"], extra={"OEBPS/ch1.xhtml": chapter})
    )
    links = [s for s in document.paragraphs[0].style.spans if s.kind == "link"]
    assert [link.value for link in links] == ["https://example.com/"]
    assert document.resources == {}


def test_a_gigantic_image_is_left_out_before_decoding(tmp_path: Path) -> None:
    path = simple_book(
        tmp_path / "huge.epub",
        ['<p><img src="huge.png" alt="巨图"/><img src="ok.png" alt="小图"/></p>'],
        extra={
            "OEBPS/huge.png": png_header(50_000, 50_000),
            "OEBPS/ok.png": png_header(100, 80),
        },
    )
    document = load_document(path)
    assert list(document.resources) == ["OEBPS/ok.png"]
    assert document.text == "[巨图]\ufffc"


def test_drm_protected_content_is_refused_with_a_plain_message(tmp_path: Path) -> None:
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
        '<enc:CipherData><enc:CipherReference URI="OEBPS/ch1.xhtml"/></enc:CipherData>'
        "</enc:EncryptedData></encryption>"
    )
    path = simple_book(
        tmp_path / "drm.epub", ["<p>x</p>"], extra={"META-INF/encryption.xml": encryption}
    )
    with pytest.raises(
        DrmProtectedError, match=r"^This book is protected by DRM and cannot be opened\."
    ):
        load_document(path)


def test_obfuscated_fonts_alone_do_not_stop_a_book(tmp_path: Path) -> None:
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
        '<enc:CipherData><enc:CipherReference URI="OEBPS/font.otf"/></enc:CipherData>'
        "</enc:EncryptedData></encryption>"
    )
    path = simple_book(
        tmp_path / "font.epub",
        ["<p>正文</p>"],
        extra={"META-INF/encryption.xml": encryption, "OEBPS/font.otf": "x"},
    )
    assert load_document(path).text == "正文"


def test_a_missing_package_falls_back_to_the_files_in_order_and_says_so(tmp_path: Path) -> None:
    path = write_epub(
        tmp_path / "nopackage.epub",
        {
            "META-INF/container.xml": "<container/>",
            "OEBPS/a.xhtml": page("<h1>甲</h1><p>一</p>"),
            "OEBPS/b.xhtml": page("<h2>乙</h2><p>二</p>"),
        },
    )
    document = load_document(path)
    assert document.text == "甲\n一\n乙\n二"
    assert [(s.title, s.level) for s in document.sections] == [("甲", 1), ("乙", 2)]
    assert any("no package file" in note for note in document.metadata.notes)


def test_a_broken_package_falls_back_and_says_so(tmp_path: Path) -> None:
    path = simple_book(
        tmp_path / "broken.epub",
        ["<h1>甲</h1>"],
        extra={"OEBPS/content.opf": "<package><unclosed>"},
    )
    document = load_document(path)
    assert document.text.split("\n")[0] == "甲"  # then the nav page, as any other file
    assert any("damaged" in note for note in document.metadata.notes)


def test_a_broken_nav_falls_back_to_the_ncx(tmp_path: Path) -> None:
    ncx = (
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap><navPoint><navLabel><text>一章'
        '</text></navLabel><content src="ch1.xhtml"/><navPoint><navLabel><text>一节</text>'
        '</navLabel><content src="ch1.xhtml#s"/></navPoint></navPoint></navMap></ncx>'
    )
    files = {
        "OEBPS/ch1.xhtml": page('<h1>一章</h1><p>甲</p><h2 id="s">一节</h2><p>乙</p>'),
        "OEBPS/nav.xhtml": "<html><broken",
        "OEBPS/toc.ncx": ncx,
        "OEBPS/content.opf": opf(["ch1.xhtml"], ncx=True),
    }
    document = load_document(write_epub(tmp_path / "ncx.epub", files))
    assert [(s.title, s.level, s.start) for s in document.sections] == [
        ("一章", 1, 0),
        ("一节", 2, 5),
    ]
    assert any("damaged" in note for note in document.metadata.notes)


def test_no_contents_at_all_falls_back_to_the_headings_and_says_so(tmp_path: Path) -> None:
    files = {
        "OEBPS/ch1.xhtml": page("<h1>一章</h1><p>甲</p>"),
        "OEBPS/content.opf": opf(["ch1.xhtml"], nav=False),
    }
    document = load_document(write_epub(tmp_path / "none.epub", files))
    assert [s.title for s in document.sections] == ["一章"]
    assert any("headings" in note for note in document.metadata.notes)


def test_duplicate_ids_resolve_to_the_first(tmp_path: Path) -> None:
    body = '<p id="n">第一</p><p id="n">第二</p><p><a href="#n">回去</a></p>'
    document = load_document(simple_book(tmp_path / "dup.epub", [body]))
    link = next(s for s in document.paragraphs[2].style.spans if s.kind == "link")
    assert link.value == "#0"


def test_a_200_mb_epub_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.epub"
    with path.open("wb") as file:
        file.write(b"PK\x03\x04")
        file.truncate(200 * 1024 * 1024)  # sparse: nothing to write, the size is what counts
    with pytest.raises(FileTooLargeError, match="200 MB; the reader opens books up to 100 MB"):
        load_document(path)


def test_not_a_zip_at_all_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.epub"
    path.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(DocumentError, match="not a valid EPUB"):
        load_document(path)
