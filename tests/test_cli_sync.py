"""`reader sync`: two machines (two data directories) and one folder, through the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reader.app.paths import AppPaths
from reader.app.services import Services
from reader.cli.common import EXIT_ERROR, EXIT_OK
from reader.cli.main import run


def machine(tmp_path: Path, name: str) -> AppPaths:
    home = tmp_path / name
    return AppPaths(home / "config", home / "data", home / "cache")


def reader(paths: AppPaths, *arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(arguments), stdout, stderr, Services(paths))
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "Sync"
    shared.mkdir()
    return shared


def test_a_note_made_on_one_machine_is_listed_on_the_other(tmp_path: Path, folder: Path) -> None:
    desk, laptop = machine(tmp_path, "desk"), machine(tmp_path, "laptop")
    status, out, err = reader(desk, "annotate", "--quote", "算力", "--note", "從書房寫的")
    assert status == EXIT_OK, err
    status, out, err = reader(desk, "sync", "--folder", str(folder))
    assert (status, err) == (EXIT_OK, "")
    assert "sent 2 changes" in out  # the note, and the article's place in the library
    status, out, err = reader(laptop, "sync", "--folder", str(folder), "--json")
    assert status == EXIT_OK, err
    assert json.loads(out)["received"] == 1
    status, out, _ = reader(laptop, "annotations", "--json")
    assert [row["note"] for row in json.loads(out)] == ["從書房寫的"]


def test_the_folder_is_remembered_after_the_first_time(tmp_path: Path, folder: Path) -> None:
    desk = machine(tmp_path, "desk")
    reader(desk, "sync", "--folder", str(folder))
    status, out, _ = reader(desk, "sync", "--json")
    assert status == EXIT_OK and json.loads(out)["folder"] == str(folder)


def test_without_a_folder_it_says_how_to_choose_one(tmp_path: Path) -> None:
    status, out, err = reader(machine(tmp_path, "desk"), "sync")
    assert status == EXIT_ERROR and out == ""
    assert "reader sync --folder DIR" in err


def test_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    status, _, err = reader(machine(tmp_path, "desk"), "sync", "--folder", str(tmp_path / "nope"))
    assert status == EXIT_ERROR and "does not exist" in err


def test_a_folder_gone_since_keeps_the_notes_here_and_says_so(tmp_path: Path, folder: Path) -> None:
    desk = machine(tmp_path, "desk")
    reader(desk, "sync", "--folder", str(folder))
    reader(desk, "annotate", "--quote", "算力", "--note", "offline")
    folder.rename(tmp_path / "unmounted")
    status, _, err = reader(desk, "sync")
    assert status == EXIT_ERROR and "is missing (not mounted?)" in err
    assert not folder.exists()  # never created on the local disk
    (tmp_path / "unmounted").rename(folder)
    status, out, _ = reader(desk, "sync")
    assert status == EXIT_OK and "sent 2 changes" in out  # the note and the article, kept here


def test_status_lists_each_machine_and_when_it_last_wrote(tmp_path: Path, folder: Path) -> None:
    desk, laptop = machine(tmp_path, "desk"), machine(tmp_path, "laptop")
    reader(desk, "sync", "--folder", str(folder))
    reader(laptop, "sync", "--folder", str(folder))
    status, out, _ = reader(desk, "sync", "--status", "--json")
    assert status == EXIT_OK
    machines = json.loads(out)["machines"]
    assert len(machines) == 2 and sum(entry["this"] for entry in machines) == 1
    assert all(entry["last_wrote"] for entry in machines)


def test_a_reading_position_goes_to_the_other_machine_by_fingerprint(
    tmp_path: Path, folder: Path
) -> None:
    from reader.app.settings import load_settings, save_settings

    desk, laptop = machine(tmp_path, "desk"), machine(tmp_path, "laptop")
    settings = load_settings(desk.settings_file)
    settings.remember_position("a" * 64, 4321, tmp_path / "desk" / "book.txt")
    save_settings(settings, desk.settings_file)
    reader(desk, "sync", "--folder", str(folder))
    status, out, _ = reader(laptop, "sync", "--folder", str(folder), "--json")
    assert status == EXIT_OK and json.loads(out)["positions"] == 1
    assert load_settings(laptop.settings_file).position_of("a" * 64) == 4321


def test_a_folder_inside_the_data_directory_is_refused(tmp_path: Path) -> None:
    desk = machine(tmp_path, "desk")
    inside = desk.data_dir / "Sync"
    inside.mkdir(parents=True)
    status, _, err = reader(desk, "sync", "--folder", str(inside))
    assert status == EXIT_ERROR and "cannot hold the reader's own data" in err
