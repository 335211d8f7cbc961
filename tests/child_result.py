"""Running a script in a fresh Python with an offscreen Qt, and reading what it found: what a
process loads (and when) can only be seen in a process that has loaded nothing yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

RESULT_PREFIX = "RESULT "
"""The script prints its findings as one JSON line after this."""


def child_result(script: str) -> dict[str, Any]:
    """Run `script` (it prints ``RESULT {json}``) and return its findings; the child's stderr
    is the failure message when it printed none."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        timeout=300,  # a hang detector, not a budget
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    assert lines, done.stderr
    found: dict[str, Any] = json.loads(lines[0].removeprefix(RESULT_PREFIX))
    return found
