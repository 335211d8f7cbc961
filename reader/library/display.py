"""How the library's numbers read for people, the same in the window and on the command line."""

from __future__ import annotations

from datetime import datetime

UNITS = ("KB", "MB", "GB")


def human_size(size: int | None) -> str:
    """Bytes as "812 B", "14.8 KB", "2.5 MB"; "—" when unknown (1 KB is 1,024 bytes)."""
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in UNITS:
        value /= 1024
        if value < 1024 or unit == UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def local_day(time: str | None, never: str = "never") -> str:
    """An ISO 8601 time as the local date (2026-11-20); `never` for None, "?" if unreadable."""
    if time is None:
        return never
    try:
        return datetime.fromisoformat(time).astimezone().strftime("%Y-%m-%d")
    except ValueError:
        return "?"


def percent(progress: float | None) -> str:
    """Reading progress as "37%"; "—" when unknown."""
    return "—" if progress is None else f"{progress:.0%}"
