"""CSV export and import at scale, against their streaming floors in the same run.

    python -m bench.csv_io [--incidents 1000000] [--repeat 1] [--keep DIR]

Steps, each in its own process so its peak RSS is its own:

1. ``bench.generator`` writes N incidents (the app's own format; not timed);
2. **import**: a new store (``comeback init``'s service), then ``import_csv`` of that file
   with the owner's PIN — the app's full path: read, check every row, stage, switch;
   floor: ``csv.reader`` over the same file → ``executemany`` into a bare 24-column table
   (same pragmas: WAL, synchronous=FULL), one transaction;
3. **export**: ``export_csv`` of that store to a file;
   floor: raw sqlite3 ``SELECT`` of the incidents table → ``csv.writer``, same file.

It also prints the import's time by phase (read and check, stage, audit digests, rollup
grouped, copy slices, switch, …; wall and CPU seconds, each beside the whole floor) and the
longest the import held the store's write lock at a time (it copies in
short slices, then switches in one short transaction): the longest a tap could wait.

``--row-by-row`` also imports with every row checked in Python (the way before the
set-wise staging, app.import_setwise), printed as "rows" beside the same floor.

Prints the median seconds of each, the ratio to its floor and each peak RSS (targets at
1,000,000 rows: export ≤ 2×, import ≤ 2.5× the floor, each ≤ 150 MB); beside them the CPU
seconds of the same timed parts and their ratio, steadier than the wall clock when others
use the machine too (the targets are the wall-clock ratios).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

PIN = "4821"
END = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process so far (user + system): steadier than the wall clock
    on a machine others are using too."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- what each child process does -------------------------------------------------------------

def child_import(db: str, csv_path: str) -> float:
    from app.clock import FixedClock
    from app.context import open_context
    from app.csv_import import import_csv
    from app.setup import init_store
    from db import import_staging as staging_db

    ctx = open_context(db, FixedClock(END + timedelta(hours=1)))
    init_store(ctx, store_name="Bench", preset="restaurant", currency="EUR", locale="nl_NL",
               language="en", timezone="Europe/Amsterdam", owner_name="Ingrid",
               owner_pin=PIN)

    def timed(write):  # each write transaction of the import: how long a tap could wait
        def run(*args, **kwargs):
            begun = time.perf_counter()
            try:
                return write(*args, **kwargs)
            finally:
                LOCKED.append(time.perf_counter() - begun)
        return run

    for name in ("reserve", "copy_batch", "switch"):
        setattr(staging_db, name, timed(getattr(staging_db, name)))
    for module, name, phase in _phases():
        setattr(module, name, _phase(getattr(module, name), phase))
    start, cpu = time.perf_counter(), _cpu_s()
    import_csv(ctx, csv_path, pin=PIN)
    seconds = time.perf_counter() - start
    CPU[0] = _cpu_s() - cpu
    PHASES["read, check"] = [seconds - sum(w for w, _c in PHASES.values()),
                             CPU[0] - sum(c for _w, c in PHASES.values())]
    ctx.db.close()
    return seconds


CPU = [0.0]  # CPU seconds of the timed part of this child
PHASES: dict[str, list[float]] = {}  # phase of the import: [wall s, CPU s]


def _phase(function, phase: str):
    def run(*args, **kwargs):
        wall, cpu = time.perf_counter(), _cpu_s()
        try:
            return function(*args, **kwargs)
        finally:
            spent = PHASES.setdefault(phase, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += _cpu_s() - cpu
    return run


def _phases() -> list:
    """(module, function, phase) timed in the import's child; what is left of the import's
    time is reading and checking the rows (app.csv_rows; set-wise: the distinct values and
    the vouchers, app.import_setwise)."""
    from db import csv_import, import_rollup, import_setwise, import_staging
    return [(csv_import, "stage", "stage (TEMP tables)"),
            (import_setwise, "stage_raw", "read, stage raw cells"),
            (import_setwise, "convert", "check and convert in SQL"),
            (csv_import, "coverage", "audit digests"),
            (import_rollup, "prepare", "rollup grouped"),
            (import_staging, "reserve", "reserve ids"),
            (import_staging, "copy_batch", "copy slices"),
            (import_staging, "switch", "switch"),
            (csv_import, "drop", "drop TEMP tables"),
            (csv_import, "optimize", "statistics")]
LOCKED: list[float] = []  # seconds of each write transaction of the import
WRITES: list[tuple[int, float]] = []  # (write transactions, their seconds) per import run
PHASE_RUNS: list[dict[str, list[float]]] = []  # PHASES of each import run


def child_import_floor(db: str, csv_path: str) -> float:
    import csv
    import sqlite3
    from itertools import islice

    from app.csvio import COLUMNS

    start, cpu = time.perf_counter(), _cpu_s()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"CREATE TABLE bare ({', '.join(f'c{i} TEXT' for i in range(len(COLUMNS)))})")
    insert = f"INSERT INTO bare VALUES ({', '.join('?' * len(COLUMNS))})"
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        while True:
            batch = list(islice(reader, 5000))
            if not batch:
                break
            conn.executemany(insert, batch)
    conn.commit()
    conn.close()
    CPU[0] = _cpu_s() - cpu
    return time.perf_counter() - start


def child_export(db: str, out: str) -> float:
    from app.clock import FixedClock
    from app.context import open_context
    from app.csvio import export_csv

    ctx = open_context(db, FixedClock(END + timedelta(hours=1)))
    start, cpu = time.perf_counter(), _cpu_s()
    export_csv(ctx, out)
    seconds = time.perf_counter() - start
    CPU[0] = _cpu_s() - cpu
    ctx.db.close()
    return seconds


def child_export_floor(db: str, out: str) -> float:
    import csv
    import sqlite3

    start, cpu = time.perf_counter(), _cpu_s()
    conn = sqlite3.connect(db)
    cursor = conn.execute("SELECT * FROM incidents ORDER BY store_id, occurred_at, id")
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([c[0] for c in cursor.description])
        writer.writerows(cursor)
    conn.close()
    CPU[0] = _cpu_s() - cpu
    return time.perf_counter() - start


def child_import_rows(db: str, csv_path: str) -> float:
    """The import with every file checked row by row (app.csv_rows), as before the
    set-wise staging (app.import_setwise): ``--row-by-row`` prints it beside."""
    from app import csv_import

    csv_import.SETWISE_BYTES = 1 << 62
    return child_import(db, csv_path)


CHILDREN = {"import": child_import, "import_rows": child_import_rows,
            "import_floor": child_import_floor,
            "export": child_export, "export_floor": child_export_floor}


def _run(kind: str, a: Path, b: Path) -> tuple[float, float, float]:
    """(seconds, peak RSS MB, CPU seconds) of one child process."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    done = subprocess.run([sys.executable, "-m", "bench.csv_io", "--child", kind, str(a),
                           str(b)], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if kind != "import":
        return result["seconds"], result["rss_mb"], result["cpu"]
    if result.get("locked"):
        LOCKED.append(result["locked"])
        WRITES.append((result["writes"], result["locked_sum"]))
    if result.get("phases"):
        PHASE_RUNS.append(result["phases"])
    return result["seconds"], result["rss_mb"], result["cpu"]


