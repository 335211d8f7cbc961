"""``reader sync``: notes on every machine, through a folder the user's sync tool carries."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from reader.app.services import Services
from reader.app.settings import save_settings
from reader.cli.common import EXIT_ERROR, EXIT_OK, CommandError, Streams
from reader.cli.output import dump_json, message, printable

if TYPE_CHECKING:
    from reader.sync.folder import SyncFolder


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``sync``."""
    sync = commands.add_parser(
        "sync",
        help="merge annotations with your other machines through a sync folder",
        description="Write this machine's changes to the sync folder and merge the others'. "
        "Choose the folder once with --folder (any folder Syncthing, Nextcloud, Dropbox or a "
        "USB stick carries between your machines).",
    )
    sync.add_argument("--folder", metavar="DIR", help="sync through this folder from now on")
    sync.add_argument("--status", action="store_true", help="say when each machine last wrote")
    sync.add_argument("--json", action="store_true", help="print one JSON object")
    sync.set_defaults(handler=run_sync)


def run_sync(arguments: argparse.Namespace, services: Services, streams: Streams) -> int:
    """One round of sync, or the folder's status."""
    from reader.sync.engine import synchronise
    from reader.sync.folder import SyncFolder

    with services.sync_journal() as journal:
        if arguments.folder is not None:
            journal.set_folder(_chosen_folder(arguments.folder, services.paths.data_dir))
        folder = journal.folder
        if folder is None:
            raise CommandError(
                "No sync folder is chosen yet: run 'reader sync --folder DIR' once with a "
                "folder your sync tool carries between your machines."
            )
        sync_folder = SyncFolder(folder, journal.machine)
        if arguments.status:
            return _print_status(sync_folder, journal.machine, arguments.json, streams)
        settings = services.settings
        positions = {key: p.offset for key, p in settings.positions.items()}
        report = synchronise(services.annotation_store(), journal, sync_folder, positions)
    if report.positions:
        for key, offset in report.positions.items():
            settings.take_synced_position(key, offset)
        save_settings(settings, services.paths.settings_file)
    if arguments.json:
        dump_json(
            {
                "folder": str(folder),
                "sent": report.sent,
                "received": report.received,
                "library": report.shelved,
                "positions": len(report.positions),
                "notices": report.notices,
                "problems": report.problems,
            },
            streams.out,
        )
    else:
        print(
            f"Synced with {printable(str(folder))}: sent {report.sent} changes; "
            f"{report.received} annotations, {report.shelved} library entries and "
            f"{len(report.positions)} reading positions changed here.",
            file=streams.out,
        )
        for notice in report.notices:
            print(printable(notice), file=streams.out)
    for problem in report.problems:
        print(message(problem), file=streams.err)
    return EXIT_OK if not report.problems else EXIT_ERROR


def _chosen_folder(value: str, data_dir: Path) -> Path:
    from reader.sync.folder import unsuitable

    folder = Path(value).expanduser().absolute()
    refusal = unsuitable(folder, data_dir)
    if refusal is not None:
        raise CommandError(refusal)
    return folder


def _print_status(folder: SyncFolder, machine: str, as_json: bool, streams: Streams) -> int:
    statuses = sorted(folder.statuses(), key=lambda status: status.written, reverse=True)
    machines = [
        {
            "machine": s.machine,
            "name": s.name,
            "last_wrote": s.written,
            "this": s.machine == machine,
        }
        for s in statuses
    ]
    if as_json:
        dump_json(
            {"folder": str(folder.root), "machine": machine, "machines": machines}, streams.out
        )
        return EXIT_OK
    print(f"Sync folder: {printable(str(folder.root))}", file=streams.out)
    if not machines:
        print("No machine has synced through it yet.", file=streams.out)
    for entry in machines:
        this = "  (this machine)" if entry["this"] else ""
        print(
            f"  {printable(str(entry['name']))}: last wrote {entry['last_wrote']}{this}",
            file=streams.out,
        )
    return EXIT_OK
