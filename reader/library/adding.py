"""Adding files to the library: reading each one, saving them in batches, and saying how it went.

Each file is read and fingerprinted by `read_all`: on the caller's thread (the command line),
or in a child process (the window, `reading_child`, whose worker thread only saves), then
saved with others in one transaction per `BATCH_FILES`: one synchronous commit per file would
make ten thousand files take minutes. Another window or process adding at the
same time waits for each batch, never fails (the store serialises writers). A file that cannot
be read is skipped with its reason; a store that refuses to write stops the adding, and what
was saved before stays saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.annotations.errors import StoreError

if TYPE_CHECKING:  # the store (SQLite) loads when the library is first used
    from reader.annotations.store import AnnotationStore
from reader.document.errors import (
    BinaryFileError,
    DocumentError,
    EmptyDocumentError,
    FileMissingError,
    FileTooLargeError,
    UndecodableError,
)
from reader.document.loader import load_document
from reader.document.metadata import Details, details_of

BATCH_FILES = 64
"""Files saved per transaction: few enough that another writer waits a moment at most."""

Progress = Callable[[int, int], None]
"""Told (files done, files in all) as the adding goes."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not added, and why (`reason` is a short word for the summary)."""

    path: Path
    reason: str
    message: str


@dataclass
class AddReport:
    """What adding did: the documents added (ids), those already there, the files skipped, and
    the error that stopped it, if one did."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    error: str | None = None
    stopped: bool = False
    """The user stopped it before the end."""
    _counted: set[str] = field(default_factory=set, repr=False)

    def summary(self) -> str:
        """One line for people: "212 added, 3 skipped: not text"."""
        parts = [f"{len(self.added)} added"]
        if self.already:
            parts.append(f"{len(self.already)} already in the library")
        if self.skipped:
            reasons = Counter(s.reason for s in self.skipped)
            if len(reasons) == 1:
                parts.append(f"{len(self.skipped)} skipped: {next(iter(reasons))}")
            else:
                detail = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
                parts.append(f"{len(self.skipped)} skipped ({detail})")
        text = ", ".join(parts)
        if self.stopped:
            text += "; stopped before the end"
        if self.error is not None:
            text += f". Adding stopped: {self.error}"
        return text


Read = tuple[str, str, Path, Details]
"""A file read for the library: its fingerprint, title, path and details."""


def read_for_library(path: Path) -> Read:
    """Read the file at `path` as the reader opens it; raises `DocumentError`."""
    document = load_document(path)
    return document.fingerprint, document.title, path, details_of(document)


def skip_reason(error: DocumentError) -> str:
    """The summary's word for why a file was skipped."""
    if isinstance(error, BinaryFileError | UndecodableError):
        return "not text"
    if isinstance(error, EmptyDocumentError):
        return "empty"
    if isinstance(error, FileTooLargeError):
        return "too large"
    if isinstance(error, FileMissingError):
        return "vanished"
    return "unreadable"


def read_or_skip(path: Path) -> Read | Skipped:
    """The file read for the library, or why it is skipped (module-level: a child process
    is handed it)."""
    try:
        return read_for_library(path)
    except DocumentError as error:
        return Skipped(path, skip_reason(error), _naming(path, str(error)))
    except MemoryError:
        return Skipped(path, "too large", f"{path} is too large to read.")


ReadAll = Callable[[list[Path]], Iterator[Read | Skipped]]
"""Reads files for the library, in order, one result a file (`read_here`, or in a child)."""


def read_here(files: list[Path]) -> Iterator[Read | Skipped]:
    """Each file read in turn, on the caller's thread."""
    return map(read_or_skip, files)


def add_all(
    store: AnnotationStore,
    files: list[Path],
    report: AddReport,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    read_all: ReadAll = read_here,
) -> AddReport:
    """Read each of `files` (by `read_all`) and save them in batches, into `report`."""
    batch: list[Read] = []
    results = read_all(files)
    try:
        for done in range(1, len(files) + 1):
            if cancelled is not None and cancelled():
                report.stopped = True
                break
            read = next(results)
            if isinstance(read, Skipped):
                report.skipped.append(read)
            else:
                batch.append(read)
            if len(batch) >= BATCH_FILES and not _save(store, batch, report):
                return report
            if progress is not None:
                progress(done, len(files))
    finally:
        close = getattr(results, "close", None)
        if close is not None:  # a generator reading in a child: stop it
            close()
    _save(store, batch, report)
    return report


def _naming(path: Path, message: str) -> str:
    """`message`, starting with the file's path unless it names the file already."""
    return message if path.name in message else f"{path}: {message}"


def _save(store: AnnotationStore, batch: list[Read], report: AddReport) -> bool:
    """Save `batch` in one transaction (emptying it); False when the store refused."""
    if not batch:
        return True
    try:
        saved = store.catalogue(batch)
    except StoreError as error:
        report.error = str(error)
        return False
    finally:
        batch.clear()
    for record, was_in in saved:
        if record.id not in report._counted:  # one file named twice in one adding
            report._counted.add(record.id)
            (report.already if was_in else report.added).append(record.id)
    return True
