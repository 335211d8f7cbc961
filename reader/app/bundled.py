"""The article that ships with the reader and opens when no file is given."""

from __future__ import annotations

import sys
from pathlib import Path

BUNDLED_ARTICLE_TITLE = "從大模型到AI算力再到智算中心"
"""The feature has no headline of its own in the saved text; this one is its own opening
words, so the window title names the document without inventing anything."""


def resources_dir() -> Path:
    """`resources/` beside the package, or inside a PyInstaller bundle."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        return Path(bundle_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def bundled_article_path() -> Path:
    """Where the bundled article lives."""
    return resources_dir() / "article.txt"


def icon_path() -> Path:
    """The application icon (SVG)."""
    return resources_dir() / "icons" / "reader.svg"
