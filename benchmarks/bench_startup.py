"""Figures for issue 16: start-up as a user sees it, from the shell to the text on the screen.

Run from the project root::

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--tree NAME=DIR ...] [--rss]

Each GUI run starts the real ``reader`` command (``DIR/.venv/bin/reader``) on an Xvfb screen
with its own empty XDG directories, grabs the whole screen every FRAME_INTERVAL_S (well under
the 40 ms asked for) until nothing has changed for QUIET_S, and reports from the moment the
process was spawned:

- shown: the first frame that differs from the empty screen (the window's first paint);
- text: the first frame from which the page (the right part of the window, where the text is)
  stays as it finally is: the text painted where the reader will read it;
- final: the last frame that changed: the whole window final (contents, status bar, scroll bar).

Cases, interleaved run by run so drift of the (shared) machine hits them alike: the bundled
article (first start), the novel opened for the first time (``reader NOVEL``), the novel
reopened at a saved position (``reader`` with settings whose last document is the novel, 35 %
in), and the floor on this machine: ``python -c pass`` and a bare PySide6 window showing a
label. Beside them the wall time of ``reader --version`` and ``reader toc NOVEL`` and the
in-process figure of ``bench_open.py`` (offscreen, its own clock). With several ``--tree``
options (for instance ``--tree base=../startup-base --tree new=.``), every tree runs every case
in the same round. ``--rss`` adds one run per tree of the novel kept open until the index-build
child has ended, reporting the peak resident memory of the whole process tree.

Every tree's modules are compiled to bytecode first, and the runs may cache it, as a user's
installation does (a shell with PYTHONDONTWRITEBYTECODE set would otherwise have every start
compile the reader's sources).

It prints figures only and never passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from screen import Frame, VirtualScreen

ROOT = Path(__file__).resolve().parent.parent
NOVEL = Path("/work/shared/corpus/hongloumeng.txt")
FRAME_INTERVAL_S = 0.02
QUIET_S = 1.5
"""A run is over once the screen has not changed for this long after the window appeared."""
RUN_LIMIT_S = 20.0
RSS_LIMIT_S = 600.0
REOPEN_OFFSET = 300_000
"""Where the reopened novel's saved position is (about 35 % into 红楼梦)."""
TEXT_AREA = (0.30, 0.08, 0.97, 0.92)
"""The page inside the reader's window, as fractions (left, top, right, bottom): right of the
contents panel, below the menu bar, above the status bar."""
LABEL_FLOOR_CODE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QLabel\n"
    "app = QApplication(sys.argv)\n"
    "label = QLabel('第一回 甄士隐梦幻识通灵 贾雨村风尘怀闺秀')\n"
    "label.resize(1100, 780)\n"
    "label.show()\n"
    "app.exec()\n"
)


@dataclass
class Tree:
    """A checkout of the reader with its own virtual environment."""

    name: str
    root: Path

    @property
    def python(self) -> str:
        return str(self.root / ".venv" / "bin" / "python")

    @property
    def reader(self) -> str:
        return str(self.root / ".venv" / "bin" / "reader")


@dataclass
class Sighting:
    """What one GUI run showed, in seconds from the spawn."""

    shown: float
    text: float
    final: float
    peak_tree_rss_mb: float


UNLIKE_A_USER = ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "PYTHONDONTWRITEBYTECODE")
"""Variables of the measuring shell a user's session does not have. Without cached bytecode
every start compiles the reader's modules from source (100 ms and more)."""


def isolated_env(home: Path, display: str) -> dict[str, str]:
    """The environment of a run: the virtual screen and XDG directories under `home`."""
    env = {k: v for k, v in os.environ.items() if k not in UNLIKE_A_USER}
    env["DISPLAY"] = display
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        (home / name.lower()).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / name.lower())
    return env


def tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and all its descendants now, in MB."""
    total_kb, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
        pending.extend(int(child) for child in children)
    return total_kb * 1024 / 1e6


def descendants(pid: int) -> list[int]:
    """The live descendants of `pid`."""
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return children + [grandchild for child in children for grandchild in descendants(child)]


def window_geometry(display: str) -> tuple[int, int, int, int]:
    """The biggest top-level window on the screen: x, y, width, height."""
    listing = subprocess.run(
        ["xwininfo", "-root", "-children", "-display", display],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    best = (0, 0, 1, 1)
    for line in listing.splitlines():
        for word in line.split():
            if "x" in word and word.count("+") == 2 and word[0].isdigit():
                size, x, y = word.split("+")
                width, height = (int(n) for n in size.split("x"))
                if width * height > best[2] * best[3]:
                    best = (int(x), int(y), width, height)
    return best


def watch(
    screen: VirtualScreen,
    command: Sequence[str],
    env: dict[str, str],
    area: tuple[float, float, float, float],
    until_children_end: bool = False,
) -> Sighting:
    """Spawn `command` and grab the screen until it is final; then end the process group."""
    empty, _ = screen.grab()
    frames: list[Frame] = []
    previous, peak_rss = empty, 0.0
    t0 = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    last_change = 0.0
    limit = RSS_LIMIT_S if until_children_end else RUN_LIMIT_S
    while True:
        pixels, stride = screen.grab()
        now = time.perf_counter() - t0
        peak_rss = max(peak_rss, tree_rss_mb(process.pid))
        if pixels != previous:
            frames.append(Frame(now, pixels, stride))
            previous, last_change = pixels, now
        settled = frames and now - last_change > QUIET_S
        if until_children_end:
            settled = settled and not descendants(process.pid)
        if settled or now > limit or process.poll() is not None:
            break
        time.sleep(max(0.0, FRAME_INTERVAL_S - (time.perf_counter() - t0 - now)))
    x, y, width, height = window_geometry(screen.display)
    os.killpg(process.pid, signal.SIGKILL)
    _out, errors = process.communicate(timeout=30)
    if not frames:
        raise RuntimeError(
            f"{' '.join(command)} showed nothing:\n{errors.decode(errors='replace')}"
        )
    left, top, right, bottom = area
    box = (
        x + int(width * left),
        y + int(height * top),
        int(width * (right - left)),
        int(height * (bottom - top)),
    )
    final_text = frames[-1].region(*box)
    text_index = len(frames) - 1
    while text_index > 0 and frames[text_index - 1].region(*box) == final_text:
        text_index -= 1
    deadline = time.monotonic() + 5
    while screen.grab()[0] != empty and time.monotonic() < deadline:
        time.sleep(FRAME_INTERVAL_S)  # the next run starts on an empty screen
    return Sighting(frames[0].seconds, frames[text_index].seconds, frames[-1].seconds, peak_rss)


def wall_time(command: Sequence[str], env: dict[str, str]) -> float:
    """Seconds from spawning `command` to its exit."""
    t0 = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - t0


def in_process_article(tree: Tree, env: dict[str, str]) -> float:
    """`bench_open.py`'s own figure: spawn to the article painted, offscreen."""
    env = dict(env, QT_QPA_PLATFORM="offscreen")
    probe = [
        tree.python,
        str(tree.root / "benchmarks" / "bench_open.py"),
        "--child",
        "start-article",
    ]
    t0 = time.perf_counter()
    with subprocess.Popen(
        probe, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as child:
        assert child.stdout is not None
        child.stdout.readline()
        ready = time.perf_counter() - t0
        child.stdout.read()
    return ready


def novel_fingerprint(tree: Tree) -> str:
    """The novel's fingerprint as `tree` computes it: the key of its reading position."""
    code = (
        "import sys; from pathlib import Path\n"
        "from reader.document.loader import load_document\n"
        "print(load_document(Path(sys.argv[1])).fingerprint)\n"
    )
    run = subprocess.run(
        [tree.python, "-c", code, str(NOVEL)], capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def compile_bytecode(tree: Tree) -> None:
    """Compile `tree`'s modules as installing it does (pip compiles what it installs; an
    editable checkout caches them on its first run), so no run pays for compiling them."""
    subprocess.run(
        [tree.python, "-m", "compileall", "-q", str(tree.root / "reader")],
        env={k: v for k, v in os.environ.items() if k not in UNLIKE_A_USER},
        check=True,
    )


def seed_reopen(screen: VirtualScreen, tree: Tree, seed: Path) -> None:
    """Settings as a user leaves them: the novel read last, its position 35 % in.

    The position is written here rather than left to the window: the run is killed once the
    screen is quiet, which may come before the window's deferred save of the position. The
    cache stays as the first opening left it (without a library index, were one begun)."""
    watch(screen, [tree.reader, str(NOVEL)], isolated_env(seed, screen.display), TEXT_AREA)
    settings_file = seed / "xdg_config_home" / "reader" / "settings.json"
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    settings["positions"] = {novel_fingerprint(tree): {"offset": REOPEN_OFFSET, "path": str(NOVEL)}}
    settings_file.write_text(json.dumps(settings), encoding="utf-8")
    for index in (seed / "xdg_cache_home").glob("*/library-index-*"):
        shutil.rmtree(index)  # a half-built index would not be a user's; the rest of the cache is


def fmt(values: list[float]) -> str:
    return (
        f"{statistics.median(values) * 1000:7.0f} ms  "
        f"[{min(values) * 1000:5.0f} – {max(values) * 1000:5.0f}]"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds of every case (default 5)")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="a checkout with its .venv to measure (repeatable; default: this one)",
    )
    parser.add_argument("--rss", action="store_true", help="also the process tree's peak memory")
    options = parser.parse_args(argv)
    trees = [Tree(*spec.split("=", 1)) for spec in options.tree] or [Tree("this", ROOT)]
    trees = [Tree(tree.name, Path(tree.root).resolve()) for tree in trees]
    floor_python = trees[0].python

    print(
        f"{platform.node()}: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
        f"{options.runs} rounds; frames every {FRAME_INTERVAL_S * 1000:.0f} ms"
    )
    screen = VirtualScreen()
    results: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        results.setdefault(key, []).append(value)

    try:
        with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
            seeds = {tree.name: Path(tmp) / f"seed-{tree.name}" for tree in trees}
            for tree in trees:
                compile_bytecode(tree)
                seed_reopen(screen, tree, seeds[tree.name])
            for round_number in range(options.runs):
                home = Path(tmp) / f"round-{round_number}"
                fresh = iter(range(1000))

                def env(home: Path = home, fresh: Iterator[int] = fresh) -> dict[str, str]:
                    return isolated_env(home / str(next(fresh)), screen.display)

                add("floor: python -c pass", wall_time([floor_python, "-c", "pass"], env()))
                floor = watch(screen, [floor_python, "-c", LABEL_FLOOR_CODE], env(), (0, 0, 1, 1))
                add("floor: PySide6 label window", floor.text)
                for tree in trees:
                    article = watch(screen, [tree.reader], env(), TEXT_AREA)
                    add(f"{tree.name}: article text", article.text)
                    add(f"{tree.name}: article final", article.final)
                    novel = watch(screen, [tree.reader, str(NOVEL)], env(), TEXT_AREA)
                    add(f"{tree.name}: novel first open text", novel.text)
                    add(f"{tree.name}: novel first open final", novel.final)
                    reopen_home = home / f"reopen-{tree.name}"
                    shutil.copytree(seeds[tree.name], reopen_home)
                    reopen = watch(
                        screen, [tree.reader], isolated_env(reopen_home, screen.display), TEXT_AREA
                    )
                    add(f"{tree.name}: novel reopen text", reopen.text)
                    add(f"{tree.name}: novel reopen final", reopen.final)
                    add(
                        f"{tree.name}: reader --version",
                        wall_time([tree.reader, "--version"], env()),
                    )
                    add(
                        f"{tree.name}: reader toc NOVEL",
                        wall_time([tree.reader, "toc", str(NOVEL)], env()),
                    )
                    add(
                        f"{tree.name}: bench_open in-process article",
                        in_process_article(tree, env()),
                    )
            if options.rss:
                for tree in trees:
                    sighting = watch(
                        screen,
                        [tree.reader, str(NOVEL)],
                        isolated_env(Path(tmp) / f"rss-{tree.name}", screen.display),
                        TEXT_AREA,
                        until_children_end=True,
                    )
                    add(
                        f"{tree.name}: novel peak RSS, process tree (MB)", sighting.peak_tree_rss_mb
                    )
    finally:
        screen.close()

    floor = statistics.median(results["floor: PySide6 label window"])
    print(f"\n{'case':52} {'median':>10}  [min – max]      vs floor (label window)")
    for key, values in results.items():
        if "RSS" in key:
            print(f"{key:52} {statistics.median(values):7.0f} MB")
            continue
        difference = statistics.median(values) - floor
        print(f"{key:52} {fmt(values)}   {difference * 1000:+6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
