"""One store-week summary on a 1,000,000-incident store, on SQLite and on PostgreSQL.

    python -m bench.summary_query [--size 1000000] [--runs 200] [--backend both|sqlite|postgresql]
                                  [--pg] [--shape both|single|chain]
    python -m bench.summary_query --tap-cost [--backend …]   (what summary_totals adds to a tap)

``--pg`` is ``--backend postgresql``. ``--shape``: the single 1M store (below), the chain of
``bench.chain`` (50 stores × 20,000 incidents, each imported through the app; cached as
/tmp/comeback-bench-chain.db and copied, never changed; 200 random (store, week) pairs, its
floor the ``SELECT *`` of the pair's eight weeks), or both (the default).

The store is ``bench.scaling_db``'s (one restaurant, five years, made through the app's own
CSV import, no ANALYZE; cached as /tmp/comeback-scaling-<N>.db and copied, never changed).
The copy is opened by the app (pending migrations run: their time is printed) and its
statistics dropped. For PostgreSQL a throwaway cluster (``tests/pg_cluster``, fsync on) gets
a migrated database and the same rows (``bench.chain.copy_to_postgresql``: COPY, the rollup
tables too; then VACUUM ANALYZE, as the app does after its own import: db.pg
refresh_statistics). The load average is printed before and after each backend's weeks.

On each backend: :func:`app.summary.weekly_summary` for random weeks (every query of the
summary and the Python around them), p50 / p99, beside two floors of the same run over the
eight weeks it reads (same store, same range): a bare ``SELECT count(*)``, and ``SELECT *``
of those incident rows. Then where the time of a summary goes: the median client CPU, the
server's CPU (its backend's /proc schedstat, when the server runs on this machine) and the
time both waited for a core, and the five slowest summaries (their place in the run, week,
and the same three figures: the tail is the machine's when the CPU and waits grow there and
not in a week of its own); and the time of each query of one summary (on PostgreSQL they
are answered from one round trip, db.summary_ahead).
Target (issues 13 and 14): p99 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import p50_p99

ROOT = Path(__file__).resolve().parent.parent


# -- bulk rows for bench.report (a generator's rows inserted past the app) -------------------

def fill(conn: sqlite3.Connection, events: list[tuple[int, datetime]],
         rng: random.Random, notes: tuple[str, ...] = ("Kald suppe",),
         void_rate: float = 0.02) -> None:
    """Insert one incident per (store, day) event, oldest first, with staff, remedies,
    a follow-up (86% checked, 9% missed), outcomes and vouchers (45% redeemed).

    The hour of day is drawn from lunch and dinner peaks; the event gives the day."""
    stores = max(store for store, _when in events)
    categories = {s: [(cid, label) for cid, label in conn.execute(
        "SELECT id, label FROM categories WHERE store_id = ?", [s])] for s in range(1, stores + 1)}
    remedies = {s: list(conn.execute(
        "SELECT id, kind, label, value_minor FROM remedies WHERE store_id = ?", [s]))
        for s in range(1, stores + 1)}
    staff = {}
    for s in range(1, stores + 1):
        known = {row[0] for row in conn.execute("SELECT name FROM staff WHERE store_id = ?", [s])}
        conn.executemany(
            "INSERT INTO staff (store_id, name, role, created_at) VALUES (?, ?, 'cashier', ?)",
            [(s, name, "2021-01-01T00:00:00+00:00") for name in
             ("Sam", "Lucía", "Jan", "Tereza", "Ola", "Marco", "Aisha", "Ingrid")
             if name not in known])
        staff[s] = [r[0] for r in conn.execute("SELECT id FROM staff WHERE store_id = ?", [s])]
    inc, rem, fol, vou = [], [], [], []
    remedy_id = conn.execute("SELECT coalesce(max(id), 0) FROM incident_remedies").fetchone()[0]
    first_id = conn.execute("SELECT coalesce(max(id), 0) FROM incidents").fetchone()[0] + 1
    for incident_id, (store, day) in enumerate(events, start=first_id):
        when = day.replace(hour=rng.choice((10, 11, 11, 12, 12, 16, 17, 17, 18, 19)),
                           minute=rng.randrange(60), second=rng.randrange(60))
        at = when.isoformat()
        category, label = rng.choice(categories[store])
        guest = f"Guest {rng.randrange(400)}" if rng.random() < 0.12 else None
        inc.append((incident_id, store, category, label, rng.choice(staff[store]), at,
                    "high" if rng.random() < 0.04 else "medium", guest,
                    guest and "name:" + guest.casefold(),
                    rng.choice(notes) if rng.random() < 0.05 else None,
                    int(guest is not None and rng.random() < 0.3),
                    at if rng.random() < void_rate else None))
        for rid, kind, rlabel, value in rng.sample(remedies[store],
                                                   1 if rng.random() < 0.75 else 2):
            remedy_id += 1
            rem.append((remedy_id, incident_id, rid, kind, rlabel, value, at))
            if kind == "voucher":
                redeemed = (when + timedelta(days=rng.uniform(2, 40))).isoformat() \
                    if rng.random() < 0.45 else None
                vou.append((f"B{remedy_id:09d}", incident_id, remedy_id, value, at,
                            (when + timedelta(days=90)).isoformat(), redeemed))
        due = when + timedelta(minutes=5)
        roll = rng.random()
        done = (due + timedelta(minutes=rng.uniform(-3, 12))).isoformat() if roll < 0.86 \
            else None
        outcome = rng.choice(("delighted", "satisfied", "satisfied", "unhappy", "left")) \
            if done else None
        fol.append((incident_id, at, due.isoformat(), due.isoformat(), done, outcome,
                    due.isoformat() if 0.86 <= roll < 0.95 else None,
                    due.isoformat() if rng.random() < 0.05 else None))
        if len(inc) >= 50_000:
            _flush(conn, inc, rem, fol, vou)
    _flush(conn, inc, rem, fol, vou)
    from db.summary_columns import refresh_all

    refresh_all(conn)  # the rows went in by bulk INSERTs, past the app's write paths
    conn.commit()


def _flush(conn, inc, rem, fol, vou) -> None:
    conn.executemany(
        "INSERT INTO incidents (id, store_id, category_id, category_label, staff_id, "
        "occurred_at, severity, guest_name, guest_key, note, repeat_guest, voided_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inc)
    conn.executemany(
        "INSERT INTO incident_remedies (id, incident_id, remedy_id, kind, label, amount_minor, "
        "given_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rem)
    conn.executemany(
        "INSERT INTO followups (incident_id, created_at, original_due_at, due_at, done_at, "
        "outcome, missed_at, escalated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", fol)
    conn.executemany(
        "INSERT INTO vouchers (code, incident_id, incident_remedy_id, amount_minor, issued_at, "
        "expires_at, redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?)", vou)
    conn.commit()
    for rows in (inc, rem, fol, vou):
        rows.clear()


# -- the summary ------------------------------------------------------------------------------

def measure(target: str, end, runs: int) -> dict:
    """Random weeks of store 1: the summary, the two floors, and the time per query."""
    from zoneinfo import ZoneInfo

    from app.clock import FixedClock, to_iso
    from app.context import open_context
    from app.summary import TREND_WEEKS, Week, weekly_summary
    from db import reports, summary_ahead
    from db.summary_ahead import Noted

    ctx = open_context(target, FixedClock(end + timedelta(minutes=1)))
    tz = ZoneInfo(ctx.settings().timezone)
    last = Week.containing((end - timedelta(days=7)).date())
    rng = random.Random(7)
    weeks = [last.shifted(-rng.randrange(0, 150)) for _ in range(runs)]
    for week in weeks[:5]:  # warm the caches, as a store in use
        weekly_summary(ctx, week)
    per_query: dict[str, list[float]] = defaultdict(list)
    wrapped = {}
    # db.reports' queries, and on a server the one round trip that runs them all
    # (db.summary_ahead.send_ahead; the queries then answer from its rows).
    functions = [(reports, name, getattr(reports, name)) for name in dir(reports)]
    functions.append((summary_ahead, "send_ahead", summary_ahead.send_ahead))
    for module, name, function in functions:
        if callable(function) and getattr(function, "__module__", "") == module.__name__ \
                and not name.startswith("_"):
            wrapped[name] = (module, function)

            def timed(*args, __f=function, __n=name, **kwargs):
                if args and isinstance(args[0], Noted):  # only listed: send_ahead
                    return __f(*args, **kwargs)
                began = time.perf_counter()
                try:
                    return __f(*args, **kwargs)
                finally:
                    per_query[__n].append((time.perf_counter() - began) * 1000)

            setattr(module, name, functools.wraps(function)(timed))
    ours, count_floor, fetch_floor, sizes, trace = [], [], [], [], []
    server = _server_pid(ctx.db)
    load_before = os.getloadavg()
    try:
        for position, week in enumerate(weeks):
            start, _e = week.shifted(1 - TREND_WEEKS).bounds(tz)
            _s, stop = week.bounds(tz)
            span = [ctx.store_id, to_iso(start), to_iso(stop)]
            began = time.perf_counter()
            ctx.db.execute("SELECT count(*) FROM incidents WHERE store_id = ? "
                           "AND occurred_at >= ? AND occurred_at < ?", span).fetchone()
            count_floor.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            ctx.db.execute("SELECT * FROM incidents WHERE store_id = ? AND occurred_at >= ? "
                           "AND occurred_at < ?", span).fetchall()
            fetch_floor.append((time.perf_counter() - began) * 1000)
            before = (time.process_time(), _scheduled("self"), _scheduled(server))
            began = time.perf_counter()
            summary = weekly_summary(ctx, week)
            ours.append((time.perf_counter() - began) * 1000)
            after = (time.process_time(), _scheduled("self"), _scheduled(server))
            sizes.append(summary.this.incidents)
            trace.append((ours[-1], position, str(week), summary.this.incidents,
                          (after[0] - before[0]) * 1000, after[2][0] - before[2][0],
                          after[1][1] - before[1][1] + after[2][1] - before[2][1]))
    finally:
        for name, (module, function) in wrapped.items():
            setattr(module, name, function)
        ctx.db.close()
    return {"ours": ours, "count": count_floor, "fetch": fetch_floor,
            "per_week": statistics.mean(sizes), "queries": per_query, "runs": runs,
            "load": (load_before[0], os.getloadavg()[0]), "trace": trace}


def _server_pid(db) -> int | None:
    """The PostgreSQL backend serving ``db`` when it runs on this machine (its /proc entry
    is readable), else None (SQLite, or a server elsewhere)."""
    conn = getattr(getattr(db, "conn", None), "raw", None)
    pid = getattr(getattr(conn, "info", None), "backend_pid", None)
    return pid if pid and os.access(f"/proc/{pid}/schedstat", os.R_OK) else None


def _scheduled(pid) -> tuple[float, float]:
    """A process's time on a CPU and waiting for one (the run queue) so far, in ms
    (/proc/<pid>/schedstat; zeros where it cannot be read)."""
    if pid is None:
        return 0.0, 0.0
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            on_cpu, waiting, _slices = stat.read().split()
    except OSError:
        return 0.0, 0.0
    return int(on_cpu) / 1e6, int(waiting) / 1e6


def show(name: str, m: dict) -> None:
    p50, p99 = p50_p99(m["ours"])
    c50, c99 = p50_p99(m["count"])
    f50, f99 = p50_p99(m["fetch"])
    print(f"[{name}] {m['runs']} random weeks, {m['per_week']:.0f} incidents/week "
          f"(load average {m['load'][0]:.2f} before, {m['load'][1]:.2f} after):")
    print(f"    weekly_summary              p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
          f"(target p99 ≤ 50 ms: {'OK' if p99 <= 50 else 'MISSED'})")
    print(f"    floor SELECT count(*) 8 wk  p50 {c50:7.2f} ms  p99 {c99:7.2f} ms")
    print(f"    floor SELECT * of 8 weeks   p50 {f50:7.2f} ms  p99 {f99:7.2f} ms  "
          f"ratio p50 {p50 / f50:.2f}×, p99 {p99 / f99:.2f}×")
    trace = m["trace"]
    here, server = (statistics.median(t[n] for t in trace) for n in (4, 5))
    print(f"    per summary, median: CPU of this process {here:.2f} ms, of the server's "
          f"backend {server:.2f} ms "
          f"(0: SQLite, in this process), both waiting for a core "
          f"{statistics.median(t[6] for t in trace):.2f} ms; the five slowest:")
    for wall, position, week, incidents, client, server, waiting in sorted(trace)[-5:][::-1]:
        print(f"      #{position:<3d} {week} ({incidents} incidents) {wall:6.2f} ms: CPU here "
              f"{client:5.2f}, server {server:5.2f}, waiting for a core {waiting:5.2f}")
    runs = m["runs"]
    print("    per query (ms per summary, the biggest first):")
    for query, samples in sorted(m["queries"].items(), key=lambda kv: -sum(kv[1])):
        print(f"      {query:26s} {sum(samples) / runs:6.2f}  "
              f"({len(samples) / runs:.1f} calls, max {max(samples):.2f})")


def tap_cost(target: str, rounds: int = 10, taps: int = 40) -> dict:
    """What migration 0022's triggers cost one tap beside 0018's: the counter's tap
    (``log_incident`` with a remedy, its follow-up) on a fresh store, in alternating blocks
    with the triggers on ``incidents`` as 0018 made them and as 0022 makes them (a third
    table; on PostgreSQL an update's net change in one statement per table:
    db.summary_rollup.keep), so the machine's drift hits both sides alike."""
    from app import catalog, incidents, staff
    from app.clock import FixedClock
    from app.context import open_context
    from app.demo import random_pin
    from app.models import RemedyRequest, Role
    from app.setup import init_store
    from db import summary_rollup

    clock = FixedClock(datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc))
    ctx = open_context(target, clock)
    init_store(ctx, store_name="Bench", preset="restaurant", currency="NOK", locale="nb_NO",
               timezone="Europe/Oslo", owner_name="Owner", owner_pin=random_pin())
    cashier, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
    cats = catalog.categories(ctx)
    rems = [r for r in catalog.remedies(ctx) if not r.needs_approval(r.value_minor)]
    samples: dict[str, list[float]] = {"0018": [], "0022": []}
    sets = {"0018": (summary_rollup.TABLES_0018, False),
            "0022": (tuple(summary_rollup._TABLES), True)}
    n = 0
    try:
        for _round in range(rounds):
            for name, (tables, net) in sets.items():
                with ctx.db.atomic():
                    summary_rollup.keep(ctx.db, tables, net)
                for _tap in range(taps):
                    n += 1
                    clock.advance(seconds=37)
                    began = time.perf_counter()
                    incidents.log_incident(
                        ctx, category_id=cats[n % len(cats)].id, staff_id=cashier.id,
                        remedies=[RemedyRequest(rems[n % len(rems)].id)])
                    samples[name].append((time.perf_counter() - began) * 1000)
    finally:
        ctx.db.close()
    return samples


