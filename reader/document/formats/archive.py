"""An EPUB's zip, read as untrusted input: nothing is extracted, every read is capped.

A member is reachable only by a clean relative name (no ``..``, no absolute path, no
backslash, no drive letter); a reference from inside the book is resolved against the member
that makes it and refused if it leaves the book. A zip bomb is refused before it is inflated
(declared sizes and compression ratio) and again while it is (a lying header cannot make a
read return more than the cap).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote, urlsplit

from reader.document.errors import DocumentError

MAX_MEMBER_BYTES = 32 * 1024 * 1024
"""No single file of a book (a chapter, an image) is read beyond this."""
MAX_TOTAL_BYTES = 256 * 1024 * 1024
"""The whole book, inflated, may not declare more than this."""
MAX_RATIO = 200
"""A member that inflates more than this many times (and past a megabyte) is a bomb: real
XHTML compresses about 3 to 10 times."""
MAX_MEMBERS = 20_000


class BrokenBookError(DocumentError):
    """The book's archive is damaged, hostile or not a zip at all."""


def clean_member_name(name: str) -> str | None:
    """`name` if it is a safe relative member name, else None."""
    if not name or "\\" in name or name.startswith("/") or "\x00" in name:
        return None
    if len(name) > 1 and name[1] == ":":  # C:/...
        return None
    parts = name.split("/")
    if any(part in ("..", ".") for part in parts):
        return None
    return name


class Archive:
    """The members of a book, by clean name."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise BrokenBookError(f"{name} is not a valid EPUB (a damaged zip: {error}).") from None
        if len(infos) > MAX_MEMBERS:
            raise BrokenBookError(f"{name} holds {len(infos)} files; an EPUB holds far fewer.")
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            raise BrokenBookError(
                f"{name} would inflate to {total // (1024 * 1024)} MB, more than the "
                f"{MAX_TOTAL_BYTES // (1024 * 1024)} MB the reader opens (a zip bomb?)."
            )
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self.refused: list[str] = []
        for info in infos:
            clean = clean_member_name(info.filename)
            if clean is None:
                self.refused.append(info.filename)
            elif not info.is_dir():
                self._infos.setdefault(clean, info)

    def names(self) -> list[str]:
        """Clean member names, in archive order."""
        return list(self._infos)

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """The bytes of member `name`, refusing a bomb or anything past `limit`."""
        info = self._infos.get(name)
        if info is None:
            raise BrokenBookError(f"{self.name} has no file {name}.")
        if info.file_size > limit:
            raise BrokenBookError(f"{name} in {self.name} is too large to read.")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BrokenBookError(f"{name} in {self.name} inflates suspiciously (a zip bomb?).")
        try:
            with self._zip.open(info) as member:
                data = member.read(limit + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
            raise BrokenBookError(f"{name} in {self.name} cannot be read ({error}).") from None
        except RuntimeError:  # an encrypted (password-protected) member
            raise BrokenBookError(f"{name} in {self.name} is password-protected.") from None
        if len(data) > limit:
            raise BrokenBookError(f"{name} in {self.name} is larger than it says (a zip bomb?).")
        return data


def resolve_reference(base: str, reference: str) -> tuple[str, str] | None:
    """The member a reference made from member `base` points to, and its fragment; None for
    anything outside the book (another scheme, an absolute path, climbing above the root)."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if path.startswith("/") or "\\" in path:
        return None
    if not path:
        return base, unquote(parts.fragment)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
    if joined.startswith("../") or joined == ".." or clean_member_name(joined) is None:
        return None
    return joined, unquote(parts.fragment)
