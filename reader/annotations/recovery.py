"""Recovering the annotation database from damage, and telling the user what happened.

Before the store gets a connection (`opening`), the database is checked completely. A file that
is there is never taken for a new database (new ones are put in place whole, `files.create`):
an empty one, one whose tables do not match its schema number, or one without annotations while
its backups hold some, is damaged. A damaged file (or the side files of a missing one) is moved
aside to ``damaged/`` before anything takes its place, the newest backup that passes the same
check is restored, and every row still readable in the damaged file that is newer than the
backup is salvaged into it (`rescue`, once the database is open): nothing that can be read is
lost.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from reader.annotations.backups import describe_time, good_backups, made_at
from reader.annotations.errors import DamagedError, NewerSchemaError, is_damage
from reader.annotations.files import (
    folder_in_the_way,
    move_aside,
    restore,
    stray_side_files,
    wal_is_garbage,
)
from reader.annotations.integrity import Inspection, check, connect_read_only
from reader.annotations.schema import CURRENT_VERSION, user_version


def describe_failure(database: Path, error: BaseException) -> str:
    """What to tell the user when the database cannot be opened at all, not even read-only:
    what is wrong, where, and what they can do about it."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    in_the_way = folder_in_the_way(database)
    unchanged = "reader did not change the file"
    if in_the_way == database:
        return (
            f"The annotation database {database} is a folder, not a file. Move or rename that"
            " folder (reader keeps its annotations in a file of that name), then start reader"
            " again; if it holds an annotations.sqlite3 of your own, move that file there instead."
        )
    if in_the_way is not None:
        return (
            f"{in_the_way} is a folder, but SQLite keeps a file of that name next to the"
            f" annotation database {database}. Move or rename that folder, then start reader"
            f" again; {unchanged}."
        )
    if isinstance(error, PermissionError) or (
        database.exists() and not os.access(database, os.R_OK)
    ):
        return (
            f"The annotation database {database} cannot be read: you do not have permission to"
            f" read it. Give your user read and write access to it (for example"
            f' chmod u+rw "{database}"), then start reader again; {unchanged}.'
        )
    if code == 10 or getattr(error, "errno", None) == errno.EIO:
        return (
            f"The annotation database {database} could not be read: the disk reported an error"
            f" ({error}). Check that the disk is connected and not failing (copy the folder"
            f" {database.parent} somewhere safe first), then start reader again; {unchanged}."
        )
    if code == 14 or isinstance(error, OSError):
        return (
            f"The annotation database {database} cannot be opened ({error}). Check that the"
            f" folder {database.parent} exists and that you may read and write it and the files"
            " in it, then start reader again."
        )
    return (
        f"Cannot open the annotation database {database}: {error}. Close other copies of reader"
        " and try again; if it keeps happening, move the file out of that folder and reader"
        " will start from its newest backup (the file you moved stays yours to look into)."
    )


def diagnose(database: Path) -> str | None:
    """What is wrong with the database, or None; raises NewerSchemaError before checking.

    A file that is there is never taken for a new database: new ones are created whole
    (`create`), so an empty file, or one without annotations while its backups have some, was
    emptied or replaced.
    """
    if wal_is_garbage(database):
        return "its write-ahead log is not a SQLite log"
    if database.stat().st_size == 0:
        return "it is empty: 0 bytes"
    try:
        conn = connect_read_only(database)
    except sqlite3.Error as error:
        if is_damage(error):
            return str(error)
        raise
    try:
        version = user_version(conn)
        if version > CURRENT_VERSION:
            raise NewerSchemaError(version)
        found = check(conn)
    except DamagedError as error:
        return str(error)
    except sqlite3.Error as error:
        if is_damage(error):
            return str(error)
        raise
    finally:
        conn.close()
    if found.version == 0:
        return "it is empty: it holds no tables"
    if never_used(found) and any(
        not never_used(kept) for _, kept in good_backups(database.parent / "backups")
    ):
        return "it holds no annotations, but its backups do"
    return None


def never_used(found: Inspection) -> bool:
    """Whether a database holds nothing at all: no annotation, not one change ever made."""
    return found.annotations == 0 and found.revision == 0


@dataclass(frozen=True)
class Recovery:
    """A repair of the database as far as it went, and the message that tells the user."""

    database: Path
    problem: str | None
    """What was wrong with the database; None if it was missing."""
    message: int
    """Which of the messages tells the user about this recovery."""
    aside: Path | None = None
    """Where the damaged file and its side files were moved."""
    backup: Path | None = None
    restored: str | None = None
    """The sentence about the backup restored; empty if none was usable, None until known."""

    def describe(self, merged: int | None = None) -> str:
        """The message: what was wrong, what was restored, where the old file is, and how many
        annotations were salvaged from it (`merged`; None before salvaging)."""
        what = f"damaged ({self.problem})" if self.problem is not None else "missing"
        parts = [f"The annotation database {self.database} was {what}."]
        if self.restored:
            parts.append(self.restored)
        elif self.restored is not None:
            parts.append(self._new_database(merged))
        if self.aside is not None and self.problem is not None:
            parts.append(f"The damaged file was kept at {self.aside}.")
        elif self.aside is not None:
            parts.append(f"Files left of it were moved to {self.aside}.")
        if self.restored and merged:
            parts.append(
                f"Recovered {_plural(merged)} from the damaged file (changed after that backup)."
            )
        return " ".join(parts)

    def _new_database(self, merged: int | None) -> str:
        started = "No usable backup was found, so a new"
        if self.aside is None or self.problem is None or merged is None:
            return f"{started}, empty database was started."
        if merged == 0:
            return (
                f"{started}, empty database was started: nothing in the damaged file was readable."
            )
        return (
            f"{started} database was started with what could still be read from the damaged"
            f" file: {_plural(merged)}."
        )


def _plural(count: int) -> str:
    return f"{count} annotation" + ("" if count == 1 else "s")


def recover(database: Path, problem: str | None, messages: list[str]) -> Recovery:
    """Move a damaged (or half-missing) database aside and restore the newest good backup.

    A backup of a database never used (no row, no change) is passed over: it holds nothing,
    and an older one may hold what was lost.
    """
    folder = database.parent
    recovery = Recovery(database, problem, len(messages))
    messages.append(recovery.describe())
    if database.exists() or stray_side_files(database):
        recovery = replace(recovery, aside=move_aside(database, folder / "damaged"))
        messages[recovery.message] = recovery.describe()
    for path, found in good_backups(folder / "backups"):
        if never_used(found):
            continue
        try:
            restore(path, database)
        except DamagedError:
            continue  # the copy did not come out right: try the next backup
        made = describe_time(made_at(path))
        restored = f"Restored the backup of {made} with {describe_contents(found)}."
        recovery = replace(recovery, backup=path, restored=restored)
        break
    else:
        recovery = replace(recovery, restored="")
    messages[recovery.message] = recovery.describe()
    return recovery


def describe_contents(found: Inspection) -> str:
    live = found.annotations - found.trashed
    text = f"{live} annotation" + ("" if live == 1 else "s")
    return text + (f" (and {found.trashed} in the trash)" if found.trashed else "")
