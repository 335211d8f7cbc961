"""The Whoosh index of one document: built once into the cache, verified, and disposable.

The index is a cache, never precious: it is built in a private directory and renamed into place
only when complete (so a crash, a full disk or a second process building the same document at
the same moment can never leave a half index where a reader looks), its files carry checksums
that are verified when it is opened, and any failure to open or query it raises
`IndexUnavailableError`, after which callers scan instead and rebuild.

One Whoosh document per paragraph; queries are built programmatically (no query parser), so
the user's text can never be a syntax error.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.query import And, Phrase, Query, Term

from reader.search.analysis import (
    ANALYSIS_VERSION,
    BigramField,
    CharacterField,
    indexable_fragments,
)
from reader.search.folded import FoldedDocument
from reader.search.query import ParsedQuery

META_FILE = "reader-index.json"
BATCH_CHARACTERS = 200_000
"""Paragraphs are committed in batches of about this many characters, one segment each: the
writer's pool then stays in memory (one batch for a whole novel spills to disk and is half as
fast again), and building reports real progress."""
UNCOMPRESSED = W3Codec(compression=0)
"""Postings blocks uncompressed: a fifth faster to build, a larger cache on disk."""
MAX_PHRASE_BIGRAMS = 12
MAX_CLAUSES = 8
"""Limits on what one query asks the index: the scan verifies every candidate anyway, so a
10,000-character query narrows by its first fragments and stays fast."""
STALE_BUILD_SECONDS = 3600
WRITER_TIMEOUT_SECONDS = 5.0

Progress = Callable[[float], None]


class IndexUnavailableError(Exception):
    """The index cannot be used right now; the message says why, for the user."""


class BuildCancelledError(Exception):
    """The caller asked the build to stop (another document was opened)."""


def index_directory(cache_dir: Path, fingerprint: str) -> Path:
    """Where the index of the document with `fingerprint` lives."""
    return cache_dir / "indexes" / f"{fingerprint}-a{ANALYSIS_VERSION}"


def schema() -> fields.Schema:
    """One document per paragraph: its number, its bigrams and its characters."""
    return fields.Schema(
        paragraph=fields.NUMERIC(stored=True, signed=False, bits=32),
        grams=BigramField(),
        chars=CharacterField(),
    )


class SearchIndex:
    """An open, verified index: answers which paragraphs may match a query, with scores."""

    def __init__(self, directory: Path, whoosh_index: index.Index) -> None:
        self.directory = directory
        self._index = whoosh_index
        self._searcher = whoosh_index.searcher()
        self._lock = threading.Lock()

    @classmethod
    def open(cls, directory: Path, folded: FoldedDocument) -> SearchIndex:
        """Open the index in `directory` after checking it is complete and undamaged."""
        if not directory.is_dir():
            raise IndexUnavailableError("The document has no search index yet.")
        try:
            meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
            if meta.get("fingerprint") != folded.document.fingerprint:
                raise IndexUnavailableError("The search index belongs to another text.")
            for name, digest in meta["files"].items():
                if _file_digest(directory / name) != digest:
                    raise IndexUnavailableError("The search index is damaged.")
            whoosh_index = index.open_dir(str(directory))
            if whoosh_index.doc_count() != len(folded.document.paragraphs):
                raise IndexUnavailableError("The search index is incomplete.")
            return cls(directory, whoosh_index)
        except IndexUnavailableError:
            raise
        except Exception as error:  # any damage Whoosh trips over: the index is only a cache
            raise IndexUnavailableError(f"The search index cannot be read ({error!r}).") from None

    @classmethod
    def build(
        cls,
        folded: FoldedDocument,
        directory: Path,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> SearchIndex:
        """Build the index privately, then move it to `directory` in one rename.

        If another process finished the same index first, its copy is kept and opened.
        """
        parent = directory.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_builds(parent)
            workspace = Path(tempfile.mkdtemp(prefix=".building-", dir=parent))
        except OSError as error:
            raise IndexUnavailableError(_cannot_write(parent, error)) from None
        try:
            _write_index(folded, workspace, progress, should_stop)
            try:
                workspace.rename(directory)
            except OSError:
                if not directory.is_dir():  # not "someone else was faster"
                    raise
        except OSError as error:
            raise IndexUnavailableError(_cannot_write(parent, error)) from None
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
        return cls.open(directory, folded)

    def candidates(self, query: ParsedQuery) -> dict[int, float] | None:
        """Paragraphs that may match, with BM25 scores; None when the query has nothing the
        index can look up (punctuation only), so every paragraph is a candidate."""
        whoosh_query = _whoosh_query(query)
        if whoosh_query is None:
            return None
        try:
            with self._lock:
                results = self._searcher.search(whoosh_query, limit=None)
                # Paragraphs were added in order into segments kept in order, so a document
                # number is its paragraph number (checked when the index is built).
                return {docnum: score for docnum, score in results.items()}
        except Exception as error:  # damage found only now: the caller falls back to a scan
            raise IndexUnavailableError(f"The search index cannot be read ({error!r}).") from None

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._searcher.close()


def _whoosh_query(query: ParsedQuery) -> Query | None:
    """And of the required terms' word fragments: bigram phrases, or single characters."""
    fragments = sorted(
        {fragment for term in query.required for fragment in indexable_fragments(term)},
        key=len,
        reverse=True,
    )
    clauses: list[Query] = []
    for fragment in fragments[:MAX_CLAUSES]:
        if len(fragment) == 1:
            clauses.append(Term("chars", fragment))
            continue
        bigrams = [fragment[i : i + 2] for i in range(len(fragment) - 1)][:MAX_PHRASE_BIGRAMS]
        clauses.append(Term("grams", bigrams[0]) if len(bigrams) == 1 else Phrase("grams", bigrams))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else And(clauses)


