"""Make packaging/screenshot.png from the real application: the bundled article with its
contents, a search, and a few highlights (one with a note).

Run: ``.venv/bin/python packaging/screenshot.py [OUTPUT]``. It uses a throw-away home, so your
own settings and annotations are neither read nor touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HIGHLIGHTS = (
    ("大模型以其強大的數據處理能力和深度學習能力", "yellow", ""),
    ("想要玩轉大模型就需要天量的AI算力", "green", "算力才是關鍵：沒有智算中心，就沒有大模型。"),
    ("政治工具", "pink", ""),
    ("OpenAI的成立", "blue", ""),
)


def main() -> int:
    """Start the app offscreen in a fresh home, stage the scene, and grab the window."""
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "screenshot.png"
    home = Path(tempfile.mkdtemp(prefix="reader-screenshot-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = str(home / variable.lower())

    from PySide6.QtCore import QTimer

    from reader.annotations.model import Colour
    from reader.app.services import Services
    from reader.ui.launch import create_application
    from reader.ui.window import MainWindow

    app = create_application(sys.argv[:1])
    window = MainWindow(Services.from_environment())
    window.resize(1440, 880)
    window.show()
    window.open_bundled_article()

    def stage() -> None:
        if window.loader.busy:
            QTimer.singleShot(50, stage)
            return
        document = window.current_document()
        assert document is not None
        for passage, colour, note in HIGHLIGHTS:
            start = document.text.index(passage)
            window.annotations.highlight(start, start + len(passage), Colour(colour), note)
        window.start_search()
        window.search_panel.query_edit.setText("智算")
        window.search_panel.query_edit.textEdited.emit("智算")
        QTimer.singleShot(1500, shoot)

    def shoot() -> None:
        window.view.setFocus()
        app.processEvents()
        window.grab().save(str(output))
        print(f"wrote {output}")
        app.quit()

    QTimer.singleShot(100, stage)
    app.exec()
    window.services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
