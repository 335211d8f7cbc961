"""What can go wrong in the annotation store: its exceptions, and what SQLite's errors mean.

`StoreError` and its subclasses reach the user (their messages are written for them);
`DamagedError` and `NewerSchemaError` are what the checks and the schema find, and opening the
store turns them into repairs or into a `StoreError`. A SQLite error is damage (`is_damage`),
a write the disk or the folder refuses (`writing_problem`), or something passing (busy).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # naming these errors (the window before its first paint) loads no SQLite
    import sqlite3


class StoreError(Exception):
    """The store could not do what was asked; the message is written for the user."""


class StoreReadOnlyError(StoreError):
    """Nothing can be saved (read-only folder, permissions, full disk); nothing saved is harmed."""


class NewerDatabaseError(StoreError):
    """The database was written by a newer reader; it is left exactly as it is."""


class DamagedError(Exception):
    """The database (or a backup) cannot be trusted; the message says what was found."""


class NewerSchemaError(Exception):
    """The database was made by a newer program; it is left exactly as it is."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema {version}")
        self.version = version


# --- what SQLite's errors mean ---------------------------------------------------------------


def is_damage(error: sqlite3.Error) -> bool:
    """Whether SQLite's `error` says the file is damaged, rather than busy, locked or unwritable."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # raised by Python's module itself, e.g. text that is not UTF-8
        import sqlite3

        return isinstance(error, sqlite3.DatabaseError)
    return code & 0xFF not in {3, 5, 6, 7, 8, 9, 10, 13, 14, 15, 23}


def writing_problem(error: sqlite3.Error) -> str | None:
    """Why SQLite could not write, in the user's words, if `error` says it could not."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code == 13:
        return "the disk is full"
    if code == 10:
        return f"the disk could not be written ({error}); it may be full or failing"
    if code in (3, 8, 14):
        return f"the database file cannot be written ({error})"
    return None


def write_error(error: sqlite3.Error, path: Path) -> StoreError:
    """The user's version of a SQLite error that stopped a write (which was rolled back)."""
    problem = writing_problem(error)
    if problem is not None:
        return StoreReadOnlyError(
            f"Cannot save annotations to {path}: {problem}. Nothing already saved was harmed."
        )
    if (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF in (5, 6):
        return StoreError(
            "Cannot save: another program kept the annotation database busy for more than"
            " 5 seconds. Nothing was changed; try again."
        )
    return StoreError(f"Cannot save the annotation: {error}. Nothing was changed.")


class ImportFormatError(Exception):
    """The file cannot be imported; the message says why, for the user. Nothing was stored."""
