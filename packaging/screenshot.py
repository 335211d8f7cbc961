"""Make the README's screenshots from the real application: the bundled article with its
contents, a search and a few highlights (one with a note), once in the light theme and once
in the dark one (packaging/screenshot-light.png, packaging/screenshot-dark.png).

The window is 1440 x 900 with the Contents and Search panels open: wide enough that the
reading column keeps its full measure beside them, as a reader would set it up.

Run: ``.venv/bin/python packaging/screenshot.py [OUTPUT_DIR]``. It uses a throw-away home, so
your own settings and annotations are neither read nor touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
WINDOW_SIZE = (1440, 900)
THEMES = ("light", "dark")
QUERY = "智算"
HIGHLIGHTS = (
    ("大模型以其強大的數據處理能力和深度學習能力", "yellow", ""),
    ("想要玩轉大模型就需要天量的AI算力", "green", "算力才是關鍵：沒有智算中心，就沒有大模型。"),
    ("政治工具", "pink", ""),
    ("OpenAI的成立", "blue", ""),
)


def main() -> int:
    """Start the app offscreen in a fresh home, stage the scene, and grab it in each theme."""
    output_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    home = Path(tempfile.mkdtemp(prefix="reader-screenshot-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = str(home / variable.lower())

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QPalette

    from reader.annotations.model import Colour
    from reader.app.services import Services
    from reader.ui.launch import create_application
    from reader.ui.theme import THEMES as ALL_THEMES
    from reader.ui.window import MainWindow

    app = create_application(sys.argv[:1])
    window = MainWindow(Services.from_environment())
    window.resize(*WINDOW_SIZE)
    window.show()
    window.open_bundled_article()

    def when(ready: Callable[[], bool], then: Callable[[], None]) -> None:
        """Run `then` once `ready()` holds (the app works in the background meanwhile)."""
        if ready():
            then()
        else:
            QTimer.singleShot(50, lambda: when(ready, then))

    def stage() -> None:
        document = window.current_document()
        assert document is not None
        for passage, colour, note in HIGHLIGHTS:
            start = document.text.index(passage)
            window.annotations.highlight(start, start + len(passage), Colour(colour), note)
        window.panels.start_search()
        window.search_panel.query_edit.setText(QUERY)
        window.search_panel.query_edit.textEdited.emit(QUERY)
        when(search_settled, lambda: shoot(list(THEMES)))

    def search_settled() -> bool:
        """Results shown and the index built (no progress bar, no "full scan" note)."""
        panel = window.search_panel
        building = panel.progress.isVisible() or panel.index_note.isVisible()
        return panel.model.rowCount() > 0 and not building and "\n" not in panel.status.text()

    def shoot(themes: list[str]) -> None:
        if not themes:
            app.quit()
            return
        name = themes[0]
        window.appearance.set_theme(name)
        panel = ALL_THEMES[name].palette().color(QPalette.ColorRole.Window)
        # Qt hands a new palette down to the widgets later, in posted events.
        when(lambda: window.toc.palette().color(QPalette.ColorRole.Window) == panel, grab)

    def grab() -> None:
        # A new page takes its marks after its first paint: paint once, then wait for them.
        window.view.viewport().repaint()
        when(lambda: bool(window.view.extraSelections()), grab_marked)

    def grab_marked() -> None:
        name = window.appearance.theme_name
        window.view.setFocus()
        app.processEvents()
        output = output_dir / f"screenshot-{name}.png"
        window.grab().save(str(output))
        print(f"wrote {output}")
        shoot(list(THEMES[THEMES.index(name) + 1 :]))

    when(lambda: not window.loader.busy and window.current_document() is not None, stage)
    app.exec()
    window.services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
