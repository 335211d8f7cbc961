"""Shared fixtures: an isolated home for every test, and the real corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests import unprivileged

# Widget tests run without a display; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Hypothesis times every example (200 ms deadline) and its data generation (the too_slow health
# check): wall-clock budgets that fail on a loaded machine. Properties are checked, not speed.
settings.register_profile("reader", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("reader")

CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
ARTICLE = CORPUS_DIR / "000_b4732b532e84408a.txt"
NOVEL = CORPUS_DIR / "hongloumeng.txt"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run a test marked `unprivileged` where file permissions apply (see tests/unprivileged.py).

    Returns None to let pytest call the test here, True when a child ran it instead.
    """
    if pyfuncitem.get_closest_marker("unprivileged") is None or unprivileged.permissions_apply():
        return None
    if unprivileged.in_child():
        pytest.fail("The child meant to run without root's file access still has it.")
    wrapper, problem = unprivileged.usable_wrapper()
    if wrapper is None:
        reason = f"root ignores file permissions and none could be dropped here ({problem})"
        if unprivileged.in_ci():
            pytest.fail(f"CI must run this permission test, but {reason}.", pytrace=False)
        pytest.skip(reason)
    child = unprivileged.run_test_in_child(wrapper, pyfuncitem.nodeid)
    if child.returncode == 0 and "1 passed" in child.stdout:
        return True
    output = f"{child.stdout}\n{child.stderr}"
    if child.returncode == 0 and "1 skipped" in child.stdout:
        pytest.skip(f"As {wrapper.name}, the test skipped itself:\n{output}")
    pytest.fail(f"As {wrapper.name}, the test failed:\n{output}", pytrace=False)


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
