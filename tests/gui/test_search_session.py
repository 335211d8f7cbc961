"""Typing fast in the find box: a query overtaken by a newer one before the worker reaches it
is never answered, and only the newest answer is shown."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from reader.document.loader import load_document
from reader.search.results import SearchResult
from reader.ui.search_session import SearchSession
from reader.ui.workers import run_in_background

from .conftest import HANG_TIMEOUT_MS


def test_queries_overtaken_while_the_worker_is_busy_are_skipped(
    qtbot: QtBot, novel_path: Path
) -> None:
    session = SearchSession()
    session.set_document(load_document(novel_path))
    qtbot.waitUntil(lambda: session.searcher is not None, timeout=HANG_TIMEOUT_MS)
    busy = threading.Event()
    # The worker busy with something else (a long answer) while three keys arrive:
    run_in_background(lambda: busy.wait(HANG_TIMEOUT_MS / 1000), session._pool)
    shown: list[SearchResult] = []
    session.results_ready.connect(shown.append)
    for query in ("宝", "宝玉", "宝玉 黛玉"):
        session.search(query)
    with qtbot.waitSignal(session.results_ready, timeout=HANG_TIMEOUT_MS):
        busy.set()
    qtbot.waitUntil(lambda: session.queries_skipped == 2, timeout=HANG_TIMEOUT_MS)
    assert [result.query.text for result in shown] == ["宝玉 黛玉"]
    assert len(shown[0].hits) > 1000
    session.shutdown()
