"""Render the application icon (resources/icons/reader.svg) to the PNG sizes desktops use.

Run after changing the SVG: ``.venv/bin/python packaging/make_icons.py``. The PNGs are
committed, so packaging needs no SVG renderer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
HERE = Path(__file__).resolve().parent
SVG = HERE.parent / "resources" / "icons" / "reader.svg"


def render(size: int, renderer: QSvgRenderer, target: Path) -> None:
    """Draw the icon at `size` pixels square into `target`."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(target))


def main() -> int:
    """Render every size into packaging/icons/hicolor/<size>x<size>/apps/reader.png."""
    QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"cannot read {SVG}", file=sys.stderr)
        return 1
    for size in SIZES:
        render(
            size, renderer, HERE / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "reader.png"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
