"""What a command of the window is: one row of the table in `actions`.

Kept apart from the table so the table is only rows; `spec` writes a row with its portable
keys inline.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QKeySequence

Key = QKeySequence.StandardKey
# A standard key is followed by its usual binding: some platform themes (and the offscreen
# platform the tests use) define no standard keys at all, and a command must never lose its key.


class Group(Enum):
    """Tasks, in the order the shortcuts dialog shows them."""

    READING = "Reading"
    NAVIGATION = "Navigation"
    SEARCH = "Search"
    HIGHLIGHTS = "Highlights"
    VIEW = "View"
    FILE = "File"
    HELP = "Help"


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One command. `handler` and `enabled_when` are attribute paths on the window (such as
    "search.next_hit"), resolved when the actions are built, so this table imports no widget."""

    id: str
    text: str
    """Menu text, with `&` before the mnemonic letter."""
    group: Group
    keys: tuple[str, ...] = ()
    """Portable key sequences, as `QKeySequence` reads them."""
    standard: Key | None = None
    """The platform's key for this command, if it has one; listed before `keys`."""
    handler: str = ""
    """Called with `args` when triggered; empty for a key the page handles itself."""
    args: tuple[float | str, ...] = ()
    enabled_when: str = ""
    """A predicate on the window; the action is disabled while it answers False."""
    panel: str = ""
    """A dock widget whose own (checkable) show/hide action this is."""
    page_keys: tuple[str, ...] = ()
    """Keys the page (or the search box) handles itself, listed but not bound here."""
    note: str = ""
    """Where the keys work, when that is not everywhere (e.g. "in the search box")."""
    title: str = ""
    """The name in the shortcuts dialog, when the menu text needs its submenu to make sense."""

    @property
    def documentation_only(self) -> bool:
        """True for keys handled by a widget: no QAction is made for them."""
        return not self.handler and not self.panel


def spec(
    id: str,
    text: str,
    group: Group,
    *keys: str,
    standard: Key | None = None,
    handler: str = "",
    args: tuple[float | str, ...] = (),
    enabled_when: str = "",
    panel: str = "",
    page_keys: tuple[str, ...] = (),
    note: str = "",
    title: str = "",
) -> ActionSpec:
    """A table row, with its portable keys written inline."""
    return ActionSpec(
        id, text, group, keys, standard, handler, args, enabled_when, panel, page_keys, note, title
    )
