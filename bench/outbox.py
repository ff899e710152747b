"""Outbox: 1,000 incidents logged while the server is away, then sent when it is back.

A throwaway PostgreSQL cluster (tests/pg_cluster.py), a store on it, and a terminal (the real
counter widget, offscreen, real timers) whose connection is cut and whose connects are
refused. 1,000 taps are kept (timed per tap: they must not wait on the server); then the
server is let back, the counter's server watch finds it (its reconnect runs in a worker
thread) and the counter sends the outbox a batch per event-loop turn. Figures:

* a tap while away: p50 / p99 (ms) - the tap goes straight to the copy and the outbox;
* sent per second, and the time from "the watch tries the server" to the counter's bar
  saying "Back online — all sent";
* the floor, same run, same server: raw psycopg INSERTs of the same rows (the incidents,
  their remedies and follow-ups as the send wrote them) in one transaction.

Each is run ``--rounds`` times (a fresh database each); medians are printed with ratios.

    python -m bench.outbox [--n 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.common import latency_line

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


class Network:
    """The terminal's way to the server: ``up`` False refuses every connect."""

    def __init__(self) -> None:
        self.up = True

    def connect(self, url: str):
        from db.health import DatabaseServerError, ServerProblem
        from db.pg import open_pg

        if not self.up:
            raise DatabaseServerError(ServerProblem.UNREACHABLE, "bench", "refused")
        return open_pg(url)


def make_store(url: str) -> None:
    from app import staff
    from app.context import Context
    from app.demo import random_pin
    from app.models import Role
    from app.setup import init_store
    from db.connection import open_database

    ctx = Context(open_database(url))
    init_store(ctx, store_name="Bench", preset="restaurant", currency="NOK", locale="nb_NO",
               timezone="Europe/Oslo", owner_name="Owner", owner_pin=random_pin())
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    ctx.db.close()


def one_round(app, url: str, folder: Path, n: int) -> dict:
    from app import catalog, staff
    from app.clock import FixedClock
    from app.context import Context
    from app.models import RemedyRequest
    from app.pending import incident_tap
    from db.failover import Failover
    from ui.controller import Controller
    from ui.counter import CounterPage
    from ui.offline_bar import OfflineBar

    network = Network()
    clock = FixedClock(datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc))
    handle = Failover.open(url, folder, connect=network.connect)
    ctx = Context(handle, clock)
    controller = Controller(ctx)
    sam = next(m for m in staff.list_staff(ctx) if m.name == "Sam")
    controller.set_current_staff(sam)
    page = CounterPage(controller)
    page.start_retry()
    page.resize(1024, 700)
    page.show()
    app.processEvents()
    cats = catalog.categories(ctx)
    rems = [r for r in catalog.remedies(ctx) if not r.needs_approval(r.value_minor)]

    network.up = False
    handle.server.conn.raw.close()
    kept_ms = []
    for i in range(n):
        clock.advance(seconds=7)
        cat, rem = cats[i % len(cats)], rems[i % len(rems)]
        tap = incident_tap(ctx, category_id=cat.id, remedies=[RemedyRequest(rem.id)],
                           staff_id=sam.id, shown=(cat.label, [rem.label]),
                           default_severity=cat.default_severity,
                           table_ref=str(i % 20) if i % 3 else None)
        start = time.perf_counter()
        page._submit_tap(tap)
        kept_ms.append((time.perf_counter() - start) * 1000)
    app.processEvents()
    bar = page._offline.bar
    assert bar.state == OfflineBar.OFFLINE and page.taps.waiting() == n, bar.texts()

    clock.advance(minutes=5)
    network.up = True
    handle._next_try = 0.0
    start = time.perf_counter()
    page._offline.watch.try_now()
    reconnected = None
    while bar.state != OfflineBar.SENT:
        app.processEvents()
        if reconnected is None and not handle.away:
            reconnected = time.perf_counter()
        if time.perf_counter() - start > 600:
            raise RuntimeError("not sent in 10 minutes")
    all_sent = time.perf_counter() - start
    sending = time.perf_counter() - (reconnected or start)
    rows = {table: list(handle.server.query(
        f"SELECT * FROM {table} ORDER BY id")) for table in
        ("incidents", "incident_remedies", "followups")}
    assert len(rows["incidents"]) == n
    page.close()
    page.deleteLater()
    app.processEvents()
    handle.close()
    return {"kept_ms": kept_ms, "all_sent_s": all_sent, "sending_s": sending, "rows": rows}


def floor(url: str, rows: dict) -> float:
    """Seconds for raw psycopg INSERTs of the same rows in one transaction."""
    import psycopg

    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        with conn.transaction(), conn.cursor() as cursor:
            for table in ("incidents", "incident_remedies", "followups"):
                names = list(rows[table][0])
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) OVERRIDING SYSTEM VALUE "
                    f"VALUES ({', '.join(['%s'] * len(names))})",
                    [[row[name] for name in names] for row in rows[table]])
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from tests.pg_cluster import Cluster

    app = QApplication.instance() or QApplication([])
    cluster = Cluster().start()
    try:
        template = "bench_template"
        cluster.admin(f"CREATE DATABASE {template}")
        from db.connection import open_database

        open_database(cluster.url(template)).close()
        kept, all_sent, sending, floors = [], [], [], []
        for _round in range(args.rounds):
            url = cluster.new_database(template)
            make_store(url)
            with tempfile.TemporaryDirectory() as tmp:
                result = one_round(app, url, Path(tmp), args.n)
            kept += result["kept_ms"]
            all_sent.append(result["all_sent_s"])
            sending.append(result["sending_s"])
            floor_url = cluster.new_database(template)
            make_store(floor_url)  # the same store rows (ids) the incidents refer to
            floors.append(floor(floor_url, result["rows"]))
    finally:
        cluster.remove()
    n = args.n
    s_all, s_send, s_floor = (statistics.median(x) for x in (all_sent, sending, floors))
    print(f"outbox: {n} incidents kept while the server was away, then sent "
          f"({args.rounds} rounds, medians)")
    print(latency_line("a tap while away (copy + outbox)", kept))
    print(f"{'reconnect → counter shows all sent':<44} {s_all * 1000:8.0f} ms")
    print(f"{'sending (after the reconnect)':<44} {s_send * 1000:8.0f} ms   "
          f"{n / s_send:7.0f} incidents/s")
    print(f"{'floor: raw psycopg INSERTs, one transaction':<44} {s_floor * 1000:8.0f} ms   "
          f"{n / s_floor:7.0f} incidents/s")
    print(f"{'ratio (sending / floor)':<44} {s_send / s_floor:8.1f}×")


if __name__ == "__main__":
    main()
