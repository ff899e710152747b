"""Tap-to-saved latency at the counter: the second tap, in the real widget, to the row on disk.

The real main window, offscreen, on a file database (WAL, synchronous=FULL): the demo store
(8 weeks), or with ``--db N`` a copy of ``bench.scaling``'s store of N incidents (built
through the app's own import, no statistics: ``bench.scaling_db``), as ``bench.scaling``'s
widget figure. Each round taps a failure tile, then - timed - a remedy tile with
QTest.mouseClick; the click returns once the incident, its remedies, follow-up and audit
entry are committed and every screen has been told (controller.announce), so that is
"saved". Start-up ends as the app's does (``ui.gc_policy.settle_after_start``).

Wall-clock figures on a machine that other processes load are mostly those processes: so
every tap is also measured as the **process's own CPU time** (``time.process_time``: what
the tap costs, whatever else runs) and the **garbage collector's passes** inside it
(``gc.callbacks``), and each figure is paired with a floor from the same run, measured in
alternation with the taps (so both see the same load):

- a bare QPushButton in a bare window, clicked and repainted (the least a tap that changes
  what is on screen costs in PySide6), wall and CPU;
- one raw sqlite3 INSERT + COMMIT with the app's pragmas (the least a saved tap waits for
  the disk), wall and CPU.

Between rounds (not timed) a manager records the outcome of every follow-up due for more than
ten minutes, as in a store where someone checks back. ``--no-manager`` leaves them all open.

With ``--db`` the taps start at the store's opening when its last incident was logged while
it was closed (the cached store's ends at night): follow-ups then fall due during the run,
escalate, and the reminder banner is up, as at a real lunch. ``--closed`` taps from the last
incident on instead (a closed store: every reminder waits for the opening, no banner).

``--pg``: the demo store on a throwaway PostgreSQL cluster (fsync on, Unix socket), the
counter a terminal of it as the app opens one; the insert floor is then a raw psycopg
INSERT + COMMIT on its own connection, and the round trips of each saved tap are printed.

Targets: tap-to-saved p99 ≤ 50 ms on the demo store, ≤ 20 ms on 1M incidents (issue 13).

    python -m bench.tap [--taps 400] [--db 1000000 | --pg] [--closed] [--no-manager]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import latency_line, manager_checks_back, percentile
from bench.log_incidents import round_trips

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TARGET_P99_MS = 50.0
TARGET_P99_BIG_MS = 20.0


def line(name: str, samples: list[float]) -> str:
    return latency_line(name, samples, 50)


class GcPauses:
    """The garbage collector's passes (ms of the thread's CPU time, which the machine's
    load does not stretch), as they happen."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._began = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._began = time.thread_time()
        else:
            self.pauses.append((info["generation"], (time.thread_time() - self._began) * 1000))

    def since(self, mark: int) -> float:
        return sum(ms for _, ms in self.pauses[mark:])

    def stop(self) -> None:
        gc.callbacks.remove(self._callback)


class ButtonFloor:
    """A bare window with one QPushButton whose click changes its text: click → repainted."""

    def __init__(self) -> None:
        from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

        self.window = QWidget()
        self.button = QPushButton("Cold food")
        self.button.setMinimumSize(200, 120)
        self.clicks = 0

        def clicked() -> None:
            self.clicks += 1
            self.button.setText(f"Cold food {self.clicks}")

        self.button.clicked.connect(clicked)
        QVBoxLayout(self.window).addWidget(self.button)
        self.window.resize(1024, 768)
        self.window.show()

    def once(self, app) -> tuple[float, float]:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        wall, cpu = time.perf_counter(), time.process_time()
        QTest.mouseClick(self.button, Qt.LeftButton)
        app.processEvents()
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    def close(self) -> None:
        self.window.close()


class InsertFloor:
    """One raw sqlite3 INSERT + COMMIT, WAL and synchronous=FULL, on a new file."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT, label TEXT, "
                          "amount INTEGER)")
        self.n = 0

    def once(self) -> tuple[float, float]:
        self.n += 1
        wall, cpu = time.perf_counter(), time.process_time()
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO t (at, label, amount) VALUES (?, ?, ?)",
                          ("2026-11-16T11:00:00+00:00", "Cold food", self.n))
        self.conn.execute("COMMIT")
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    def close(self) -> None:
        self.conn.close()


class PgInsertFloor:
    """One raw psycopg INSERT + COMMIT (BEGIN, INSERT, COMMIT) on its own connection to
    the store's server: what a saved tap waits for at the least there."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.conn.execute("CREATE TABLE bench_floor (id INTEGER GENERATED BY DEFAULT AS "
                          "IDENTITY PRIMARY KEY, at TEXT, label TEXT, amount INTEGER)")
        self.n = 0

    def once(self) -> tuple[float, float]:
        self.n += 1
        wall, cpu = time.perf_counter(), time.process_time()
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO bench_floor (at, label, amount) VALUES (%s, %s, %s)",
                          ("2026-11-16T11:00:00+00:00", "Cold food", self.n))
        self.conn.execute("COMMIT")
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    def close(self) -> None:
        self.conn.execute("DROP TABLE bench_floor")
        self.conn.close()


