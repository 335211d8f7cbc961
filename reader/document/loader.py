"""Bytes on disk -> `Document`: the checks, the decoding cascade, cleanup and structure.

The checks come before any byte is read, so that a directory, a device such as ``/dev/zero``,
a FIFO or a 100 MB dump gets a clear refusal instead of a hang or an out-of-memory.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from reader.document.cleanup import clean_text
from reader.document.decode import decode
from reader.document.errors import (
    DocumentError,
    EmptyDocumentError,
    FileMissingError,
    FileTooLargeError,
    NotAFileError,
    UnreadableFileError,
)
from reader.document.formats.sniff import Format, format_by_name, sniff_format
from reader.document.layout_headings import LaidOut
from reader.document.model import (
    PARAGRAPH_SEPARATOR,
    Document,
    Paragraph,
    ParagraphKind,
    Section,
)
from reader.document.structure import detect_headings

MAX_EPUB_BYTES = 100 * 1024 * 1024
"""An EPUB of a novel is a megabyte or two, a richly illustrated one some tens; larger books
are refused before any byte is read (formats.epub reads the archive under its own caps)."""
MAX_FILE_BYTES = 48 * 1024 * 1024
"""Larger files are refused: about 16 million Chinese characters, far beyond any novel, and
more than a text view can lay out while staying responsive."""

_TITLE_LINE = re.compile(r"^《(?P<title>[^《》]{1,40})》$")


def load_document(path: Path, encoding: str | None = None, title: str | None = None) -> Document:
    """Read, decode and structure the file at `path`.

    `encoding` forces a codec (the user's "reopen with encoding"); `title` overrides the title
    found in the text. Raises a `DocumentError` whose message is meant for the user.
    """
    named = format_by_name(path)
    data = read_text_file_bytes(path, MAX_EPUB_BYTES if named is Format.EPUB else MAX_FILE_BYTES)
    kind = sniff_format(data, path)
    if kind is not Format.TEXT:
        # lxml, html5lib and markdown-it load only for a book that needs them.
        from reader.document.formats.load import load_structured

        return load_structured(kind, data, path, read_text_file_bytes, encoding, title)
    decoded = decode(data, encoding)
    return document_from_text(
        decoded.text, title=title, encoding=decoded.encoding, source=path, empty_name=path.name
    )


def read_text_file_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, after refusing what is not a readable regular file of at most
    `limit` bytes (FileTooLargeError).

    The file is opened first and what was opened is checked (`fstat`), so a path swapped for
    a FIFO or a device between a check and the open cannot make the reader wait forever: the
    open itself never blocks (O_NONBLOCK), and only a regular file is ever read.
    """
    descriptor = _open_without_blocking(path)
    try:
        _refuse_unless_small_regular_file(path, os.fstat(descriptor), limit)
        os.set_blocking(descriptor, True)  # a regular file: reads are plain reads again
        data = _read_at_most(descriptor, limit + 1)
    except OSError as error:
        raise UnreadableFileError(f"{path} cannot be read: {error.strerror}.") from None
    finally:
        os.close(descriptor)
    if len(data) > limit:  # it grew after the check
        raise _too_large(path, len(data), limit)
    return data


_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def _open_without_blocking(path: Path) -> int:
    """A descriptor for `path`; opening a FIFO or a terminal this way neither waits nor
    makes it our controlling terminal."""
    try:
        return os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise FileMissingError(f"{path} does not exist.") from None
    except PermissionError:
        raise UnreadableFileError(f"You do not have permission to open {path}.") from None
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket (or a device with nothing behind it)
            raise _not_regular(path) from None
        raise UnreadableFileError(f"{path} cannot be opened: {error.strerror}.") from None


def _refuse_unless_small_regular_file(path: Path, status: os.stat_result, limit: int) -> None:
    """Raise the `DocumentError` that says why `status` is not a file the reader loads."""
    if stat.S_ISDIR(status.st_mode):
        raise NotAFileError(f"{path} is a folder, not a text file.")
    if not stat.S_ISREG(status.st_mode):
        raise _not_regular(path)
    if status.st_size > limit:
        raise _too_large(path, status.st_size, limit)


def _read_at_most(descriptor: int, limit: int) -> bytes:
    """Up to `limit` bytes: `os.read` may return fewer than asked before the end of a file."""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(descriptor, min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _not_regular(path: Path) -> NotAFileError:
    return NotAFileError(f"{path} is not a regular file (a device, pipe or socket).")


def _too_large(path: Path, size: int, limit: int) -> FileTooLargeError:
    size_mb = size / (1024 * 1024)
    limit_mb = limit // (1024 * 1024)
    if limit == MAX_EPUB_BYTES:
        return FileTooLargeError(
            f"{path.name} is {size_mb:.0f} MB; the reader opens books up to {limit_mb} MB."
        )
    return FileTooLargeError(
        f"{path.name} is {size_mb:.0f} MB; the reader opens texts up to {limit_mb} MB. "
        "Split it into volumes to read it here."
    )


def document_from_text(
    text: str,
    *,
    title: str | None = None,
    encoding: str = "utf-8",
    source: Path | None = None,
    empty_name: str = "The text",
) -> Document:
    """Build the canonical document from decoded text."""
    clean = clean_text(text)
    if not clean.paragraphs:
        raise EmptyDocumentError(f"{empty_name} is empty: there is no text to show.")
    return assemble(
        clean.paragraphs,
        title=title,
        encoding=encoding,
        source=source,
        missing=clean.missing,
        layout=clean.layout,
    )


def assemble(
    paragraph_texts: Sequence[str],
    *,
    title: str | None,
    encoding: str,
    source: Path | None,
    missing: Sequence[tuple[int, int]] = (),
    layout: Sequence[LaidOut] | None = None,
) -> Document:
    """Join clean paragraphs into the canonical text and attach paragraph and section ranges,
    and the ranges of the characters garbled in the source (`missing`: paragraph index and
    offset in it, as `clean_text` finds them), reading headings from the file's `layout` too."""
    headings = detect_headings(paragraph_texts, layout)
    heading_by_index = {heading.index: heading for heading in headings}
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []
    offset = 0
    for index, paragraph_text in enumerate(paragraph_texts):
        heading = heading_by_index.get(index)
        kind = ParagraphKind.HEADING if heading else ParagraphKind.BODY
        paragraphs.append(Paragraph(offset, offset + len(paragraph_text), kind))
        if heading:
            sections.append(Section(heading.title, heading.level, offset, index))
        offset += len(paragraph_text) + len(PARAGRAPH_SEPARATOR)
    return Document(
        text=PARAGRAPH_SEPARATOR.join(paragraph_texts),
        paragraphs=tuple(paragraphs),
        sections=tuple(sections),
        title=title or title_from_text(paragraph_texts, source),
        encoding=encoding,
        source=source,
        garbled=tuple(
            (start, start + 1)
            for index, offset in missing
            for start in [paragraphs[index].start + offset]
        ),
    )


def title_from_text(paragraph_texts: Sequence[str], source: Path | None) -> str:
    """A book names itself in a first line such as ``《红楼梦》``; otherwise the file does,
    unless its name is no title (``000_b4732b532e84408a``, ``20240101``): then the text's
    opening words do (`opening_words`)."""
    match = _TITLE_LINE.match(paragraph_texts[0]) if paragraph_texts else None
    if match:
        return match.group("title").strip()
    if source is not None and not _NOT_A_TITLE.fullmatch(source.stem):
        return readable_name(source.stem)
    return opening_words(paragraph_texts) or (readable_name(source.stem) if source else "Untitled")


_NOT_A_TITLE = re.compile(r"[\W_]*(?:[0-9a-f]{8,}|\d+)(?:[\W_]+(?:[0-9a-f]{8,}|\d+))*[\W_]*", re.I)
"""File names that are ids or dates, not titles: saved pages, exports, cameras, downloads."""
_CLAUSE = re.compile(r"[^,，。:：;；!！?？、\s]+")
_BRACKETS = re.compile(r"[()（）\[\]【】「」『』《》]")
TITLE_CLAUSE_LENGTH = range(4, 31)


def opening_words(paragraph_texts: Sequence[str]) -> str | None:
    """The first clause of the opening paragraphs that reads like a title: 4 to 30 characters
    and no brackets (a byline such as ``飛象原創(孫迎新/文)`` is passed over)."""
    for text in paragraph_texts[:5]:
        clause = _CLAUSE.match(text.strip())
        words = clause.group() if clause else ""
        if len(words) in TITLE_CLAUSE_LENGTH and not _BRACKETS.search(words):
            return words
    return None


def readable_name(name: str) -> str:
    """`name` as valid text: a file name's undecodable byte (carried by Python as a lone
    surrogate, U+DC80..U+DCFF) becomes a visible ``\\xff``, any other lone surrogate ``\\ud800``.

    A lone surrogate cannot be encoded as UTF-8, so left in a title it would crash every
    printer, the store and the exports; U+FFFD would hide which byte it was.
    """
    return _LONE_SURROGATE.sub(_escape_surrogate, name)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


__all__ = ["DocumentError", "document_from_text", "load_document", "readable_name"]
