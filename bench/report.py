"""``comeback report`` as a whole process on a store week with 1,000 incidents.

    python -m bench.report [--runs 7] [--rebuild]

Builds (once, cached as /tmp/comeback-bench-report.db) a restaurant with 1,000 incidents
in week 2026-W46 and ~120 a week in the seven weeks before (so the trend chart and the
"last week" columns are real), notes in five languages included. Then runs
``comeback report --week 2026-W46 --out …pdf`` in a fresh process each time and prints the
median and worst wall time beside three floors measured in the same run: ``python -c
"import reportlab"`` and ``python -c pass`` (Python's start-up), and reportlab building the
same pages bare (``bench/report_floor.py``, as ``bench.scaling`` and
``bench.process_floor`` measure it; target there ≤ 1.5×). Target: median ≤ 1 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import cache_ready, fresh_database
from bench.summary_query import fill

CACHE = Path("/tmp/comeback-bench-report.db")
WEEK = "2026-W46"
MONDAY = datetime(2026, 11, 9, tzinfo=timezone.utc)  # incidents fall 10:00–20:59 UTC
MARK = 1_000_048
NOTES = ("Příliš dlouhé čekání u stolu 7, polévka vychladla, host odešel domů",
         "Gjesten var hyggelig, men skuffet over ventetiden", "Pidió sin gluten, llegó con pan",
         "Bestelling kwam zonder saus", "Birthday table, wanted it perfect")


def build(path: Path, seed: int = 5) -> None:
    from app.clock import FixedClock
    from app.context import Context
    from app.demo import random_pin
    from app.setup import init_store

    database = fresh_database(path)
    ctx = Context(database, FixedClock(MONDAY - timedelta(weeks=9)))
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=random_pin())
    database.close()
    rng = random.Random(seed)
    events = []
    for week in range(-7, 1):
        count = 1000 if week == 0 else rng.randint(100, 140)
        start = MONDAY + timedelta(weeks=week)
        events += [(1, start + timedelta(days=rng.randrange(7))) for _ in range(count)]
    events.sort(key=lambda event: event[1])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    fill(conn, events, rng, NOTES, void_rate=0.0)
    conn.execute(f"PRAGMA user_version={MARK}")
    conn.commit()
    conn.close()


def timed(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild or not cache_ready(CACHE, MARK):
        print(f"building {CACHE}…")
        build(CACHE)
    comeback = shutil.which("comeback")
    base = [comeback] if comeback else [sys.executable, "-m", "ui.entry"]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "week.pdf"
        report = [*base, "report", "--db", str(CACHE), "--week", WEEK, "--out", str(out)]
        said = subprocess.run(report, check=True, capture_output=True, text=True).stdout
        pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
        pages = next((line.split()[-1] for line in pages.splitlines()
                      if line.startswith("Pages:")), "?")
        results = {
            "python -c pass": timed([sys.executable, "-c", "pass"], args.runs),
            "python -c 'import reportlab'": timed([sys.executable, "-c", "import reportlab"],
                                                  args.runs),
            "comeback report (1,000 incidents)": timed(report, args.runs),
        }
        size = out.stat().st_size
        from bench.common import report_against_floor

        def one(command: list[str]) -> float:
            return timed(command, 1)[0] * 1000

        pages_floor, ours, _pages = report_against_floor(report, out, Path(folder), 4,
                                                         args.runs, one)
    print(said.strip())
    print(f"{args.runs} runs each; the report is {size // 1024} KiB, {pages} pages")
    for name, times in results.items():
        print(f"  {name:<36} median {statistics.median(times) * 1000:7.0f} ms   "
              f"max {max(times) * 1000:7.0f} ms")
    median = statistics.median(results["comeback report (1,000 incidents)"])
    floor = statistics.median(results["python -c 'import reportlab'"])
    print(f"comeback report: {median * 1000:.0f} ms = {median / floor:.1f}x the import-reportlab "
          f"floor; target ≤ 1000 ms: {'OK' if median <= 1.0 else 'MISSED'}")
    ratio = statistics.median(ours) / statistics.median(pages_floor)
    print(f"against reportlab building the same pages bare (bench/report_floor.py): "
          f"{statistics.median(ours):.0f} ms vs {statistics.median(pages_floor):.0f} ms = "
          f"{ratio:.2f}x; target ≤ 1.5x: {'OK' if ratio <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
