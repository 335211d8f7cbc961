"""The composition root hands out one annotation store, whichever threads ask for it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.app.services import Services

HANG_TIMEOUT_S = 120


def test_two_threads_asking_at_once_get_one_store(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window opens the store on a worker while the UI thread may ask too: one opening."""
    opened_inside, gate = threading.Event(), threading.Event()
    calls: list[threading.Thread] = []
    real_open = AnnotationStore.open

    def held_open(data_dir: Path, *, read_only: bool = False) -> AnnotationStore:
        calls.append(threading.current_thread())
        opened_inside.set()
        assert gate.wait(HANG_TIMEOUT_S)
        return real_open(data_dir, read_only=read_only)

    monkeypatch.setattr(AnnotationStore, "open", held_open)
    services = Services(AppPaths.from_environment())
    answers: list[AnnotationStore | None] = []
    first = threading.Thread(target=lambda: answers.append(services.annotation_store()))
    first.start()
    assert opened_inside.wait(HANG_TIMEOUT_S)
    second = threading.Thread(
        target=lambda: answers.append(services.annotation_store_if_possible()[0])
    )
    second.start()
    gate.set()
    first.join(HANG_TIMEOUT_S)
    second.join(HANG_TIMEOUT_S)
    services.close()
    assert len(calls) == 1, "the store was opened twice"
    assert len(answers) == 2 and answers[0] is answers[1]
