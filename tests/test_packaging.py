"""The desktop integration files are valid, and the icon and screenshot they name exist."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"
DESKTOP_FILE = PACKAGING / "reader.desktop"
METAINFO = PACKAGING / "io.github.reader.Reader.metainfo.xml"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return found


def test_the_desktop_file_is_valid() -> None:
    result = subprocess.run(
        [tool("desktop-file-validate"), str(DESKTOP_FILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout


def test_the_metainfo_is_valid_offline() -> None:
    result = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_metainfo_describes_the_release_and_shows_a_screenshot() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    assert root.findtext("launchable") == DESKTOP_FILE.name
    assert root.find("description/p") is not None
    assert root.find("releases/release/description") is not None
    images = [image.text or "" for image in root.iterfind("screenshots/screenshot/image")]
    assert [image.rsplit("/", 1)[-1] for image in images] == [
        "screenshot-light.png",
        "screenshot-dark.png",
    ]
    for image in images:
        assert (PACKAGING / image.rsplit("/", 1)[-1]).is_file()


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_every_icon_size_is_there(size: int) -> None:
    png = PACKAGING / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "reader.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert (PACKAGING / "icons" / "reader.svg").read_text(encoding="utf-8").startswith("<?xml")
