"""A real store with annotations in two real documents, for the notebook's tests.

The documents are the corpus article and a small Traditional-Chinese text written for the test
(so a Simplified filter has Traditional text to find). Everything goes through the store's own
operations: no rows are written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.annotations.model import Annotation, Colour
from reader.annotations.session import AnnotationSession
from reader.annotations.store import AnnotationStore
from reader.document.loader import load_document
from reader.document.model import Document

SMALL_TEXT = (
    "第一回 山寺\n\n山中有一座古老的寺廟，廟裡住著一位老和尚。\n\n"
    "他每天早上都會敲鐘，鐘聲傳遍整個山谷。\n\n第二回 下山\n\n小和尚第一次走下山去看熱鬧的市集。\n"
)


@dataclass(frozen=True)
class TwoDocuments:
    """The store's two documents and the annotations made on each, in reading order."""

    article: Document
    small: Document
    on_article: list[Annotation]
    on_small: list[Annotation]


def write_small_text(folder: Path) -> Path:
    """The small text, as a UTF-8 file in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "山寺.txt"
    path.write_text(SMALL_TEXT, encoding="utf-8")
    return path


def highlight(
    session: AnnotationSession,
    phrase: str,
    colour: Colour = Colour.YELLOW,
    note: str = "",
    tags: tuple[str, ...] = (),
) -> Annotation:
    """Highlight the first occurrence of `phrase` through the session, as the window does."""
    start = session.document.text.index(phrase)
    made, _changes = session.highlight(start, start + len(phrase), colour, note, tags)
    return made


def annotate_two_documents(
    store: AnnotationStore, article_path: Path, folder: Path
) -> TwoDocuments:
    """Three annotations on the article, two on the small text (read last, so listed first)."""
    article = load_document(article_path)
    session = AnnotationSession.open(store, article)
    on_article = [
        highlight(session, "智算中心", Colour.YELLOW, "算力的基礎設施", ("算力", "基建")),
        highlight(session, "大模型", Colour.BLUE, "", ("模型",)),
        highlight(session, "OpenAI", Colour.PINK, "<b>不是</b> markup"),
    ]
    small = load_document(write_small_text(folder))
    session = AnnotationSession.open(store, small)
    on_small = [
        highlight(session, "寺廟", Colour.GREEN, "古老的寺廟", ("地方",)),
        highlight(session, "鐘聲", Colour.YELLOW, "", ("聲音", "算力")),
    ]
    return TwoDocuments(article, small, sorted(on_article, key=lambda a: a.start), on_small)
