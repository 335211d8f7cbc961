"""Half-width punctuation typed inside Chinese text, shown full-width, one for one.

Web pages and converted files often carry ASCII punctuation after Han characters
(``革命史,無論是``, ``火花:OpenAI``); a Chinese reader expects ``革命史，無論是``. A comma,
colon, semicolon, question or exclamation mark is replaced where it follows a Han character
(or a full-width mark). A pair of parentheses is replaced when it touches no ASCII letter or
digit outside and either encloses Han text or stands next to Chinese. ASCII runs (``GPT-4``,
``3.34``, ``f(x)``, ``(AGI)`` after Latin text) are left as written. Every replacement is one
BMP code point for another, so offsets hold.
"""

from __future__ import annotations

import re

from reader.chinese.han import HAN_CLASS

FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK_MARKS = "，。、；：？！…—「」『』（）《》〈〉【】〔〕“”‘’〓"
"""Full-width marks that are Chinese context too; `〓` stands for a character garbled in the
source (`reader.document.mojibake`), so `如〓,像` reads `如〓，像`."""
_CHINESE = re.compile(f"[{HAN_CLASS}{_CJK_MARKS}]")
_HAN = re.compile(f"[{HAN_CLASS}]")
# A `?` followed by a Latin letter is left alone: in text saved from the web it is usually a
# lost character before its pinyin gloss (`因?yàn`), which a full-width mark would disguise.
_MARK = re.compile("[,:;!?]")
_LETTER = re.compile("[A-Za-z]")
_PARENTHESES = re.compile(r"\(([^()\n]*)\)")
_ASCII_WORD = re.compile("[A-Za-z0-9]")


def full_width_punctuation(text: str) -> str:
    """`text` with half-width punctuation in Chinese context made full-width (same length)."""
    marked = _full_width_marks(text)
    return _PARENTHESES.sub(lambda m: _parentheses(m, marked), marked)


def _full_width_marks(text: str) -> str:
    """Each mark that follows Chinese made full-width, in one pass from left to right: the
    marks are few (a novel has dozens in a million characters), so they are found first and
    only the character before each is looked at. In `嗎?!` the `!` follows the `？` just made."""
    pieces: list[str] = []
    done = 0
    for match in _MARK.finditer(text):
        at = match.start()
        after_chinese = at > 0 and ((at == done and pieces) or _CHINESE.match(text, at - 1))
        if not after_chinese or (match.group() == "?" and _LETTER.match(text, at + 1)):
            continue
        pieces += (text[done:at], FULL_WIDTH[match.group()])
        done = at + 1
    return "".join(pieces) + text[done:] if pieces else text


def _parentheses(match: re.Match[str], text: str) -> str:
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if any(_ASCII_WORD.fullmatch(side) for side in (before, after)):
        return match.group()
    inside = match.group(1)
    next_to_chinese = any(_CHINESE.fullmatch(side) for side in (before, after))
    if _HAN.search(inside) or next_to_chinese:
        return f"（{inside}）"
    return match.group()
