"""Search Everything: one query over every document and note, as you type, opened at the hit.

Real windows, a real annotation store on disk with the corpus article and a small text written
here, real library index builds in a child process. Every wait is on a signal or a condition.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.search.library_index import LibraryIndex, LibraryIndexError, library_index_directory
from reader.search.library_model import HitKind
from reader.ui.library_search_link import LibrarySearchLink
from reader.ui.library_search_model import DocumentRow, HitRow, MoreRow
from reader.ui.library_search_session import LibraryAnswer
from reader.ui.library_search_window import LibrarySearchView
from reader.ui.window import MainWindow
from tests.notebook_store import TwoDocuments, annotate_two_documents

from .conftest import HANG_TIMEOUT_MS, INDEX_BUILD_TIMEOUT_MS, MakeWindow, wait_for_load
from .test_search_panel import type_text


@pytest.fixture
def two(app_paths: AppPaths, article_path: Path, tmp_path: Path) -> TwoDocuments:
    """The article and a small Traditional text, with notes on both, in the user's store."""
    with AnnotationStore.open(app_paths.data_dir) as store:
        return annotate_two_documents(store, article_path, tmp_path / "texts")


def open_search_everything(qtbot: QtBot, window: MainWindow) -> LibrarySearchView:
    """Ctrl+Shift+F, as the menu item runs it."""
    window.commands.by_id["search_all"].trigger()
    view = window.library_search.view
    assert view is not None
    qtbot.addWidget(view)
    qtbot.waitExposed(view, timeout=HANG_TIMEOUT_MS)
    return view


def ask(qtbot: QtBot, link: LibrarySearchLink, view: LibrarySearchView, text: str) -> LibraryAnswer:
    """Type `text` and press Enter; the answer to exactly this query."""
    view.query_edit.clear()
    with qtbot.waitSignal(
        link.session.answered,
        timeout=HANG_TIMEOUT_MS,
        check_params_cb=lambda answer: answer.result.query_text == text,
    ) as answered:
        type_text(view.query_edit, text)
        qtbot.keyClick(view.query_edit, Qt.Key.Key_Return)
    answer = answered.args[0]
    assert isinstance(answer, LibraryAnswer)
    return answer


def wait_for_build(qtbot: QtBot, link: LibrarySearchLink) -> None:
    """Wait until no build is running (and the last one ended well)."""
    qtbot.waitUntil(lambda: not link.indexer.building, timeout=INDEX_BUILD_TIMEOUT_MS)
    assert link.indexer.ready


def answered_from_the_index(qtbot: QtBot, link: LibrarySearchLink, view: LibrarySearchView) -> None:
    """Wait for the build, then for the answer the window asks again once it is built."""
    qtbot.waitUntil(
        lambda: not link.indexer.building and "library index." in view.status.text(),
        timeout=INDEX_BUILD_TIMEOUT_MS,
    )


def test_typing_shows_documents_best_first_with_their_hits_and_a_note_hit(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments
) -> None:
    view = open_search_everything(qtbot, window)
    assert view.pages.currentWidget() is view.empty and "every note" in view.empty.text()
    with qtbot.waitSignal(window.library_search.session.answered, timeout=HANG_TIMEOUT_MS):
        type_text(view.query_edit, "算力")  # as typed: answered after the pause, no Enter
    rows = view.model.rows()
    documents = [row.group.document.title for row in rows if isinstance(row, DocumentRow)]
    assert sorted(documents) == sorted([two.article.title, two.small.title])
    notes = [row for row in rows if isinstance(row, HitRow) and row.hit.kind is HitKind.NOTE]
    by_quote = {row.quote.text: row for row in notes if row.quote is not None}
    on_article = by_quote["智算中心"]  # the note "算力的基礎設施" matches in Traditional
    assert on_article.note is not None and on_article.note.text == "算力的基礎設施"
    marked = on_article.note.text[on_article.note.start : on_article.note.end]
    assert marked == "算力" and on_article.hit.colour == "yellow"
    assert by_quote["鐘聲"].document.title == two.small.title  # found through its tag
    texts = [row for row in rows if isinstance(row, HitRow) and row.hit.kind is HitKind.TEXT]
    assert texts and all(r.snippet.text[r.snippet.start : r.snippet.end] == "算力" for r in texts)
    assert view.results.currentIndex().row() == 1  # the best hit, ready for Enter
    assert "hits in 2 of 2 documents." in view.status.text()


