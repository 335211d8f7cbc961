"""Reading themes and typography: colours, CJK font choice, and the block formats they imply.

Typography follows what makes long Chinese text comfortable: a Song/Ming serif for body text,
generous line height (about 1.8 em), a two-character first-line indent instead of blank lines,
and a measure of about 38 characters so the eye never travels far.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette, QTextBlockFormat, QTextCharFormat

from reader.annotations.model import Colour
from reader.document.script import Script

MEASURE_IN_CHARACTERS = 38
MIN_MEASURE_IN_CHARACTERS = 24
"""The page never gets narrower than this: open panels shrink, then the window grows."""
LINE_HEIGHT_PERCENT = 125
"""Proportional to the font's own line spacing (about 1.45 em for CJK fonts): about 1.8 em."""
PARAGRAPH_SPACING_EM = 0.55
HEADING_SCALE = {1: 1.45, 2: 1.25, 3: 1.1}
READABLE_CONTRAST = 4.5
"""WCAG 2 AA for normal text: every text colour against the background it is drawn on."""


@dataclass(frozen=True, slots=True)
class Theme:
    """The colours of one reading theme."""

    name: str
    label: str
    background: str
    text: str
    heading: str
    muted: str
    selection: str
    panel: str
    search_hit: str
    search_current: str

    def palette(self) -> QPalette:
        """A palette for the whole window, so panels match the page."""
        palette = QPalette()
        background, text, panel = QColor(self.background), QColor(self.text), QColor(self.panel)
        for role, colour in (
            (QPalette.ColorRole.Window, panel),
            (QPalette.ColorRole.Base, background),
            (QPalette.ColorRole.AlternateBase, panel),
            (QPalette.ColorRole.WindowText, text),
            (QPalette.ColorRole.Text, text),
            (QPalette.ColorRole.ButtonText, text),
            (QPalette.ColorRole.Button, panel),
            (QPalette.ColorRole.ToolTipBase, panel),
            (QPalette.ColorRole.ToolTipText, text),
            (QPalette.ColorRole.PlaceholderText, QColor(self.muted)),
            (QPalette.ColorRole.Highlight, QColor(self.selection)),
            (QPalette.ColorRole.HighlightedText, text),
            (QPalette.ColorRole.Link, QColor(self.heading)),
        ):
            palette.setColor(role, colour)
        return palette


THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light",
        label="Light",
        background="#fbfaf7",
        text="#222222",
        heading="#7b3418",
        muted="#6f6a62",
        selection="#c9dcf5",
        panel="#f0eee9",
        search_hit="#fbe38e",
        search_current="#f6a04d",
    ),
    "sepia": Theme(
        name="sepia",
        label="Sepia",
        background="#f4ecd8",
        text="#3b2f20",
        heading="#7a3f14",
        muted="#6b5a43",
        selection="#e0cfa4",
        panel="#eadfc4",
        search_hit="#f2d77a",
        search_current="#e8924a",
    ),
    "dark": Theme(
        name="dark",
        label="Dark",
        background="#1d1e21",
        text="#d8d4cc",
        heading="#e3b36f",
        muted="#9c9890",
        selection="#3d5375",
        panel="#26272b",
        search_hit="#5c4d1a",
        search_current="#7e4820",
    ),
}

_SERIF_FAMILIES = {
    Script.TRADITIONAL: ["Noto Serif CJK TC", "Source Han Serif TC", "PMingLiU", "Songti TC"],
    Script.SIMPLIFIED: ["Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC"],
}
_FALLBACK_FAMILIES = [
    "Noto Serif CJK SC",
    "Noto Serif CJK TC",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "serif",
]


def body_font(script: Script, point_size: float) -> QFont:
    """The body font: a serif in the document's script, with CJK fallbacks after it."""
    preferred = _SERIF_FAMILIES.get(script, [])
    families = preferred + [f for f in _FALLBACK_FAMILIES if f not in preferred]
    font = QFont()
    font.setFamilies(families)
    font.setPointSizeF(point_size)
    font.setStyleHint(QFont.StyleHint.Serif)
    return font


def body_block_format(font: QFont, line_height: int = LINE_HEIGHT_PERCENT) -> QTextBlockFormat:
    """Body paragraphs: first-line indent of two characters, airy lines, a little spacing."""
    block = QTextBlockFormat()
    em = font.pointSizeF() * 96 / 72
    block.setLineHeight(line_height, 1)  # 1 = QTextBlockFormat.ProportionalHeight
    block.setTextIndent(2 * em)
    block.setBottomMargin(PARAGRAPH_SPACING_EM * em)
    return block


def heading_block_format(font: QFont, level: int) -> QTextBlockFormat:
    """Headings: space above to mark the break, less below to bind them to their text."""
    block = QTextBlockFormat()
    em = font.pointSizeF() * 96 / 72
    block.setLineHeight(110, 1)
    block.setTopMargin((2.2 if level == 1 else 1.6) * em)
    block.setBottomMargin(0.9 * em)
    block.setHeadingLevel(min(level, 6))
    return block


def heading_char_format(font: QFont, level: int, theme: Theme) -> QTextCharFormat:
    """Headings are larger, bold and tinted with the theme's accent."""
    char = QTextCharFormat()
    char.setFontPointSize(font.pointSizeF() * HEADING_SCALE.get(level, 1.0))
    char.setFontWeight(QFont.Weight.Bold)
    char.setForeground(QColor(theme.heading))
    return char


def body_char_format(theme: Theme) -> QTextCharFormat:
    """Body text in the theme's text colour."""
    char = QTextCharFormat()
    char.setForeground(QColor(theme.text))
    return char


_HIGHLIGHTS: dict[str, dict[Colour, tuple[int, int, int]]] = {
    "light": {
        Colour.YELLOW: (250, 204, 21),
        Colour.GREEN: (74, 222, 128),
        Colour.BLUE: (96, 165, 250),
        Colour.PINK: (244, 114, 182),
        Colour.PURPLE: (167, 139, 250),
    },
    "dark": {
        Colour.YELLOW: (180, 140, 18),
        Colour.GREEN: (34, 160, 90),
        Colour.BLUE: (50, 110, 200),
        Colour.PINK: (200, 60, 130),
        Colour.PURPLE: (130, 90, 210),
    },
}
HIGHLIGHT_ALPHA = {"light": 110, "dark": 125}
"""Translucent, so overlapping highlights show both colours, darker where they overlap."""


def highlight_colour(theme: Theme, colour: Colour) -> QColor:
    """The shade of a highlight colour that reads well on `theme` (sepia uses the light set)."""
    family = "dark" if theme.name == "dark" else "light"
    red, green, blue = _HIGHLIGHTS[family][colour]
    return QColor(red, green, blue, HIGHLIGHT_ALPHA[family])


def note_underline_colour(theme: Theme) -> QColor:
    """The dashed underline that tells a highlight carries a note."""
    return QColor(theme.heading)


def relative_luminance(colour: QColor) -> float:
    """WCAG 2's relative luminance: sRGB channels linearised, weighted by the eye's response."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2's contrast ratio, from 1 (same) to 21 (black on white); order does not matter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def over(top: QColor, bottom: QColor) -> QColor:
    """`top` (maybe translucent) composited over the opaque `bottom`: the colour one sees."""
    alpha = top.alphaF()
    return QColor.fromRgbF(
        top.redF() * alpha + bottom.redF() * (1 - alpha),
        top.greenF() * alpha + bottom.greenF() * (1 - alpha),
        top.blueF() * alpha + bottom.blueF() * (1 - alpha),
    )
