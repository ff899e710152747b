"""Cold start of ``comeback --db <demo db>`` to the counter painted and interactive.

Each run spawns a fresh process and times from just before the spawn to two moments the
app prints with COMEBACK_BENCH_READY=1: "painted", from a 0 ms single shot after the counter
page's first paint (the counter is on screen and the event loop is free), and "ready", once
the reminder banner, follow-up queue and scheduler (installed right after that first paint)
are up and the loop is free again: from then on nothing is left to load.
The floor is a bare PySide6 window (``bench/bare_window.py``) timed the same way, in the
same run, runs alternating so drift in the machine hits both. Peak RSS per process comes
from ``os.wait4``. Offscreen QPA unless QT_QPA_PLATFORM says otherwise; the OS file cache
is warm (one unmeasured warm-up each), the Python process is not.

Targets: app median ≤ 1.5× the floor, app peak RSS ≤ 120 MB.

With ``--db postgresql://…`` (an empty database) or ``--pg`` (a throwaway cluster, fsync on,
on its Unix socket) the demo store is made on PostgreSQL and the counter is timed to its
first paint there (target: ≤ 2× the bare window), and to "ready": connected to the server,
everything loaded. The warm-up run is the terminal's first start (it connects, then paints,
and makes the terminal's copy of the store); the measured runs are the starts of a terminal
that has a copy: painted from it, connected right after (ui.server_start).

With ``--file PATH`` the counter starts on a copy of that SQLite file instead of the demo
store (a store with years of history, e.g. bench.scaling's cached 1M-incident file), found
sound and stamped first as on most days (bench.scaling.checked_today); the original is
never opened.

    python -m bench.startup [--runs 15] [--language cs] [--db postgresql://… | --pg |
                            --file PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.common import demo_store

HERE = Path(__file__).resolve().parent
TARGET_RATIO, TARGET_RSS_MB = 1.5, 120.0


def make_demo_db(path: Path | str, language: str = "en") -> int:
    ctx, _clock, result = demo_store(path, datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc))
    if language != "en":  # the screens (and Qt's own strings) in another language
        from app import settings

        with ctx.db.atomic():
            settings.write(ctx.db, ctx.store_id, {"language": language})
    ctx.db.close()
    return result.incidents


def copy_of(source: Path, db: Path) -> int:
    """``source`` copied to ``db`` (with its -wal, if any), checked and stamped as the app
    leaves it on most days; returns its incidents."""
    import shutil
    import sqlite3

    from bench.scaling import checked_today

    shutil.copyfile(source, db)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{db}-wal"))
    checked_today(db)
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        conn.close()


def app_command(db: Path) -> list[str]:
    """The app of this checkout (run from its root, as bench.scaling does): an installed
    ``comeback`` script may belong to another checkout (an editable install of the main
    one), which would time that one's code instead."""
    return [sys.executable, "-m", "ui.entry", "--db", str(db)]


def server_app_command(url: str) -> list[str]:
    """The app on a server URL: ``--db URL`` once the command line takes one
    (app.dbtarget), else the same GUI entry called with the URL."""
    import importlib.util

    if importlib.util.find_spec("app.dbtarget") is not None:
        return [sys.executable, "-m", "ui.entry", "--db", url]
    return [sys.executable, "-c",
            "import sys; from ui.entry import _gui; sys.exit(_gui(sys.argv[1]))", url]


def painted_once(command: list[str]) -> float:
    """ms from the spawn to "painted" (or "ready", for the bare window); then the process
    is stopped (what it loads after its first paint is not timed here)."""
    return painted_and_ready(command)[0]


def painted_and_ready(command: list[str], **more_env: str) -> tuple[float, float]:
    """ms from the spawn to "painted" and to "ready" (the same for the bare window); then
    the process is stopped (no backup on quitting). ``more_env``: set for this run."""
    env = dict(os.environ, COMEBACK_BENCH_READY="1", **more_env)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env, text=True, cwd=HERE.parent)
    line = proc.stdout.readline()
    painted = ready = (time.perf_counter() - start) * 1000
    if line.startswith("painted"):
        line = proc.stdout.readline()
        ready = (time.perf_counter() - start) * 1000
    proc.kill()
    proc.wait()
    proc.stdout.close()
    if not line.startswith("ready"):
        raise SystemExit(f"{command[0]} did not paint (exit {proc.returncode})")
    return painted, ready


