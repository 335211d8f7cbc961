"""Search Everything never works on the window's thread: answers are searched in a child
process and their rows made on a worker, the index build is started and its end collected
off the window's thread. Asserted structurally (which thread, which process), never by time.
"""

from __future__ import annotations

import os
import signal
import threading
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.search import library_build
from reader.search.library_model import HitKind
from reader.ui import library_search_model
from reader.ui.library_search_model import HitRow, Row
from reader.ui.window import MainWindow
from tests.notebook_store import TwoDocuments, annotate_two_documents

from .test_library_search import ask, open_search_everything, wait_for_build


@pytest.fixture
def two(app_paths: AppPaths, article_path: Path, tmp_path: Path) -> TwoDocuments:
    with AnnotationStore.open(app_paths.data_dir) as store:
        return annotate_two_documents(store, article_path, tmp_path / "texts")


def on_ui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_answers_are_searched_in_a_child_and_their_rows_made_on_a_worker(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_on_ui_thread: list[bool] = []
    rows_of = library_search_model.rows_of

    def recording(answer: library_search_model.LibraryAnswer) -> list[Row]:
        made_on_ui_thread.append(on_ui_thread())
        return rows_of(answer)

    monkeypatch.setattr(library_search_model, "rows_of", recording)
    view = open_search_everything(qtbot, window)
    link = window.library_search
    answer = ask(qtbot, link, view, "算力")
    assert made_on_ui_thread and not any(made_on_ui_thread)
    assert view.model.rows() == list(answer.rows)  # the window only swapped them in
    notes = [r for r in answer.rows if isinstance(r, HitRow) and r.hit.kind is HitKind.NOTE]
    assert notes and all(r.note is not None and r.note.end > r.note.start for r in notes)
    searcher = link.session.search_process
    assert searcher is not None and searcher != os.getpid()


def test_a_search_process_that_died_is_replaced_and_the_query_answered(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments
) -> None:
    view = open_search_everything(qtbot, window)
    link = window.library_search
    before = ask(qtbot, link, view, "和尚")
    killed = link.session.search_process
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    after = ask(qtbot, link, view, "和尚")
    assert [g.count for g in after.result.groups] == [g.count for g in before.result.groups] == [2]
    assert link.session.search_process not in (None, killed)
    assert view.message_bar.isHidden()


def test_the_build_is_started_and_its_end_collected_off_the_ui_thread(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handing a library with many notes to the child blocks until the child, still starting
    Python, reads it; waiting for the child to exit takes as long as its interpreter's end."""
    started: list[tuple[bool, BaseProcess]] = []
    joined_on_ui_thread: list[bool] = []
    start_update, join = library_build.start_update, BaseProcess.join

    def recording_start(*arguments: object) -> tuple[BaseProcess, object]:
        child, messages = start_update(*arguments)  # type: ignore[arg-type]
        started.append((on_ui_thread(), child))
        return child, messages

    def recording_join(process: BaseProcess, timeout: float | None = None) -> None:
        joined_on_ui_thread.append(on_ui_thread())
        join(process, timeout)

    monkeypatch.setattr(library_build, "start_update", recording_start)
    monkeypatch.setattr(BaseProcess, "join", recording_join)
    view = open_search_everything(qtbot, window)
    link = window.library_search
    wait_for_build(qtbot, link)  # (the article's first page may have asked for a second)
    assert started and not any(ui_thread for ui_thread, _child in started)
    qtbot.waitUntil(lambda: all(child.exitcode is not None for _ui, child in started))
    assert all(child.exitcode == 0 for _ui, child in started)
    assert not any(joined_on_ui_thread)
    assert ask(qtbot, link, view, "寺廟").result.from_index


def test_adding_a_folder_reads_its_files_in_a_child_process(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a folder of novels on a worker thread stalled the window (the interpreter lock,
    garbage collections): the screen's adding reads them in a child, saving them here."""
    from reader.library import adding
    from tests.conftest import CORPUS_DIR

    from .test_library_view import add_and_wait

    read_here: list[Path] = []
    read = adding.read_for_library
    monkeypatch.setattr(
        adding, "read_for_library", lambda path: read_here.append(path) or read(path)
    )
    folder = tmp_path / "books"
    folder.mkdir()
    for name in ("道德经.txt", "论语.txt"):
        (folder / name).write_bytes((CORPUS_DIR / "library" / name).read_bytes())
    (folder / "broken.txt").write_bytes(bytes(range(256)) * 40)
    assert add_and_wait(qtbot, window, folder) == "2 added, 1 skipped: not text"
    assert read_here == []  # not one file was read in the window's process
