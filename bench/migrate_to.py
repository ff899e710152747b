"""migrate-to and a server's backup: a demo store of five years copied SQLite → PostgreSQL
(``app.moving.migrate_to``) and back into a file (``app.moving.copy_to_file``), against
SQLite's own copy of the same file (its backup API) as the floor, in the same run.

    python -m bench.migrate_to [--weeks 260] [--runs 3]

Uses a throwaway PostgreSQL cluster (tests/pg_cluster.py; ``COMEBACK_TEST_PG`` names a
server instead). Prints the rows copied, each step's median and its ratio to the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from app import demo
    from app.clock import SystemClock
    from app.context import Context
    from app.moving import copy_to_file, migrate_to
    from db.backup import copy_to
    from db.connection import open_database
    from tests.pg_cluster import Cluster

    cluster = Cluster().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            source = folder / "store.db"
            ctx = Context(open_database(source), SystemClock())
            made = demo.generate(ctx, weeks=args.weeks, seed=7)
            ctx.db.close()
            floor, moving, back = [], [], []
            rows = 0
            for run in range(args.runs):
                started = time.perf_counter()
                copy = folder / f"floor-{run}.db"
                copy.touch()
                copier = open_database(source)
                copy_to(copier, copy)
                copier.close()
                floor.append(time.perf_counter() - started)

                url = cluster.new_database()
                open_database(url).close()  # migrated, as a counter's first start leaves it
                started = time.perf_counter()
                done = migrate_to(source, url)
                moving.append(time.perf_counter() - started)
                rows = sum(done.counts.values())

                server = open_database(url)
                target = folder / f"back-{run}.db"
                target.touch()
                started = time.perf_counter()
                copy_to_file(server, target)
                back.append(time.perf_counter() - started)
                server.close()
    finally:
        cluster.remove()
    low = statistics.median(floor)
    print(f"store: {made.incidents:,} incidents, {rows:,} rows in all; {args.runs} runs")
    for name, samples in (("floor: SQLite's own copy of the file", floor),
                          ("migrate-to (file -> PostgreSQL)", moving),
                          ("backup of the server (-> file)", back)):
        median = statistics.median(samples)
        print(f"{name:<40} median {median * 1000:8.0f} ms   {median / low:5.1f}x floor"
              f"   {rows / median:10,.0f} rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
