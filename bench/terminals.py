"""Four terminal processes × 2,000 incidents at once on one PostgreSQL store: 0 lost,
0 errors, 0 deadlocks; p50/p99 of logging an incident printed, beside a raw psycopg
INSERT + COMMIT floor measured in the same run.

Each terminal (bench/terminal_worker.py) logs incidents with remedies, a refund with the
manager's PIN every 10th, a voucher every 7th (redeemed three incidents later), and the
manager's outcome every 5th. A file barrier starts them together. Afterwards the database
is counted against what the terminals said they wrote, and the audit log's chain is
verified.

    python -m bench.terminals --pg | --db postgresql://… [--processes 4] [--n 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import p50_p99

HERE = Path(__file__).resolve().parent
MANAGER_PIN = "7392"


def make_store(url: str) -> None:
    from app import staff
    from app.clock import FixedClock
    from app.context import Context
    from app.demo import random_pin
    from app.models import Role
    from app.setup import init_store
    from bench.terminal_worker import START
    from db.connection import open_database

    ctx = Context(open_database(url), FixedClock(START), terminal="back office")
    init_store(ctx, store_name="Bench", preset="restaurant", currency="NOK", locale="nb_NO",
               timezone="Europe/Oslo", owner_name="Owner", owner_pin=random_pin())
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    ctx.db.close()


def run_terminals(url: str, processes: int, n: int, folder: Path,
                  env: dict | None = None) -> tuple[list[dict], float]:
    """Start ``processes`` workers at once; their reports and the wall time (s)."""
    go = folder / "go"
    readies = [folder / f"ready{i}" for i in range(processes)]
    workers = [subprocess.Popen(
        [sys.executable, "-m", "bench.terminal_worker", url, f"Counter {i + 1}", str(ready),
         str(go), str(n), MANAGER_PIN],
        cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env or dict(os.environ)) for i, ready in enumerate(readies)]
    try:
        deadline = time.monotonic() + 120
        while not all(r.exists() for r in readies):  # the barrier: everyone is ready
            if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                raise SystemExit("a terminal did not start: "
                                 + " ".join(w.communicate()[1] for w in workers
                                            if w.poll() is not None))
            time.sleep(0.01)
        start = time.perf_counter()
        go.write_text("go")
        outputs = [w.communicate(timeout=3600) for w in workers]
        wall = time.perf_counter() - start
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    reports = []
    for worker, (out, err) in zip(workers, outputs, strict=True):
        if worker.returncode != 0 or not out.strip():
            raise SystemExit(f"a terminal failed (exit {worker.returncode}):\n{err}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports, wall


def check_store(url: str) -> dict:
    """What the database holds: incidents per terminal, vouchers redeemed, outcomes, and
    the audit chain's verdict."""
    from app.clock import FixedClock
    from app.context import Context
    from app.verify import verify
    from bench.terminal_worker import START
    from db.connection import open_database

    ctx = Context(open_database(url), FixedClock(START))
    try:
        per_terminal = {row["name"]: row["n"] for row in ctx.db.query(
            "SELECT t.name, count(*) AS n FROM incidents i JOIN terminals t "
            "ON t.id = i.terminal_id GROUP BY t.name")}
        redeemed = ctx.db.execute("SELECT count(*) FROM vouchers "
                                  "WHERE redeemed_at IS NOT NULL").fetchone()[0]
        outcomes = ctx.db.execute("SELECT count(*) FROM followups "
                                  "WHERE outcome IS NOT NULL").fetchone()[0]
        verdict = verify(ctx, remember=False)
    finally:
        ctx.db.close()
    return {"incidents": per_terminal, "redeemed": redeemed, "outcomes": outcomes,
            "audit": verdict}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--n", type=int, default=2000, help="incidents per terminal")
    from bench import server

    server.add_options(parser, required=True)
    args = parser.parse_args()
    with server.database(args) as url, tempfile.TemporaryDirectory() as tmp:
        print(server.describe(url))
        make_store(url)
        floor = server.raw_insert_floor(url, 1000)
        reports, wall = run_terminals(url, args.processes, args.n, Path(tmp))
        floor += server.raw_insert_floor(url, 1000)
        found = check_store(url)
    f50, f99 = p50_p99(floor)
    print(f"raw psycopg INSERT+COMMIT, alone, n={len(floor)}: p50 {f50:.2f} ms  p99 {f99:.2f} ms")
    every: list[float] = []
    for report in reports:
        samples = report["samples"]
        every += samples
        r50, r99 = p50_p99(samples) if samples else (0, 0)
        print(f"  {report['terminal']}: logged {report['logged']}, redeemed "
              f"{report['redeemed']}, outcomes {report['outcomes']}, errors "
              f"{sum(v for k, v in report['errors'].items() if k != 'first')}  "
              f"p50 {r50:.2f} ms  p99 {r99:.2f} ms")
        if report["errors"]:
            print(f"    first error: {report['errors'].get('first')}")
    a50, a99 = p50_p99(every)
    said = sum(r["logged"] for r in reports)
    stored = sum(found["incidents"].values())
    lost = args.processes * args.n - stored
    errors = sum(v for r in reports for k, v in r["errors"].items() if k != "first")
    deadlocks = sum(r["errors"].get("deadlock", 0) for r in reports)
    retried = [ms for r in reports for ms in r.get("retried_after_ms", [])]
    if retried:
        print(f"found the database locked (a lock wait over 5 s) and retried: {len(retried)} "
              f"step(s), after {', '.join(f'{ms:.0f}' for ms in retried[:5])} ms")
    print(f"{args.processes} terminals × {args.n} incidents at once: {wall:.1f} s wall, "
          f"{stored / wall:.0f} incidents/s")
    print(f"log_incident under load, all terminals: p50 {a50:.2f} ms  p99 {a99:.2f} ms  "
          f"max {max(every):.0f} ms  (×floor: p50 {a50 / f50:.2f}x, p99 {a99 / f99:.2f}x)")
    print(f"stored {stored} of {args.processes * args.n} (terminals said {said}): lost {lost}; "
          f"errors {errors}; deadlocks {deadlocks}; vouchers redeemed "
          f"{found['redeemed']} (said {sum(r['redeemed'] for r in reports)}); outcomes "
          f"{found['outcomes']} (said {sum(r['outcomes'] for r in reports)}); audit chain "
          f"{found['audit'].summary()}")
    ok = lost == 0 and errors == 0 and deadlocks == 0 and found["audit"].intact
    print("target: 0 lost, 0 errors, 0 deadlocks:", "OK" if ok else "NOT MET")


if __name__ == "__main__":
    main()
