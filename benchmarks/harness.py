"""What every benchmark script shares: running measurements in fresh child processes.

GUI measurements run in a child on Qt's offscreen platform with empty XDG directories (the
user's own settings are neither read nor touched); the child prints one result line that the
parent picks out of its output.
"""

from __future__ import annotations

import json
import math
import os
import resource
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULT_PREFIX = "RESULT "


def emit(payload: dict[str, Any]) -> None:
    """Print the child's result line for the parent."""
    print(RESULT_PREFIX + json.dumps(payload), flush=True)


def child_env(tmp: Path) -> dict[str, str]:
    """The environment of a child: offscreen Qt and fresh XDG directories under `tmp`."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        directory = tmp / name.lower()
        directory.mkdir()
        env[name] = str(directory)
    return env


def max_rss_kb() -> int:
    """This process's peak resident set size, in KiB (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with `fraction` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]
