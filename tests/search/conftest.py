"""Search fixtures: the real corpus, its searchers and its brute-force reference, made once."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.document.loader import load_document
from reader.document.model import Document
from reader.search.searcher import DocumentSearcher
from tests.search.reference import Reference


@pytest.fixture(scope="session")
def article(article_path: Path) -> Document:
    return load_document(article_path)


@pytest.fixture(scope="session")
def novel(novel_path: Path) -> Document:
    return load_document(novel_path)


@pytest.fixture(scope="session")
def article_searcher(article: Document) -> DocumentSearcher:
    return DocumentSearcher(article)


@pytest.fixture(scope="session")
def novel_searcher(novel: Document) -> DocumentSearcher:
    return DocumentSearcher(novel)


@pytest.fixture(scope="session")
def article_reference(article: Document) -> Reference:
    return Reference(article)


@pytest.fixture(scope="session")
def novel_reference(novel: Document) -> Reference:
    return Reference(novel)