def show_tap_cost(name: str, samples: dict) -> None:
    (b50, b99), (a50, a99) = p50_p99(samples["0018"]), p50_p99(samples["0022"])
    print(f"[{name}] one tap, {len(samples['0018'])} each, alternating blocks:")
    print(f"    triggers as 0018 made them       p50 {b50:7.3f} ms  p99 {b99:7.3f} ms")
    print(f"    as 0022 makes them               p50 {a50:7.3f} ms  p99 {a99:7.3f} ms  "
          f"(+{a50 - b50:.3f} ms, ratio p50 {a50 / b50:.3f}×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--pg", action="store_true", help="the same as --backend postgresql")
    parser.add_argument("--shape", choices=("both", "single", "chain"), default="both",
                        help="the 1M single store, the 50 × 20k chain, or both")
    parser.add_argument("--tap-cost", action="store_true",
                        help="only what keeping summary_totals adds to one tap")
    args = parser.parse_args()
    if args.pg:
        args.backend = "postgresql"
    if args.tap_cost:
        return main_tap_cost(args)
    if args.shape in ("both", "single"):
        single_store(args)
    if args.shape in ("both", "chain"):
        chain_shape(args)


def single_store(args) -> None:
    from bench.chain import copy_to_postgresql
    from bench.common import cache_ready
    from bench.scaling_db import MARK, build, cache_path, last_moment, strip_statistics
    from db.connection import open_database

    source = cache_path(args.size)
    if not cache_ready(source, MARK):
        build(args.size)  # (an existing cache is only copied: never migrated in place)
    end = last_moment(source)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        db = Path(tmp) / "store.db"
        shutil.copyfile(source, db)
        began = time.perf_counter()
        open_database(db).conn.close()  # pending migrations (0018: the rollup's backfill)
        print(f"opened and migrated the {args.size:,}-incident copy in "
              f"{time.perf_counter() - began:.1f} s", flush=True)
        strip_statistics(db)
        if args.backend in ("both", "sqlite"):
            show("sqlite", measure(str(db), end, args.runs))
        if args.backend in ("both", "postgresql"):
            on_postgresql("postgresql", lambda url: copy_to_postgresql(db, url),
                          lambda url: show("postgresql", measure(url, end, args.runs)))


