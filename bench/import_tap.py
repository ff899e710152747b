"""A tap at the counter while a big ``comeback import`` runs, against the same taps without
an import, and this code's import against the one before it (the main checkout's).

    python -m bench.import_tap [--incidents 400000] [--every 0.1] [--before /work/main]
                               [--keep DIR]

For each code (this worktree's, and ``--before``'s if given), in a new store:

1. **floor**: a tapper process taps every ``--every`` s for as long as the import below
   will take at least (``--floor-s``), with nothing else writing;
2. **import**: ``import_csv`` of the generated file in a child process, with the same
   tapper tapping meanwhile. The child times every write transaction of the import (how
   long a tap could have to wait) and when it first and last held the write lock.

A tap is the counter's own path: :class:`app.pending.TapSaver` ``submit`` of an incident
tap (its short lock wait, then "not saved yet" and the outbox; a kept tap is tried again
1 s later, as the counter's retry timer first does). Printed per code: tap →
saved p50/p99/max without and during the import (and while it writes), how many taps went
to the "not saved yet" path, the longest write-lock hold of the import and its total time;
and the csv → ``executemany`` floor of ``bench.csv_io`` for the import's time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
PIN = "4821"
END = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)  # before today: the app refuses the future
_WRITES = {"db.import_staging": ("reserve", "copy_batch", "switch", "discard_step"),
           "db.csv_import": ("switch",)}


# -- children (run with the code under test first on sys.path) ------------------------------

def child_init(db: str) -> dict:
    from app.clock import SystemClock
    from app.context import open_context
    from app.setup import init_store

    ctx = open_context(db, SystemClock())
    init_store(ctx, store_name="Bench", preset="restaurant", currency="EUR", locale="nl_NL",
               language="en", timezone="Europe/Amsterdam", owner_name="Ingrid",
               owner_pin=PIN)
    ctx.db.close()
    return {}


def child_import(db: str, csv_path: str) -> dict:
    import importlib

    from app.clock import SystemClock
    from app.context import open_context
    from app.csv_import import import_csv

    holds: list[tuple[float, float]] = []  # (wall start, seconds) of each write transaction
    for module_name, names in _WRITES.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in names:
            if hasattr(module, name) and not (module_name == "db.csv_import"
                                              and "db.import_staging" in sys.modules):
                setattr(module, name, _timed(getattr(module, name), holds))
    ctx = open_context(db, SystemClock())
    began = time.perf_counter()
    wall = time.time()
    import_csv(ctx, csv_path, pin=PIN)
    seconds = time.perf_counter() - began
    ctx.db.close()
    return {"seconds": seconds, "began": wall, "holds": holds}


def _timed(function, holds):
    def timed(*args, **kwargs):
        wall, begun = time.time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            holds.append((wall, time.perf_counter() - begun))
    return timed


def child_tap(db: str, every: str, stop_file: str, max_s: str) -> dict:
    from app import catalog, pending
    from app.clock import SystemClock
    from app.context import open_context
    from app.models import RemedyRequest

    ctx = open_context(db, SystemClock())
    saver = pending.TapSaver.for_database(ctx)
    cold = catalog.category_by_code(ctx, "cold_food").id
    remake = catalog.remedy_by_code(ctx, "remake").id
    taps = []  # (wall start, ms, saved at once)
    deadline = time.monotonic() + float(max_s)
    next_at = retry_at = time.monotonic()
    while time.monotonic() < deadline and not os.path.exists(stop_file):
        tap = pending.incident_tap(ctx, category_id=cold, remedies=[RemedyRequest(remake)],
                                   staff_id=None)
        waits = not saver.count()  # (the code before: with taps waiting, no wait at all)
        wall, begun = time.time(), time.perf_counter()
        result = saver.submit(tap)
        taps.append((wall, (time.perf_counter() - begun) * 1000,
                     isinstance(result, pending.Saved), getattr(result, "reason", ""), waits))
        if saver.count() and time.monotonic() >= retry_at:  # the counter's retry timer
            if saver.flush().waiting:
                retry_at = time.monotonic() + RETRY_S
        elif not isinstance(result, pending.Saved):
            retry_at = time.monotonic() + RETRY_S
        next_at += float(every)
        time.sleep(max(0.0, next_at - time.monotonic()))
    saver.flush()  # the kept ones are saved now (not timed)
    left = saver.count()
    ctx.db.close()
    return {"taps": taps, "left": left}


RETRY_S = 1.0  # ui.retry: a kept tap is tried again after 1 s (then 2, 4, … s)

CHILDREN = {"init": child_init, "import": child_import, "tap": child_tap}


def _command(root: Path, kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--root", str(root), "--child",
            kind, *map(str, args)]


def _result(done: subprocess.CompletedProcess) -> dict:
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run(root: Path, kind: str, *args: str) -> dict:
    return _result(subprocess.run(_command(root, kind, *args), capture_output=True, text=True,
                                  cwd=root))


def _with_taps(root: Path, db: Path, every: float, floor_s: float, csv_path: Path | None
               ) -> tuple[dict, dict | None]:
    """Taps for ``floor_s`` (no import) or while the import of ``csv_path`` runs."""
    stop = db.with_suffix(".stop")
    stop.unlink(missing_ok=True)
    tapper = subprocess.Popen(_command(root, "tap", db, every, stop, floor_s if csv_path is None
                                       else 3600), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=root)
    imported = None
    if csv_path is not None:
        time.sleep(1.0)  # the tapper is up and tapping
        begun = time.time()
        try:
            imported = _run(root, "import", db, csv_path)
        except SystemExit as failed:  # the import gave up (the code before: see main)
            imported = {"failed": str(failed).strip().splitlines()[-1], "began": begun,
                        "seconds": time.time() - begun}
        time.sleep(0.5)
        stop.touch()
    out, err = tapper.communicate()
    taps = _result(subprocess.CompletedProcess(tapper.args, tapper.returncode, out, err))
    return taps, imported


def _ms_line(name: str, taps: list) -> str:
    from bench.common import percentile

    if not taps:
        return f"{name:<40} (no taps)"
    ms = [t[1] for t in taps]
    kept = sum(1 for t in taps if not t[2])
    missed = sum(1 for t in taps if not t[2] and t[4])  # the rest: behind a kept one
    reasons = sorted({str(t[3]) for t in taps if not t[2]})
    return (f"{name:<40} n {len(ms):4}  p50 {percentile(ms, .5):7.2f}  p99 "
            f"{percentile(ms, .99):7.2f}  max {max(ms):8.2f} ms   not saved yet: {kept}"
            + (f" ({', '.join(reasons)}; {missed} after their 20 ms wait, the others "
               "tried once behind a kept tap)" if kept else ""))


def measure(root: Path, label: str, folder: Path, csv_path: Path, every: float,
            floor_s: float, floor_import_s: float) -> None:
    db = folder / f"{label}.db"
    for suffix in ("", "-wal", "-shm", "-outbox"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _run(root, "init", db)
    floor, _none = _with_taps(root, db, every, floor_s, None)
    during, imported = _with_taps(root, db, every, 0, csv_path)
    if "failed" in imported:
        print(f"\n== {label}: {root}")
        print(_ms_line("tap → saved, no import (floor)", floor["taps"]))
        in_import = [t for t in during["taps"] if imported["began"] <= t[0]
                     <= imported["began"] + imported["seconds"]]
        print(_ms_line("tap → saved, during the import", in_import))
        print(f"the import FAILED after {imported['seconds']:.1f} s with taps going on: "
              f"{imported['failed']}")
        for suffix in ("", "-wal", "-shm", "-outbox"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        _run(root, "init", db)
        imported = _run(root, "import", db, csv_path)
        print("… so again without taps:")
        during = {"taps": [], "left": 0}
    holds = imported["holds"]
    first = min(h[0] for h in holds)
    last = max(h[0] + h[1] for h in holds)
    writing = [t for t in during["taps"] if first <= t[0] <= last]
    in_import = [t for t in during["taps"]
                 if imported["began"] <= t[0] <= imported["began"] + imported["seconds"]]
    print(f"\n== {label}: {root}")
    print(_ms_line("tap → saved, no import (floor)", floor["taps"]))
    print(_ms_line("tap → saved, during the import", in_import))
    print(_ms_line("tap → saved, while the import writes", writing))
    longest = max(h[1] for h in holds)
    from bench.common import percentile

    spans = [h[1] * 1000 for h in holds]
    print(f"import's write transactions: p50 {percentile(spans, .5):.1f}  p99 "
          f"{percentile(spans, .99):.1f}  max {max(spans):.1f} ms (each with its commit and "
          "any checkpoint after it, which holds no lock)")
    print(f"import: {imported['seconds']:.1f} s in all ({imported['seconds'] / floor_import_s:.2f}"
          f"× the csv → executemany floor {floor_import_s:.1f} s); it wrote for "
          f"{last - first:.1f} s in {len(holds)} write transactions, the longest "
          f"{longest * 1000:.1f} ms, sum {sum(h[1] for h in holds):.1f} s; taps still waiting "
          f"after the run: {during['left']}")


def kill_trials(folder: Path, csv_path: Path, rows: int, trials: int, seed: int = 3) -> int:
    """kill -9 the import at a random moment around its writes (from just before it claims
    its ids to just after its switch), ``trials`` times: nothing of it may be seen,
    and the next import must delete what it left and import the file. Returns the failures."""
    import io
    import random

    from app import incidents, verify
    from app.clock import SystemClock
    from app.context import open_context
    from app.csv_import import import_csv
    from app.csvio import export_csv
    from app.followups import open_followups

    template = folder / "kill-template.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{template}{suffix}").unlink(missing_ok=True)
    _run(HERE, "init", template)
    launched = time.time()
    timing = _run(HERE, "import", _fresh_copy(template, folder / "kill-timing.db"), csv_path)
    # the moments (after launch) it first and last held the write lock: kill around them
    writes_from = min(h[0] for h in timing["holds"]) - launched
    writes_to = max(h[0] + h[1] for h in timing["holds"]) - launched
    rng = random.Random(seed)
    failures = staged_seen = 0
    for trial in range(trials):
        db = _fresh_copy(template, folder / "kill.db")
        child = subprocess.Popen(_command(HERE, "import", db, csv_path),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=HERE)
        time.sleep(rng.uniform(max(0.0, writes_from - 0.3), writes_to + 0.1))
        child.kill()
        child.wait()
        ctx = open_context(db, SystemClock())
        raw = _incidents(ctx)
        copying = ctx.db.execute("SELECT count(*) FROM import_staging").fetchone()[0] > 0
        staged_seen += copying and raw > 0
        seen = (len(incidents.recent(ctx, 10)), len(open_followups(ctx)),
                export_csv(ctx, io.StringIO()))
        if raw == rows and not copying:  # killed after its switch: all of it, visibly
            ok = seen[2] == rows
        else:  # nothing visible; the next import deletes what is left, then imports
            ok = seen == (0, 0, 0) and import_csv(ctx, csv_path, pin=PIN).incidents == rows
        ok = ok and _incidents(ctx) == rows and verify.verify(ctx, remember=False).intact
        ok = ok and not ctx.db.execute("SELECT count(*) FROM import_staging").fetchone()[0]
        ctx.db.close()
        failures += not ok
        print(f"  kill {trial + 1:3}: {'ok' if ok else 'FAILED'}  (rows in the file when "
              f"killed: {raw:,}{', copying' if copying else ''})", flush=True)
    print(f"kill -9 trials: {trials}, failures: {failures}; {staged_seen} killed while "
          f"copying (rows in the file, none visible)")
    return failures


def _incidents(ctx) -> int:
    return ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0]


def _fresh_copy(template: Path, target: Path) -> Path:
    import shutil

    for suffix in ("", "-wal", "-shm", "-outbox"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_tap")
    parser.add_argument("--incidents", type=int, default=400_000)
    parser.add_argument("--every", type=float, default=0.1)
    parser.add_argument("--floor-s", type=float, default=15.0)
    parser.add_argument("--before", type=Path, default=None,
                        help="a checkout of the code before (e.g. /work/main) to compare")
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--kills", type=int, default=0,
                        help="instead: kill -9 the import this many times at random moments")
    args = parser.parse_args(argv)

    from bench.csv_io import child_import_floor
    from bench.generator import write_csv

    folder = args.keep or Path(tempfile.mkdtemp(prefix="import_tap-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"generated-{args.incidents}.csv"
    if not source.exists():
        write_csv(folder / "generating.csv", args.incidents, seed=1, end=END).rename(source)
    if args.kills:
        return 1 if kill_trials(folder, source, args.incidents, args.kills) else 0
    bare = folder / "bare.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{bare}{suffix}").unlink(missing_ok=True)
    floor_import_s = child_import_floor(str(bare), str(source))
    print(f"{args.incidents:,} rows; a tap every {args.every * 1000:.0f} ms; "
          f"csv → executemany floor {floor_import_s:.1f} s")
    measure(HERE, "this", folder, source, args.every, args.floor_s, floor_import_s)
    if args.before is not None:
        measure(args.before.resolve(), "before", folder, source, args.every, args.floor_s,
                floor_import_s)
    print(f"\n(p50/p99/max of one run each; files in {folder})")
    return 0


def _child_main() -> int:
    root = Path(sys.argv[sys.argv.index("--root") + 1])
    kind, *args = sys.argv[sys.argv.index("--child") + 1:]
    sys.path[0:1] = [str(root)]  # the code under test, not this file's folder
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(CHILDREN[kind](*args)))
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        raise SystemExit(_child_main())
    raise SystemExit(main())
