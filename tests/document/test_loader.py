"""Loading real and hostile files: a document, or a DocumentError with a clear message."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.document.cleanup import MAX_PARAGRAPH_LENGTH
from reader.document.errors import (
    BinaryFileError,
    EmptyDocumentError,
    FileMissingError,
    FileTooLargeError,
    NotAFileError,
    UndecodableError,
    UnreadableFileError,
)
from reader.document.loader import (
    MAX_FILE_BYTES,
    document_from_text,
    load_document,
    read_text_file_bytes,
)
from reader.document.model import ParagraphKind

ARTICLE_SECTIONS = [
    "智慧的火花:OpenAI的誕生與GPT的革命",
    "震撼世界的巨浪:大模型的奇跡與應用",
    "跨越障礙:萬億級大模型的挑戰與中美AI領域的較量",
    "智算自主:全球運營商最大單集群智算中心在哈爾濱建成投用",
    "在人工智能技術領域,美國還能卡中國的脖子嗎?",
]


def test_the_article_becomes_a_clean_document_with_five_sections(article_path: Path) -> None:
    document = load_document(article_path)
    assert [s.title for s in document.sections] == ARTICLE_SECTIONS
    assert len(document.paragraphs) == 35
    assert document.encoding == "utf-8"
    assert "(chuàng)" not in document.text
    for section in document.sections:
        heading = document.paragraphs[section.paragraph_index]
        assert heading.kind is ParagraphKind.HEADING
        assert document.text[heading.start : heading.end] == section.title
        assert section.start == heading.start


def test_paragraph_ranges_tile_the_canonical_text(article_path: Path) -> None:
    document = load_document(article_path)
    assert document.paragraphs[0].start == 0
    for before, after in zip(document.paragraphs, document.paragraphs[1:], strict=False):
        assert document.text[before.end] == "\n"
        assert after.start == before.end + 1
    assert document.paragraphs[-1].end == len(document.text)


def test_the_novel_gives_its_120_chapters_in_order(novel_path: Path) -> None:
    document = load_document(novel_path)
    assert document.title == "红楼梦"
    assert len(document.sections) == 120
    assert document.sections[0].title.startswith("第一回")
    assert document.sections[-1].title.startswith("第一百二十回")
    starts = [s.start for s in document.sections]
    assert starts == sorted(starts)


def test_toc_starts_with_the_opening_when_text_precedes_the_first_heading(
    article_path: Path,
) -> None:
    toc = load_document(article_path).toc()
    assert len(toc) == 6
    assert toc[0].is_opening and toc[0].start == 0
    assert toc[0].title.startswith("飛象原創(孫迎新/文)")
    assert [e.title for e in toc[1:]] == ARTICLE_SECTIONS


def test_a_document_that_opens_with_a_heading_has_no_opening_entry() -> None:
    text = "第一章 開始\n" + "正文。" * 30 + "\n第二章 結束\n" + "正文。" * 30
    document = document_from_text(text)
    assert [e.title for e in document.toc()] == ["第一章 開始", "第二章 結束"]


def test_the_fingerprint_depends_on_the_clean_text_only(tmp_path: Path) -> None:
    lf, crlf = tmp_path / "lf.txt", tmp_path / "crlf.txt"
    lf.write_bytes("第一段\n第二段\n".encode())
    crlf.write_bytes("\ufeff第一段\r\n\r\n第二段\r\n".encode())
    assert load_document(lf).fingerprint == load_document(crlf).fingerprint
    assert load_document(lf).fingerprint != document_from_text("第一段\n第三段").fingerprint


def test_offsets_lookups_agree_with_the_ranges(article_path: Path) -> None:
    document = load_document(article_path)
    for index, paragraph in enumerate(document.paragraphs):
        assert document.text[paragraph.start : paragraph.end] == document.paragraph_text(index)
    assert document.section_at(0) is None
    third = document.sections[2]
    assert document.section_at(third.start) == third
    assert document.section_at(third.start - 1) == document.sections[1]


def test_gb18030_and_big5_files_load_to_the_same_text_as_utf8(
    tmp_path: Path, novel_path: Path
) -> None:
    text = novel_path.read_text(encoding="utf-8")[:20_000]
    utf8 = tmp_path / "utf8.txt"
    gb = tmp_path / "gb.txt"
    utf8.write_text(text, encoding="utf-8")
    gb.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    assert load_document(gb).text == load_document(utf8).text
    assert load_document(gb).encoding == "gb18030"


def test_the_user_can_force_an_encoding(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes("這是繁體中文的句子，說明編碼。".encode("big5"))
    assert load_document(path, encoding="big5").text == "這是繁體中文的句子，說明編碼。"
    with pytest.raises(UndecodableError, match="UTF-8"):
        load_document(path, encoding="utf-8")


# --- hostile input ----------------------------------------------------------------------------


def test_a_missing_file_is_named_in_the_message(tmp_path: Path) -> None:
    with pytest.raises(FileMissingError, match="does not exist"):
        load_document(tmp_path / "nowhere.txt")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAFileError, match="folder"):
        load_document(tmp_path)


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(NotAFileError, match="not a regular file"):
        load_document(Path("/dev/zero"))


@pytest.mark.unprivileged
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("秘密", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(UnreadableFileError) as refused:
        load_document(path)
    assert str(refused.value) == f"You do not have permission to open {path}."


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t\xe3\x80\x80\n"])
def test_an_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyDocumentError, match="empty"):
        load_document(path)


def test_a_png_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(BinaryFileError, match="PNG"):
        load_document(path)


def test_a_program_is_refused() -> None:
    executable = Path("/bin/ls").resolve()
    with pytest.raises(BinaryFileError):
        load_document(executable)


def test_bytes_valid_in_no_encoding_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes([0x81, 0x20, 0xFF, 0x7F, 0xC0, 0x0A]) * 200)
    with pytest.raises((UndecodableError, BinaryFileError)):
        load_document(path)


def test_a_two_million_character_line_opens_wrapped(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text("天地玄黃宇宙洪荒。" * 222_223, encoding="utf-8")
    document = load_document(path)
    assert len(document.text) > 2_000_000
    assert max(p.end - p.start for p in document.paragraphs) <= MAX_PARAGRAPH_LENGTH


def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(100 * 1024 * 1024)  # sparse: costs no disk
    assert path.stat().st_size > MAX_FILE_BYTES
    with pytest.raises(FileTooLargeError, match="100 MB"):
        load_document(path)


# --- what the path turns out to be when it is opened ------------------------------------------

# Runs `read_text_file_bytes` in a child process, so that a read that blocks (a FIFO with no
# writer) shows up as a timeout instead of hanging the test run. The child prints what it got.
# `SwappingPath` turns the path into a FIFO just before the filesystem call number SWAP_AT
# sees it: a deterministic stand-in for another process swapping the file between a check and
# the open.
_READ_IN_CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from reader.document.errors import DocumentError
    from reader.document.loader import read_text_file_bytes

    SWAP_AT = int(sys.argv[2])

    class SwappingPath(type(Path())):
        uses = 0

        def __fspath__(self):
            SwappingPath.uses += 1
            if SwappingPath.uses == SWAP_AT:
                os.unlink(str(self))
                os.mkfifo(str(self))
            return str(self)

    try:
        data = read_text_file_bytes(SwappingPath(sys.argv[1]))
    except DocumentError as error:
        print(f"{type(error).__name__}: {error}")
    else:
        print(f"read: {data.decode()}")
    """
)
_HANG = 120  # seconds: only a blocked open or read takes anywhere near this long


