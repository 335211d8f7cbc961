"""Markup -> blocks: what each structure becomes, for Markdown, HTML and unusual EPUBs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.document.loader import load_document
from reader.document.model import Align, BlockKind
from tests.document.formats.epub_maker import opf, page, write_epub
from tests.document.formats.test_epub_safety import png_header

MARKDOWN = """# 书名

第一段*强调*与**加粗**。

## 第一章

- 甲
- 乙

1. 一
2. 二

> 引文

```
code  line
second
```

| 列一 | 列二 |
|---|---|
| 甲 | 乙 |
"""


def test_markdown_structures_become_styled_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    document = load_document(path)
    texts = document.text.split("\n")
    assert texts == ["书名", "第一段强调与加粗。", "第一章", "甲", "乙", "一", "二", "引文",
                     "code  line", "second", "列一\t列二", "甲\t乙"]  # fmt: skip
    styles = [p.style for p in document.paragraphs]
    assert [(s.kind, s.level) for s in styles[:3]] == [
        (BlockKind.HEADING, 1), (BlockKind.PLAIN, 0), (BlockKind.HEADING, 2)
    ]  # fmt: skip
    assert [s.marker for s in styles[3:7]] == ["•", "•", "1.", "2."]
    assert styles[7].kind is BlockKind.QUOTE
    assert styles[8].kind is styles[9].kind is BlockKind.CODE
    assert styles[10].kind is BlockKind.TABLE_ROW
    assert [(s.kind, s.start, s.end) for s in styles[1].spans] == [
        ("emphasis", 3, 5),
        ("strong", 6, 8),
    ]
    assert [(s.title, s.level) for s in document.sections] == [("书名", 1), ("第一章", 2)]


def test_ruby_shows_its_base_in_the_flow_and_its_reading_apart(tmp_path: Path) -> None:
    path = tmp_path / "ruby.html"
    path.write_text("<p><ruby>創<rp>(</rp><rt>chuàng</rt><rp>)</rp></ruby>新</p>", "utf-8")
    document = load_document(path)
    assert document.text == "創新"
    assert [(s.kind, s.value) for s in document.paragraphs[0].style.spans] == [("ruby", "chuàng")]


def test_html_images_next_to_the_file_are_shown_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.png").write_bytes(png_header(20, 10))
    (tmp_path / "outside.png").write_bytes(png_header(20, 10))
    folder = tmp_path / "page"
    folder.mkdir()
    (folder / "in.png").write_bytes(png_header(20, 10))
    html = (
        '<p><img src="in.png" alt="内"><img src="../outside.png" alt="外">'
        f'<img src="file://{tmp_path}/outside.png" alt="文件"><img src="/dev/zero" alt="零">'
        '<img src="https://example.com/a.png" alt="远"></p>'
    )
    (folder / "page.html").write_text(html, "utf-8")
    document = load_document(folder / "page.html")
    assert list(document.resources) == ["in.png"]
    assert document.text == "\ufffc[外][文件][零][远]"


def test_css_alignment_and_italics_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "c.html"
    path.write_text(
        "<style>.c{text-align:center} p.i{font-style:italic}</style>"
        '<p class="c">居中</p><p class="i">斜体</p><p style="text-align:right">右</p>', "utf-8"
    )  # fmt: skip
    styles = [p.style for p in load_document(path).paragraphs]
    assert [s.align for s in styles] == [Align.CENTER, Align.START, Align.END]
    assert [s.italic for s in styles] == [False, True, False]


def unusual_book(tmp_path: Path, name: str, **kwargs: object) -> Path:
    """A one-page EPUB 3 of an unusual shape (kwargs go to the page and package)."""
    body = str(kwargs.pop("body", "<p>x</p>"))
    chapter = str(kwargs.pop("chapter", "ch1.xhtml"))
    extra = dict(kwargs.pop("extra", {}))  # type: ignore[call-overload]
    files = {f"OEBPS/{chapter}": kwargs.pop("content", page(body)), **extra}
    files["OEBPS/content.opf"] = opf([chapter], nav=False, **kwargs)  # type: ignore[arg-type]
    return write_epub(tmp_path / name, files)


def test_fixed_layout_opens(tmp_path: Path) -> None:
    meta = '<meta property="rendition:layout">pre-paginated</meta>'
    assert (
        load_document(unusual_book(tmp_path, "fxl.epub", metadata=meta, body="<p>页</p>")).text
        == "页"
    )


def test_svg_spine_items_show_their_images_and_text(tmp_path: Path) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<script>alert(1)</script><image xlink:href="p.png"/><text>标题</text></svg>'
    )
    path = unusual_book(
        tmp_path, "svg.epub", chapter="p.svg", content=svg,
        media_types={"p.svg": "image/svg+xml"}, extra={"OEBPS/p.png": png_header(8, 8)},
    )  # fmt: skip
    document = load_document(path)
    assert document.text == "\ufffc标题"
    assert "OEBPS/p.png" in document.resources


def test_an_image_only_spine_shows_its_pictures(tmp_path: Path) -> None:
    path = unusual_book(
        tmp_path, "images.epub", chapter="p1.png", content=png_header(8, 8),
        media_types={"p1.png": "image/png"},
    )  # fmt: skip
    document = load_document(path)
    assert document.text == "\ufffc"
    assert document.paragraphs[0].style.kind is BlockKind.FIGURE


def test_media_overlays_are_ignored(tmp_path: Path) -> None:
    smil = '<item id="s" href="c.smil" media-type="application/smil+xml"/>'
    path = unusual_book(tmp_path, "mo.epub", extra_manifest=smil, extra={"OEBPS/c.smil": "<smil/>"})
    assert load_document(path).text == "x"


def test_rtl_arabic_and_vertical_japanese_read_as_text(tmp_path: Path) -> None:
    arabic = unusual_book(
        tmp_path, "ar.epub", body='<p dir="rtl">مرحبا بالعالم</p>',
        spine_attributes=' page-progression-direction="rtl"',
    )  # fmt: skip
    assert load_document(arabic).text == "مرحبا بالعالم"
    vertical = page("<p>縦書き</p>", head="<style>html{writing-mode:vertical-rl}</style>")
    japanese = unusual_book(tmp_path, "ja.epub", content=vertical)
    assert load_document(japanese).text == "縦書き"


TAGS = [
    "p",
    "div",
    "em",
    "b",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "h2",
    "td",
    "tr",
    "ruby",
    "rt",
    "br",
    "span",
    "a",
]


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    pieces = draw(st.lists(st.sampled_from(["文字", " ", "\n", "a  b", "𠀀", "&amp;"]), max_size=3))
    if depth < 4:
        for _ in range(draw(st.integers(0, 3))):
            tag = draw(st.sampled_from(TAGS))
            pieces.append(f'<{tag} id="i">{draw(markup(depth + 1))}</{tag}>')
    return "".join(pieces)


@settings(max_examples=60, deadline=None)
@given(body=markup())
@example(body="<p><pre><ul><li> </li></ul></pre></p>")  # a list item keeps <pre>'s whitespace
def test_any_markup_gives_consistent_paragraphs(tmp_path_factory: object, body: str) -> None:
    folder = tmp_path_factory.mktemp("m")  # type: ignore[attr-defined]
    path = folder / "page.html"
    path.write_text(f"<p>开头</p>{body}", "utf-8")
    document = load_document(path)
    texts = [document.paragraph_text(i) for i in range(len(document.paragraphs))]
    assert "\n".join(texts) == document.text
    for text, paragraph in zip(texts, document.paragraphs, strict=True):
        assert text and "\n" not in text
        assert paragraph.style.kind is BlockKind.CODE or text == text.strip(" ")
        assert all(0 <= s.start < s.end <= len(text) for s in paragraph.style.spans)