def on_postgresql(label: str, copy, run) -> None:
    """A throwaway cluster (fsync on): ``copy(url)`` timed and said, then ``run(url)``."""
    sys.path.insert(0, str(ROOT))
    from tests.pg_cluster import Cluster

    cluster = Cluster(fsync=True).start()
    try:
        url = cluster.new_database()
        began = time.perf_counter()
        copy(url)
        print(f"[{label}] copied in {time.perf_counter() - began:.0f} s", flush=True)
        run(url)
    finally:
        cluster.remove()


def chain_shape(args) -> None:
    """The 50 stores × 20,000 incidents of bench.chain (its cache copied, never changed):
    random (store, week) pairs, each summary beside the ``SELECT *`` of its eight weeks."""
    from bench import chain
    from bench.common import cache_ready
    from bench.scaling_db import strip_statistics

    if not cache_ready(chain.CACHE, chain.MARK):
        print(f"building {chain.CACHE} (bench.chain)…", flush=True)
        chain.build(chain.CACHE)
    shape = chain.Shape(chain.STORES, chain.END)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        db = Path(tmp) / "chain.db"
        shutil.copyfile(chain.CACHE, db)
        chain.erase_as_of_today(db)
        strip_statistics(db)
        if args.backend in ("both", "sqlite"):
            show_chain("sqlite", chain_weeks(str(db), args.runs, shape))
        if args.backend in ("both", "postgresql"):
            on_postgresql("postgresql chain", lambda url: chain.copy_to_postgresql(db, url),
                          lambda url: show_chain("postgresql",
                                                 chain_weeks(url, args.runs, shape)))