#: The second floor of a start on a server: the bare window, after importing psycopg and
#: connecting to the server (kept open, as the app keeps its own), in one process.
PG_FLOOR = ("import sys, runpy, psycopg\n"
            "kept = psycopg.connect(sys.argv[1])\n"
            "sys.argv = sys.argv[:1]\n"
            "runpy.run_path({bare!r}, run_name='__main__')\n")


def pg_floor_command(url: str) -> list[str]:
    return [sys.executable, "-c", PG_FLOOR.format(bare=str(HERE / "bare_window.py")), url]


def on_server(args) -> None:
    from bench import server

    bare = [sys.executable, str(HERE / "bare_window.py")]
    with server.database(args) as url:
        where = server.describe(url)
        count = make_demo_db(url, args.language)
        app = server_app_command(url)
        pg_bare = pg_floor_command(url)
        painted_once(bare)  # warm-up, not counted
        painted_once(pg_bare)
        first = painted_and_ready(app)  # the terminal's first start: makes its copy
        floor, ours, ready, firsts, first_ready, pg_floor = [], [], [], [], [], []
        with tempfile.TemporaryDirectory() as homes:
            for i in range(max(7, args.runs)):
                floor.append(painted_once(bare))
                pg_floor.append(painted_once(pg_bare))
                painted, connected = painted_and_ready(app)
                ours.append(painted)
                ready.append(connected)
                # A terminal's first start: a data folder of its own, with no copy in it.
                painted, connected = painted_and_ready(app, XDG_DATA_HOME=f"{homes}/{i}")
                firsts.append(painted)
                first_ready.append(connected)
    f50, a50, r50 = (statistics.median(floor), statistics.median(ours),
                     statistics.median(ready))
    paired = statistics.median(a / f for a, f in zip(ours, floor, strict=True))
    print(f"{where}; demo store {count} incidents; runs {len(ours)} each, alternating")
    print(f"bare PySide6 window, first paint:   median {f50:6.1f} ms "
          f"(min {min(floor):.1f}, max {max(floor):.1f})")
    print(f"comeback counter painted on the server: median {a50:6.1f} ms "
          f"(min {min(ours):.1f}, max {max(ours):.1f}); the terminal's first start "
          f"(no copy yet, connects first) {first[0]:.1f} ms, not counted")
    print(f"  connected, everything loaded (ready): median {r50:6.1f} ms "
          f"({r50 / f50:.2f}x the bare window)")
    n50, nr50 = statistics.median(firsts), statistics.median(first_ready)
    print(f"a terminal's first start (no copy: connects, paints, then makes its copy): "
          f"painted median {n50:6.1f} ms ({n50 / f50:.2f}x the bare window; min "
          f"{min(firsts):.1f}, max {max(firsts):.1f}); ready {nr50:6.1f} ms "
          f"({nr50 / f50:.2f}x)")
    p50 = statistics.median(pg_floor)
    print(f"second floor: bare window + import psycopg + connect: median {p50:6.1f} ms "
          f"({p50 / f50:.2f}x the bare window); a first start painted at "
          f"{n50 / p50:.2f}x it (median of paired ratios "
          f"{statistics.median(a / f for a, f in zip(firsts, pg_floor, strict=True)):.2f}x), "
          f"a start from the copy at {a50 / p50:.2f}x it")
    print(f"ratio counter/bare: {a50 / f50:.2f}x (median of paired ratios {paired:.2f}x; "
          f"target ≤ 2x) {'OK' if a50 / f50 <= 2 else 'OVER'}")


