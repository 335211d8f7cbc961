"""The window's Chinese-reading features in one place: the display choices (pinyin, characters,
punctuation) and the dictionary look-up, themed and saved along with the rest of the window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from reader.app.settings import Settings
from reader.ui.annotation_gestures import AnnotationGestures
from reader.ui.appearance import Appearance
from reader.ui.chinese_display import ChineseDisplay
from reader.ui.lookup import Lookup
from reader.ui.reader_view import ReaderView
from reader.ui.theme import THEMES
from reader.ui.toc_panel import TocPanel


class ChineseReading(QObject):
    """`display` (View › Pinyin, Characters, Full-width Punctuation) and `lookup` (the card)."""

    def __init__(
        self, view: ReaderView, settings: Settings, gestures: AnnotationGestures, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.display = ChineseDisplay(view, settings, self)
        self.lookup = Lookup(view, gestures.controller, gestures.selection, self)

    def follow(self, appearance: Appearance, save_soon: Callable[[], None], toc: TocPanel) -> None:
        """Take the window's theme whenever it changes; save the settings after each choice;
        show the Contents' headings in the characters the page shows."""

        def themed() -> None:
            theme = THEMES[appearance.theme_name]
            self.display.set_theme(theme)
            self.lookup.set_theme(theme)

        appearance.changed.connect(themed)
        self.display.changed.connect(save_soon)
        self.display.titles_shown.connect(toc.show_titles_as)

    def fill_menus(self, characters: QMenu, actions: dict[str, QAction]) -> None:
        """View › Characters, and the display toggles made checkable."""
        self.display.fill_menus(characters, actions)
