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
_CJK_MARKS = "，。、；：？！…—「」『』（）《》〈〉“”‘’"
_CHINESE = re.compile(f"[{HAN_CLASS}{_CJK_MARKS}]")
_HAN = re.compile(f"[{HAN_CLASS}]")
# A `?` followed by a Latin letter is left alone: in text saved from the web it is usually a
# lost character before its pinyin gloss (`因?yàn`), which a full-width mark would disguise.
_MARK = re.compile(f"(?<={_CHINESE.pattern})(?:[,:;!]|\\?(?![A-Za-z]))")
_PARENTHESES = re.compile(r"\(([^()\n]*)\)")
_ASCII_WORD = re.compile("[A-Za-z0-9]")


def full_width_punctuation(text: str) -> str:
    """`text` with half-width punctuation in Chinese context made full-width (same length)."""
    # Repeated: in `嗎?!` the `!` follows a mark that is only full-width after the first pass.
    previous = None
    while previous != text:
        previous, text = text, _MARK.sub(lambda m: FULL_WIDTH[m.group()], text)
    return _PARENTHESES.sub(lambda m: _parentheses(m, text), text)


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
