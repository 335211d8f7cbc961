"""Start-up stays lean: what each entry point has loaded, checked in a fresh interpreter.

These tests guard the start-up figures (benchmarks/bench_startup.py) structurally, never by the
clock: the window's first page must not wait for Whoosh, SQLite, the annotation store, the
command line or the exchange formats, and each command loads only its own world. A module added
to the window's first paint, or to `reader --version` / `reader toc`, fails here with its name.
Load such modules on first use (a function-level import) or after the first paint
(`reader.ui.after_paint`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NOT_BEFORE_THE_FIRST_PAGE = (
    "whoosh",
    "sqlite3",
    "urllib.request",
    "http.client",
    "email",
    "multiprocessing",
    "charset_normalizer",
    "opencc",
    "reader.cli",
    "reader.annotations.store",
    "reader.annotations.session",
    "reader.annotations.placement",
    "reader.annotations.exchange",
    "reader.search.library_analysis",
    "reader.search.library_index",
    "reader.search.library_build",
    "reader.search.library_searcher",
    "reader.search.searcher",
    "reader.sync",
    "reader.ui.sync_dialog",
    "reader.ui.notebook_view",
    "reader.annotations.notebook",
    "socket",
    "uuid",
)
"""What the window's first page never needs: the search index, the annotation store (opened
right after the page is painted), the command line, the exchange formats, the encoding detector
(UTF-8, GB and Big5 files decode without it), OpenCC (folding starts with the first search),
the Notebook's window and reading, the Sync dialog (and the `socket` it names the machine
with), `uuid` (a new annotation's id; it loads `platform`)."""

NOT_FOR_THE_VERSION = ("PySide6", "whoosh", "sqlite3", "reader.cli", "reader.document")
NOT_FOR_THE_CONTENTS = (
    "PySide6",
    "whoosh",
    "sqlite3",
    "urllib.request",
    "reader.annotations.store",
    "reader.annotations.session",
    "reader.annotations.exchange",
    "reader.search.library_index",
)

FIRST_PAINT_CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication
from reader.ui.reader_view import ReaderView

seen = []
original = ReaderView.paintEvent

def paint(self, event):
    original(self, event)
    if self.document().blockCount() > 1 and not seen:  # the first paint showing the text
        seen.append(sorted(sys.modules))
        QApplication.instance().quit()

ReaderView.paintEvent = paint
from reader.app.main import main

status = main(sys.argv[1:])
print(json.dumps(seen[0] if seen else None))
sys.exit(status)
"""

LIBRARY_CHECK_CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication
from reader.ui.library_search_link import LibrarySearchLink

original = LibrarySearchLink._update_if_used

def update(self):
    original(self)
    print(json.dumps(sorted(sys.modules)))
    QApplication.instance().quit()

LibrarySearchLink._update_if_used = update
from reader.app.main import main

sys.exit(main(sys.argv[1:]))
"""

COMMAND_CHILD = """
import json, sys
from reader.app.main import main

try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    """The forbidden packages (or any of their modules) found in `modules`."""
    return sorted(
        {name for name in forbidden for m in modules if m == name or m.startswith(name + ".")}
    )


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    return env


def modules_at_first_page(home: Path, *arguments: str) -> list[str]:
    """Every module loaded when `reader ARGUMENTS` first paints its page (offscreen)."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_CHILD, *arguments],
        env=child_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stdout.splitlines()[-1])
    assert modules is not None, f"the page was never painted:\n{done.stderr}"
    return list(modules)


def modules_of_command(home: Path, *arguments: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", COMMAND_CHILD, *arguments],
        env=child_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return list(json.loads(done.stderr.splitlines()[-1]))


def test_the_bundled_article_is_painted_before_search_and_the_store_load(tmp_path: Path) -> None:
    modules = modules_at_first_page(tmp_path)
    assert "reader.ui.window" in modules  # the probe really saw the window's page
    assert loaded(modules, NOT_BEFORE_THE_FIRST_PAGE) == []


def test_a_chinese_file_is_painted_before_search_and_the_store_load(
    tmp_path: Path, novel_path: Path
) -> None:
    modules = modules_at_first_page(tmp_path, str(novel_path))
    assert loaded(modules, NOT_BEFORE_THE_FIRST_PAGE) == []


def test_reader_version_loads_neither_qt_nor_the_core(tmp_path: Path) -> None:
    assert loaded(modules_of_command(tmp_path, "--version"), NOT_FOR_THE_VERSION) == []


def test_reader_toc_loads_neither_qt_nor_search_nor_the_store(
    tmp_path: Path, novel_path: Path
) -> None:
    modules = modules_of_command(tmp_path, "toc", str(novel_path))
    assert "reader.cli.read" in modules
    assert loaded(modules, NOT_FOR_THE_CONTENTS) == []


@pytest.mark.parametrize("command", ["search", "annotations"])
def test_each_command_loads_what_it_needs(tmp_path: Path, novel_path: Path, command: str) -> None:
    """The lazy imports are real: the commands that need the store or search still get them."""
    arguments = [command, "贾宝玉", str(novel_path)] if command == "search" else [command]
    modules = modules_of_command(tmp_path, *arguments)
    wanted = "reader.search.searcher" if command == "search" else "reader.annotations.session"
    assert wanted in modules


def test_with_no_library_index_the_first_page_is_not_followed_by_loading_whoosh(
    tmp_path: Path,
) -> None:
    """After the first page the window asks whether a library index needs keeping current:
    answering must not load Whoosh (a tenth of a second on the UI thread, before the rest of
    the window is final) when there is no index yet."""
    done = subprocess.run(
        [sys.executable, "-c", LIBRARY_CHECK_CHILD],
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stdout.splitlines()[-1])
    assert "reader.search.library_location" in modules  # the check itself ran
    assert loaded(modules, ("whoosh", "reader.search.library_index")) == []
