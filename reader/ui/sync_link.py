"""The window's side of sync: rounds while it is open, and what they bring shown quietly.

A round (`reader.sync.engine.synchronise`) runs after the first page is painted, about two
seconds after a local annotation change, as soon as files arrive in the folder (a file watcher
on the other machines' directories) and every ten seconds anyway (watchers miss changes on many
network shares). Rounds, and every other use of the sync journal (the dialog's status, a note's
earlier versions), run one at a time on a worker thread, each opening the journal there, so the
window never waits for the folder, however slow or gone it is.

What a round brings is applied here: annotations are read again and the user hears how many
changed; reading positions go into the settings, but the page being read never jumps: the next
open uses them. Problems (a folder missing, read-only, full) are told once, not every round.
Nothing of `reader.sync` is imported before the first round, which waits for the first page,
nor the dialog before it is first asked for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from reader.app.services import Services
from reader.document.model import Document
from reader.ui.annotation_controller import AnnotationController
from reader.ui.annotations_panel import AnnotationsPanel
from reader.ui.library_screen import LibraryScreen
from reader.ui.message_bar import MessageBar
from reader.ui.opening import Opening
from reader.ui.persistence import WindowPersistence
from reader.ui.reader_view import ReaderView
from reader.ui.sync_queue import JournalQueue, Work

if TYPE_CHECKING:
    from reader.sync.annotation_changes import NoteVersion
    from reader.sync.engine import SyncReport
    from reader.sync.folder import SyncFolder
    from reader.sync.journal import Journal
    from reader.ui.sync_dialog import SyncState

SETTLE_MS = 2000
"""After a local annotation change: a burst of edits (typing a note) goes out as one round."""
ARRIVAL_MS = 300
"""After the watcher fires: a file arrives as a temporary file and a rename, or several."""
POLL_MS = 10_000
"""The fallback for folders whose changes no watcher reports (network shares)."""


class SyncWindow(Protocol):
    """What sync needs of the main window."""

    services: Services
    annotations: AnnotationController
    annotations_panel: AnnotationsPanel
    library_screen: LibraryScreen
    view: ReaderView
    message_bar: MessageBar
    opening: Opening
    persistence: WindowPersistence

    def current_document(self) -> Document | None: ...

    def window(self) -> QWidget: ...


@dataclass(frozen=True)
class _Round:
    folder: Path | None
    report: SyncReport | None
    watch: list[str]
    sent_positions: dict[str, int]


class SyncLink(QObject):
    """Runs the window's sync rounds and journal look-ups, one at a time, off its thread."""

    round_finished = Signal(object)
    """A round is over: its `SyncReport`, or None when no folder is chosen."""
    described = Signal(object)
    """The `SyncState` asked for by `describe`."""

    def __init__(self, window: SyncWindow) -> None:
        super().__init__(window.window())
        self._window = window
        self._jobs = JournalQueue(window.services, self._failed, self)
        self._round_queued = self._applying = self._first_round_asked = False
        self._folder_cache: SyncFolder | None = None  # touched by one worker at a time only
        self._told: set[str] = set()
        self._still: tuple[str, int] | None = None
        """The open document and where its page has stood since it opened (or since another
        machine's position was taken for it): reports of that place are not the reader moving."""
        self.syncing = False
        """Whether a folder is chosen (known after the first round)."""
        self.last_report: SyncReport | None = None
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.sync_now)
        self._arrival = QTimer(self, singleShot=True, interval=ARRIVAL_MS)
        self._arrival.timeout.connect(self.sync_now)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.sync_now)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(lambda _path: self._arrival.start())
        window.annotations.opened.connect(self._first_round)
        window.annotations.saved.connect(self._local_change)
        window.annotations.changed.connect(self._local_change)
        window.opening.loaded.connect(self._page_opened)  # after the window showed it
        window.view.position_changed.connect(self._page_reported)
        window.annotations_panel.editor.versions_lookup = self.note_versions

    # -- rounds ----------------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Run a round as soon as the one under way (if any) is over; a second request made
        meanwhile is the same round."""
        if not self._round_queued and self._journal_exists():
            self._round_queued = True
            self._jobs.enqueue(self._round)

    def keeps_position(self, document: Document, offset: int) -> bool:
        """Whether the page of the open `document` still stands at `offset`, where it opened or
        where it was when another machine's position came in: the reader has not moved, so
        remembering `offset` (as a report after opening or a relayout, or leaving, would) must
        neither overwrite that position nor go out as a newer one than the other machine's."""
        return self._still == (document.fingerprint, offset)

    def _first_round(self) -> None:
        if not self._first_round_asked:  # after the first page: opened follows its paint
            self._first_round_asked = True
            self.sync_now()

    def _local_change(self, *_: object) -> None:
        if self.syncing and not self._applying:
            self._settle.start()

    def _page_opened(self, document: Document) -> None:
        self._still = (document.fingerprint, self._window.view.top_offset())

    def _page_reported(self, offset: int) -> None:
        if self._still is not None and self._still[1] != offset:
            self._still = None  # the reader moved: from now on the page says where they are

    def _round(self) -> tuple[Work, Callable[[Any], None]] | None:
        self._round_queued = False
        store = self._window.annotations.open_store()
        if store is None:  # annotations unavailable here: nothing to merge them into
            return None
        settings = self._window.services.settings
        positions = {key: p.offset for key, p in settings.positions.items()}

        def work(journal: Journal) -> _Round:
            from reader.sync.engine import synchronise

            if journal.folder is None:
                return _Round(None, None, [], positions)
            folder = self._folder(journal.folder, journal.machine)
            report = synchronise(store, journal, folder, positions)
            return _Round(folder.root, report, _watched(folder), positions)

        return work, self._round_done

    def _folder(self, root: Path, machine: str) -> SyncFolder:
        """The folder, kept between rounds: it remembers which files it has read already."""
        from reader.sync.folder import SyncFolder

        cached = self._folder_cache
        if cached is None or (cached.root, cached.machine) != (root, machine):
            self._folder_cache = cached = SyncFolder(root, machine)
        return cached

    def _round_done(self, outcome: _Round) -> None:
        self.syncing = outcome.folder is not None
        self._watch(outcome.watch)
        if outcome.report is None:
            self._poll.stop()
            self.round_finished.emit(None)
            return
        if not self._poll.isActive():
            self._poll.start()
        report = self.last_report = outcome.report
        if report.received:
            self._applying = True
            try:
                self._window.annotations.reload()
            finally:
                self._applying = False
        self._take_positions(report.positions, outcome.sent_positions)
        if report.shelved and self._window.library_screen.showing:
            self._window.library_screen.refresh()  # a book read or removed on another machine
        news = [_updated(report.received)] if report.received else []
        if news or report.notices:
            self._window.message_bar.show_info(" ".join(news + report.notices))
        self._tell(report.problems)
        self.round_finished.emit(report)

    def _take_positions(self, incoming: dict[str, int], sent: dict[str, int]) -> None:
        """Remember positions other machines reached, except where the reader moved here
        during the round (that move goes out next); the open page stays where it is."""
        settings = self._window.services.settings
        document = self._window.current_document()
        for key, offset in incoming.items():
            here = settings.position_of(key)
            if here != sent.get(key, here):
                continue
            settings.take_synced_position(key, offset)
            if document is not None and document.fingerprint == key:
                self._still = (key, self._window.view.top_offset())
        if incoming:
            self._window.persistence.save_soon()

    def _tell(self, problems: list[str]) -> None:
        """Show each problem once while it lasts (a problem gone and back is told again)."""
        new = [problem for problem in problems if problem not in self._told]
        self._told = set(problems)
        if new:
            self._window.message_bar.show_error(" ".join(new))

    def _watch(self, directories: list[str]) -> None:
        watched = set(self._watcher.directories())
        if watched - set(directories):
            self._watcher.removePaths(sorted(watched - set(directories)))
        if set(directories) - watched:
            self._watcher.addPaths(sorted(set(directories) - watched))

    # -- the folder, for the dialog, and notes' versions ---------------------------------------

    def describe(self) -> None:
        """Read the folder's state in the background; `described` follows."""
        from reader.ui.sync_dialog import SyncState

        def work(journal: Journal) -> SyncState:
            from reader.sync.folder import SyncFolder

            root = journal.folder
            statuses = [] if root is None else SyncFolder(root, journal.machine).statuses()
            return SyncState(root, journal.machine, statuses)

        self._jobs.enqueue(lambda: (work, self.described.emit))

    def set_folder(self, folder: Path | None) -> None:
        """Sync through `folder` from now on (None: stop), then sync and describe."""

        def done(_: None) -> None:
            self._told.clear()
            self.syncing = folder is not None
            self.sync_now()
            self.describe()

        self._jobs.enqueue(lambda: (lambda journal: journal.set_folder(folder), done))

    def note_versions(self, annotation_id: str, show: Callable[[list[NoteVersion]], None]) -> None:
        """Find an annotation's earlier notes in the background and `show` them."""
        if not self._journal_exists():
            return

        def work(journal: Journal) -> list[NoteVersion]:
            from reader.sync.annotation_changes import note_versions

            return note_versions(journal, annotation_id)

        self._jobs.enqueue(lambda: (work, show))

    def show_dialog(self) -> None:
        """Settings › Sync…"""
        from reader.ui.sync_dialog import SyncDialog

        dialog = self._window.window().findChild(SyncDialog)
        if dialog is None:
            dialog = SyncDialog(self, self._window.services.paths.data_dir, self._window.window())
            self.described.connect(dialog.show_state)
            self.round_finished.connect(dialog.show_round)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.describe()

    def _journal_exists(self) -> bool:
        """No journal: no folder was ever chosen, and none is made for a user who never syncs."""
        return (self._window.services.paths.data_dir / "sync.sqlite").exists()

    def _failed(self, error: Exception) -> None:
        self._tell([f"Sync stopped with an error: {error}"])


def _watched(folder: SyncFolder) -> list[str]:
    """The directories whose changes mean news: the folder, its machines, the others' own."""
    machines = folder.root / "machines"
    found = [str(folder.root), str(machines)]
    with contextlib.suppress(OSError):  # a folder gone: the watcher forgets its directories
        found += [str(d) for d in machines.iterdir() if d.is_dir() and d.name != folder.machine]
    return [path for path in found if Path(path).is_dir()]


def _updated(count: int) -> str:
    return f"{count} annotation{'s' if count != 1 else ''} updated from your other machines."
