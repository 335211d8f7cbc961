"""Undo and redo of annotation changes, without Qt.

A change is made first, through the store, and recorded only after its transaction committed:
a step never stands for something that did not happen. Undo and redo replay the opposite and the
same change through the store again. A replay the store refuses (read-only, full disk) raises,
and the step stays where it was, so nothing is recorded as undone that was not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Result = TypeVar("Result")


@dataclass
class Step(Generic[Result]):
    """One undoable change: what it is called, and how to make and unmake it again."""

    text: str
    redo: Callable[[], Result]
    undo: Callable[[], Result]
    merge_key: object = None
    """Successive steps with the same key (not None) merge: typing a note is one step."""


@dataclass
class UndoStack(Generic[Result]):
    """The changes made, most recent last, and the changes undone since."""

    done: list[Step[Result]] = field(default_factory=list)
    undone: list[Step[Result]] = field(default_factory=list)

    def push(self, step: Step[Result]) -> None:
        """Record a change already made; it clears what could be redone."""
        top = self.done[-1] if self.done and not self.undone else None
        self.undone.clear()
        if top is not None and step.merge_key is not None and top.merge_key == step.merge_key:
            top.redo = step.redo  # keep the first undo: back to before the typing began
            return
        self.done.append(step)

    def undo(self) -> Result | None:
        """Unmake the last change; None if there is none."""
        if not self.done:
            return None
        result = self.done[-1].undo()
        self.undone.append(self.done.pop())
        return result

    def redo(self) -> Result | None:
        """Make the last undone change again; None if there is none."""
        if not self.undone:
            return None
        result = self.undone[-1].redo()
        self.done.append(self.undone.pop())
        return result

    @property
    def undo_text(self) -> str | None:
        """What Undo would unmake, for the menu; None if nothing."""
        return self.done[-1].text if self.done else None

    @property
    def redo_text(self) -> str | None:
        """What Redo would make again, for the menu; None if nothing."""
        return self.undone[-1].text if self.undone else None