def run_once(command: list[str]) -> tuple[float, float, float, str]:
    """(ms to "painted", ms to "ready", peak RSS in MB, the "ready" line).

    A process that prints only "ready" (the bare window) has painted = ready.
    """
    env = dict(os.environ, COMEBACK_BENCH_READY="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # An installed app starts from cached bytecode; this sandbox sets PYTHONDONTWRITEBYTECODE,
    # which would recompile every module of ours on every start. The warm-up run writes the
    # .pyc files (as a user's first start does), the measured runs use them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, text=True, cwd=HERE.parent)
    line = proc.stdout.readline()
    painted = (time.perf_counter() - start) * 1000
    if line.startswith("painted"):
        line = proc.stdout.readline()
    elapsed = (time.perf_counter() - start) * 1000
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if not line.startswith("ready"):
        raise SystemExit(f"{command[0]} did not report ready (exit {proc.returncode}):\n"
                         f"{errors}")
    return painted, elapsed, usage.ru_maxrss / 1024, line.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--language", default="en",
                        help="the demo store's language: en (default), nb, es, nl or cs")
    parser.add_argument("--file", type=Path, default=None,
                        help="start on a copy of this SQLite file instead of the demo store")
    from bench import server

    server.add_options(parser)
    args = parser.parse_args()
    if args.db or args.pg:
        return on_server(args)
    bare = [sys.executable, str(HERE / "bare_window.py")]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        count = (copy_of(args.file, db) if args.file is not None
                 else make_demo_db(db, args.language))
        app = app_command(db)
        run_once(bare), run_once(app)  # warm the OS file cache; not counted
        floor, painted, ours, rss_floor, rss_ours, own = [], [], [], [], [], []
        for _i in range(max(7, args.runs)):
            _p, ms, rss, _line = run_once(bare)
            floor.append(ms)
            rss_floor.append(rss)
            first, ms, rss, line = run_once(app)
            painted.append(first)
            ours.append(ms)
            rss_ours.append(rss)
            own.append(float(line.split()[1]))
    f50, a50 = statistics.median(floor), statistics.median(ours)
    p50 = statistics.median(painted)
    import importlib.util

    numpy = "numpy installed (sqlite-utils imports it)" if importlib.util.find_spec(
        "numpy") else "no numpy"
    print(f"python {sys.executable} ({numpy}); app: {' '.join(app[:3])} in {HERE.parent}")
    what = f"copy of {args.file}" if args.file is not None else "demo database"
    print(f"{what}: {count} incidents, language {args.language}; "
          f"QPA {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}; "
          f"runs {len(ours)} each, alternating")
    print(f"bare PySide6 window, first paint:  median {f50:6.1f} ms  "
          f"(min {min(floor):.1f}, max {max(floor):.1f})  peak RSS {max(rss_floor):.1f} MB")
    print(f"comeback counter painted + idle:   median {p50:6.1f} ms  "
          f"(min {min(painted):.1f}, max {max(painted):.1f})  ratio {p50 / f50:.2f}x")
    print(f"comeback all loaded (+ reminders): median {a50:6.1f} ms  "
          f"(min {min(ours):.1f}, max {max(ours):.1f})  peak RSS {max(rss_ours):.1f} MB")
    print(f"  (the app's own count from process start, 10 ms ticks: median "
          f"{statistics.median(own):.0f} ms)")
    ratio = p50 / f50
    # Each app run sits right after its own floor run: the median of those pairs' ratios
    # is less moved by the machine speeding up or slowing down during the run.
    paired = statistics.median(p / f for p, f in zip(painted, floor, strict=True))
    print(f"  (median of the {len(floor)} paired ratios, app run / the floor run just before "
          f"it: {paired:.2f}x)")
    print(f"ratio counter painted/bare: {ratio:.2f}x, all loaded/bare: {a50 / f50:.2f}x "
          f"(target ≤ {TARGET_RATIO}x) "
          f"{'OK' if ratio <= TARGET_RATIO else 'OVER'};  peak RSS {max(rss_ours):.1f} MB "
          f"(target ≤ {TARGET_RSS_MB:.0f} MB) "
          f"{'OK' if max(rss_ours) <= TARGET_RSS_MB else 'OVER'}")


if __name__ == "__main__":
    main()
