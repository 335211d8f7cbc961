"""The Notebook window: every annotation of every document, filtered, followed, exported, and a
click away from its place in the text. Real windows, real stores on disk, the real corpus."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from reader.annotations.model import Annotation, Colour, annotate
from reader.annotations.notebook import NotebookDocument, read_notebook
from reader.annotations.session import AnnotationSession
from reader.annotations.store import AnnotationStore
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.search.folding import fold
from reader.ui.notebook_delegate import NotebookDelegate
from reader.ui.notebook_model import FOLDED_ROLE
from reader.ui.notebook_view import EMPTY_NOTEBOOK, NotebookView
from reader.ui.theme import THEMES, highlight_colour
from reader.ui.window import MainWindow
from tests.notebook_store import TwoDocuments, annotate_two_documents

from .conftest import HANG_TIMEOUT_MS, wait_for_load
from .test_search_panel import type_text


@pytest.fixture
def two(app_paths: AppPaths, article_path: Path, tmp_path: Path) -> TwoDocuments:
    """Annotations in two documents, through a connection of their own (closed again): the
    window opens the store itself, as the app does, and sees them as another process's."""
    with AnnotationStore.open(app_paths.data_dir) as store:
        return annotate_two_documents(store, article_path, tmp_path / "texts")


@contextlib.contextmanager
def another_connection(app_paths: AppPaths) -> Iterator[AnnotationStore]:
    with AnnotationStore.open(app_paths.data_dir) as store:
        yield store


def open_window(qtbot: QtBot, app_paths: AppPaths, store: AnnotationStore | None) -> MainWindow:
    window = MainWindow(Services(app_paths, store=store))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_TIMEOUT_MS)
    return window


@pytest.fixture
def reader(qtbot: QtBot, app_paths: AppPaths) -> MainWindow:
    return open_window(qtbot, app_paths, None)


def show_notebook(qtbot: QtBot, window: MainWindow) -> NotebookView:
    """View › Notebook, as the menu item runs it."""
    window.commands.by_id["notebook"].trigger()
    view = window.notebook.view
    assert view is not None
    qtbot.addWidget(view)
    qtbot.waitExposed(view, timeout=HANG_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.notebook.reading, timeout=HANG_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not view.filtering.busy, timeout=HANG_TIMEOUT_MS)
    return view


def shown_quotes(view: NotebookView) -> list[list[str]]:
    """The quotes of the rows shown, by document (the rows, not the model's documents)."""
    model, shown = view.model, []
    for row in range(model.rowCount()):
        annotation = model.annotation_at(model.index(row, 0))
        if annotation is None:
            shown.append([])
        else:
            shown[-1].append(annotation.quote.exact)
    return shown


def wait_until_shown(qtbot: QtBot, view: NotebookView, quotes: list[list[str]]) -> None:
    """Until the filters' answer is on screen (filtering runs on a worker)."""
    qtbot.waitUntil(lambda: shown_quotes(view) == quotes, timeout=HANG_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not view.filtering.busy, timeout=HANG_TIMEOUT_MS)


def row_of(view: NotebookView, annotation: Annotation) -> QModelIndex:
    index = view.annotation_index(annotation.id)
    assert index.isValid()
    view.entries.scrollTo(index)
    return index


