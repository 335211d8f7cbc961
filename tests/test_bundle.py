"""The PyInstaller bundle works on its own: no network, no Python, no source tree.

Building takes minutes and a few hundred megabytes, so CI skips this module; run it with
``READER_TEST_BUNDLE=1 .venv/bin/python -m pytest tests/test_bundle.py -s`` (it builds the
bundle with packaging/build.sh when dist/reader is missing). As root it hides the source tree
and the network from the bundle with a private mount and network namespace.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist" / "reader"

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(
        os.environ.get("READER_TEST_BUNDLE") != "1", reason="set READER_TEST_BUNDLE=1 to build"
    ),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built bundle, outside the source tree."""
    if not (DIST / "reader").exists():
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], check=True)
    copy = tmp_path_factory.mktemp("bundle") / "reader"
    shutil.copytree(DIST, copy, symlinks=True)
    size = sum(p.stat().st_size for p in copy.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbundle size: {size / 1024 / 1024:.0f} MB")
    return copy


def isolated(command: list[str], home: Path) -> list[str]:
    """Run `command` without network and with the source tree hidden, where we can."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return command
    hide = f'mount -t tmpfs none {ROOT} && exec "$@"'
    return ["unshare", "--net", "--mount", "sh", "-c", hide, "sh", *command]


def run(bundle: Path, *arguments: str, env: dict[str, str] | None = None) -> tuple[str, float]:
    home = bundle.parent / "home"
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        **(env or {}),
    }
    started = time.perf_counter()
    result = subprocess.run(
        isolated([str(bundle / "reader"), *arguments], home),
        capture_output=True,
        text=True,
        env=environment,
        cwd=bundle.parent,
        timeout=120,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    return result.stdout, elapsed


def test_the_bundle_prints_the_articles_contents(bundle: Path) -> None:
    out, elapsed = run(bundle, "toc", "--json")
    toc = json.loads(out)
    print(f"bundle: reader toc --json took {elapsed:.2f} s")
    assert toc["title"] == "從大模型到AI算力再到智算中心"
    assert len(toc["sections"]) == 5


def test_the_bundle_searches_the_article(bundle: Path) -> None:
    out, elapsed = run(bundle, "search", "哈尔滨", "--json")
    hits = json.loads(out)
    print(f"bundle: reader search took {elapsed:.2f} s (index built)")
    assert hits and all(h["text"] == "哈爾濱" for h in hits)
    assert hits[0]["section"].startswith("智算自主")


def test_the_bundle_shows_the_article_in_its_window(bundle: Path) -> None:
    out, elapsed = run(bundle, env={"READER_SMOKE_TEST": "1"})
    shown = json.loads(out.strip().splitlines()[-1])
    print(f"bundle: window start to article shown and closed {elapsed:.2f} s")
    assert shown["title"] == "從大模型到AI算力再到智算中心 — Reader"
    assert (shown["paragraphs"], shown["contents"], shown["error"]) == (35, 6, "")
