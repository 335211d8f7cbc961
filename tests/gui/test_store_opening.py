"""The annotation store opens on a worker thread after the first page, and nothing is lost.

Opening checks every row and may make a backup (about 300 ms with 10,000 annotations): run on
the UI thread it froze the window right after its first page. These tests record the thread
the opener runs on, and hold the worker inside the opener (a gate) to act while it is opening:
a highlight, closing the window. They wait on signals and events, never on the clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from reader.annotations.model import Colour
from reader.annotations.placement import OpenedAnnotations
from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.document.model import Document
from reader.ui.store_opening import StoreOpening
from reader.ui.window import MainWindow
from tests.gui.conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load

PASSAGE = "智算中心"
HANG_TIMEOUT_S = HANG_TIMEOUT_MS / 1000


class GatedServices(Services):
    """Services whose store opening records its thread and waits at a gate the test opens."""

    def __init__(self, paths: AppPaths) -> None:
        super().__init__(paths)
        self.asked = threading.Event()
        self.gate = threading.Event()
        self.threads: list[threading.Thread] = []

    def annotation_store_if_possible(self) -> tuple[AnnotationStore | None, list[str]]:
        self.threads.append(threading.current_thread())
        self.asked.set()
        assert self.gate.wait(HANG_TIMEOUT_S), "the test never opened the gate"
        return super().annotation_store_if_possible()


def gated_window(qtbot: QtBot, paths: AppPaths) -> tuple[MainWindow, GatedServices]:
    """A window on the bundled article whose store is being opened by a worker, held."""
    services = GatedServices(paths)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_TIMEOUT_MS)
    wait_for_load(qtbot, window, lambda: window.open_request(None))
    qtbot.waitUntil(services.asked.is_set, timeout=HANG_TIMEOUT_MS)
    return window, services


def test_the_store_opens_on_a_worker_thread(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    opening = window.annotations.opening
    assert opening is not None
    with qtbot.waitSignal(window.annotations.opened, timeout=HANG_TIMEOUT_MS):
        window.open_request(None)
    assert opening.opened_on is not None
    assert opening.opened_on is not threading.main_thread(), "the store opened on the UI thread"
    assert window.annotations.open_store() is not None
    assert window.annotations.opening is None  # taken once; never opened again


def test_a_highlight_made_while_the_store_is_opening_is_saved(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    window, services = gated_window(qtbot, app_paths)
    opening = window.annotations.opening
    assert opening is not None and not opening.done, "the worker should still be opening"
    assert window.annotations.pending is not None  # no session yet: the store is not there
    text = window.current_document().text  # type: ignore[union-attr]
    start = text.index(PASSAGE)

    services.gate.set()
    made = window.annotations.highlight(start, start + len(PASSAGE), Colour.BLUE)  # waits

    assert made is not None, "the highlight was not saved"
    assert window.view.annotation_keys_at(start + 1) == [made.id]
    with qtbot.waitSignal(opening.finished, timeout=HANG_TIMEOUT_MS):
        pass  # the worker's own announcement arrives late, and changes nothing
    assert [a.id for a in window.annotations.annotations] == [made.id]
    assert len(services.threads) == 1 and services.threads[0] is not threading.main_thread()
    window.close()
    with AnnotationStore.open(app_paths.data_dir) as store:
        (record,) = store.documents()
        assert [a.id for a in store.annotations(record.id)] == [made.id]


def test_closing_the_window_while_the_store_opens_still_records_the_document(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    window, services = gated_window(qtbot, app_paths)
    services.gate.set()
    window.close()  # waits for the worker, then records the document on the page
    with AnnotationStore.open(app_paths.data_dir) as store:
        assert len(store.documents()) == 1
    assert len(services.threads) == 1


def test_asked_before_any_worker_began_the_store_opens_at_once(qtbot: QtBot) -> None:
    """No waiting behind other jobs in the pool: the first to ask opens it."""
    parent = QObject()
    calls: list[threading.Thread] = []
    opening = StoreOpening(
        lambda: (calls.append(threading.current_thread()), (None, ["n"]))[1], parent
    )
    assert opening.result() == (None, ["n"])
    opening.start()  # a late worker finds it done and opens nothing
    assert opening.result() == (None, ["n"])
    assert calls == [threading.main_thread()]


def test_an_opener_that_raises_is_reported_not_hung(qtbot: QtBot) -> None:
    parent = QObject()

    def broken() -> tuple[AnnotationStore | None, list[str]]:
        raise RuntimeError("a bug")

    opening = StoreOpening(broken, parent)
    with qtbot.waitSignal(opening.finished, timeout=HANG_TIMEOUT_MS):
        opening.start()
    store, messages = opening.result()
    assert store is None
    assert messages and "a bug" in messages[0]


class GatedReading:
    """`placement.open_annotations` as the window's worker calls it, recording its thread and
    holding it at a gate the test opens (the session's own opening is not held)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from reader.annotations import placement

        self.threads: list[threading.Thread] = []
        self.asked, self.gate = threading.Event(), threading.Event()
        read = placement.open_annotations

        def gated(store: AnnotationStore, document: Document) -> OpenedAnnotations:
            self.threads.append(threading.current_thread())
            self.asked.set()
            assert self.gate.wait(HANG_TIMEOUT_S), "the test never opened the gate"
            return read(store, document)

        monkeypatch.setattr(placement, "open_annotations", gated)


def open_another_document(window: MainWindow, folder: Path, name: str) -> None:
    """Open the document `name` of `folder` (made at first), whose text holds `PASSAGE`."""
    path = folder / f"{name}.txt"
    if not path.exists():
        path.write_text(f"{name}\n\n这里也说{PASSAGE}的事。\n", encoding="utf-8")
    window.open_path(path)


def shown_with_annotations(qtbot: QtBot, window: MainWindow, start: Callable[[], None]) -> None:
    """Run `start`, which opens a document, and wait until its annotations are shown."""
    with qtbot.waitSignal(window.annotations.opened, timeout=HANG_TIMEOUT_MS):
        start()


def test_the_documents_annotations_are_read_on_a_worker(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With ten thousand annotations reading them froze the window after its first page."""
    window = make_window()
    shown_with_annotations(qtbot, window, lambda: window.open_request(None))
    shown_with_annotations(qtbot, window, lambda: open_another_document(window, tmp_path, "2"))
    text = window.current_document().text  # type: ignore[union-attr]
    made = window.annotations.highlight(text.index(PASSAGE), text.index(PASSAGE) + 4)
    assert made is not None
    shown_with_annotations(qtbot, window, lambda: open_another_document(window, tmp_path, "3"))
    reading = GatedReading(monkeypatch)
    reading.gate.set()  # the second document again: read on a worker
    shown_with_annotations(qtbot, window, lambda: open_another_document(window, tmp_path, "2"))

    assert reading.threads and reading.threads[0] is not threading.main_thread()
    assert [a.id for a in window.annotations.annotations] == [made.id]
    assert window.view.annotation_keys_at(made.start + 1) == [made.id]


def test_a_highlight_made_while_the_annotations_are_read_is_kept(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = make_window()
    shown_with_annotations(qtbot, window, lambda: window.open_request(None))
    reading = GatedReading(monkeypatch)
    open_another_document(window, tmp_path, "2")
    qtbot.waitUntil(reading.asked.is_set, timeout=HANG_TIMEOUT_MS)
    text = window.current_document().text  # type: ignore[union-attr]
    start = text.index(PASSAGE)

    made = window.annotations.highlight(start, start + len(PASSAGE))  # opens the session now
    session = window.annotations.session
    with qtbot.waitSignal(window.annotations._reading.read, timeout=HANG_TIMEOUT_MS):
        reading.gate.set()  # the worker's answer arrives late, and is dropped

    assert made is not None and window.annotations.session is session
    assert [a.id for a in window.annotations.annotations] == [made.id]
    assert window.view.annotation_keys_at(start + 1) == [made.id]