def click(qtbot: QtBot, view: NotebookView, annotation: Annotation) -> None:
    rect = view.entries.visualRect(row_of(view, annotation))
    qtbot.mouseClick(view.entries.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def wait_until_shown_at(qtbot: QtBot, window: MainWindow, annotation: Annotation) -> None:
    """Until the annotation's document is on the page, scrolled so the annotation is in view."""

    def there() -> None:
        record = window.annotations.record
        assert record is not None and record.id == annotation.document_id
        top = window.view.top_offset()
        assert top <= annotation.start <= top + 3000

    qtbot.waitUntil(there, timeout=HANG_TIMEOUT_MS)


def test_every_annotation_is_listed_by_document_with_its_count(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    view = show_notebook(qtbot, reader)

    assert view.isVisible() and view.pages.currentWidget() is view.entries
    assert shown_quotes(view) == [
        [a.quote.exact for a in two.on_small],
        [a.quote.exact for a in two.on_article],
    ]
    titles = [view.model.index(row, 0).data() for row in view.model.document_rows()]
    assert titles[0].startswith(f"{two.small.title}, 2 annotations")
    assert view.count.text() == "5 annotations in 2 documents"
    assert view.model.document_rows() == [0, 3]  # every document's annotations are shown


def test_filters_by_folded_text_colour_and_tag(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    view = show_notebook(qtbot, reader)

    type_text(view.filter, "寺庙")  # Simplified; the text says 寺廟
    qtbot.waitUntil(lambda: shown_quotes(view) == [["寺廟"]], timeout=HANG_TIMEOUT_MS)
    assert view.count.text() == "1 of 5 annotations shown, in 1 document"
    view.filter.clear()
    view.colour.setCurrentIndex(view.colour.findData(Colour.YELLOW.value))
    qtbot.waitUntil(lambda: shown_quotes(view) == [["鐘聲"], ["智算中心"]], timeout=HANG_TIMEOUT_MS)
    view.colour.setCurrentIndex(0)
    view.tag.setCurrentIndex(view.tag.findData("模型"))
    wait_until_shown(qtbot, view, [["大模型"]])
    view.tag.setCurrentIndex(view.tag.findData("地方"))
    view.colour.setCurrentIndex(view.colour.findData(Colour.PINK.value))
    wait_until_shown(qtbot, view, [])
    assert view.pages.currentWidget() is view.empty
    assert view.empty.text() == "No annotation matches these filters."


def test_clicking_an_annotation_of_another_document_opens_it_there(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    assert two.small.source is not None
    wait_for_load(qtbot, reader, lambda: reader.open_path(two.small.source))  # type: ignore[arg-type]
    view = show_notebook(qtbot, reader)
    target = two.on_article[0]

    with qtbot.waitSignal(reader.loader.settled, timeout=HANG_TIMEOUT_MS):
        click(qtbot, view, target)

    wait_until_shown_at(qtbot, reader, target)
    assert reader.current_document() is not None
    assert reader.current_document().fingerprint == two.article.fingerprint  # type: ignore[union-attr]
    assert "智算中心" in view.details.toPlainText()


def test_enter_on_an_annotation_of_the_open_document_scrolls_to_it(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    assert two.article.source is not None
    wait_for_load(qtbot, reader, lambda: reader.open_path(two.article.source))  # type: ignore[arg-type]
    reader.navigation.scroll_to_end()
    view = show_notebook(qtbot, reader)
    target = two.on_article[1]
    view.entries.setCurrentIndex(row_of(view, target))
    view.entries.setFocus()

    qtbot.keyClick(view.entries, Qt.Key.Key_Return)

    wait_until_shown_at(qtbot, reader, target)
    assert not reader.notebook.jump.waiting


def test_an_orphan_is_chosen_in_the_annotations_panel(
    qtbot: QtBot, reader: MainWindow, app_paths: AppPaths, two: TwoDocuments
) -> None:
    with another_connection(app_paths) as store:
        orphan = store.update(two.on_small[1].id, orphan=True)
    view = show_notebook(qtbot, reader)

    with qtbot.waitSignal(reader.loader.settled, timeout=HANG_TIMEOUT_MS):
        click(qtbot, view, orphan)

    qtbot.waitUntil(lambda: reader.annotations_panel.editor.annotation_id == orphan.id)
    assert reader.panels.annotations_dock.isVisible()
    assert "could not be placed" in reader.message_bar.text


def test_a_document_whose_file_is_gone_says_so_and_opens_nothing(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    assert two.small.source is not None
    two.small.source.unlink()
    view = show_notebook(qtbot, reader)
    header = view.model.index(0, 0)

    click(qtbot, view, two.on_small[0])

    assert str(header.data()).endswith("file missing")
    assert "is gone (moved, renamed or deleted)" in view.message_bar.text
    assert not reader.loader.busy and reader.current_document() is None
    assert not reader.notebook.jump.waiting


def test_the_list_follows_highlights_made_in_the_window(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    assert two.small.source is not None
    wait_for_load(qtbot, reader, lambda: reader.open_path(two.small.source))  # type: ignore[arg-type]
    view = show_notebook(qtbot, reader)
    start = two.small.text.index("小和尚")

    made = reader.annotations.highlight(start, start + 3, Colour.PURPLE)

    assert made is not None
    qtbot.waitUntil(lambda: view.annotation_index(made.id).isValid(), timeout=HANG_TIMEOUT_MS)
    assert view.count.text() == "6 annotations in 2 documents"
    reader.annotations.delete(made.id)
    qtbot.waitUntil(lambda: not view.annotation_index(made.id).isValid(), timeout=HANG_TIMEOUT_MS)


def test_changes_made_by_another_process_appear(
    qtbot: QtBot, reader: MainWindow, app_paths: AppPaths, two: TwoDocuments
) -> None:
    view = show_notebook(qtbot, reader)

    with AnnotationStore.open(app_paths.data_dir) as elsewhere:
        session = AnnotationSession.open(elsewhere, two.small)
        start = two.small.text.index("市集")
        made, _changes = session.highlight(start, start + 2, note="另一個行程寫的")

    qtbot.waitUntil(lambda: view.annotation_index(made.id).isValid(), timeout=HANG_TIMEOUT_MS)


def test_an_empty_store_shows_a_friendly_empty_state(qtbot: QtBot, reader: MainWindow) -> None:
    view = show_notebook(qtbot, reader)

    assert view.pages.currentWidget() is view.empty
    assert view.empty.text() == EMPTY_NOTEBOOK
    assert not view.export_button.isEnabled()
    assert view.count.text() == "0 annotations in 0 documents"


def test_a_note_of_100k_characters_is_shown_whole_beside_a_one_line_row(
    qtbot: QtBot, reader: MainWindow, app_paths: AppPaths, two: TwoDocuments
) -> None:
    note = "長" * 99_995 + "最後的字"
    with another_connection(app_paths) as store:
        store.update(two.on_small[0].id, note=note)
    view = show_notebook(qtbot, reader)

    index = row_of(view, two.on_small[0])
    view.entries.setCurrentIndex(index)

    assert view.details.toPlainText().count("長") == 99_995
    assert "最後的字" in view.details.toPlainText()
    delegate = view.entries.itemDelegate()
    assert isinstance(delegate, NotebookDelegate)
    assert view.entries.visualRect(index).height() < 5 * view.fontMetrics().lineSpacing()
    assert not view.grab().isNull()


def test_ten_thousand_annotations_are_rows_of_a_model_not_widgets(
    qtbot: QtBot, reader: MainWindow, app_paths: AppPaths, two: TwoDocuments
) -> None:
    with another_connection(app_paths) as store:
        record = AnnotationSession.open(store, two.small).record
        text = two.small.text
        many = [
            annotate(text, record.id, two.small.fingerprint, n % 30, n % 30 + 3, note=f"第{n}條")
            for n in range(10_000)
        ]
        store.import_annotations(many)

    view = show_notebook(qtbot, reader)
    view.entries.scrollToBottom()
    painted = view.grab()
    rows = len(view.model.documents[0].annotations)
    type_text(view.filter, "第9999条")
    qtbot.waitUntil(
        lambda: view.count.text().startswith("1 of 10,005 annotations shown"),
        timeout=HANG_TIMEOUT_MS,
    )

    assert not painted.isNull()
    assert rows == 10_002
    assert len(view.findChildren(QWidget)) < 100
    assert shown_quotes(view) == [[many[-1].quote.exact]]


def test_a_read_only_store_lists_and_exports_everything(
    qtbot: QtBot, app_paths: AppPaths, two: TwoDocuments, tmp_path: Path
) -> None:
    read_only = AnnotationStore.open(app_paths.data_dir, read_only=True)
    window = open_window(qtbot, app_paths, read_only)
    view = show_notebook(qtbot, window)
    exported = tmp_path / "all.jsonld"

    assert window.notebook.export_to(exported, "w3c")

    assert view.count.text() == "5 annotations in 2 documents"
    assert json.loads(exported.read_text(encoding="utf-8"))["total"] == 5


def test_export_all_asks_where_and_writes_every_annotation(
    qtbot: QtBot,
    reader: MainWindow,
    two: TwoDocuments,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = show_notebook(qtbot, reader)
    type_text(view.filter, "寺庙")  # the export is of everything, whatever is shown
    target = tmp_path / "notes.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))

    menu = view.export_button.menu()
    assert menu is not None
    menu.actions()[0].trigger()

    markdown = target.read_text(encoding="utf-8")
    assert f"## {two.small.title}" in markdown and f"## {two.article.title}" in markdown
    assert markdown.count("\n> ") == 5
    assert view.message_bar.text.startswith("Exported 5 annotations of 2 documents to")
    assert not list(tmp_path.glob(".notes.md-*"))  # no temporary file left behind


def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments, tmp_path: Path
) -> None:
    view = show_notebook(qtbot, reader)

    assert not reader.notebook.export_to(tmp_path, "markdown")

    assert "could not be written" in view.message_bar.text
    assert "it is a folder" in view.message_bar.text


def test_swatches_and_colours_follow_the_theme(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    view = show_notebook(qtbot, reader)
    delegate = view.entries.itemDelegate()
    assert isinstance(delegate, NotebookDelegate)
    light = delegate.swatch(Colour.YELLOW)

    reader.appearance.set_theme("dark")

    dark_yellow = highlight_colour(THEMES["dark"], Colour.YELLOW)
    assert delegate.swatch(Colour.YELLOW).rgb() == dark_yellow.rgb() != light.rgb()
    qtbot.waitUntil(  # the application's palette reaches each window as an event
        lambda: view.palette().color(QPalette.ColorRole.Base).name() == THEMES["dark"].background
    )


def test_closing_the_reading_window_closes_the_notebook(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    view = show_notebook(qtbot, reader)

    reader.close()

    assert not view.isVisible()
    assert reader.notebook.view is None


def test_a_filter_typed_while_another_is_computed_shows_only_the_latest(
    qtbot: QtBot, app_paths: AppPaths, two: TwoDocuments
) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_fold(text: str) -> str:
        if text == "寺庙":  # the first filter's word: it computes until released
            entered.set()
            release.wait(HANG_TIMEOUT_MS / 1000)
        return fold(text)

    view = NotebookView(slow_fold)
    qtbot.addWidget(view)
    with another_connection(app_paths) as store:
        notebook = read_notebook(store)  # not prepared: the filter folds on its worker
    answers: list[list[NotebookDocument]] = []
    view.filtering.ready.connect(lambda shown, _rows: answers.append(shown))
    view.set_notebook(notebook)
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=HANG_TIMEOUT_MS)

    view.filter.setText("寺庙")
    view.refilter()
    assert entered.wait(HANG_TIMEOUT_MS / 1000), "the first filter never started"
    view.filter.setText("智算")
    view.refilter()
    release.set()
    wait_until_shown(qtbot, view, [["智算中心"]])

    assert [[a.quote.exact for d in shown for a in d.annotations] for shown in answers[1:]] == [
        ["智算中心"]
    ]
    assert view.count.text() == "1 of 5 annotations shown, in 1 document"


def test_clicking_a_document_folds_its_annotations_away_and_back(
    qtbot: QtBot, reader: MainWindow, two: TwoDocuments
) -> None:
    view = show_notebook(qtbot, reader)
    everything = shown_quotes(view)
    header = view.entries.visualRect(view.model.index(0, 0))

    qtbot.mouseClick(view.entries.viewport(), Qt.MouseButton.LeftButton, pos=header.center())

    assert shown_quotes(view) == [[], everything[1]]
    assert view.model.index(0, 0).data(FOLDED_ROLE) is True
    type_text(view.filter, "鐘")  # a filter keeps it folded
    wait_until_shown(qtbot, view, [[]])
    view.filter.clear()
    wait_until_shown(qtbot, view, [[], everything[1]])
    qtbot.mouseClick(view.entries.viewport(), Qt.MouseButton.LeftButton, pos=header.center())
    assert shown_quotes(view) == everything