def _store(tmp: Path, size: int | None, opening: bool = True):
    """(ctx, clock, what) on a demo store, or on a copy of bench.scaling's store of
    ``size`` incidents set up as bench.scaling's taps are (no approval pad, no sign-in)."""
    if size is None:
        from bench.common import demo_store

        ctx, clock, _result = demo_store(tmp / "store.db",
                                         datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc))
        return ctx, clock, "a demo store (8 weeks)"
    from app import settings
    from app.clock import FixedClock
    from app.context import open_context
    from bench.common import cache_ready
    from bench.scaling_db import MARK, _catch_up, build, cache_path, last_moment, strip_statistics

    path = tmp / "store.db"
    cached = cache_path(size)
    # The cache is shared by every bench on this machine: copied first, never opened for
    # writing (a schema catch-up is applied to the copy).
    shutil.copyfile(cached if cache_ready(cached, MARK) else build(size), path)
    _catch_up(path)
    strip_statistics(path)
    clock = FixedClock(last_moment(path) + timedelta(minutes=1))
    ctx = open_context(path, clock)
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"cashier_limit": 10**6,
                                              "manager_limit": 10**6, "signin_pin": False})
    when = ""
    if opening:
        # Taps while the store is open, as at a real counter: follow-ups fall due during the
        # run and the reminder banner comes and goes (the store's last incident may be at
        # night, when every reminder waits for the opening).
        from app.followups import service_hours

        hours = service_hours(ctx)
        if not hours.is_open(clock.now()):
            moment = hours.next_opening(clock.now())
            if moment is not None:
                clock.set(moment + timedelta(minutes=1))
        when = ", taps from the opening" if hours.is_open(clock.now()) else ", store closed"
    return ctx, clock, f"{size:,} incidents (bench.scaling's store, no statistics{when})"


