"""Links inside a book: a click on a footnote or "see chapter 3" jumps there (Alt+Left comes
back, as after any jump); an outside address is never opened, the reader stays offline."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QUrl

from reader.ui.reader_view import ReaderView


class BookLinks(QObject):
    """Follows the page's internal links (``#offset``, see reader.document.formats)."""

    def __init__(self, view: ReaderView) -> None:
        super().__init__(view)
        self._view = view
        view.setTextInteractionFlags(
            view.textInteractionFlags() | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        view.anchorClicked.connect(self.follow)

    def follow(self, url: QUrl) -> None:
        """Jump to an internal target; anything else is ignored (its tooltip says why)."""
        target = url.toString()
        if target.startswith("#") and target[1:].isdigit():
            self._view.jump_to(int(target[1:]))
