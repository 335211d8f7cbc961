"""Structured books on the page: one block per paragraph, structure drawn by Qt, images only
from the book, internal links followed and outside ones never."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from pytestqt.qtbot import QtBot

from reader.ui.window import MainWindow
from tests.gui.conftest import wait_for_load

BOOK = """# 书名

第一段*强调*与**加粗**，见[第二章](#second)与[外链](https://example.com/)。

- 甲
- 乙

1. 一
2. 二

> 引文一段，缩进显示。

```
code  line
```

| 列一 | 列二 |
|---|---|
| 甲 | 乙 |

![图](pic.png)

<p><ruby>創<rt>chuàng</rt></ruby>新</p>

<h2 id="second">第二章</h2>

正文。
"""


def open_book(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    picture = QImage(240, 120, QImage.Format.Format_RGB32)
    picture.fill(QColor("#4a7ab5"))
    assert picture.save(str(tmp_path / "pic.png"))
    path = tmp_path / "book.md"
    path.write_text(BOOK, encoding="utf-8")
    wait_for_load(qtbot, window, lambda: window.open_path(path))


def test_every_paragraph_is_one_block_and_the_text_is_canonical(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_book(qtbot, window, tmp_path)
    document = window.current_document()
    assert document is not None
    page = window.view.document()
    assert page.blockCount() == len(document.paragraphs)
    assert page.toPlainText() == document.text
    lists = {page.findBlockByNumber(i).textList() is not None for i in range(2, 6)}
    assert lists == {True}
    assert not page.resource(
        QTextDocument.ResourceType.ImageResource, QUrl("book:pic.png")
    ).isNull()
    figure = page.findBlockByNumber(document.text.split("\n").index("\ufffc"))
    assert page.documentLayout().blockBoundingRect(figure).height() >= 120  # the picture shows


def test_an_internal_link_jumps_and_an_outside_one_does_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_book(qtbot, window, tmp_path)
    document = window.current_document()
    assert document is not None
    link = next(s for s in document.paragraphs[1].style.spans if s.kind == "link")
    target = document.text.rindex("第二章")
    assert link.value == f"#{target}"
    with qtbot.waitSignal(window.view.jumped, timeout=5000):
        window.book_links.follow(QUrl(link.value))
    with qtbot.assertNotEmitted(window.view.jumped):
        window.book_links.follow(QUrl("https://example.com/"))


def test_screenshots_in_light_and_dark(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    open_book(qtbot, window, tmp_path)
    folder = Path(os.environ.get("READER_SCREENSHOTS", tmp_path))
    for theme in ("light", "dark"):
        window.appearance.set_theme(theme)
        qtbot.wait(50)
        assert window.grab().save(str(folder / f"book-{theme}.png"))