def _fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.csv_io")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None,
                        help="folder for the files (default: a temporary one)")
    parser.add_argument("--row-by-row", action="store_true",
                        help="also import with every row checked in Python (the way before "
                             "the set-wise staging), beside the same floor")
    parser.add_argument("--child", nargs=3, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, a, b = args.child
        seconds = CHILDREN[kind](a, b)
        print(json.dumps({"seconds": seconds, "rss_mb": _peak_mb(), "cpu": CPU[0],
                          "locked": max(LOCKED, default=0), "locked_sum": sum(LOCKED),
                          "writes": len(LOCKED), "phases": PHASES}))
        return 0

    from bench.generator import write_csv

    folder = args.keep or Path(tempfile.mkdtemp(prefix="csv_io-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"generated-{args.incidents}.csv"
    if not source.exists():  # the generator is deterministic: a kept file is reused
        start = time.perf_counter()
        write_csv(folder / "generating.csv", args.incidents, seed=1, end=END).rename(source)
        print(f"generated {args.incidents:,} incidents ({source.stat().st_size / 1e6:.0f} MB)"
              f" in {time.perf_counter() - start:.1f} s")
    figures: dict[str, list[tuple[float, float, float]]] = {k: [] for k in CHILDREN}
    store, bare = folder / "store.db", folder / "bare.db"
    out, floor_out = folder / "export.csv", folder / "floor.csv"
    for _round in range(args.repeat):  # paired: each figure beside its floor
        figures["import_floor"].append(_run("import_floor", _fresh(bare), source))
        if args.row_by_row:
            figures["import_rows"].append(_run("import_rows", _fresh(store), source))
        figures["import"].append(_run("import", _fresh(store), source))
        figures["export_floor"].append(_run("export_floor", store, floor_out))
        figures["export"].append(_run("export", store, out))
    print(f"\n{'':8} {'app s':>8} {'floor s':>8} {'ratio':>6} {'target':>7} "
          f"{'app RSS':>9} {'floor RSS':>10}   {'CPU s: app':>10} {'floor':>6} {'ratio':>6}")
    verdicts = []
    kinds = [("export", 2.0), ("import", 2.5)]
    if args.row_by_row:
        kinds.append(("import_rows", 2.5))
    for kind, target in kinds:
        floor_kind = "import_floor" if kind == "import_rows" else f"{kind}_floor"
        app = statistics.median(s for s, _m, _c in figures[kind])
        floor = statistics.median(s for s, _m, _c in figures[floor_kind])
        rss = max(m for _s, m, _c in figures[kind])
        floor_rss = max(m for _s, m, _c in figures[floor_kind])
        app_cpu = statistics.median(c for _s, _m, c in figures[kind])
        floor_cpu = statistics.median(c for _s, _m, c in figures[floor_kind])
        ratio = app / floor
        ok = ratio <= target and rss <= 150
        if kind != "import_rows":  # shown for comparison only
            verdicts.append(ok)
        kind = "rows" if kind == "import_rows" else kind
        print(f"{kind:8} {app:8.2f} {floor:8.2f} {ratio:5.2f}× {'≤' + str(target) + '×':>7} "
              f"{rss:7.0f} MB {floor_rss:8.0f} MB  {'✓' if ok else '✗'}"
              f" {app_cpu:10.2f} {floor_cpu:6.2f} {app_cpu / floor_cpu:5.2f}×")
    if LOCKED:
        writes, held = WRITES[-1]
        print(f"import held the write lock at most {statistics.median(LOCKED) * 1000:.1f} ms "
              f"at a time ({writes} short write transactions, {held:.1f} s in all); before "
              "them it only read and staged")
    if PHASE_RUNS:
        floor = statistics.median(s for s, _m, _c in figures["import_floor"])
        floor_cpu = statistics.median(c for _s, _m, c in figures["import_floor"])
        print(f"\nimport by phase (medians){'wall s':>17} {'× floor':>8} {'CPU s':>7} "
              f"{'× floor':>8}")
        for phase in sorted(PHASE_RUNS[0], key=lambda p: -PHASE_RUNS[0][p][1]):
            wall = statistics.median(run[phase][0] for run in PHASE_RUNS if phase in run)
            cpu = statistics.median(run[phase][1] for run in PHASE_RUNS if phase in run)
            print(f"  {phase:28} {wall:12.2f} {wall / floor:7.2f}× {cpu:7.2f} "
                  f"{cpu / floor_cpu:7.2f}×")
    print(f"\n(rows: {args.incidents:,}; runs: {args.repeat}; medians; RSS = peak of the "
          f"process, target ≤ 150 MB; files in {folder})")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
