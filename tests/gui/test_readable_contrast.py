"""Every message and panel reads well in every theme: WCAG AA contrast (4.5:1) for text,
measured on what is actually painted where a painting is involved."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPalette
from pytestqt.qtbot import QtBot

from reader.annotations.model import Colour
from reader.ui.search_results import match_background
from reader.ui.theme import (
    READABLE_CONTRAST,
    THEMES,
    contrast_ratio,
    highlight_colour,
    over,
)
from reader.ui.window import MainWindow

MESSAGES: dict[str, Callable[[MainWindow], None]] = {
    "info": lambda w: w.message_bar.show_info("Exported 3 annotations to notes.md."),
    "error": lambda w: w.message_bar.show_error(
        "The file notes.md could not be read: permission denied. Check its permissions."
    ),
}
PALETTE_PAIRS = [
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Window),
]


def apply_theme(qtbot: QtBot, window: MainWindow, name: str) -> None:
    """Switch themes and wait for Qt to hand the new palette down to every widget (it posts
    the change rather than sending it)."""
    window.appearance.set_theme(name)
    wanted = THEMES[name].palette().color(QPalette.ColorRole.Window)
    widgets = (
        window,
        window.message_bar,
        window.toc,
        window.search_panel,
        window.annotations_panel,
    )
    qtbot.waitUntil(
        lambda: all(w.palette().color(QPalette.ColorRole.Window) == wanted for w in widgets)
    )


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#777777")) == pytest.approx(1.0)
    # WCAG's own landmark: #767676 is the lightest grey that passes AA on white.
    assert contrast_ratio(QColor("white"), QColor("#767676")) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(QColor("white"), QColor("#777777")) < READABLE_CONTRAST


def text_contrast_on(image: QImage, background: QColor) -> float:
    """The contrast of the painted text: the pixel farthest from the background is the glyphs'
    solid core, so its colour is the text colour as painted."""
    best = 1.0
    for y in range(image.height()):
        for x in range(image.width()):
            best = max(best, contrast_ratio(image.pixelColor(x, y), background))
    return best


@pytest.mark.parametrize("kind", sorted(MESSAGES))
@pytest.mark.parametrize("theme", sorted(THEMES))
def test_message_bar_text_reads_well_in_every_theme(
    qtbot: QtBot, window: MainWindow, theme: str, kind: str
) -> None:
    apply_theme(qtbot, window, theme)
    MESSAGES[kind](window)
    bar = window.message_bar
    qtbot.waitUntil(bar.isVisible)
    # The whole window, cropped: the bar painted as it is among its parents, as one sees it.
    painted = window.grab().toImage().copy(QRect(bar.mapTo(window, QPoint(0, 0)), bar.size()))
    background = painted.pixelColor(painted.width() // 2, 1)  # the margin above the text
    label = bar.findChild(type(bar._label))
    assert label is not None
    text = painted.copy(label.geometry())
    ratio = text_contrast_on(text, background)
    assert ratio >= READABLE_CONTRAST, f"{theme} {kind}: {ratio:.2f}:1"


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_panels_text_reads_well_in_every_theme(
    qtbot: QtBot, window: MainWindow, theme: str
) -> None:
    apply_theme(qtbot, window, theme)
    for panel in (window.toc, window.search_panel, window.annotations_panel, window.message_bar):
        palette = panel.palette()
        for text, background in PALETTE_PAIRS:
            ratio = contrast_ratio(palette.color(text), palette.color(background))
            assert ratio >= READABLE_CONTRAST, f"{theme} {panel.objectName()} {text.name}"


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_search_results_match_reads_well_in_every_theme(theme: str) -> None:
    """The matched words in the result list sit on a yellow mark: the text must still read."""
    palette = THEMES[theme].palette()
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    ratio = contrast_ratio(text, over(match_background(palette), base))
    assert ratio >= READABLE_CONTRAST, f"{theme}: {ratio:.2f}:1"


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_page_text_reads_well_on_every_mark_in_every_theme(theme: str) -> None:
    """Body text over a selection, a search hit, the current hit and every highlight colour;
    headings on the page."""
    chosen = THEMES[theme]
    page, text = QColor(chosen.background), QColor(chosen.text)
    grounds = {
        "page": page,
        "selection": QColor(chosen.selection),
        "search hit": QColor(chosen.search_hit),
        "current hit": QColor(chosen.search_current),
    }
    grounds |= {c.value: over(highlight_colour(chosen, c), page) for c in Colour}
    for name, ground in grounds.items():
        ratio = contrast_ratio(text, ground)
        assert ratio >= READABLE_CONTRAST, f"{theme}: text on {name} {ratio:.2f}:1"
    assert contrast_ratio(QColor(chosen.heading), page) >= READABLE_CONTRAST
