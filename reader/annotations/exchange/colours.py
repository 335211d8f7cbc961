"""Other readers' highlight colours, in ours: the nearest of yellow, green, blue, pink, purple.

Names come from calibre (yellow, green, blue, red, purple), Foliate (yellow, orange, red,
magenta, aqua, lime), KOReader (yellow, red, orange, green, olive, cyan, blue, purple, gray) and
CSS-like hex values; a style that is not a colour (underline, strikeout) becomes yellow.
"""

from __future__ import annotations

from reader.annotations.model import Colour

_NEAREST = {
    "yellow": Colour.YELLOW,
    "orange": Colour.YELLOW,
    "gold": Colour.YELLOW,
    "gray": Colour.YELLOW,
    "grey": Colour.YELLOW,
    "green": Colour.GREEN,
    "lime": Colour.GREEN,
    "olive": Colour.GREEN,
    "blue": Colour.BLUE,
    "aqua": Colour.BLUE,
    "cyan": Colour.BLUE,
    "red": Colour.PINK,
    "pink": Colour.PINK,
    "magenta": Colour.PINK,
    "purple": Colour.PURPLE,
    "violet": Colour.PURPLE,
}


def colour_named(name: str) -> Colour:
    """Our colour nearest the one `name` calls (yellow when it names none)."""
    return _NEAREST.get(name.strip().lower(), Colour.YELLOW)
