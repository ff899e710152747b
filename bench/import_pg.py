"""How long `comeback import` of a generated file takes on PostgreSQL, against SQLite (a
file store) in the same run as the floor.

    python -m bench.import_pg [--rows 20000] [--runs 3] [--url postgresql://…]

Without ``--url`` a throwaway cluster is started (tests/pg_cluster.py). Each run imports
the same file into a fresh, initialised store; prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.clock import FixedClock  # noqa: E402
from app.context import Context  # noqa: E402
from app.csv_import import import_csv  # noqa: E402
from app.setup import init_store  # noqa: E402
from bench.generator import write_csv  # noqa: E402
from db.connection import open_database  # noqa: E402
from tests.conftest import OWNER_PIN, START  # noqa: E402


def one(target, path: Path) -> float:
    ctx = Context(db=open_database(target), clock=FixedClock(START))
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    began = time.perf_counter()
    imported = import_csv(ctx, path, pin=OWNER_PIN)
    took = time.perf_counter() - began
    ctx.db.close()
    assert imported.incidents > 0
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    cluster = None
    if args.url is None:
        from tests.pg_cluster import Cluster

        cluster = Cluster(fsync=True).start()  # as SQLite: commits reach the disk
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "big.csv", args.rows, seed=7,
                         end=START - timedelta(minutes=1))
        sqlite, pg = [], []
        for run in range(args.runs):
            sqlite.append(one(Path(folder) / f"s{run}.db", path))
            url = args.url if args.url else cluster.new_database()
            pg.append(one(url, path))
    s, p = statistics.median(sqlite), statistics.median(pg)
    print(f"import of {args.rows} generated rows, median of {args.runs}: "
          f"SQLite file {s:.2f} s (floor), PostgreSQL {p:.2f} s, ratio {p / s:.2f}")
    print("  SQLite:", " ".join(f"{t:.2f}" for t in sqlite))
    print("  PostgreSQL:", " ".join(f"{t:.2f}" for t in pg))
    if cluster is not None:
        cluster.stop()


if __name__ == "__main__":
    main()
