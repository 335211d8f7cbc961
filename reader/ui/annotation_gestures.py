"""How a reader makes and touches highlights on the page: select text and pick a colour from
the popup, the context menu or a shortcut; click a highlight to recolour it, write a note or
remove it; hover it to read its note."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent, QTextCursor
from PySide6.QtWidgets import QMenu, QToolTip

from reader.annotations.model import Annotation, Colour
from reader.ui.annotation_controller import AnnotationController
from reader.ui.highlight_popup import HighlightPopup
from reader.ui.plain_text import escaped, rich_tooltip
from reader.ui.reader_view import ReaderView
from reader.ui.theme import THEMES, Theme, highlight_colour

NOTE_TOOLTIP_LIMIT = 600


def lines_band(view: ReaderView, start: int, end: int) -> QRect:
    """The viewport rectangle from the top of the line holding Qt position `start` to the
    bottom of the line holding the last character before `end`: where the bar must not go."""
    first, last = line_rect(view, start), line_rect(view, max(start, end - 1))
    return QRect(0, first.top(), view.viewport().width(), last.bottom() - first.top() + 1)


def line_rect(view: ReaderView, position: int) -> QRect:
    """The viewport rectangle of the laid-out line holding Qt `position`."""
    block = view.document().findBlock(position)
    line = block.layout().lineForTextPosition(position - block.position())
    origin = view.document().documentLayout().blockBoundingRect(block).topLeft()
    scroll = QPointF(view.horizontalScrollBar().value(), view.verticalScrollBar().value())
    return QRectF(line.rect()).translated(origin - scroll).toAlignedRect()


class AnnotationGestures(QObject):
    """Connects mouse and keyboard gestures on the page to the annotation controller."""

    note_requested = Signal(str)
    """Open the note editor for this annotation id."""

    def __init__(self, view: ReaderView, controller: AnnotationController, parent: QObject):
        super().__init__(parent)
        self.view, self.controller = view, controller
        self._theme = THEMES["light"]
        self._popup: HighlightPopup | None = None
        self._target: Annotation | None = None
        view.viewport().installEventFilter(self)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        view.verticalScrollBar().valueChanged.connect(lambda _value: self._hide_popup())

    def set_theme(self, theme: Theme) -> None:
        """Swatches in the theme's shades."""
        self._theme = theme
        if self._popup is not None:
            self._popup.deleteLater()
            self._popup = None

    @property
    def popup(self) -> HighlightPopup:
        """The colour popup, made on first use (its swatches cost the first page 30 ms)."""
        if self._popup is None:
            self._popup = popup = HighlightPopup(
                {colour: highlight_colour(self._theme, colour) for colour in Colour},
                self._theme,
                self.view.viewport(),
            )
            popup.colour_chosen.connect(self._on_colour)
            popup.note_requested.connect(self._on_note)
            popup.remove_requested.connect(self._on_remove)
        return self._popup

    def _hide_popup(self) -> None:
        if self._popup is not None:
            self._popup.hide()

    # -- the selection --------------------------------------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        """The selected canonical range, if any text is selected."""
        cursor = self.view.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.view.canonical_offset(cursor.selectionStart())
        end = self.view.canonical_offset(cursor.selectionEnd())
        return (start, end) if start < end else None

    def highlight_selection(self, colour: Colour | None = None) -> Annotation | None:
        """Highlight the selection (in the last colour used, unless one is given)."""
        selected = self.selection()
        if selected is None:
            return None
        annotation = self.controller.highlight(*selected, colour)
        self._finish()
        return annotation

    def note_on_selection(self) -> None:
        """Highlight the selection (or use the highlight under it) and open its note."""
        selected = self.selection()
        if selected is None:
            return
        target = self._annotation_around(*selected)
        annotation = target or self.controller.highlight(*selected)
        self._finish()
        if annotation is not None:
            self.note_requested.emit(annotation.id)

    def _annotation_around(self, start: int, end: int) -> Annotation | None:
        """The topmost highlight that contains the whole of [start, end)."""
        for key in reversed(self.view.annotation_keys_at(start)):
            annotation = self.controller.find(key)
            if annotation is not None and annotation.start <= start and end <= annotation.end:
                return annotation
        return None

    def _finish(self) -> None:
        self._hide_popup()
        self._target = None
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)

    # -- mouse -----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Popup after a selection or a click on a highlight; the note as a tooltip."""
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.LeftButton:
                point = event.position().toPoint()
                QTimer.singleShot(0, lambda: self._after_release(point))
        elif event.type() == QEvent.Type.MouseButtonPress:
            self._hide_popup()
        elif event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            return self._show_note(event)
        return False

    def _after_release(self, point: QPoint) -> None:
        selected = self.selection()
        if selected is not None:
            self._target = self._annotation_around(*selected)
        else:
            offset = self.view.canonical_offset(self.view.cursorForPosition(point).position())
            self._target = self.controller.at(offset)
            if self._target is None:
                self._hide_popup()
                return
            selected = (self._target.start, self._target.end)
        start, end = selected
        band = lines_band(self.view, self.view.qt_position(start), self.view.qt_position(end))
        self.popup.show_beside(band, point.x(), on_existing=self._target is not None)

    def _show_note(self, event: QHelpEvent) -> bool:
        offset = self.view.canonical_offset(self.view.cursorForPosition(event.pos()).position())
        annotation = self.controller.at(offset)
        if annotation is None or not (annotation.note.strip() or annotation.tags):
            return self._show_text_tooltip(event)
        note = annotation.note.strip()
        if len(note) > NOTE_TOOLTIP_LIMIT:
            note = note[:NOTE_TOOLTIP_LIMIT] + "…"
        tags = "  ".join(f"#{tag}" for tag in annotation.tags)
        # Escaped: a note is the user's text, never markup that could load anything.
        body = escaped(note) + (f"<br><i>{escaped(tags)}</i>" if tags else "")
        QToolTip.showText(event.globalPos(), rich_tooltip(body), self.view.viewport())
        return True

    def _show_text_tooltip(self, event: QHelpEvent) -> bool:
        """The tooltip the text itself carries under the pointer (a character garbled in the
        source says so), looking at the characters on both sides of the nearest position."""
        cursor = self.view.cursorForPosition(event.pos())
        tip = cursor.charFormat().toolTip()
        if not tip and cursor.movePosition(QTextCursor.MoveOperation.NextCharacter):
            tip = cursor.charFormat().toolTip()
        if not tip:
            QToolTip.hideText()
            return False
        QToolTip.showText(event.globalPos(), tip, self.view.viewport())
        return True

    # -- popup choices ---------------------------------------------------------------------------

    def _on_colour(self, colour: Colour) -> None:
        if self._target is not None:
            self.controller.recolour(self._target.id, colour)
            self._finish()
        else:
            self.highlight_selection(colour)

    def _on_note(self) -> None:
        if self._target is not None:
            target = self._target
            self._finish()
            self.note_requested.emit(target.id)
        else:
            self.note_on_selection()

    def _on_remove(self) -> None:
        if self._target is not None:
            self.controller.delete(self._target.id)
        self._finish()

    # -- context menu ----------------------------------------------------------------------------

    def _context_menu(self, point: QPoint) -> None:
        menu = self.build_context_menu(point)
        menu.exec(self.view.viewport().mapToGlobal(point))

    def build_context_menu(self, point: QPoint) -> QMenu:
        """Copy, highlight in a colour, note; over a highlight: recolour, edit note, remove."""
        menu = QMenu(self.view)
        selected = self.selection()
        offset = self.view.canonical_offset(self.view.cursorForPosition(point).position())
        target = self._annotation_around(*selected) if selected else self.controller.at(offset)
        copy = menu.addAction("Copy")
        copy.setEnabled(selected is not None)
        copy.triggered.connect(self.view.copy)
        theme_colours = self.popup.colour_buttons
        if target is not None:
            recolour = menu.addMenu("Change Colour")
            for colour, button in theme_colours.items():
                action = recolour.addAction(button.icon(), colour.value.capitalize())
                action.triggered.connect(
                    lambda _c=False, c=colour, t=target: self.controller.recolour(t.id, c)
                )
            note = menu.addAction("Edit Note…")
            note.triggered.connect(lambda _c=False, t=target: self.note_requested.emit(t.id))
            remove = menu.addAction("Remove Highlight")
            remove.triggered.connect(lambda _c=False, t=target: self.controller.delete(t.id))
        elif selected is not None:
            highlight = menu.addMenu("Highlight")
            for colour, button in theme_colours.items():
                action = highlight.addAction(button.icon(), colour.value.capitalize())
                action.triggered.connect(lambda _c=False, c=colour: self.highlight_selection(c))
            note = menu.addAction("Highlight with Note…")
            note.triggered.connect(self.note_on_selection)
        return menu
