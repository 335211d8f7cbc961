"""Search fixtures: the real corpus, indexed once per session, with its brute-force reference.

The session indexes live in their own cache folder (never the per-test XDG one) and must not be
damaged by any test: fault tests build and break indexes of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.document.loader import load_document
from reader.document.model import Document
from reader.search.searcher import DocumentSearcher, IndexState
from tests.search.reference import Reference


@pytest.fixture(scope="session")
def article(article_path: Path) -> Document:
    return load_document(article_path)


@pytest.fixture(scope="session")
def novel(novel_path: Path) -> Document:
    return load_document(novel_path)


@pytest.fixture(scope="session")
def session_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An XDG_CACHE_HOME holding the session's indexes (the reader adds `reader/`)."""
    return tmp_path_factory.mktemp("session-cache")


def _indexed(document: Document, cache_home: Path) -> Iterator[DocumentSearcher]:
    searcher = DocumentSearcher(document, cache_home / "reader")
    searcher.ensure_index()
    assert searcher.state is IndexState.READY
    yield searcher
    searcher.close()


@pytest.fixture(scope="session")
def article_searcher(article: Document, session_cache_home: Path) -> Iterator[DocumentSearcher]:
    yield from _indexed(article, session_cache_home)


@pytest.fixture(scope="session")
def novel_searcher(novel: Document, session_cache_home: Path) -> Iterator[DocumentSearcher]:
    """The novel's index: built once per session (about 7 s)."""
    yield from _indexed(novel, session_cache_home)


@pytest.fixture(scope="session")
def article_scanner(article: Document) -> DocumentSearcher:
    """A searcher without a cache directory: it always scans."""
    return DocumentSearcher(article, None)


@pytest.fixture(scope="session")
def novel_scanner(novel: Document) -> DocumentSearcher:
    return DocumentSearcher(novel, None)


@pytest.fixture(scope="session")
def article_reference(article: Document) -> Reference:
    return Reference(article)


@pytest.fixture(scope="session")
def novel_reference(novel: Document) -> Reference:
    return Reference(novel)
