"""Searching one document: through its index when there is one, by scanning when not.

The searcher never fails a query because of the index. While the index is missing, being
built, or found damaged, it answers by scanning the folded text (exactly the same hits, only
slower on big books) and says so in the result's note; `ensure_index` builds or rebuilds it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from reader.document.model import Document
from reader.search.folded import FoldedDocument
from reader.search.index import (
    IndexUnavailableError,
    Progress,
    SearchIndex,
    index_directory,
)
from reader.search.query import ParsedQuery, parse_query
from reader.search.results import Method, SearchResult, rank_and_collect


class IndexState(Enum):
    """Where the document's index stands."""

    MISSING = "missing"
    READY = "ready"
    UNAVAILABLE = "unavailable"


class DocumentSearcher:
    """Answers queries over one document; safe to query from one thread while another builds."""

    def __init__(self, document: Document, cache_dir: Path | None) -> None:
        self.folded = FoldedDocument(document)
        self._directory = (
            None if cache_dir is None else index_directory(cache_dir, document.fingerprint)
        )
        self._index: SearchIndex | None = None
        self.state = IndexState.MISSING if cache_dir else IndexState.UNAVAILABLE
        self.problem = "" if cache_dir else "No cache directory: searching without an index."

    @property
    def index_ready(self) -> bool:
        """True when queries are answered through the index."""
        return self._index is not None

    @property
    def document(self) -> Document:
        """The document searched."""
        return self.folded.document

    def open_index(self) -> bool:
        """Open an existing, intact index; True on success. A damaged one is removed."""
        if self._directory is None:
            return False
        try:
            self._use(SearchIndex.open(self._directory, self.folded))
        except IndexUnavailableError as error:
            if self._directory.exists():
                self._discard(str(error))
            return False
        return True

    def ensure_index(
        self, progress: Progress | None = None, should_stop: Callable[[], bool] | None = None
    ) -> None:
        """Open the index, or build it (raises `IndexUnavailableError` if it cannot be built)."""
        if self._directory is None or self.open_index():
            return
        try:
            built = SearchIndex.build(self.folded, self._directory, progress, should_stop)
        except IndexUnavailableError as error:
            self.state, self.problem = IndexState.UNAVAILABLE, str(error)
            raise
        self._use(built)

    def mark_unavailable(self, problem: str) -> None:
        """Record that the index cannot be built (it was tried elsewhere, e.g. in a child)."""
        if self._index is None:
            self.state, self.problem = IndexState.UNAVAILABLE, problem

    def search(self, text: str) -> SearchResult:
        """Search for `text` (see `reader.search.query` for the syntax)."""
        return self.search_parsed(parse_query(text))

    def search_parsed(self, query: ParsedQuery) -> SearchResult:
        """Search for an already parsed query."""
        if query.is_empty:
            return rank_and_collect(self.folded, query, {}, Method.SCAN, "Nothing to search.")
        index = self._index
        if index is not None:
            try:
                candidates = index.candidates(query)
            except IndexUnavailableError as error:
                if self._index is index:  # not merely closed under us by another thread
                    self._discard(str(error))
            else:
                if candidates is None:  # nothing indexable: every paragraph is a candidate
                    return self._scan(query, "")
                matching = self.folded.scan(query, candidates)
                scores = {paragraph: candidates[paragraph] for paragraph in matching}
                return rank_and_collect(self.folded, query, scores, Method.INDEX)
        return self._scan(query, self._scan_note())

    def close(self) -> None:
        """Release the index files."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def _scan(self, query: ParsedQuery, note: str) -> SearchResult:
        matching = self.folded.scan(query)
        scores = {
            paragraph: float(sum(self.folded.paragraph(paragraph).count(t) for t in query.required))
            for paragraph in matching
        }
        return rank_and_collect(self.folded, query, scores, Method.SCAN, note)

    def _scan_note(self) -> str:
        """Why this answer came from a scan: the index's problem if it had one."""
        if self.problem:
            return self.problem
        return "Results from a full scan until the search index is ready."

    def _use(self, index: SearchIndex) -> None:
        self.close()
        self._index = index
        self.state, self.problem = IndexState.READY, ""

    def _discard(self, reason: str) -> None:
        """Forget a damaged index and delete it, so the next `ensure_index` rebuilds it."""
        self.close()
        self.state, self.problem = IndexState.MISSING, reason + " It will be rebuilt."
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
