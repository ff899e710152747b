"""The counter's freeze while a terminal's copy is refreshed (5,000 redeemable vouchers).

A store on PostgreSQL (``--pg``: a throwaway cluster; ``--db URL``: an empty database) with
``--vouchers`` redeemable vouchers; a terminal's handle (``db.failover.Failover``) that found
its server away. Each round the server comes back and the copy is refreshed, two ways, in
alternation:

- **on the GUI thread** (as before: ``handle.adopt(server)`` refreshes the copy there);
- **in the worker** (``ui.copy_refresh.connect_and_refresh``, then ``adopt(fresh=True)``
  on the GUI thread), as ``ui.offline_bar.ServerWatch`` does now.

What is measured is what a cashier feels: the longest the GUI thread's event loop went
without running a 2 ms timer meanwhile (its freeze), and the whole refresh's time (in the
worker: with its connect, which the GUI-thread way leaves out). Floor:
the same longest gap over an idle event loop for the same time, in the same run.

    python -m bench.copy_refresh --pg [--vouchers 5000] [--runs 9]
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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class Gaps:
    """The longest gap (ms) between runs of a 2 ms timer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, (now - self.last) * 1000)
        self.last = now

    def start(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest


def store_with_vouchers(url: str, vouchers: int) -> None:
    from app import catalog, incidents, staff
    from app.clock import FixedClock
    from app.context import Context
    from app.models import RemedyRequest, Role
    from app.setup import init_store
    from db.connection import open_database

    clock = FixedClock(datetime.now(timezone.utc).replace(microsecond=0))
    ctx = Context(open_database(url), clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin="4826")
    sam, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "long_wait").id,
        staff_id=sam.id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "voucher").id)])
    ctx.db.execute(
        "INSERT INTO vouchers (code, incident_id, incident_remedy_id, amount_minor, "
        "issued_at, expires_at) SELECT 'B' || g, v.incident_id, v.incident_remedy_id, "
        "v.amount_minor, v.issued_at, v.expires_at FROM vouchers v, generate_series(1, ?) g "
        "WHERE v.code = ?", [vouchers - 1, logged.voucher_codes[0]])
    ctx.db.close()


def main() -> None:
    from bench import server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    server.add_options(parser)
    parser.add_argument("--vouchers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    from db.failover import Failover
    from ui.copy_refresh import connect_and_refresh

    app = QApplication.instance() or QApplication(sys.argv[:1])
    gaps = Gaps()
    with server.database(args) as url, tempfile.TemporaryDirectory() as folder:
        store_with_vouchers(url, args.vouchers)
        handle = Failover.open(url, Path(folder))

        def away() -> None:
            handle._went_away(None)
            handle._next_try = 0.0

        def on_gui() -> float:
            server_conn = handle.try_connect()
            began = time.perf_counter()
            assert handle.adopt(server_conn)
            app.processEvents()
            return (time.perf_counter() - began) * 1000

        def in_worker() -> float:
            found: list = []
            began = time.perf_counter()

            class Work(QThread):
                def run(self) -> None:
                    found.append(connect_and_refresh(handle))

            work = Work()
            work.start()
            while work.isRunning():
                app.processEvents()
            work.wait()
            server_conn, fresh = found[0]
            assert fresh and handle.adopt(server_conn, fresh=True)
            app.processEvents()
            return (time.perf_counter() - began) * 1000

        floor, gui, worker, gui_ms, worker_ms = [], [], [], [], []
        for i in range(args.runs + 1):
            for way, freezes, took in ((on_gui, gui, gui_ms), (in_worker, worker, worker_ms)):
                away()
                gaps.start()
                ms = way()
                longest = gaps.stop()
                gaps.start()  # the floor: the same time with nothing to do
                end = time.perf_counter() + ms / 1000
                while time.perf_counter() < end:
                    app.processEvents()
                idle = gaps.stop()
                if i:  # the first round warms both up
                    freezes.append(longest)
                    took.append(ms)
                    floor.append(idle)
        copied = handle.copy.execute("SELECT count(*) FROM copy_vouchers").fetchone()[0]
        handle.close()
    assert copied == args.vouchers, f"expected {args.vouchers} vouchers in the copy, {copied}"
    f50 = statistics.median(floor)
    print(f"{server.describe(url) if args.db else 'PostgreSQL (throwaway cluster)'}; "
          f"{args.vouchers:,} redeemable vouchers; {args.runs} rounds, the two ways alternating")
    print(f"floor: longest gap of an idle event loop     median {f50:7.1f} ms   "
          f"max {max(floor):7.1f} ms")
    for name, freezes, took in (("refresh on the GUI thread (before)", gui, gui_ms),
                                ("refresh in the worker (now)", worker, worker_ms)):
        m = statistics.median(freezes)
        print(f"{name:<42} counter frozen median {m:7.1f} ms ({m / max(f50, 1e-6):5.1f}x "
              f"the floor), max {max(freezes):7.1f} ms; whole refresh median "
              f"{statistics.median(took):7.1f} ms")


if __name__ == "__main__":
    main()