def test_enter_opens_the_other_document_at_the_hit_with_every_hit_marked(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments
) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(two.article.source))
    view = open_search_everything(qtbot, window)
    link = window.library_search
    answer = ask(qtbot, link, view, "和尚")
    [group] = answer.result.groups
    assert group.document.title == two.small.title and len(group.hits) == 2
    second = group.hits[1]
    view.results.setCurrentIndex(view.model.index(2))
    with qtbot.waitSignal(link.jump.arrived, timeout=HANG_TIMEOUT_MS):
        qtbot.keyClick(view.results, Qt.Key.Key_Return)
    document = window.current_document()
    assert document is not None and document.source == two.small.source
    search = window.search
    assert search.result is not None and search.result.query.text == "和尚"
    assert [hit.start for hit in search.result.in_reading_order()] == sorted(
        hit.start for hit in group.hits
    )
    assert search.current_hit is not None and search.current_hit.start == second.start
    assert window.panels.search_dock.isVisible() and window.search_panel.counter.text() == "2 of 2"
    assert document.text[second.start : second.end] == "和尚"


def test_a_note_hit_opens_at_its_annotation(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments
) -> None:
    view = open_search_everything(qtbot, window)
    link = window.library_search
    answer = ask(qtbot, link, view, "基础设施")  # only in the note, in Traditional
    [group] = answer.result.groups
    [hit] = group.hits
    assert hit.kind is HitKind.NOTE
    with qtbot.waitSignal(link.jump.arrived, timeout=HANG_TIMEOUT_MS):
        view.results.doubleClicked.emit(view.model.index(1))
    document = window.current_document()
    assert document is not None and document.fingerprint == two.article.fingerprint
    [annotation] = [a for a in two.on_article if a.note == "算力的基礎設施"]
    assert hit.annotation_id == annotation.id and hit.start == annotation.start
    assert window.view.top_offset() <= hit.start


def test_stale_answers_are_dropped_when_typing_fast(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments
) -> None:
    view = open_search_everything(qtbot, window)
    session = window.library_search.session
    shown: list[str] = []
    session.answered.connect(lambda answer: shown.append(answer.result.query_text))
    type_text(view.query_edit, "寺")
    qtbot.keyClick(view.query_edit, Qt.Key.Key_Return)
    assert session.wait_until_idle(HANG_TIMEOUT_MS)  # answered, its answer not yet delivered
    with qtbot.waitSignal(session.answered, timeout=HANG_TIMEOUT_MS):
        type_text(view.query_edit, "廟")  # the next key before the first answer is shown
        qtbot.keyClick(view.query_edit, Qt.Key.Key_Return)
    assert shown == ["寺廟"] and session.answers_dropped == 1
    rows = view.model.rows()
    assert all(
        r.snippet.text[r.snippet.start : r.snippet.end] in ("寺廟", "寺庙")
        for r in rows
        if isinstance(r, HitRow) and r.hit.kind is HitKind.TEXT
    )


def test_the_build_runs_in_the_background_then_answers_come_from_the_index(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments, app_paths: AppPaths
) -> None:
    view = open_search_everything(qtbot, window)
    link = window.library_search
    assert link.indexer.building
    assert "Building the library index: 0% done." in view.status.text()
    progress: list[float] = []
    link.indexer.progress.connect(progress.append)
    type_text(view.query_edit, "寺廟")
    qtbot.keyClick(view.query_edit, Qt.Key.Key_Return)
    answered_from_the_index(qtbot, link, view)
    assert progress and progress[-1] == 1.0
    assert "Answered from the library index." in view.status.text()
    assert "Building" not in view.status.text()
    directory = library_index_directory(app_paths.cache_dir)
    assert (directory / "manifest.json").exists()
    answer = ask(qtbot, link, view, "鐘聲")
    assert answer.result.from_index and answer.result.note == ""


def test_an_edited_note_is_found_after_its_commit(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments, app_paths: AppPaths
) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(two.small.source))
    view = open_search_everything(qtbot, window)
    link = window.library_search
    wait_for_build(qtbot, link)
    temple = two.on_small[0]
    qtbot.waitUntil(lambda: window.annotations.find(temple.id) is not None)
    assert window.annotations.edit_note(temple.id, "秋窗风雨夕的笔记")

    qtbot.waitUntil(
        lambda: "秋窗风雨夕的笔记" in searchable_of_index(app_paths, temple.id),
        timeout=INDEX_BUILD_TIMEOUT_MS,
    )
    answer = ask(qtbot, link, view, "秋窗")
    [group] = answer.result.groups
    [hit] = group.hits
    assert hit.kind is HitKind.NOTE and hit.note == "秋窗风雨夕的笔记"


