"""The times other readers write, as ISO 8601: what the store compares to keep the newer edit.

A time that cannot be read becomes empty ("unknown"), which the store treats as older than any
local edit: a misread date must never let an import overwrite what the user wrote here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january janvier januar enero gennaio janeiro jan",
            "february février fevrier februar febrero febbraio fevereiro feb",
            "march mars märz marz marzo março mar",
            "april avril abril aprile apr",
            "may mai mayo maggio maio",
            "june juin juni junio giugno junho jun",
            "july juillet juli julio luglio julho jul",
            "august août aout agosto aug",
            "september septembre septiembre setiembre settembre setembro sep sept",
            "october octobre oktober octubre ottobre outubro oct okt",
            "november novembre noviembre novembro nov",
            "december décembre decembre dezember diciembre dicembre dezembro dec dez",
        ),
        start=1,
    )
    for name in names.split()
}
_YEAR_MONTH_DAY = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_AFTERNOON = re.compile(r"\b(pm|p\.m\.)|下午|午後|晚上", re.IGNORECASE)
_MORNING = re.compile(r"\b(am|a\.m\.)|上午|午前|凌晨", re.IGNORECASE)


def kindle_time(text: str) -> str:
    """The time of a Kindle header's "Added on …" part, in any of its languages; empty if unread.

    ``Monday, 3 June 2024 10:00:00``, ``Monday, June 3, 2024 10:00:00 AM``,
    ``2024年6月3日星期一 上午10:00:00``, ``Montag, 3. Juni 2024 10:00:00``,
    ``lundi 3 juin 2024 10:00:00``, ``lunes, 3 de junio de 2024 10:00:00``.
    """
    date = _date_of(text)
    clock = _TIME.search(text)
    if date is None or clock is None:
        return ""
    hour, minute, second = (int(part or 0) for part in clock.groups())
    if _AFTERNOON.search(text) and hour < 12:
        hour += 12
    elif _MORNING.search(text) and hour == 12:
        hour = 0
    try:
        return datetime(*date, hour, minute, second).isoformat()
    except ValueError:
        return ""


def _date_of(text: str) -> tuple[int, int, int] | None:
    numeric = _YEAR_MONTH_DAY.search(text)
    if numeric:
        year, month, day = (int(part) for part in numeric.groups())
        return year, month, day
    words = re.findall(r"[^\W\d_]+\.?|\d+", text.lower())
    month = next((_MONTHS[w.rstrip(".")] for w in words if w.rstrip(".") in _MONTHS), 0)
    without_time = _TIME.sub(" ", text)
    numbers = [int(n) for n in re.findall(r"\d+", without_time)]
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if 1 <= n <= 31]
    if not month or not years or not days:
        return None
    return years[0], month, days[0]


def unix_time(value: float | None) -> str:
    """Seconds since 1970 (KOReader's export) as ISO 8601 UTC; empty when absent or absurd."""
    if value is None or not 0 < value < 32_503_680_000:  # before the year 3000
        return ""
    return datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")


def iso_time(text: str) -> str:
    """An ISO 8601 (or KOReader's ``2024-06-03 10:00:00``) time as given; empty if unreadable."""
    candidate = text.strip()
    if candidate.endswith("Z"):
        candidate = candidate[:-1] + "+00:00"
    try:
        datetime.fromisoformat(candidate)
    except ValueError:
        return ""
    return text.strip().replace(" ", "T", 1)
