"""Two processes beside their floors: ``comeback followups`` and ``comeback report``.

    python -m bench.process_floor [--sizes 10000,1000000] [--runs 9] [--only followups|report]
                                  [--instructions]

The same two process figures as ``bench.scaling`` (the same floors: ``FLOOR_FOLLOWUPS``, a
python process running one plain indexed query of the open follow-ups; and
``bench/report_floor.py``, reportlab building the same pages bare), without the taps,
start-up and idle figures around them, so a change to a command's fixed cost can be
measured in a few minutes. Each size runs on a fresh copy of ``bench.scaling_db``'s cached
store, checked and stamped as on most days (``bench.scaling.checked_today``). Runs of the
command and of its floor alternate; printed: the median wall time of each, the ratio, and
the median CPU time (user + system) of each, which the other processes on a shared machine
disturb less than the wall time. ``--instructions`` also runs each command and its floor once
under valgrind's cachegrind and prints the instructions each executed, and their ratio: a
count the other processes on the machine do not change at all (~40 s more per size).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.scaling import FLOOR_FOLLOWUPS, ROOT, _app, _env, checked_today
from bench.scaling_db import build, last_moment, strip_statistics

TARGETS = {"followups": 2.0, "report": 1.5}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


class Timer:
    """Runs commands; keeps the wall and CPU milliseconds of each, by label."""

    def __init__(self, count: bool = False) -> None:
        self.count = count  # also the instructions of each, once (cachegrind)
        self.instructions: tuple[int, int] | None = None
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self.label: str | None = None  # None: a warm-up run, not kept

    def __call__(self, command: list[str]) -> float:
        cpu, began = _children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=ROOT, env=_env())
        wall = (time.perf_counter() - began) * 1000
        if self.label is not None:
            self.wall.setdefault(self.label, []).append(wall)
            self.cpu.setdefault(self.label, []).append((_children_cpu() - cpu) * 1000)
        return wall

    def pair(self, app: list[str], floor: list[str], runs: int) -> None:
        self.label = None
        self(app), self(floor)  # warm-up: .pyc files, page cache
        for _i in range(runs):
            self.label = "floor"
            self(floor)
            self.label = "ours"
            self(app)
        self.label = None
        if self.count:
            self.instructions = (instructions(app), instructions(floor))


def instructions(command: list[str]) -> int:
    """The instructions ``command`` executes in user space (cachegrind's ``I refs``)."""
    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                           "--cachegrind-out-file=/dev/null", *command], cwd=ROOT, env=_env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=True)
    found = next(line for line in done.stderr.splitlines() if "I" in line and "refs:" in line)
    return int(found.rsplit(":", 1)[1].replace(",", "").strip())


def counted(name: str, size: int, timer: Timer) -> str:
    app, floor = timer.instructions
    return (f"{name:<10} {size:>9,}  instructions {app / 1e6:7.1f} M  floor {floor / 1e6:7.1f} M  "
            f"{app / floor:5.2f}x")


def followups(db: Path, runs: int, count: bool = False) -> Timer:
    timer = Timer(count)
    timer.pair(_app("followups", "--db", str(db)),
               [sys.executable, "-c", FLOOR_FOLLOWUPS, str(db)], runs)
    return timer


def report(db: Path, runs: int, count: bool = False) -> Timer:
    import json

    from app.summary import Week

    week = Week.containing((last_moment(db) - timedelta(days=7)).date())
    timer = Timer(count)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = folder / "week.pdf"
        app = _app("report", "--db", str(db), "--week", str(week), "--out", str(out))
        timer(app)
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines()
                         if line.startswith("Pages:")))
        spec = {"charts": 4, "pages": [[line for line in page.splitlines() if line.strip()]
                                       for page in text.split("\f")[:pages]]}
        (folder / "pages.json").write_text(json.dumps(spec, ensure_ascii=False),
                                           encoding="utf-8")
        floor = [sys.executable, str(Path(__file__).parent / "report_floor.py"),
                 str(folder / "pages.json"), str(folder / "floor.pdf")]
        timer.pair(app, floor, runs)
    return timer


def _incidents(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        conn.close()


def line(name: str, size: int, timer: Timer) -> str:
    med = statistics.median
    wall, floor = med(timer.wall["ours"]), med(timer.wall["floor"])
    cpu, cpu_floor = med(timer.cpu["ours"]), med(timer.cpu["floor"])
    verdict = "OK" if wall <= TARGETS[name] * floor else "MISSED"
    return (f"{name:<10} {size:>9,}  wall {wall:7.1f} ms  floor {floor:7.1f} ms  "
            f"{wall / floor:5.2f}x   cpu {cpu:7.1f} ms  floor {cpu_floor:7.1f} ms  "
            f"{cpu / cpu_floor:5.2f}x   target ≤ {TARGETS[name]}x: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", choices=tuple(TARGETS), default=None)
    parser.add_argument("--instructions", action="store_true",
                        help="also count each command's instructions and its floor's "
                             "(valgrind's cachegrind)")
    parser.add_argument("--stores", default=None, metavar="FILE[,FILE]",
                        help="copies of these store files instead of bench.scaling_db's "
                             "cache (e.g. a cache another branch migrated further)")
    args = parser.parse_args()
    os.chdir(ROOT)
    lines = []
    sources = ([Path(p) for p in args.stores.split(",")] if args.stores else
               [build(int(s)) for s in args.sizes.split(",")])
    for source in sources:
        size = _incidents(source)
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            db = Path(tmp) / f"store-{size}.db"
            shutil.copyfile(source, db)
            strip_statistics(db)
            checked_today(db)
            for name, measure in (("followups", followups), ("report", report)):
                if args.only in (None, name):
                    print(f"[{size:,}] {name}…", flush=True)
                    timer = measure(db, args.runs, args.instructions)
                    lines.append(line(name, size, timer))
                    print(lines[-1], flush=True)
                    if args.instructions:
                        lines.append(counted(name, size, timer))
                        print(lines[-1], flush=True)
    print(f"\npython {sys.executable}; {args.runs} runs each, medians")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
