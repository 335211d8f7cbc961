"""View › Characters works the display text out on a worker: the window keeps running while
the novel is converted, the page stays as it is until the converted text is ready, and an
answer that arrives after another choice or another document is dropped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reader.ui import display_text_job
from reader.ui.window import MainWindow

from .conftest import HANG_TIMEOUT_MS, MakeWindow, wait_for_load

DisplayText = Callable[[str, str, bool], "str | None"]


def settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.chinese.display.settled, timeout=HANG_TIMEOUT_MS)


def page_text(window: MainWindow) -> str:
    return window.view.document().toPlainText()


@pytest.fixture
def article(qtbot: QtBot, make_window: MakeWindow) -> MainWindow:
    window = make_window()
    wait_for_load(qtbot, window, window.open_bundled_article)
    settle(qtbot, window)
    return window


def gated(monkeypatch: pytest.MonkeyPatch, held: str) -> threading.Event:
    """Make conversions to `held` wait until the returned event is set (on their worker)."""
    gate, convert = threading.Event(), display_text_job.display_text

    def held_back(text: str, characters: str, full_width: bool) -> str | None:
        if characters == held:
            gate.wait(HANG_TIMEOUT_MS / 1000)
        return convert(text, characters, full_width)

    monkeypatch.setattr(display_text_job, "display_text", held_back)
    return gate


def deliveries(window: MainWindow) -> list[object]:
    """Every answer a worker sends back, the dropped ones too."""
    answers: list[object] = []
    window.chinese.display._job._signals.done.connect(lambda text, _: answers.append(text))
    return answers


def test_the_novel_is_converted_off_the_ui_thread_and_shown_when_ready(
    qtbot: QtBot, make_window: MakeWindow, novel_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    wait_for_load(qtbot, window, lambda: window.open_path(novel_path))
    settle(qtbot, window)
    threads: list[int] = []
    convert = display_text_job.display_text

    def recorded(text: str, characters: str, full_width: bool) -> str | None:
        threads.append(threading.get_ident())
        return convert(text, characters, full_width)

    monkeypatch.setattr(display_text_job, "display_text", recorded)
    before = page_text(window)
    window.chinese.display.set_characters("traditional")
    assert page_text(window) == before, "the page must stay as it is until the text is ready"
    assert not window.chinese.display.settled
    settle(qtbot, window)
    assert threads and threading.get_ident() not in threads, "converted on the UI thread"
    document = window.current_document()
    assert document is not None
    expected = convert(
        document.text, "traditional", window.chinese.display._settings.full_width_punctuation
    )
    assert expected is not None and "甄士隱" in expected
    assert window.view.display.text == expected, "not the text a conversion in place gives"
    assert "甄士隱" in page_text(window) and "甄士隐" not in page_text(window)


def test_an_answer_overtaken_by_another_choice_is_dropped(
    qtbot: QtBot, article: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, answers = gated(monkeypatch, "traditional"), deliveries(article)
    display = article.chinese.display
    display.set_characters("traditional")
    display.set_characters("simplified")
    settle(qtbot, article)
    simplified = page_text(article)
    assert "人类科技革命史" in simplified
    gate.set()
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=HANG_TIMEOUT_MS)
    assert page_text(article) == simplified, "a stale conversion replaced the newer one"
    assert display.settled and display.characters == "simplified"


def test_an_answer_for_the_document_left_behind_is_dropped(
    qtbot: QtBot, article: MainWindow, novel_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, answers = gated(monkeypatch, "simplified"), deliveries(article)
    article.chinese.display.set_characters("simplified")
    wait_for_load(qtbot, article, lambda: article.open_path(novel_path))
    settle(qtbot, article)
    novel = page_text(article)
    gate.set()  # the novel, as written with full-width punctuation, needed no job of its own
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=HANG_TIMEOUT_MS)
    assert page_text(article) == novel, "the article's text was shown over the novel"
    assert "甄士隐" in novel
