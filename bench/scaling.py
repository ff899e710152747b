"""Every cost as history grows: 10k, 100k and 1M incidents, each beside its floor.

    python -m bench.scaling [--sizes 10000,100000,1000000] [--taps 200] [--runs 7]
                            [--idle-seconds 50]

One store per size, built through the app's own import from ``bench.generator`` with no
ANALYZE (``bench.scaling_db``, cached under /tmp). Each size is measured on a fresh copy
without statistics, found sound and stamped as a store's file is on most days
(``checked_today``): the first figure (the taps) starts with none, and from then on the
statistics are what the app's own ``PRAGMA optimize`` on close made (the warm-up run of
each process figure is the first to close). Figures, each with a floor measured in the
same run:

- tap → saved: ``log_incident`` through the service, and the second tap in the real main
  window (reminders installed; every screen told) — floor: raw sqlite3 INSERT + COMMIT;
- start-up, everything loaded (counter, sqlite-utils, erasure, reminders, queue) and the
  counter's first paint — floor: a bare PySide6 window (``bench/bare_window.py``);
- ``comeback followups`` as a process — floor: a python process running one plain
  indexed query of the open follow-ups; on the file as the last Comeback process left it
  (``db.sound_stamp``: no full check), and once a day's cost apart: the same command on a
  file not checked today (the full ``quick_check`` runs first);
- idle CPU of the running app over a fixed window (a 45 s backstop inside it) — floor: a
  bare window idling over the same window, at the same time;
- one week's summary (``weekly_summary``), random weeks — floor: ``SELECT *`` of the
  incidents of the eight weeks it reads;
- the weekly report process (``comeback report``) — floor: reportlab building the same
  pages bare (``bench/report_floor.py``: same text, fonts and charts, no app).

Then one table: each figure at each size, its floor, the ratio to the floor, the ratio to
the 10k figure, and which grew by more than 1.5×. Targets on 1M: tap p99 ≤ 20 ms; start-up
≤ 2.5× the bare window; followups ≤ 2× its floor; idle CPU ≤ 1 %; summary p99 ≤ 50 ms;
report ≤ 1.5× its floor.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.common import manager_checks_back, p50_p99, raw_insert_floor, report_against_floor
from bench.scaling_db import build, last_moment, strip_statistics

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = (10_000, 100_000, 1_000_000)
GROWTH_FLAG = 1.5


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed app: cached bytecode
    return env


def _app(*args: str) -> list[str]:
    return [sys.executable, "-m", "ui.entry", *args]


def _timed(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   cwd=ROOT, env=_env())
    return (time.perf_counter() - began) * 1000


# -- taps (run in a child process: one QApplication each) ------------------------------------

def taps_child(db: Path, taps: int) -> dict:
    """Service taps, then widget taps, on ``db``; returns the samples in ms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app import catalog, incidents, settings, staff
    from app.clock import FixedClock
    from app.context import open_context
    from app.models import RemedyRequest

    clock = FixedClock(last_moment(db) + timedelta(minutes=1))
    ctx = open_context(db, clock)
    # The taps time saving, not the approval pad or the sign-in: a store whose cashiers give
    # every preset remedy on their own and stay signed in.
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"cashier_limit": 10**6, "manager_limit": 10**6,
                                              "signin_pin": False})
    marco = staff.find_by_name(ctx, "Marco")
    sam = staff.find_by_name(ctx, "Sam")
    cats = [c for c in catalog.categories(ctx)]
    plain = [r for r in catalog.remedies(ctx) if r.approval_above_minor is None
             or r.value_minor <= r.approval_above_minor]

    def manager_keeps_up() -> None:
        manager_checks_back(ctx, marco.id)

    service = []
    for i in range(taps + 20):
        clock.advance(seconds=41)
        manager_keeps_up()
        began = time.perf_counter()
        incidents.log_incident(ctx, category_id=cats[i % len(cats)].id, staff_id=sam.id,
                               remedies=[RemedyRequest(plain[i % len(plain)].id)])
        if i >= 20:
            service.append((time.perf_counter() - began) * 1000)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.app import build_main_window

    window = build_main_window(ctx)
    window.resize(1024, 768)
    window.show()
    app.processEvents()
    page = window.page("counter")
    window.controller.set_current_staff(sam)
    codes = [c.code for c in cats]
    from ui.gc_policy import settle_after_start

    settle_after_start()  # as ui.app.start ends (the service taps above ran before it)
    widget = []
    for i in range(taps + 20):
        clock.advance(seconds=41)
        manager_checks_back(ctx, marco.id, window.controller.announce)
        QTest.mouseClick(page.category_tile(codes[i % len(codes)]), Qt.LeftButton)
        app.processEvents()
        tiles = [t for t, r in zip(page.remedy_step.tiles(), page.remedy_step._remedies,
                                   strict=False) if r in plain]
        tile = tiles[(i // len(codes)) % len(tiles)]
        began = time.perf_counter()
        QTest.mouseClick(tile, Qt.LeftButton)
        if i >= 20:
            widget.append((time.perf_counter() - began) * 1000)
        app.processEvents()
    window.close()
    ctx.db.conn.close()
    return {"service": service, "widget": widget}


def taps(db: Path, count: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.scaling", "--taps-child", str(db),
                          "--taps", str(count)], check=True, capture_output=True, text=True,
                         cwd=ROOT, env=_env())
    result = json.loads(out.stdout.strip().splitlines()[-1])
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        result["floor"] = raw_insert_floor(Path(tmp) / "floor.db", count)
    return result


# -- processes ------------------------------------------------------------------------------

def startup(db: Path, runs: int) -> dict:
    from bench.startup import run_once

    bare = [sys.executable, str(HERE / "bare_window.py")]
    app = _app("--db", str(db))
    env_cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        run_once(bare), run_once(app)  # warm-up, not counted
        floor, painted, ready = [], [], []
        for _i in range(runs):
            floor.append(run_once(bare)[1])
            first, ms, _rss, _line = run_once(app)
            painted.append(first)
            ready.append(ms)
    finally:
        os.chdir(env_cwd)
    return {"floor": floor, "painted": painted, "ready": ready}


FLOOR_FOLLOWUPS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute(
    "SELECT f.*, i.* FROM followups f CROSS JOIN incidents i ON i.id = f.incident_id "
    "WHERE f.done_at IS NULL AND f.missed_at IS NULL ORDER BY f.due_at").fetchall()
print(len(rows), rows)
"""


def followups_cli(db: Path, runs: int) -> dict:
    """``comeback followups`` on the file as the last Comeback process left it (its stamp
    matches: no full check), and - a few runs - on a file not checked today (the stamp
    removed first: the full ``quick_check`` runs, as once a day or after another program
    wrote the file)."""
    from db.sound_stamp import stamp_path

    app = _app("followups", "--db", str(db))
    floor_cmd = [sys.executable, "-c", FLOOR_FOLLOWUPS, str(db)]
    _timed(app), _timed(floor_cmd)
    floor, ours, unchecked = [], [], []
    for _i in range(runs):
        floor.append(_timed(floor_cmd))
        ours.append(_timed(app))
    for _i in range(max(1, runs // 3)):
        stamp_path(db).unlink(missing_ok=True)
        unchecked.append(_timed(app))
    return {"floor": floor, "ours": ours, "unchecked": unchecked}


def checked_today(db: Path) -> None:
    """The file as a store's is on most days: found sound by a Comeback process within
    the last day, and stamped (``db.sound_stamp``). The taps child stands in for the app
    and closes without the app's stamp, so this runs again after it."""
    from db.health import check_file
    from db.sound_stamp import write

    write(db, check_file(db))


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(db: Path, seconds: float) -> dict:
    """CPU share of the app and of a bare window, side by side, over ``seconds``."""
    env = _env()
    env.pop("COMEBACK_BENCH_READY", None)
    app = subprocess.Popen(_app("--db", str(db)), cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bare = subprocess.Popen([sys.executable, str(HERE / "bare_window.py"), "--stay"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(4)  # start-up and the work after the first paint are over
        a0, b0, t0 = _cpu_seconds(app.pid), _cpu_seconds(bare.pid), time.perf_counter()
        time.sleep(seconds)
        a1, b1, t1 = _cpu_seconds(app.pid), _cpu_seconds(bare.pid), time.perf_counter()
    finally:
        for proc in (app, bare):
            proc.terminate()
            proc.wait(10)
    return {"ours": 100 * (a1 - a0) / (t1 - t0), "floor": 100 * (b1 - b0) / (t1 - t0)}


# -- the summary and the report -------------------------------------------------------------

#: Random weeks the summary's figure is taken over (issue 13's target: p99 of 200).
SUMMARY_WEEKS = 200


def summary_weeks(db: Path, runs: int) -> dict:
    from app.clock import FixedClock, to_iso
    from app.context import open_context
    from app.summary import TREND_WEEKS, Week, weekly_summary

    end = last_moment(db)
    ctx = open_context(db, FixedClock(end + timedelta(minutes=1)))
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(ctx.settings().timezone)
    last = Week.containing((end - timedelta(days=7)).date())
    rng = random.Random(7)
    weeks = [last.shifted(-rng.randrange(0, 150)) for _ in range(runs)]
    for week in weeks[:3]:
        weekly_summary(ctx, week)
    ours, floor = [], []
    for week in weeks:
        start, _e = week.shifted(1 - TREND_WEEKS).bounds(tz)
        _s, stop = week.bounds(tz)
        began = time.perf_counter()
        ctx.db.execute("SELECT * FROM incidents WHERE store_id = ? AND occurred_at >= ? "
                       "AND occurred_at < ?", [1, to_iso(start), to_iso(stop)]).fetchall()
        floor.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        weekly_summary(ctx, week)
        ours.append((time.perf_counter() - began) * 1000)
    ctx.db.conn.close()
    return {"floor": floor, "ours": ours}


def report(db: Path, runs: int) -> dict:
    from app.summary import Week

    week = Week.containing((last_moment(db) - timedelta(days=7)).date())
    label = str(week)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "week.pdf"
        app = _app("report", "--db", str(db), "--week", label, "--out", str(out))
        floor, ours, pages = report_against_floor(app, out, Path(tmp), 4, runs, _timed)
    return {"floor": floor, "ours": ours, "pages": pages, "week": label}


# -- the table ------------------------------------------------------------------------------

def measure(size: int, args) -> dict:
    source = build(size)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        db = Path(tmp) / f"store-{size}.db"
        shutil.copyfile(source, db)
        strip_statistics(db)  # as built: the app's own PRAGMA optimize makes them from here
        checked_today(db)
        print(f"[{size:,}] taps…", flush=True)
        tapped = taps(db, args.taps)
        checked_today(db)
        print(f"[{size:,}] start-up…", flush=True)
        started = startup(db, args.runs)
        print(f"[{size:,}] comeback followups…", flush=True)
        listed = followups_cli(db, args.runs)
        print(f"[{size:,}] idle CPU over {args.idle_seconds:.0f} s…", flush=True)
        idle = idle_cpu(db, args.idle_seconds) if args.idle_seconds > 0 else None
        print(f"[{size:,}] summary…", flush=True)
        summed = summary_weeks(db, SUMMARY_WEEKS)
        print(f"[{size:,}] report…", flush=True)
        reported = report(db, args.runs)
    return {"taps": tapped, "startup": started, "followups": listed, "idle": idle,
            "summary": summed, "report": reported}


def figures(m: dict) -> dict[str, tuple[float, float, str]]:
    """name → (figure, floor, unit) for one size."""
    med = statistics.median
    t, s, f, r, q = m["taps"], m["startup"], m["followups"], m["report"], m["summary"]
    rows = {
        "tap→saved, service p50": (p50_p99(t["service"])[0], p50_p99(t["floor"])[0], "ms"),
        "tap→saved, service p99": (p50_p99(t["service"])[1], p50_p99(t["floor"])[1], "ms"),
        "tap→saved, widget p50": (p50_p99(t["widget"])[0], p50_p99(t["floor"])[0], "ms"),
        "tap→saved, widget p99": (p50_p99(t["widget"])[1], p50_p99(t["floor"])[1], "ms"),
        "start-up, counter painted": (med(s["painted"]), med(s["floor"]), "ms"),
        "start-up, everything loaded": (med(s["ready"]), med(s["floor"]), "ms"),
        "comeback followups": (med(f["ours"]), med(f["floor"]), "ms"),
        "one week's summary p50": (p50_p99(q["ours"])[0], p50_p99(q["floor"])[0], "ms"),
        "one week's summary p99": (p50_p99(q["ours"])[1], p50_p99(q["floor"])[1], "ms"),
        "weekly report process": (med(r["ours"]), med(r["floor"]), "ms"),
    }
    if f.get("unchecked"):
        rows["followups, file not checked today"] = (med(f["unchecked"]), med(f["floor"]), "ms")
    if m["idle"] is not None:
        rows["idle CPU"] = (m["idle"]["ours"], m["idle"]["floor"], "%")
    return rows


TARGETS = {  # on the largest size: (test on figure, floor) → bool, text
    "tap→saved, service p99": (lambda v, f: v <= 20, "≤ 20 ms"),
    "tap→saved, widget p99": (lambda v, f: v <= 20, "≤ 20 ms"),
    "start-up, counter painted": (lambda v, f: v <= 1.5 * f, "≤ 1.5× floor"),
    "start-up, everything loaded": (lambda v, f: v <= 2.5 * f, "≤ 2.5× floor"),
    "comeback followups": (lambda v, f: v <= 2 * f, "≤ 2× floor"),
    "idle CPU": (lambda v, f: v <= 1.0, "≤ 1 %"),
    "one week's summary p99": (lambda v, f: v <= 50, "≤ 50 ms"),
    "weekly report process": (lambda v, f: v <= 1.5 * f, "≤ 1.5× floor"),
}


def print_table(results: dict[int, dict]) -> None:
    sizes = sorted(results)
    per_size = {size: figures(results[size]) for size in sizes}
    base = per_size[sizes[0]]
    grew = []
    print()
    print(f"{'figure':<36} {'size':>9} {'value':>10} {'floor':>10} {'×floor':>7} "
          f"{'×' + format(sizes[0], ','):>9}  target")
    for name in base:
        for size in sizes:
            value, floor, unit = per_size[size][name]
            growth = value / base[name][0] if base[name][0] else float("nan")
            target = next((t for key, t in TARGETS.items() if name.startswith(key)), None)
            verdict = ""
            if target and size == sizes[-1]:
                verdict = f"{target[1]} {'OK' if target[0](value, floor) else 'MISSED'}"
            print(f"{name if size == sizes[0] else '':<36} {size:>9,} {value:>8.2f}{unit:<2} "
                  f"{floor:>8.2f}{unit:<2} {value / floor if floor else float('nan'):>6.2f}x "
                  f"{growth:>8.2f}x  {verdict}")
            if size != sizes[0] and growth > GROWTH_FLAG and unit != "%":
                grew.append(f"{name} at {size:,} ({growth:.2f}× the {sizes[0]:,} figure)")
            if size != sizes[0] and unit == "%" and value > 1.0 and growth > GROWTH_FLAG:
                grew.append(f"{name} at {size:,} ({value:.2f} %)")
    print("report pages: " + ", ".join(f"{size:,}: {results[size]['report']['pages']} "
                                       f"(week {results[size]['report']['week']})"
                                       for size in sizes))
    print()
    if grew:
        print(f"grew by more than {GROWTH_FLAG}× over the {sizes[0]:,} figure:")
        for item in grew:
            print(f"  - {item}")
    else:
        print(f"nothing grew by more than {GROWTH_FLAG}× over the {sizes[0]:,} figure")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--taps", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--idle-seconds", type=float, default=50.0)
    parser.add_argument("--json", type=Path, default=None, help="also save the raw samples")
    parser.add_argument("--table-from", type=Path, default=None,
                        help="print the table of samples saved with --json; measure nothing")
    parser.add_argument("--taps-child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.table_from:
        print_table({int(k): v for k, v in json.loads(args.table_from.read_text()).items()})
        return
    if args.taps_child:
        print(json.dumps(taps_child(args.taps_child, args.taps)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        build(size)
    results = {}
    for size in sizes:
        results[size] = measure(size, args)
        if args.json:
            args.json.write_text(json.dumps(results))
    print(f"python {sys.executable}; QPA {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}; "
          f"{args.taps} taps, {args.runs} runs per process figure, idle window "
          f"{args.idle_seconds:.0f} s; built without statistics, then the app's own")
    print_table(results)


if __name__ == "__main__":
    main()