def searchable_of_index(app_paths: AppPaths, annotation_id: str) -> str:
    """The text the index holds for a note (read through Whoosh, as the searcher does)."""
    from whoosh.query import Term

    try:
        library_index = LibraryIndex.open(app_paths.cache_dir)
    except LibraryIndexError:
        return ""
    try:
        notes, _chunks = library_index.candidates(Term("annotation", annotation_id))
        return " ".join(candidate.body for candidate in notes)
    finally:
        library_index.close()


def test_an_index_deleted_while_searching_falls_back_to_scanning_and_is_rebuilt(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments, app_paths: AppPaths
) -> None:
    view = open_search_everything(qtbot, window)
    link = window.library_search
    wait_for_build(qtbot, link)
    assert ask(qtbot, link, view, "寺廟").result.from_index
    shutil.rmtree(library_index_directory(app_paths.cache_dir))
    answer = ask(qtbot, link, view, "和尚")
    assert not answer.result.from_index
    assert [len(group.hits) for group in answer.result.groups] == [2]  # nothing lost
    status = view.status.text()
    assert "The library index is missing or incomplete." in status
    assert "2 of 2 documents scanned until the library index is ready." in status
    assert "Building the library index" in status  # and it is made again
    answered_from_the_index(qtbot, link, view)
    assert "Answered from the library index." in view.status.text()


def test_a_ten_thousand_character_query_is_answered_with_a_clear_message(
    qtbot: QtBot, window: MainWindow, two: TwoDocuments
) -> None:
    view = open_search_everything(qtbot, window)
    link = window.library_search
    long_query = ("寺廟和尚" * 2_500)[:10_000]
    with qtbot.waitSignal(link.session.answered, timeout=HANG_TIMEOUT_MS):
        view.query_edit.setText(long_query)  # pasted
        qtbot.keyClick(view.query_edit, Qt.Key.Key_Return)
    assert view.pages.currentWidget() is view.empty
    message = view.empty.text()
    assert "(a query of 10,000 characters)" in message
    assert "“寺廟和尚寺廟和尚" in message and "…”" in message and len(message) < 300
    assert window.isVisible() and view.isVisible()


def test_empty_library_and_nothing_found(qtbot: QtBot, window: MainWindow) -> None:
    view = open_search_everything(qtbot, window)
    link = window.library_search
    ask(qtbot, link, view, "寺廟")
    assert view.empty.text() == "Your library is empty: every document you open joins it."


def test_many_hits_in_one_document_are_capped_with_a_row_saying_how_many_more(
    qtbot: QtBot, make_window: MakeWindow, novel_path: Path, app_paths: AppPaths
) -> None:
    window = make_window()
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    qtbot.waitUntil(lambda: window.annotations.record is not None, timeout=HANG_TIMEOUT_MS)
    view = open_search_everything(qtbot, window)
    answer = ask(qtbot, window.library_search, view, "黛玉")
    rows = view.model.rows()
    [more] = [row for row in rows if isinstance(row, MoreRow)]
    [group] = answer.result.groups
    assert more.hidden == group.count - 50 and more.hit == group.hits[50]
    # The search process hands the window the hits it shows and the one to go to, not all.
    assert len(group.hits) == 51 and group.count > 1_000
    assert "hits in 1 of 1 documents." in view.status.text()
    assert f"{group.count:,} hits in 1 of 1" in view.status.text()


def test_a_reader_who_never_searches_everything_starts_no_build(
    qtbot: QtBot, window: MainWindow, article_path: Path, app_paths: AppPaths
) -> None:
    """A build child costs memory and CPU: documents keep an index current only once the
    user has one (or has Search Everything open)."""
    wait_for_load(qtbot, window, lambda: window.open_path(article_path))
    link = window.library_search
    link._update_if_used()  # what runs after each document's first paint
    assert not link._build_timer.isActive() and not link.indexer.building
    library_index_directory(app_paths.cache_dir).mkdir(parents=True)  # one made earlier
    link._update_if_used()
    assert link._build_timer.isActive()
    link._build_timer.stop()
