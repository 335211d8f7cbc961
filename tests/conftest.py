"""Shared fixtures: an isolated home for every test, and the real corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Widget tests run without a display; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
ARTICLE = CORPUS_DIR / "000_b4732b532e84408a.txt"
NOVEL = CORPUS_DIR / "hongloumeng.txt"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every XDG directory into the test's own folder, so no test sees the user's data."""
    home = tmp_path / "home"
    for variable, folder in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(variable, str(home / folder))
    return home


@pytest.fixture(scope="session")
def article_path() -> Path:
    """The bundled article as it sits in the shared corpus."""
    if not ARTICLE.exists():
        pytest.fail(f"The shared corpus is missing: {ARTICLE}")
    return ARTICLE


@pytest.fixture(scope="session")
def novel_path() -> Path:
    """《红楼梦》, the 2.6 MB scale case."""
    if not NOVEL.exists():
        pytest.fail(f"The shared corpus is missing: {NOVEL}")
    return NOVEL
