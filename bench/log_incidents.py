"""Log 2,000 incidents through the service on a file database; compare with raw sqlite3.

The floor is a single-row INSERT + COMMIT with plain sqlite3 on a file in the same journal
mode (WAL) with synchronous=FULL, measured in the same run. Target: service p99 ≤ 4× floor p99.
On PostgreSQL (``--db URL`` of an empty database, or ``--pg``: a throwaway cluster with
fsync on) the floor is a raw psycopg INSERT + COMMIT on its own connection to the same
server, one after each tap (the server's WAL flush swings with the machine's other disk
work: both sides see the same swings), and the target is the same. The round trips to the
server of each tap are counted (db.pg) and printed, and where the slowest 1 % of the taps
fall (in the run, a connection's first taps, garbage collections, client CPU: Tail).

    python -m bench.log_incidents [--n 2000] [--db postgresql://… | --pg]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from bench.common import p50_p99, raw_insert_floor


def round_trips(db) -> int | None:
    """Round trips to the server so far on ``db``'s connection (db.pg counts them); None
    for a SQLite file."""
    server = getattr(db, "server", db)  # a terminal's handle: its server's connection
    return getattr(getattr(server, "conn", None), "round_trips", None)


class Tail:
    """Where a run's slowest taps come from: each tap's client CPU (ms) and the Python
    garbage collections that ran during it (tap index, generation, ms)."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.collections: list[tuple[int, int, float]] = []
        self._started = 0.0

    def __enter__(self) -> Tail:
        gc.callbacks.append(self._collected)
        return self

    def __exit__(self, *_exc) -> None:
        gc.callbacks.remove(self._collected)

    def _collected(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.collections.append((len(self.cpu), info["generation"],
                                     (time.perf_counter() - self._started) * 1000))

    def report(self, samples: list[float]) -> list[str]:
        """Lines: the percentiles, then what the slowest 1 % of the taps had in common."""
        n = len(samples)
        ranked = sorted(samples)
        at = {q: ranked[min(n - 1, int(n * q))] for q in (0.5, 0.9, 0.95, 0.99, 0.995)}
        slow = sorted(range(n), key=lambda k: -samples[k])[:max(1, n // 100)]
        during = {k for k, _generation, _ms in self.collections}
        tenths = Counter(min(9, k * 10 // n) for k in slow)
        lines = ["tap percentiles (ms): " + "  ".join(
            f"p{q * 100:g} {v:.2f}" for q, v in at.items()) + f"  max {ranked[-1]:.2f}"]
        lines.append(
            f"slowest 1 % ({len(slow)} taps): by tenth of the run "
            f"{[tenths[t] for t in range(10)]}; among a connection's first 10 taps: "
            f"{sum(k < 10 for k in slow)}; with a garbage collection: "
            f"{sum(k in during for k in slow)}; client CPU median "
            f"{statistics.median(self.cpu[k] for k in slow):.2f} ms "
            f"(all taps {statistics.median(self.cpu):.2f} ms)")
        by_generation = Counter(generation for _k, generation, _ms in self.collections)
        lines.append(
            f"garbage collections during the {n} taps: {len(self.collections)} "
            f"(by generation {dict(sorted(by_generation.items()))}, "
            f"{sum(ms for _k, _g, ms in self.collections):.1f} ms in all)")
        return lines


def service_log(folder: Path | str, n: int, trips: list[int] | None = None,
                between: Callable[[], None] | None = None,
                tail: Tail | None = None) -> list[float]:
    """ms per tap, ``n`` taps; ``trips`` gets each tap's round trips to a server;
    ``between`` runs after each tap (untimed: the floor's sample, interleaved); ``tail``
    gets each tap's client CPU and the garbage collections during the taps."""
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
    with tail if tail is not None else contextlib.nullcontext():
        for i in range(n):
            clock.advance(seconds=37)
            before = round_trips(ctx.db)
            cpu = time.process_time()
            start = time.perf_counter()
            incidents.log_incident(
                ctx, category_id=cats[i % len(cats)].id, staff_id=cashier.id,
                remedies=[RemedyRequest(rems[i % len(rems)].id)],
                table_ref=str(i % 20) if i % 3 else None,
                guest_name=f"Guest {i % 150}" if i % 4 == 0 else None)
            samples.append((time.perf_counter() - start) * 1000)
            if tail is not None:
                tail.cpu.append((time.process_time() - cpu) * 1000)
            if trips is not None and before is not None:
                trips.append(round_trips(ctx.db) - before)
            if between is not None:
                between()
    ctx.db.close()
    return samples


class _Floor:
    def __init__(self, url: str, samples: list[float]) -> None:
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER GENERATED BY "
                          "DEFAULT AS IDENTITY PRIMARY KEY, at TEXT, label TEXT, "
                          "amount INTEGER)")
        self.samples, self.i = samples, 0

    def __call__(self) -> None:
        conn, self.i = self.conn, self.i + 1
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO bench_floor (at, label, amount) VALUES (%s, %s, %s)",
                      ("2026-11-16T11:00:00+00:00", "Cold food", self.i))
        conn.execute("COMMIT")
        self.samples.append((time.perf_counter() - start) * 1000)

    def close(self) -> None:
        self.conn.execute("DROP TABLE bench_floor")
        self.conn.close()


def interleaved_floor(url: str) -> tuple[list[float], _Floor]:
    """bench.server.raw_insert_floor's INSERT + COMMIT (same table, same statements, its own
    connection, the server's durability), one sample per call of the second value."""
    samples: list[float] = []
    return samples, _Floor(url, samples)


def on_server(args) -> None:
    from bench import server

    with server.database(args) as url:
        print(server.describe(url))
        # The floor's INSERT + COMMIT alternates with the taps (one after each): the
        # server's WAL flush on a shared machine swings from 0.05 to several ms within
        # seconds, and both sides must see the same swings.
        floor, one = interleaved_floor(url)
        trips: list[int] = []
        tail = Tail()
        service = service_log(url, args.n, trips, between=one, tail=tail)
        one.close()
    f50, f99 = p50_p99(floor)
    s50, s99 = p50_p99(service)
    counts = Counter(trips)
    spread = ", ".join(f"{k}: {counts[k]}" for k in sorted(counts))
    trips = trips or [0]  # a db.pg that does not count them
    print(f"raw psycopg INSERT+COMMIT, n={args.n}:         p50 {f50:.3f} ms  p99 {f99:.3f} ms"
          "  (3 round trips: BEGIN, INSERT, COMMIT; one after each tap)")
    print(f"log_incident through the service, n={args.n}: p50 {s50:.3f} ms  p99 {s99:.3f} ms"
          f"  (round trips per tap: median {statistics.median(trips):g}, max {max(trips)}; "
          f"taps by round trips {{{spread}}})")
    print(f"ratio service/floor: p50 {s50 / f50:.2f}x  p99 {s99 / f99:.2f}x  (target p99 ≤ 4x) "
          f"{'OK' if s99 <= 4 * f99 else 'OVER'}")
    for line in tail.report(service):
        print(line)
    ranked = sorted(floor)
    print("floor percentiles (ms): " + "  ".join(
        f"p{q * 100:g} {ranked[min(len(ranked) - 1, int(len(ranked) * q))]:.2f}"
        for q in (0.5, 0.9, 0.95, 0.99, 0.995)) + f"  max {ranked[-1]:.2f}")


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
