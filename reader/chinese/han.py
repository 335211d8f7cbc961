"""What counts as a Han character: the CJK Unified Ideographs (all extensions, including those
outside the Basic Multilingual Plane), the compatibility ideographs, and 〇."""

from __future__ import annotations

import re

HAN_CLASS = (
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002fa1f\U00030000-\U0003134f\U00031350-\U000323af"
)
HAN = re.compile(f"[{HAN_CLASS}]")
HAN_RUN = re.compile(f"[{HAN_CLASS}]+")


def is_han(character: str) -> bool:
    """Whether `character` (one code point) is a Han character."""
    return HAN.fullmatch(character) is not None
