"""The Contents panel shows the headings in the characters the page shows (View › Characters),
and goes back to them as written; what an entry leads to never changes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from reader.chinese.characters import CharacterForm, convert_characters
from reader.chinese.punctuation import full_width_punctuation
from reader.ui.plain_text import plain_tooltip
from reader.ui.toc_panel import INDENT_PER_LEVEL
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, wait_for_load


def shown_titles(window: MainWindow) -> list[str]:
    toc = window.toc
    return [toc.item(row).text().removeprefix(INDENT_PER_LEVEL) for row in range(toc.count())]


def page_heading(window: MainWindow, start: int) -> str:
    """The heading's paragraph as the page shows it, its spaces folded as a title's are."""
    view = window.view
    return " ".join(view.document().findBlock(view.qt_position(start)).text().split())


def choose(qtbot: QtBot, window: MainWindow, form: str) -> None:
    window.findChild(QAction, f"characters_{form}").trigger()
    qtbot.waitUntil(lambda: window.chinese.display.settled, timeout=HANG_TIMEOUT_MS)


def test_contents_follow_the_characters_chosen(
    qtbot: QtBot, window: MainWindow, novel_path: Path
) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    qtbot.waitUntil(lambda: window.chinese.display.settled, timeout=HANG_TIMEOUT_MS)
    entries = window.toc.entries
    written = [full_width_punctuation(entry.title) for entry in entries]  # as the page: on
    assert shown_titles(window) == written
    assert "第九十九回 守官箴恶奴同破例？ 阅邸报老舅自担惊" in written
    assert written[1] == "第一回 甄士隐梦幻识通灵 贾雨村风尘怀闺秀"

    choose(qtbot, window, "traditional")
    traditional = shown_titles(window)
    assert traditional[1] == "第一回 甄士隱夢幻識通靈 賈雨村風塵懷閨秀"
    assert traditional == [convert_characters(t, CharacterForm.TRADITIONAL) for t in written]
    for entry, title in list(zip(entries, traditional, strict=True))[::10]:
        assert page_heading(window, entry.start) == title, "the page and the Contents differ"
    assert window.toc.item(1).toolTip() == plain_tooltip(traditional[1])
    assert window.toc.entries == entries, "an entry leads where it did"

    window.toc.mark_position(entries[5].start)  # the current entry stays marked (bold)
    assert window.toc.item(5).font().bold() and shown_titles(window) == traditional

    choose(qtbot, window, "as-written")
    assert shown_titles(window) == written


def test_a_document_reopened_shows_its_contents_in_its_remembered_characters(
    qtbot: QtBot, window: MainWindow, novel_path: Path
) -> None:
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    choose(qtbot, window, "traditional")
    traditional = shown_titles(window)
    wait_for_load(qtbot, window, window.open_bundled_article)  # as written, its own choice
    qtbot.waitUntil(lambda: window.chinese.display.settled, timeout=HANG_TIMEOUT_MS)
    article = [full_width_punctuation(entry.title) for entry in window.toc.entries]
    assert shown_titles(window) == article
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    qtbot.waitUntil(lambda: window.chinese.display.settled, timeout=HANG_TIMEOUT_MS)
    assert shown_titles(window) == traditional
