"""Looking words up from the page: Ctrl+click (or Alt+click) a character, or press D on a
selection, and the dictionary card opens beside the word.

The word is the longest CC-CEDICT word around the character (`Dictionary.matches_at` on the
canonical text); the card steps to shorter and longer ones. The dictionary is parsed on a
worker the first time (about a second), with "Loading the dictionary…" on the card meanwhile;
every look-up after that takes well under a millisecond. "Add to Note" appends the word, its
reading and its meaning to the note of the highlight around it, making the highlight first
when there is none, through the same annotation controller as every other change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent, QTextCursor, QTextLine

from reader.annotations.model import Annotation
from reader.ui.annotation_controller import AnnotationController
from reader.ui.annotation_gestures import lines_band
from reader.ui.lookup_card import LookupCard
from reader.ui.reader_view import ReaderView
from reader.ui.theme import Theme
from reader.ui.workers import report, run_in_background

if TYPE_CHECKING:
    from reader.chinese.dictionary import Dictionary, Match

LOOKUP_MODIFIERS = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier)
READING_CONTEXT = 24
"""Characters read on each side of a word to choose its reading by phrase."""
Selection = Callable[[], "tuple[int, int] | None"]


class _Signals(QObject):
    loaded = Signal(object)


class Lookup(QObject):
    """The page's dictionary: gestures in, the card out."""

    def __init__(
        self,
        view: ReaderView,
        annotations: AnnotationController,
        selection: Selection,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._view, self._annotations, self._selection = view, annotations, selection
        self.card = LookupCard(view)
        self.card.shorter.connect(lambda: self._step(1))
        self.card.longer.connect(lambda: self._step(-1))
        self.card.copy_requested.connect(self.copy)
        self.card.note_requested.connect(self.add_to_note)
        self.dictionary: Dictionary | None = None
        self._loading = False
        self._signals = _Signals(self)
        self._signals.loaded.connect(self._on_loaded)
        self._pending: tuple[int, int] | None = None
        self._matches: list[Match] = []
        self._current = 0
        self._swallow_release = False
        view.viewport().installEventFilter(self)

    def set_theme(self, theme: Theme) -> None:
        """The card in the theme's colours, its word in the page's font."""
        self.card.set_theme(theme, self._view.document().defaultFont())

    # -- gestures ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl/Alt+click looks up the character under the pointer; a plain click elsewhere
        closes the card."""
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.LeftButton and any(
                event.modifiers() & modifier for modifier in LOOKUP_MODIFIERS
            ):
                self._swallow_release = True
                offset = self.character_at(event.position().toPoint())
                if offset is not None:
                    self.look_up(offset, offset + 1)
                return True  # no selection starts, no highlight popup opens
            self.card.hide()
        elif kind == QEvent.Type.MouseButtonRelease and self._swallow_release:
            self._swallow_release = False
            return True
        return False

    def character_at(self, point: QPoint) -> int | None:
        """The canonical offset of the character under viewport `point`, if it is on one."""
        view = self._view
        position = view.cursorForPosition(point).position()
        block = view.document().findBlock(position)
        layout = block.layout()
        origin = view.document().documentLayout().blockBoundingRect(block).topLeft()
        scroll = QPointF(view.horizontalScrollBar().value(), view.verticalScrollBar().value())
        local = QPointF(point) + scroll - origin
        line = layout.lineForTextPosition(position - block.position())
        if not line.isValid() or not line.rect().contains(local):
            return None
        in_block = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
        if in_block >= len(block.text().encode("utf-16-le")) // 2:
            return None
        return view.canonical_offset(block.position() + in_block)

    def look_up_selection(self) -> None:
        """D: look up the selected word (or the word at its start)."""
        selected = self._selection()
        if selected is not None:
            self.look_up(*selected)

    # -- looking up ------------------------------------------------------------------------------

    def look_up(self, start: int, end: int) -> None:
        """Open the card on the word at [start, end) of the document (a click: one
        character, whose longest word is shown first)."""
        document = self._annotations.document
        if document is None or not 0 <= start < end <= len(document.text):
            return
        self._pending = (start, end)
        if self.dictionary is None:
            self.card.show_message(document.text[start:end], "Loading the dictionary…")
            self._place(start, end)
            self._load()
            return
        self._matches = _matches(self.dictionary, document.text, start, end)
        self._current = 0
        self._show()

    def _load(self) -> None:
        if self._loading:
            return
        self._loading = True
        signals = self._signals

        def work() -> None:
            from reader.chinese.dictionary import Dictionary
            from reader.chinese.readings import readings

            dictionary = Dictionary.bundled()
            readings("中")  # pypinyin's tables load here too, not at the card's first reading
            report(lambda: signals.loaded.emit(dictionary))

        run_in_background(work)

    def _on_loaded(self, dictionary: Dictionary) -> None:
        self.dictionary, self._loading = dictionary, False
        if self._pending is not None and self.card.isVisible():
            self.look_up(*self._pending)

    def _step(self, direction: int) -> None:
        """Shorter (+1) or longer (-1) among the words around the character."""
        self._current = min(max(self._current + direction, 0), len(self._matches) - 1)
        self._show()

    def _show(self) -> None:
        document = self._annotations.document
        assert document is not None and self._pending is not None
        if not self._matches:
            start, end = self._pending
            self.card.show_message(self._shown(start, end), "No dictionary entry.")
            self._place(start, end)
            return
        from reader.chinese.dictionary import ranked

        match = self._matches[self._current]
        reading = self.reading(match)
        self.card.show_word(
            self._shown(match.start, match.end),
            reading,
            ranked(match.entries, reading),
            shorter=self._current < len(self._matches) - 1,
            longer=self._current > 0,
        )
        self._place(match.start, match.end)

    @property
    def match(self) -> Match | None:
        """The word on the card."""
        return self._matches[self._current] if self._matches else None

    def reading(self, match: Match) -> str:
        """The word's pinyin in its sentence (the phrase around it decides)."""
        from reader.chinese.readings import readings

        document = self._annotations.document
        assert document is not None
        left = max(0, match.start - READING_CONTEXT)
        around = readings(document.text[left : match.end + READING_CONTEXT])
        word = around[match.start - left : match.end - left]
        return " ".join(r for r in word if r)

    def _shown(self, start: int, end: int) -> str:
        """The word as the page shows it (Simplified or Traditional display)."""
        document = self._annotations.document
        assert document is not None
        return (self._view.display.text or document.text)[start:end]

    def _place(self, start: int, end: int) -> None:
        view = self._view
        band = lines_band(view, view.qt_position(start), view.qt_position(end))
        first = view.cursorRect(_cursor_at(view, view.qt_position(start)))
        band.setLeft(first.left())
        viewport = view.viewport().geometry()  # the page without its scroll bar
        self.card.place_beside(band.translated(viewport.topLeft()), viewport)

    # -- what the card's buttons do ----------------------------------------------------------------

    def summary(self) -> str:
        """The word on the card as one line: word, reading, meanings."""
        match = self.match
        if match is None:
            return ""
        from reader.chinese.dictionary import ranked

        reading = self.reading(match)
        first = ranked(match.entries, reading)[0]
        return f"{match.word} ({reading}): {'; '.join(first.definitions)}"

    def copy(self) -> None:
        """Copy the word, its reading and meaning."""
        QGuiApplication.clipboard().setText(self.summary())
        self.card.status.setText("Copied.")

    def add_to_note(self) -> None:
        """Append the word to the note of the highlight around it (made if there is none)."""
        match = self.match
        if match is None:
            return
        line = self.summary()
        target = self._highlight_around(match.start, match.end)
        if target is None:
            done = self._annotations.highlight(match.start, match.end, note=line) is not None
        else:
            note = target.note.rstrip()
            done = self._annotations.edit_note(target.id, f"{note}\n{line}" if note else line)
        self.card.status.setText("Added to the note." if done else "Not saved.")

    def _highlight_around(self, start: int, end: int) -> Annotation | None:
        for key in reversed(self._view.annotation_keys_at(start)):
            annotation = self._annotations.find(key)
            if annotation is not None and annotation.start <= start and end <= annotation.end:
                return annotation
        return None


def _matches(dictionary: Dictionary, text: str, start: int, end: int) -> list[Match]:
    """The words around [start, end): a selection that is a word comes first."""
    found = dictionary.matches_at(text, start)
    if end - start > 1:
        exact = [m for m in found if (m.start, m.end) == (start, end)]
        if not exact and dictionary.entries(text[start:end]):
            from reader.chinese.dictionary import Match

            exact = [Match(start, end, text[start:end], dictionary.entries(text[start:end]))]
        found = exact + [m for m in found if m not in exact]
    return found


def _cursor_at(view: ReaderView, position: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return cursor
