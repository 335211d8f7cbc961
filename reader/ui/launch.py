"""Starting the window: the QApplication, the services it needs, and the first document."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFontInfo, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from reader import __version__
from reader.app.bundled import icon_path
from reader.app.services import Services
from reader.ui.plain_text import readable
from reader.ui.single_instance import Answer, SingleInstance
from reader.ui.window import MainWindow


def create_application(argv: list[str]) -> QApplication:
    """The QApplication, named so the desktop can associate windows with the app."""
    QCoreApplication.setApplicationName("reader")
    QCoreApplication.setOrganizationName("reader")
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("reader")
    app = QApplication(argv)
    app.setApplicationDisplayName("Reader")
    app.setStyle("Fusion")  # the only style that follows the theme palettes everywhere
    app.setWindowIcon(QIcon(str(icon_path())))
    return app


SMOKE_TEST_VARIABLE = "READER_SMOKE_TEST"
"""Set it to make the window print what it shows, as JSON, and quit once the document is open:
how the bundle test (and a user diagnosing an installation) checks the window really works."""


def _report_and_quit(window: MainWindow) -> None:
    document = window.current_document()
    page = window.view.document()
    report = {
        "title": window.windowTitle(),
        "error": window.message_bar.text,
        "paragraphs": page.blockCount(),
        "contents": window.toc.count(),
        "characters": len(document.text) if document else 0,
        "font": QFontInfo(page.defaultFont()).family(),
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)
    QTimer.singleShot(0, window.close)


REFUSED_EXIT_CODE = 2
"""The exit status when the running window refused the file handed to it (as the command line
does for a file it cannot open)."""


def _report_answer(answer: Answer) -> int:
    """Say in the terminal what the running window did with the file handed to it."""
    if answer.error is None:
        print("reader: opened in the running window", file=sys.stderr)
        return 0
    print(f"reader: {readable(answer.error)}", file=sys.stderr)
    return REFUSED_EXIT_CODE


def run_gui(services: Services, path: str | None, encoding: str | None) -> int:
    """Open the window on `path` (or the bundled article) and run until it closes."""
    app = create_application(sys.argv[:1])
    instance = SingleInstance(services.paths.data_dir)
    if not instance.acquire():
        absolute = str(Path(path).absolute()) if path else None
        answer = instance.forward(absolute, encoding)
        if answer is not None:
            return _report_answer(answer)
    window = MainWindow(services)
    instance.serve(window.open_request)
    window.show()
    if os.environ.get(SMOKE_TEST_VARIABLE):
        window.loader.settled.connect(lambda: _report_and_quit(window))
    # Open after the first paint, so the window appears at once even for a big file.
    QTimer.singleShot(0, lambda: window.open_request(path, encoding))
    try:
        return app.exec()
    finally:
        instance.release()
        services.close()
