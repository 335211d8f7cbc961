"""The side panels: Contents on the left, Search and Annotations tabbed on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QWidget

from reader.ui.annotations_panel import AnnotationsPanel
from reader.ui.search_panel import SearchPanel
from reader.ui.toc_panel import TocPanel

SEARCH_PANEL_WIDTH = 360
PANEL_MIN_WIDTH = 200
"""A panel narrower than this shows too little to use; past it, the window grows instead (the
page keeps its own minimum, see `reader.ui.appearance`)."""
LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea


class Panels:
    """The dock widgets around the page, and the commands that bring one forward."""

    def __init__(
        self,
        window: QMainWindow,
        toc: TocPanel,
        search: SearchPanel,
        annotations: AnnotationsPanel,
    ) -> None:
        self._window, self._search, self._annotations = window, search, annotations
        self.toc_dock = self._dock("Contents", "tocDock", toc, LEFT)
        self.search_dock = self._dock("Search", "searchDock", search, RIGHT)
        self.search_dock.hide()
        search.close_requested.connect(self.search_dock.hide)
        self.annotations_dock = self._dock("Annotations", "annotationsDock", annotations, RIGHT)
        window.tabifyDockWidget(self.search_dock, self.annotations_dock)
        self.annotations_dock.hide()
        for dock in (self.search_dock, self.annotations_dock, self.toc_dock):
            dock.visibilityChanged.connect(self._name_tab_bars)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """A closable, movable panel (its object name keys the saved layout)."""
        dock = QDockWidget(title, self._window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setMinimumWidth(PANEL_MIN_WIDTH)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self._window.addDockWidget(area, dock)
        return dock

    def _name_tab_bars(self, _visible: bool = True) -> None:
        """Qt makes a tab bar for tabbed panels on demand; give each a name to announce."""
        for bar in self._window.findChildren(QTabBar):
            if not bar.accessibleName():
                bar.setAccessibleName("Panel tabs")

    def start_search(self) -> None:
        """Ctrl+F: show the search panel with the cursor in its query box."""
        dock = self.search_dock
        if not dock.isVisible() and dock.width() < SEARCH_PANEL_WIDTH:
            self._window.resizeDocks([dock], [SEARCH_PANEL_WIDTH], Qt.Orientation.Horizontal)
        dock.show()
        dock.raise_()
        self._search.focus_query()

    def edit_note(self, annotation_id: str) -> None:
        """Show the Annotations panel with the cursor in this annotation's note."""
        self.annotations_dock.show()
        self.annotations_dock.raise_()
        self._annotations.choose(annotation_id, edit_note=True)