def _ratio(ours: list[float], floor: list[float]) -> str:
    return (f"p50 {statistics.median(ours) / max(statistics.median(floor), 1e-6):5.1f}x   "
            f"p99 {percentile(ours, 0.99) / max(percentile(floor, 0.99), 1e-6):5.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=400)
    parser.add_argument("--db", type=int, default=None, metavar="INCIDENTS",
                        help="a copy of bench.scaling's store of this many incidents")
    parser.add_argument("--pg", action="store_true",
                        help="the demo store on a throwaway PostgreSQL cluster (fsync on)")
    parser.add_argument("--closed", action="store_true",
                        help="--db: tap from the store's last incident on, even when the "
                             "store is closed then (no reminder falls due)")
    parser.add_argument("--no-manager", action="store_true",
                        help="never record outcomes: let open follow-ups pile up")
    args = parser.parse_args()
    taps = max(300, args.taps) if args.db is None else max(100, args.taps)

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app import catalog, staff
    from db.connection import pragma
    from db.incidents import count_incidents

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.app import build_main_window
    from ui.gc_policy import settle_after_start

    load_before = os.getloadavg()[0]
    cluster = url = None
    if args.pg:
        from bench.common import demo_store
        from tests.pg_cluster import Cluster

        cluster = Cluster(fsync=True).start()
        url = cluster.new_database()
    trips: list[int] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if url is not None:
            ctx, clock, _result = demo_store(url, datetime(2026, 11, 16, 9, 0,
                                                           tzinfo=timezone.utc))
            what = "a demo store (8 weeks) on PostgreSQL (fsync on, Unix socket)"
        else:
            ctx, clock, what = _store(tmp, args.db, opening=not args.closed)
            assert pragma(ctx.db, "synchronous") == 2, "expected synchronous=FULL"
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        app.processEvents()
        page = window.page("counter")
        window.controller.set_current_staff(staff.find_by_name(ctx, "Sam"))
        marco = staff.find_by_name(ctx, "Marco")
        categories = catalog.categories(ctx)
        codes = [c.code for c in categories]
        before = count_incidents(ctx.db, ctx.store_id)
        button = ButtonFloor()
        insert = PgInsertFloor(url) if url is not None else InsertFloor(tmp / "floor.db")
        settle_after_start()  # as ui.app.start ends
        pauses = GcPauses()
        first, saved, shown, cpu, gc_ms = [], [], [], [], []
        button_wall, button_cpu, insert_wall, insert_cpu = [], [], [], []
        for i in range(taps + 20):
            clock.advance(seconds=41)
            if not args.no_manager:
                manager_checks_back(ctx, marco.id, window.controller.announce)
            start = time.perf_counter()
            QTest.mouseClick(page.category_tile(codes[i % len(codes)]), Qt.LeftButton)
            app.processEvents()
            first_ms = (time.perf_counter() - start) * 1000
            tiles = [t for t, r in zip(page.remedy_step.tiles(), page.remedy_step._remedies,
                                       strict=False) if not r.needs_approval(r.value_minor)]
            tile = tiles[(i // len(codes)) % len(tiles)]
            mark = len(pauses.pauses)
            sent = round_trips(ctx.db)
            start, cpu_start = time.perf_counter(), time.process_time()
            QTest.mouseClick(tile, Qt.LeftButton)
            saved_ms = (time.perf_counter() - start) * 1000
            cpu_ms = (time.process_time() - cpu_start) * 1000
            if sent is not None and i >= 20:
                trips.append(round_trips(ctx.db) - sent)
            app.processEvents()
            shown_ms = (time.perf_counter() - start) * 1000
            floors = button.once(app), insert.once()
            if i >= 20:  # the first rounds warm caches (Babel, icons); not counted
                first.append(first_ms)
                saved.append(saved_ms)
                cpu.append(cpu_ms)
                shown.append(shown_ms)
                gc_ms.append(pauses.since(mark))
                button_wall.append(floors[0][0])
                button_cpu.append(floors[0][1])
                insert_wall.append(floors[1][0])
                insert_cpu.append(floors[1][1])
        pauses.stop()
        logged = count_incidents(ctx.db, ctx.store_id) - before
        button.close()
        insert.close()
        window.close()
        ctx.db.close()
    if cluster is not None:
        cluster.remove()
    assert logged == taps + 20, f"expected {taps + 20} incidents, found {logged}"
    manager = "nobody records outcomes" if args.no_manager else "a manager keeps up"
    where = "" if url is not None else ", file database (WAL, synchronous=FULL)"
    print(f"{taps} taps on {what}{where}, offscreen; "
          f"{manager}; floors in alternation with the taps")
    print("load average (1 min) at the start / the end: "
          f"{load_before:.2f} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(line("floor: bare QPushButton click -> repainted", button_wall))
    floor_name = "raw psycopg INSERT+COMMIT" if url is not None else "raw sqlite3 INSERT+COMMIT"
    print(line(f"floor: {floor_name}", insert_wall))
    print(line("first tap: failure tile -> remedy tiles shown", first))
    print(line("second tap: remedy tile -> saved", saved))
    print(line("second tap: remedy tile -> saved and painted", shown))
    if trips:
        from collections import Counter

        counts = Counter(trips)
        print("  round trips to the server a saved tap (those counted in the whole tap, the "
              "manager's outcomes between taps not): "
              + ", ".join(f"{k}: {counts[k]} taps" for k in sorted(counts)))
    print("CPU time of the process (what it costs, whatever else the machine runs):")
    print(line("  floor: bare QPushButton click -> repainted", button_cpu))
    print(line(f"  floor: {floor_name}", insert_cpu))
    print(line("  second tap: remedy tile -> saved", cpu))
    print(line("  of which the garbage collector's passes", gc_ms))
    full = [ms for generation, ms in pauses.pauses if generation == 2]
    print(f"  full collections during the run: {len(full)}"
          + (f", longest {max(full):.1f} ms" if full else ""))
    floor_wall = [b + n for b, n in zip(button_wall, insert_wall, strict=True)]
    floor_cpu = [b + n for b, n in zip(button_cpu, insert_cpu, strict=True)]
    print(f"saved+painted vs button+insert floors, wall: {_ratio(shown, floor_wall)}")
    print(f"saved vs button+insert floors, CPU:          {_ratio(cpu, floor_cpu)}")
    target = TARGET_P99_MS if args.db is None else TARGET_P99_BIG_MS
    p99, cpu99 = percentile(saved, 0.99), percentile(cpu, 0.99)
    print(f"tap-to-saved p99 {p99:.2f} ms wall, {cpu99:.2f} ms CPU (target ≤ {target:.0f} ms) "
          f"wall {'OK' if p99 <= target else 'OVER'}, CPU {'OK' if cpu99 <= target else 'OVER'}")


if __name__ == "__main__":
    main()
