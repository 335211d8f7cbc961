"""The page's scroll range is final from the first paint: a short page is laid out whole, a
long one reopens with the height it had, held until Qt has laid it out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QScrollBar
from pytestqt.qtbot import QtBot

from reader.app.page_heights import FILE_NAME
from reader.document.loader import document_from_text, load_document
from reader.document.model import Document
from reader.ui.page_extent import FULL_LAYOUT_CHARACTERS
from reader.ui.reader_view import ReaderView

from .conftest import HANG_TIMEOUT_MS


def make_view(qtbot: QtBot, cache_dir: Path | None) -> ReaderView:
    view = ReaderView(cache_dir=cache_dir)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view, timeout=HANG_TIMEOUT_MS)
    return view


def long_document() -> Document:
    paragraphs = [f"第{n}段。" + "天地玄黄，宇宙洪荒。" * (20 + n % 37) for n in range(900)]
    document = document_from_text("\n".join(paragraphs))
    assert len(document.text) > 2 * FULL_LAYOUT_CHARACTERS
    return document


def wait_until_laid_out(qtbot: QtBot, view: ReaderView) -> None:
    page = view.document()
    qtbot.waitUntil(lambda: page.lastBlock().layout().lineCount() > 0, timeout=HANG_TIMEOUT_MS)
    qtbot.waitUntil(lambda: view.extent.held is None, timeout=HANG_TIMEOUT_MS)


def wait_for_qt_range(qtbot: QtBot, view: ReaderView) -> None:
    """Qt sets the range of a laid-out page at its next size report."""
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() == final_maximum(view), timeout=HANG_TIMEOUT_MS)


def final_maximum(view: ReaderView) -> int:
    height = view.document().documentLayout().documentSize().toSize().height()
    return height - view.viewport().height()


def first_reading(qtbot: QtBot, cache_dir: Path, document: Document) -> int:
    """Open `document` once and read it to the end of Qt's layout: its height is recorded."""
    view = make_view(qtbot, cache_dir)
    view.show_document(document)
    wait_until_laid_out(qtbot, view)
    qtbot.waitUntil((cache_dir / FILE_NAME).exists, timeout=HANG_TIMEOUT_MS)  # remembered
    maximum = view.verticalScrollBar().maximum()
    view.close()
    return maximum


def test_a_short_page_has_its_final_range_before_it_is_first_painted(
    qtbot: QtBot, article_path: Path
) -> None:
    view = make_view(qtbot, None)
    view.show_document(load_document(article_path), 0)
    bar: QScrollBar = view.verticalScrollBar()
    shown = bar.maximum()
    qtbot.wait(50)  # Qt's own deferred size report arrives, and must change nothing
    assert shown == bar.maximum() == final_maximum(view)


def test_a_long_page_reopens_with_its_final_range_at_the_reading_position(
    qtbot: QtBot, tmp_path: Path
) -> None:
    document = long_document()
    maximum = first_reading(qtbot, tmp_path, document)
    view = make_view(qtbot, tmp_path)
    offset = len(document.text) * 2 // 3
    view.show_document(document, offset)
    bar = view.verticalScrollBar()
    assert view.document().lastBlock().layout().lineCount() == 0, "Qt has not laid it all out"
    assert bar.maximum() == maximum, "the range is final before the first paint"
    place = (bar.value(), view.top_offset())
    wait_until_laid_out(qtbot, view)
    assert bar.maximum() == maximum == final_maximum(view)
    assert (bar.value(), view.top_offset()) == place, "the page never moved"


def test_the_novel_reopens_far_in_with_the_scroll_bar_as_it_ends(
    qtbot: QtBot, tmp_path: Path, novel_path: Path
) -> None:
    document = load_document(novel_path)
    maximum = first_reading(qtbot, tmp_path, document)
    view = make_view(qtbot, tmp_path)
    view.show_document(document, 300_000)
    assert view.verticalScrollBar().maximum() == maximum
    assert abs(view.top_offset() - 300_000) < 200, "the reader is where they left off"
    wait_until_laid_out(qtbot, view)
    assert view.verticalScrollBar().maximum() == maximum


def test_a_long_page_opened_at_its_start_shows_the_scroll_bar_as_it_ends(
    qtbot: QtBot, tmp_path: Path, novel_path: Path
) -> None:
    """No height known yet: the range is extrapolated once from the first screen, and at the
    top of a book any such range paints the handle as the true one does."""
    view = make_view(qtbot, tmp_path)
    view.show_document(load_document(novel_path))
    bar = view.verticalScrollBar()
    first = bar.grab().toImage()
    assert view.document().lastBlock().layout().lineCount() == 0, "Qt has not laid it all out"
    wait_until_laid_out(qtbot, view)
    wait_for_qt_range(qtbot, view)
    assert bar.value() == 0
    assert bar.grab().toImage() == first, "the handle never moved nor shrank"


def test_another_width_is_another_page_height(qtbot: QtBot, tmp_path: Path) -> None:
    document = long_document()
    first_reading(qtbot, tmp_path, document)
    view = make_view(qtbot, tmp_path)
    view.resize(520, 500)
    qtbot.waitUntil(lambda: view.viewport().width() < 520, timeout=HANG_TIMEOUT_MS)
    view.show_document(document, len(document.text) // 2)
    recorded = list(_heights(tmp_path).values())
    assert view.extent.held not in recorded, "a height laid out at another width is not used"
    wait_until_laid_out(qtbot, view)
    qtbot.waitUntil(lambda: len(_heights(tmp_path)) == 2, timeout=HANG_TIMEOUT_MS)


def test_a_height_too_small_for_the_page_never_clamps_the_reading_position(
    qtbot: QtBot, tmp_path: Path
) -> None:
    document = long_document()
    maximum = first_reading(qtbot, tmp_path, document)
    _damage_heights(tmp_path, lambda height: height // 10)  # e.g. other fonts installed since
    view = make_view(qtbot, tmp_path)
    offset = len(document.text) * 2 // 3
    view.show_document(document, offset)
    assert abs(view.top_offset() - offset) < 200, "the reader is where they left off"
    wait_until_laid_out(qtbot, view)
    wait_for_qt_range(qtbot, view)
    assert view.verticalScrollBar().maximum() == maximum
    assert abs(view.top_offset() - offset) < 200


def test_a_height_too_large_gives_way_to_the_true_one_once_laid_out(
    qtbot: QtBot, tmp_path: Path
) -> None:
    document = long_document()
    maximum = first_reading(qtbot, tmp_path, document)
    _damage_heights(tmp_path, lambda height: height * 3)
    view = make_view(qtbot, tmp_path)
    view.show_document(document, len(document.text) // 3)
    wait_until_laid_out(qtbot, view)
    wait_for_qt_range(qtbot, view)
    assert view.verticalScrollBar().maximum() == maximum
    true_height = maximum + view.viewport().height()
    qtbot.waitUntil(
        lambda: list(_heights(tmp_path).values()) == [true_height], timeout=HANG_TIMEOUT_MS
    )  # the true height replaced the wrong one


def _heights(cache_dir: Path) -> dict[str, int]:
    heights: dict[str, int] = json.loads((cache_dir / FILE_NAME).read_text())
    return heights


def _damage_heights(cache_dir: Path, change: Callable[[int], int]) -> None:
    heights = _heights(cache_dir)
    changed = {key: change(height) for key, height in heights.items()}
    (cache_dir / FILE_NAME).write_text(json.dumps(changed))