def chain_weeks(target: str, runs: int, shape) -> dict:
    from bench.chain import summary_weeks

    load_before = os.getloadavg()
    weeks = summary_weeks(target, runs, shape)
    weeks["load"] = (load_before[0], os.getloadavg()[0])
    weeks["runs"] = runs
    return weeks


def show_chain(name: str, m: dict) -> None:
    p50, p99 = p50_p99(m["ours"])
    f50, f99 = p50_p99(m["floor"])
    print(f"[{name} chain] {m['runs']} random (store, week) pairs of 50 stores × 20k, "
          f"{m['per_week']:.0f} incidents/week (load average {m['load'][0]:.2f} before, "
          f"{m['load'][1]:.2f} after):")
    print(f"    weekly_summary              p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
          f"(target p99 ≤ 50 ms: {'OK' if p99 <= 50 else 'MISSED'})")
    print(f"    floor SELECT * of 8 weeks   p50 {f50:7.2f} ms  p99 {f99:7.2f} ms  "
          f"ratio p50 {p50 / f50:.2f}×, p99 {p99 / f99:.2f}×", flush=True)


def main_tap_cost(args) -> None:
    if args.backend in ("both", "sqlite"):
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            show_tap_cost("sqlite", tap_cost(str(Path(tmp) / "taps.db")))
    if args.backend in ("both", "postgresql"):
        sys.path.insert(0, str(ROOT))
        from tests.pg_cluster import Cluster

        cluster = Cluster(fsync=True).start()
        try:
            show_tap_cost("postgresql", tap_cost(cluster.new_database()))
        finally:
            cluster.remove()


if __name__ == "__main__":
    main()
