"""Switching documents: nothing of the previous document is ever painted on the next one."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from reader.annotations.model import Colour
from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load
from .test_search_panel import search_for

QUERY = "智算中心"
"""Found in the article, not in the novel: any hit painted on the novel is the article's."""


class PaintWatcher(QObject):
    """Records, at every paint of the page, the extra selections about to be painted."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.stale: list[str] = []
        self.paints_of_new_page = 0
        window.view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        view = self.window.view
        document = self.window.current_document()
        showing_novel = document is not None and document.title != "article"
        if event.type() == QEvent.Type.Paint and showing_novel:
            self.paints_of_new_page += 1
            for selection in view.extraSelections():
                cursor = selection.cursor
                self.stale.append(
                    f"{cursor.selectionStart()}-{cursor.selectionEnd()} "
                    f"{cursor.selectedText()!r} "
                    f"(of the page on screen: {cursor.document() is view.document()})"
                )
        return False


def test_switching_documents_never_paints_the_old_marks_on_the_new_page(
    qtbot: QtBot, app_paths: AppPaths, article_path: Path, novel_path: Path
) -> None:
    window = MainWindow(Services(app_paths))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_TIMEOUT_MS)
    wait_for_load(qtbot, window, lambda: window.loader.load(article_path, None, "article"))
    article = window.current_document()
    assert article is not None
    start = article.text.index(QUERY)
    made = window.annotations.highlight(start, start + len(QUERY), Colour.YELLOW, note="記")
    assert made is not None
    search_for(qtbot, window, QUERY)
    window.view.flash((start, start + 2))
    qtbot.waitUntil(lambda: len(window.view.extraSelections()) >= 3, timeout=HANG_TIMEOUT_MS)

    watcher = PaintWatcher(window)
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    # The query asked again as the novel shows, before search is prepared for it (as typing
    # in the search box would): its answer must be the novel's, not the article's.
    window.search_panel.query_changed.emit(QUERY)
    # Every stage of the switch: the first paint, the marks put on after it, the search
    # prepared and the query answered in the novel.
    qtbot.waitUntil(
        lambda: window.search.session.searcher is not None and window.search.result is not None,
        timeout=HANG_TIMEOUT_MS,
    )
    assert window.search.result is not None and window.search.result.document.title != "article"
    assert len(window.search.result.hits) == 0
    window.view.viewport().repaint()
    assert watcher.paints_of_new_page > 0
    assert watcher.stale == []


def test_a_replaced_page_is_deleted_not_kept_in_memory(
    qtbot: QtBot, window: MainWindow, article_path: Path
) -> None:
    wait_for_load(qtbot, window, window.open_bundled_article)
    old_page = window.view.document()
    wait_for_load(qtbot, window, lambda: window.open_path(article_path))
    qtbot.waitUntil(lambda: not shiboken6.isValid(old_page), timeout=HANG_TIMEOUT_MS)
