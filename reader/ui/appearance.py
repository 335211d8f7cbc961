"""How the window looks: theme, text size and full screen, kept in the settings.

Every themed part is handed in as a callable, so this knows nothing of what it colours.
The page claims the width of a readable measure at the current text size as its minimum:
Qt's main-window layout then shrinks the side panels to their own minimum first and grows the
window only when that is not enough, so opening panels never squeezes the text column to a
dozen characters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QActionGroup, QFontMetricsF
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from reader.app.settings import MAX_FONT_SIZE, MIN_FONT_SIZE, Settings
from reader.document.script import Script
from reader.ui.reader_view import MIN_SIDE_MARGIN, SIDE_MARGIN_TOLERANCE, ReaderView
from reader.ui.theme import MIN_MEASURE_IN_CHARACTERS, THEMES, Theme, body_font

FONT_STEP = 1.0


class Appearance(QObject):
    """The View menu's commands other than the panels."""

    changed = Signal()
    """The theme or the text size changed (the settings should be saved)."""

    def __init__(
        self,
        window: QMainWindow,
        settings: Settings,
        view: ReaderView,
        themed: Sequence[Callable[[Theme], None]],
    ) -> None:
        super().__init__(window)
        self._window, self._settings, self._view = window, settings, view
        self._themed = list(themed)
        self.theme_actions = QActionGroup(self)

    @property
    def theme_name(self) -> str:
        """The theme in use."""
        return self._settings.theme

    def fill_theme_menu(self, menu: QMenu) -> None:
        """One checkable item per theme, the current one checked."""
        for theme in THEMES.values():
            action = menu.addAction(theme.label)
            action.setCheckable(True)
            action.setChecked(theme.name == self.theme_name)
            action.triggered.connect(lambda _checked=False, n=theme.name: self.set_theme(n))
            self.theme_actions.addAction(action)

    def set_theme(self, name: str) -> None:
        """Switch to theme `name` (light, sepia, dark)."""
        self._settings.theme = name
        for action in self.theme_actions.actions():
            action.setChecked(action.text() == THEMES[name].label)
        self.apply()

    def zoom_in(self) -> None:
        """Larger text."""
        self.change_font_size(FONT_STEP)

    def zoom_out(self) -> None:
        """Smaller text."""
        self.change_font_size(-FONT_STEP)

    def change_font_size(self, step: float) -> None:
        """Make the text larger or smaller, within sane bounds."""
        size = min(max(self._settings.font_size + step, MIN_FONT_SIZE), MAX_FONT_SIZE)
        self._settings.font_size = size
        self.apply()

    def reset_font_size(self) -> None:
        """Back to the default text size."""
        self._settings.font_size = Settings().font_size
        self.apply()

    def apply(self) -> None:
        """Apply the theme and font size from the settings to the whole window."""
        theme = THEMES[self._settings.theme]
        application().setPalette(theme.palette())  # menus and dialogs are windows of their own
        self._view.set_appearance(theme, self._settings.font_size)
        self._view.setMinimumWidth(readable_page_width(self._view, self._settings.font_size))
        for paint in self._themed:
            paint(theme)
        self.changed.emit()

    def toggle_full_screen(self) -> None:
        """Enter or leave full screen."""
        if self._window.isFullScreen():
            self._window.showNormal()
        else:
            self._window.showFullScreen()


def readable_page_width(view: ReaderView, font_size: float) -> int:
    """The narrowest page that still sets MIN_MEASURE_IN_CHARACTERS full-width characters a
    line at `font_size`, counting the side margins (with the slack the view allows them before
    re-centring), the document margin, the scroll bar and the frame."""
    advance = QFontMetricsF(body_font(Script.UNKNOWN, font_size)).horizontalAdvance("中")
    margins = MIN_SIDE_MARGIN + SIDE_MARGIN_TOLERANCE + view.document().documentMargin()
    chrome = 2 * (margins + view.frameWidth()) + view.verticalScrollBar().sizeHint().width()
    return math.ceil(MIN_MEASURE_IN_CHARACTERS * advance + chrome)


def application() -> QApplication:
    """The running QApplication (the window is never built without one)."""
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance
