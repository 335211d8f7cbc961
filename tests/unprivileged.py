"""Running permission tests for real when the suite runs as root (as CI does).

Root reads and writes files whatever their mode (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a
test of a read-only store or an unwritable cache would prove nothing. A test marked
`@pytest.mark.unprivileged` therefore runs, when this process has root's file access, in a
child pytest without it: the same test, the same reader code, only the permissions apply.

Two ways to get such a child are tried, the first that works is used:

- root without the two capabilities (`setpriv` drops them from the bounding set, so neither
  the child nor `access()` has them): every path stays reachable, modes are obeyed;
- the user nobody (`setpriv --reuid`), with a temporary directory the child may write to.

Where neither works the test is skipped and says why; under CI (`CI=true`) it fails instead,
because CI is where these tests must run.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD_VARIABLE = "READER_TEST_UNPRIVILEGED_CHILD"
"""Set in the child, so it never tries to start a child of its own."""
NOBODY = 65534
CHILD_TIMEOUT_S = 600
"""A hang detector for the child pytest (one test), not a budget."""
DROPPED_CAPABILITIES = "-dac_override,-dac_read_search"

PROBE = """
import os, sys, tempfile
folder = tempfile.mkdtemp(dir=sys.argv[1])
os.chmod(folder, 0o500)
try:
    open(os.path.join(folder, "probe"), "w").close()
except PermissionError:
    print("permissions apply")
finally:
    os.chmod(folder, 0o700)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)
import pytest, reader  # the child must be able to run the suite itself
"""


@dataclass(frozen=True)
class Wrapper:
    """A command prefix that runs a program without root's file access."""

    name: str
    prefix: tuple[str, ...]
    owner: int | None
    """The uid that must own the child's temporary directory (None: root keeps it)."""


def permissions_apply(directory: Path | None = None) -> bool:
    """True if this process is refused a write into a folder of mode 0o500."""
    folder = Path(tempfile.mkdtemp(dir=directory))
    try:
        folder.chmod(0o500)
        try:
            (folder / "probe").touch()
        except PermissionError:
            return True
        return False
    finally:
        folder.chmod(0o700)
        shutil.rmtree(folder)


def in_child() -> bool:
    """True inside the child this module started."""
    return os.environ.get(CHILD_VARIABLE) == "1"


def in_ci() -> bool:
    """True under CI, where a permission test that cannot run must fail, not skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def candidates() -> list[Wrapper]:
    """The ways to drop root's file access that this machine offers."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return []
    return [
        Wrapper(
            "root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH",
            (
                setpriv,
                f"--inh-caps={DROPPED_CAPABILITIES}",
                f"--bounding-set={DROPPED_CAPABILITIES}",
            ),
            None,
        ),
        Wrapper(
            "the user nobody",
            (setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"),
            NOBODY,
        ),
    ]


def scratch_directory(wrapper: Wrapper) -> Path:
    """A fresh temporary directory the wrapped child may write to."""
    directory = Path(tempfile.mkdtemp(prefix="reader-unprivileged-"))
    if wrapper.owner is not None:
        os.chown(directory, wrapper.owner, wrapper.owner)
    return directory


def child_environment() -> dict[str, str]:
    return {**os.environ, CHILD_VARIABLE: "1", "PYTHONDONTWRITEBYTECODE": "1"}


def works(wrapper: Wrapper) -> str:
    """'' if `wrapper` runs Python with the permissions applied, else what went wrong."""
    scratch = scratch_directory(wrapper)
    try:
        probe = run_wrapped(wrapper, ["-c", PROBE, str(scratch)])
    except OSError as error:
        return f"{wrapper.name}: {error}"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if probe.returncode == 0 and "permissions apply" in probe.stdout:
        return ""
    output = (probe.stderr or probe.stdout).strip().splitlines()
    return f"{wrapper.name}: {output[-1] if output else f'exit {probe.returncode}'}"


@functools.cache
def usable_wrapper() -> tuple[Wrapper | None, str]:
    """The first wrapper that works here (probed once per session), or None and why not."""
    problems = []
    for wrapper in candidates():
        problem = works(wrapper)
        if not problem:
            return wrapper, ""
        problems.append(problem)
    if not problems:
        return None, "setpriv (util-linux) is not installed"
    return None, "; ".join(problems)


def run_wrapped(wrapper: Wrapper, arguments: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """This Python run with `arguments` under `wrapper`, in the repository, output captured."""
    return subprocess.run(
        [*wrapper.prefix, sys.executable, *arguments],
        cwd=ROOT,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )


def run_test_in_child(wrapper: Wrapper, node_id: str) -> subprocess.CompletedProcess[str]:
    """Run the one test `node_id` in a child pytest wrapped by `wrapper`."""
    scratch = scratch_directory(wrapper)
    arguments: Sequence[str] = [
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "--runxfail",  # the test's own outcome: an xfail marker is applied by the parent
        "--basetemp",
        str(scratch / "basetemp"),
        node_id,
    ]
    try:
        return run_wrapped(wrapper, arguments)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
