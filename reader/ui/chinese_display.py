"""View › Pinyin, View › Characters and View › Full-width Punctuation: how the page shows
Chinese, never what the text is.

Characters (as written, Simplified, Traditional) are remembered per document, the other two
for every document. The transforms come from `reader.chinese`, one code point for one, so the
page keeps canonical offsets: selection, highlights, search, notes and export are untouched.

Of `reader.chinese` only the punctuation transform (a regex) is loaded before the window's
first paint: with the characters as written, full-width punctuation (on by default) is applied
before the first page is laid out, so that page is already as it stays. A change of character
form (OpenCC) and the pinyin readings (pypinyin) wait until the page has been painted: it is
laid out as written first, then the display text is worked out on a worker
(`DisplayTextJob`, the punctuation with it), and the page stays as it is until it is ready.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QTextCursor
from PySide6.QtWidgets import QMenu

from reader.app.settings import Settings
from reader.document.model import Document
from reader.ui.display_text_job import DisplayTextJob, display_text
from reader.ui.page_builder import PageDisplay
from reader.ui.pinyin_layer import PinyinLayer
from reader.ui.reader_view import ReaderView
from reader.ui.theme import Theme

MAX_IN_PLACE_CHANGES = 2000
"""Beyond this many changed characters (a change of character form), a new layout is faster."""
CHARACTER_CHOICES = (
    ("as-written", "As &Written"),
    ("simplified", "&Simplified"),
    ("traditional", "&Traditional"),
)


def _differences(shown: str, wanted: str) -> Iterator[re.Match[str]]:
    """Runs of positions where two texts of one length differ (as matches over a mask)."""
    mask = "".join("x" if a != b else " " for a, b in zip(shown, wanted, strict=True))
    return re.finditer("x+", mask)


class ChineseDisplay(QObject):
    """Owns the three display choices and applies them to the view."""

    changed = Signal()
    """A choice changed (the settings should be saved)."""
    titles_shown = Signal(object)
    """How headings are now shown elsewhere (the Contents): a function of a title, giving it
    in the form the page's text is in."""

    def __init__(self, view: ReaderView, settings: Settings, parent: QObject) -> None:
        super().__init__(parent)
        self._view, self._settings = view, settings
        self._document: Document | None = None
        self._painted = False
        self._wanted: tuple[str, str, bool] | None = None
        """The choices the display text was last asked for: (fingerprint, characters,
        full-width punctuation)."""
        self._job = DisplayTextJob(self)
        self._job.ready.connect(self._show_text)
        self.pinyin = PinyinLayer(view)
        self.character_actions = QActionGroup(self)
        self._toggles: dict[str, QAction] = {}
        view.viewport().installEventFilter(self)

    # -- the menu ----------------------------------------------------------------------------

    def fill_menus(self, characters: QMenu, actions: dict[str, QAction]) -> None:
        """The Characters submenu's choices; the two toggles from the action table checkable."""
        for value, label in CHARACTER_CHOICES:
            action = characters.addAction(label)
            action.setObjectName(f"characters_{value}")
            action.setCheckable(True)
            action.setData(value)
            action.triggered.connect(lambda _checked=False, v=value: self.set_characters(v))
            self.character_actions.addAction(action)
        self._toggles = {"pinyin": actions["pinyin"], "punctuation": actions["full_width"]}
        for action in self._toggles.values():
            action.setCheckable(True)
        self._show_choices()

    def _show_choices(self) -> None:
        for action in self.character_actions.actions():
            action.setChecked(action.data() == self.characters)
        if self._toggles:
            self._toggles["pinyin"].setChecked(self._settings.pinyin)
            self._toggles["punctuation"].setChecked(self._settings.full_width_punctuation)

    # -- the choices ---------------------------------------------------------------------------

    @property
    def characters(self) -> str:
        """The open document's characters: as-written, simplified or traditional."""
        document = self._document
        if document is None:
            return "as-written"
        return self._settings.character_forms.get(document.fingerprint, "as-written")

    def set_characters(self, value: str) -> None:
        """Show the open document in these characters (remembered for it)."""
        if self._document is None:
            return
        forms = self._settings.character_forms
        forms.pop(self._document.fingerprint, None)
        if value != "as-written":
            forms[self._document.fingerprint] = value
        self._changed()

    def toggle_pinyin(self) -> None:
        """View › Pinyin."""
        self._settings.pinyin = not self._settings.pinyin
        self._changed()

    def toggle_full_width_punctuation(self) -> None:
        """View › Full-width Punctuation."""
        self._settings.full_width_punctuation = not self._settings.full_width_punctuation
        self._changed()

    def _changed(self) -> None:
        self._show_choices()
        self._apply()
        self.changed.emit()

    # -- applying them -------------------------------------------------------------------------

    def document_opened(self, document: Document) -> None:
        """Set the view's display for `document`, before the window shows it: as written,
        then as the choices ask once that is worked out."""
        self._document, self._wanted = document, None
        self._job.cancel()
        self._show_choices()
        self._view.display = self._as_written()
        choices = self._choices()
        if choices is not None and choices[1:] == ("as-written", True):
            # Punctuation is a regex over the text (the novel's in ~30 ms): done before the
            # first paint, so the first page is already as it stays.
            from reader.chinese.punctuation import full_width_punctuation

            widened = full_width_punctuation(document.text)
            shown = None if widened == document.text else widened
            self._view.display = replace(self._view.display, text=shown)
            self._wanted = choices
        self.titles_shown.emit(self._title_form())
        self.pinyin.update()
        if self._painted:
            self._request_text()

    @property
    def settled(self) -> bool:
        """Whether the page shows what the choices ask for (no display text on its way)."""
        return self._painted and not self._job.busy and self._wanted == self._choices()

    def set_theme(self, theme: Theme) -> None:
        """Readings in the theme's colours."""
        self.pinyin.set_theme(theme)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """After the first paint of a document, apply what the settings ask for."""
        if event.type() == QEvent.Type.Paint and self._document and not self._painted:
            self._painted = True
            self._view.viewport().removeEventFilter(self)
            QTimer.singleShot(0, self, self._apply)
        return False

    def _apply(self) -> None:
        if not self._painted:
            return
        if self.pinyin.isVisible() != self._settings.pinyin:
            self.pinyin.set_shown(self._settings.pinyin)  # lays the page out again
        self._request_text()

    def _request_text(self) -> None:
        """Have the display text worked out, unless it already was for these choices."""
        document, wanted = self._document, self._choices()
        if document is not None and wanted is not None and wanted != self._wanted:
            self._wanted = wanted
            self._job.request(document.text, wanted[1], wanted[2])

    def _choices(self) -> tuple[str, str, bool] | None:
        document = self._document
        if document is None:
            return None
        return (document.fingerprint, self.characters, self._settings.full_width_punctuation)

    def _show_text(self, text: str | None) -> None:
        """Show the display text that was asked for last (the document is still open)."""
        document, before = self._document, self._view.display
        display = replace(before, text=text)
        if document is not None:
            self.titles_shown.emit(self._title_form())
        if document is None or display == before:
            return
        self._view.display = display
        if not self._replace_in_place(before.text or document.text, text or document.text):
            self._view.relayout()
        self.pinyin.update()

    def _replace_in_place(self, shown: str, wanted: str) -> bool:
        """Change the characters that differ right on the page, one for one, when they are
        few (a few dozen punctuation marks): no new layout, so the place, the selection and
        the popups stay as they are. False when a new layout is cheaper."""
        runs = [m.span() for m in _differences(shown, wanted)]
        if sum(end - start for start, end in runs) > MAX_IN_PLACE_CHANGES:
            return False
        view = self._view
        top = view.top_offset()  # a wider comma may rewrap a paragraph above: keep the place
        cursor = QTextCursor(view.document())
        for start, end in runs:  # each its own edit: Qt lays out only the paragraph it is in
            cursor.setPosition(view.qt_position(start + 1))
            char_format = cursor.charFormat()  # the format of the first character replaced
            cursor.setPosition(view.qt_position(start))
            cursor.setPosition(view.qt_position(end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(wanted[start:end], char_format)
        view.scroll_to_offset(top)
        return True

    def _title_form(self) -> Callable[[str], str]:
        """Headings as the page shows its text now (as written until a display text is in)."""
        if self._wanted is None:
            return str
        _fingerprint, characters, widened = self._wanted
        if characters == "as-written":  # punctuation only: no OpenCC before the first paint
            from reader.chinese.punctuation import full_width_punctuation

            return full_width_punctuation if widened else str

        def shown(title: str) -> str:
            return display_text(title, characters, widened) or title

        return shown

    def _as_written(self) -> PageDisplay:
        return replace(self._view.display, text=None)