def read_in_child(path: Path, swap_at: int = 0) -> str:
    """What `read_text_file_bytes(path)` gives in a child process; fails the test on a hang."""
    try:
        child = subprocess.run(
            [sys.executable, "-c", _READ_IN_CHILD, str(path), str(swap_at)],
            capture_output=True,
            text=True,
            timeout=_HANG,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path} blocked (no answer in {_HANG} s)")
    return child.stdout.strip()


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert read_in_child(fifo).startswith("NotAFileError: ")


@pytest.mark.parametrize("swap_at", [1, 2, 3])
def test_a_file_swapped_for_a_fifo_is_never_waited_on(tmp_path: Path, swap_at: int) -> None:
    """Whichever filesystem call the swap comes before, the answer is the file's text or a
    refusal, never a read that waits for a writer (the old stat-then-open hung at 2)."""
    path = tmp_path / "chapter.txt"
    path.write_text("第一回", encoding="utf-8")
    outcome = read_in_child(path, swap_at)
    assert outcome == "read: 第一回" or outcome.startswith("NotAFileError: "), outcome


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(NotAFileError, match="not a regular file"):
            read_text_file_bytes(path)


def test_a_device_is_refused_by_what_was_opened() -> None:
    with pytest.raises(NotAFileError, match="not a regular file"):
        read_text_file_bytes(Path("/dev/zero"))


def test_a_symlink_to_a_text_file_is_read(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("第一回", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert read_text_file_bytes(link) == "第一回".encode()
    assert load_document(link).text == "第一回"


def test_a_symlink_to_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.txt"
    link.symlink_to(fifo)
    assert read_in_child(link).startswith("NotAFileError: ")


# --- file names that are not valid UTF-8 ------------------------------------------------------


def test_a_file_name_with_an_undecodable_byte_gives_a_valid_title(tmp_path: Path) -> None:
    path = tmp_path / os.fsdecode(b"bad\xff.txt")
    path.write_text("正文在此。", encoding="utf-8")
    document = load_document(path)
    assert document.title == "bad\\xff"
    document.title.encode("utf-8")  # strict: no lone surrogate left


@pytest.mark.parametrize(
    ("name", "text", "title"),
    [
        ("000_b4732b532e84408a.txt", None, "從大模型到AI算力再到智算中心"),  # the raw seed file
        ("20240101.txt", "今天下雨了，我在家讀書。\n第二段。", "今天下雨了"),
        ("0042_b4732b53.txt", "(作者/文)開場白。\n山高水長的故事，從這裡說起。", "山高水長的故事"),
        ("我的筆記.txt", "今天下雨了，我在家讀書。", "我的筆記"),  # a real name stays
        ("123.txt", "短。\n也短。", "123"),  # nothing reads like a title: the name it is
    ],
)
def test_a_file_name_that_is_no_title_gives_way_to_the_opening_words(
    tmp_path: Path, article_path: Path, name: str, text: str | None, title: str
) -> None:
    path = tmp_path / name
    if text is None:
        shutil.copyfile(article_path, path)
    else:
        path.write_text(text, encoding="utf-8")
    assert load_document(path).title == title
