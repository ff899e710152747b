"""The weekly summary on a big database: 1,000,000 incidents, 50 stores, 5 years.

    python -m bench.summary_query [--runs 60] [--rebuild]

Builds (once, cached as /tmp/comeback-bench-1m.db) a migrated database filled with bulk
``executemany`` inserts: 50 stores set up with the restaurant preset, ~20,000 incidents
each spread over 5 years of opening hours, with remedies, follow-ups, outcomes and
vouchers in realistic proportions; no ANALYZE (the planner runs without statistics, as
on a store the app has not closed yet). Then times :func:`app.summary.weekly_summary` (every
query of the summary plus the Python that buckets days and hours) for random
(store, week) pairs, beside two floors over the same store and the same eight weeks the
summary reads (same index, same range): a bare ``SELECT count(*)``, and ``SELECT *`` of
those incident rows.
Target: median ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import cache_ready, fresh_database, p50_p99

CACHE = Path("/tmp/comeback-bench-1m.db")
STORES, YEARS, INCIDENTS = 50, 5, 1_000_000
END = datetime(2026, 11, 16, tzinfo=timezone.utc)  # a Monday
MARK = 51_000_002  # PRAGMA user_version once the data is complete


def build(path: Path, stores: int = STORES, incidents: int = INCIDENTS,
          years: int = YEARS, seed: int = 1) -> None:
    """Create ``path`` with ``incidents`` spread over ``stores`` and ``years``."""
    from app.clock import FixedClock
    from app.context import Context
    from app.demo import random_pin
    from app.setup import init_store

    database = fresh_database(path)
    clock = FixedClock(END - timedelta(days=365 * years + 7))
    for store in range(1, stores + 1):
        init_store(Context(database, clock, store), store_name=f"Store {store}",
                   currency="NOK", locale="nb_NO", timezone="Europe/Oslo",
                   owner_name="Owner", owner_pin=random_pin())
    database.close()
    rng = random.Random(seed)
    span = years * 365 * 24 * 3600
    first = END - timedelta(seconds=span)
    moments = sorted(rng.randrange(span) for _ in range(incidents))
    events = [(rng.randrange(1, stores + 1), first + timedelta(seconds=offset))
              for offset in moments]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    fill(conn, events, rng)
    conn.execute(f"PRAGMA user_version={MARK}")
    conn.commit()
    conn.close()  # no ANALYZE: the app keeps its own statistics (PRAGMA optimize on close)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild or not cache_ready(CACHE, MARK):
        began = time.perf_counter()
        print(f"building {CACHE} ({INCIDENTS:,} incidents, {STORES} stores, {YEARS} years)…")
        build(CACHE)
        print(f"  built in {time.perf_counter() - began:.1f} s")
    from app.clock import FixedClock, to_iso
    from app.context import open_context
    from app.summary import TREND_WEEKS, Week, weekly_summary
    from bench.scaling_db import strip_statistics
    from db import reports as reports_db

    # The store as the app finds it before its first PRAGMA optimize: no statistics (a cache
    # built by an older version of this bench ran ANALYZE for the app).
    strip_statistics(CACHE)
    ctx = open_context(CACHE, FixedClock(END + timedelta(days=1)))
    total = ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0]
    rng = random.Random(7)
    last = Week.containing((END - timedelta(days=1)).date())
    pairs = [(rng.randrange(1, STORES + 1), last.shifted(-rng.randrange(0, 52 * YEARS - 10)))
             for _ in range(args.runs)]
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Europe/Oslo")
    for store, week in pairs[:5]:  # warm the page cache like a store that is in use
        ctx.store_id = store
        weekly_summary(ctx, week)
    summary_ms, floor_ms, fetch_ms, rows = [], [], [], []
    for store, week in pairs:
        ctx.store_id = store
        start, _e = week.shifted(1 - TREND_WEEKS).bounds(tz)
        _s, end = week.bounds(tz)
        began = time.perf_counter()
        count = reports_db.count_in_range(ctx.db, store, to_iso(start), to_iso(end))
        floor_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        ctx.db.execute("SELECT * FROM incidents WHERE store_id = ? AND occurred_at >= ? "
                       "AND occurred_at < ?", [store, to_iso(start), to_iso(end)]).fetchall()
        fetch_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        summary = weekly_summary(ctx, week)
        summary_ms.append((time.perf_counter() - began) * 1000)
        rows.append((count, summary.this.incidents))
    median, p99 = p50_p99(summary_ms)
    floor_median, floor_p99 = p50_p99(floor_ms)
    fetch_median, fetch_p99 = p50_p99(fetch_ms)
    print(f"database: {total:,} incidents, {STORES} stores; {args.runs} random (store, week) "
          f"pairs; {statistics.mean(r[1] for r in rows):.0f} incidents/week, "
          f"{statistics.mean(r[0] for r in rows):.0f} rows in the 8 weeks read")
    print(f"floor  SELECT count(*) over the same 8 weeks: median {floor_median:.2f} ms, "
          f"p99 {floor_p99:.2f} ms")
    print(f"floor  SELECT * (the incident rows alone):   median {fetch_median:.2f} ms, "
          f"p99 {fetch_p99:.2f} ms")
    print(f"weekly_summary (all queries + bucketing):  median {median:.2f} ms, "
          f"p99 {p99:.2f} ms  ({median / floor_median:.1f}x the floor; target ≤ 50 ms: "
          f"{'OK' if median <= 50 else 'MISSED'})")


if __name__ == "__main__":
    main()
