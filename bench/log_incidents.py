"""Log 2,000 incidents through the service on a file database; compare with raw sqlite3.

The floor is a single-row INSERT + COMMIT with plain sqlite3 on a file in the same journal
mode (WAL) with synchronous=FULL, measured in the same run. Target: service p99 ≤ 4× floor p99.
On PostgreSQL (``--db URL`` of an empty database, or ``--pg``: a throwaway cluster with
fsync on) the floor is a raw psycopg INSERT + COMMIT on its own connection to the same
server, and the target is the same.

    python -m bench.log_incidents [--n 2000] [--db postgresql://… | --pg]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from bench.common import p50_p99, raw_insert_floor


def round_trips(db) -> int | None:
    """Round trips to the server so far on ``db``'s connection (db.pg counts them); None
    for a SQLite file."""
    server = getattr(db, "server", db)  # a terminal's handle: its server's connection
    return getattr(getattr(server, "conn", None), "round_trips", None)


def service_log(folder: Path | str, n: int, trips: list[int] | None = None) -> list[float]:
    """ms per tap, ``n`` taps; ``trips`` gets each tap's round trips to a server."""
    from app import catalog, incidents, staff
    from app.clock import FixedClock
    from app.context import open_context
    from app.demo import random_pin
    from app.models import RemedyRequest, Role
    from app.setup import init_store

    clock = FixedClock(datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc))
    target = folder if isinstance(folder, str) else folder / "service.db"
    ctx = open_context(target, clock)
    init_store(ctx, store_name="Bench", preset="restaurant", currency="NOK", locale="nb_NO",
               timezone="Europe/Oslo", owner_name="Owner", owner_pin=random_pin())
    cashier, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
    cats = catalog.categories(ctx)
    rems = [r for r in catalog.remedies(ctx) if not r.needs_approval(r.value_minor)]
    samples = []
    for i in range(n):
        clock.advance(seconds=37)
        before = round_trips(ctx.db)
        start = time.perf_counter()
        incidents.log_incident(
            ctx, category_id=cats[i % len(cats)].id, staff_id=cashier.id,
            remedies=[RemedyRequest(rems[i % len(rems)].id)],
            table_ref=str(i % 20) if i % 3 else None,
            guest_name=f"Guest {i % 150}" if i % 4 == 0 else None)
        samples.append((time.perf_counter() - start) * 1000)
        if trips is not None and before is not None:
            trips.append(round_trips(ctx.db) - before)
    ctx.db.close()
    return samples


def on_server(args) -> None:
    from bench import server

    with server.database(args) as url:
        print(server.describe(url))
        floor = server.raw_insert_floor(url, args.n // 2)
        trips: list[int] = []
        service = service_log(url, args.n, trips)
        floor += server.raw_insert_floor(url, args.n - args.n // 2)
    f50, f99 = p50_p99(floor)
    s50, s99 = p50_p99(service)
    counts = Counter(trips)
    spread = ", ".join(f"{k}: {counts[k]}" for k in sorted(counts))
    print(f"raw psycopg INSERT+COMMIT, n={args.n}:         p50 {f50:.3f} ms  p99 {f99:.3f} ms"
          "  (3 round trips: BEGIN, INSERT, COMMIT)")
    print(f"log_incident through the service, n={args.n}: p50 {s50:.3f} ms  p99 {s99:.3f} ms"
          f"  (round trips per tap: median {statistics.median(trips):g}, max {max(trips)}; "
          f"taps by round trips {{{spread}}})")
    print(f"ratio service/floor: p50 {s50 / f50:.2f}x  p99 {s99 / f99:.2f}x  (target p99 ≤ 4x) "
          f"{'OK' if s99 <= 4 * f99 else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    from bench import server

    server.add_options(parser)
    args = parser.parse_args()
    if args.db or args.pg:
        return on_server(args)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Half the floor before and half after, so drift in the machine hits both sides.
        floor = raw_insert_floor(folder / "floor1.db", args.n // 2)
        service = service_log(folder, args.n)
        floor += raw_insert_floor(folder / "floor2.db", args.n - args.n // 2)
    f50, f99 = p50_p99(floor)
    s50, s99 = p50_p99(service)
    print(f"raw sqlite3 INSERT+COMMIT (WAL, synchronous=FULL), n={args.n}: "
          f"p50 {f50:.3f} ms  p99 {f99:.3f} ms")
    print(f"log_incident through the service,            n={args.n}: "
          f"p50 {s50:.3f} ms  p99 {s99:.3f} ms")
    print(f"ratio service/floor: p50 {s50 / f50:.2f}x  p99 {s99 / f99:.2f}x  (target p99 ≤ 4x)")


if __name__ == "__main__":
    main()