def _write_index(
    folded: FoldedDocument,
    workspace: Path,
    progress: Progress | None,
    should_stop: Callable[[], bool] | None,
) -> None:
    """Write every paragraph, batch by batch, then the checksummed meta file."""
    whoosh_index = index.create_in(str(workspace), schema())
    paragraphs = folded.document.paragraphs
    total = max(len(folded.text), 1)
    batch_start = 0
    while batch_start < len(paragraphs):
        if should_stop is not None and should_stop():
            raise BuildCancelledError
        writer = whoosh_index.writer(
            timeout=WRITER_TIMEOUT_SECONDS, limitmb=128, codec=UNCOMPRESSED
        )
        batch_end, characters = batch_start, 0
        while batch_end < len(paragraphs) and characters < BATCH_CHARACTERS:
            text = folded.paragraph(batch_end)
            writer.add_document(paragraph=batch_end, grams=text, chars=text)
            characters += len(text)
            batch_end += 1
        writer.commit(merge=False)
        batch_start = batch_end
        if progress is not None:
            progress(paragraphs[batch_end - 1].end / total)
    _check_document_numbers(whoosh_index, len(paragraphs))
    whoosh_index.close()
    meta = {
        "fingerprint": folded.document.fingerprint,
        "analysis_version": ANALYSIS_VERSION,
        "paragraphs": len(paragraphs),
        "files": {p.name: _file_digest(p) for p in sorted(workspace.iterdir()) if p.is_file()},
    }
    _write_durably(workspace / META_FILE, json.dumps(meta, indent=1))


def _check_document_numbers(whoosh_index: index.Index, paragraph_count: int) -> None:
    """Queries take a Whoosh document number for the paragraph number; make sure it is."""
    with whoosh_index.searcher() as searcher:
        numbers = [searcher.stored_fields(n)["paragraph"] for n in range(paragraph_count)]
    if numbers != list(range(paragraph_count)) or whoosh_index.doc_count() != paragraph_count:
        raise OSError("the index does not number paragraphs in order")


def _write_durably(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def _file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _remove_stale_builds(parent: Path) -> None:
    """Delete the workspaces of builds that died long ago (a crash, a kill)."""
    cutoff = time.time() - STALE_BUILD_SECONDS
    for workspace in parent.glob(".building-*"):
        try:
            if workspace.stat().st_mtime < cutoff:
                shutil.rmtree(workspace, ignore_errors=True)
        except OSError:
            continue


def _cannot_write(where: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"The search index cannot be saved in {where} ({reason}); searching without it."
