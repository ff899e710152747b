"""The databases ``bench.scaling`` measures: one store of N incidents, made by the app itself.

A restaurant is set up through the services (the demo staff, with their PINs), then
``bench.generator`` writes N incidents as CSV and the app's own ``import_csv`` reads them,
with the clock just after the file's last row. No ANALYZE is run and any statistics are
dropped (:func:`strip_statistics`): the store as it is before the app's first
``PRAGMA optimize``. Guest details past the retention period are erased as the app's next
start would. Built once per size, cached as ``/tmp/comeback-scaling-<N>.db``.

    python -m bench.scaling_db 10000 100000 1000000   # build what is missing
"""

from __future__ import annotations

import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import cache_ready, fresh_database

MARK = 13_000_008  # PRAGMA user_version once a build is complete


def cache_path(incidents: int) -> Path:
    return Path(f"/tmp/comeback-scaling-{incidents}.db")


def strip_statistics(path: Path) -> None:
    """Drop sqlite_stat1: the planner works without statistics, as on a store never closed."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
        conn.commit()
    finally:
        conn.close()


def last_moment(path: Path) -> datetime:
    """The time of the newest incident (the store's "now" when it was built)."""
    conn = sqlite3.connect(path)
    try:
        text = conn.execute("SELECT max(occurred_at) FROM incidents").fetchone()[0]
    finally:
        conn.close()
    return datetime.fromisoformat(text)


_0008_INDEXES = ("idx_incidents_guest_data", "idx_incidents_notes", "idx_followups_notes",
                 "idx_audit_store_action", "idx_followups_outcome", "idx_audit_entity")


def _catch_up(path: Path) -> None:
    """Bring a cache built by an earlier revision up to today's schema, as an upgrade would.

    Caches from before main's ``0005_audit_chain`` already carry ``0008_flat_costs`` (whose
    last indexes came later): its indexes and its row are dropped, so that opening the file
    applies 0005 and then 0008, in order."""
    conn = sqlite3.connect(path)
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")}
        if "0005_audit_chain" not in names and "0008_flat_costs" in names:
            for index in _0008_INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {index}")
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0008_flat_costs'")
            conn.commit()
    finally:
        conn.close()
    from db.connection import open_database

    database = open_database(path)  # applies what is pending
    database.conn.close()  # no PRAGMA optimize: the store as built
    strip_statistics(path)


def build(incidents: int, end: datetime | None = None, seed: int = 1) -> Path:
    """Build (or reuse) the cached database of ``incidents`` incidents; returns its path."""
    path = cache_path(incidents)
    if cache_ready(path, MARK):
        _catch_up(path)
        return path
    from app import staff
    from app.clock import FixedClock
    from app.context import Context
    from app.csv_import import import_csv
    from app.demo import DEMO_STAFF, random_pin
    from app.privacy import erase_expired_guest_details
    from app.setup import init_store
    from bench.generator import write_csv

    end = (end or datetime.now(timezone.utc)).replace(second=0, microsecond=0)
    began = time.perf_counter()
    database = fresh_database(path)
    clock = FixedClock(end + timedelta(minutes=1))
    ctx = Context(database, clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name=DEMO_STAFF[0][0], owner_pin=(owner_pin := random_pin()))
    for name, role in DEMO_STAFF[1:]:
        staff.add_staff(ctx, name, role, random_pin())
    csv_path = path.with_suffix(".csv")
    write_csv(csv_path, incidents, seed=seed, end=end)
    imported = import_csv(ctx, csv_path, pin=owner_pin)
    erase_expired_guest_details(ctx)
    csv_path.unlink()
    database.conn.execute(f"PRAGMA user_version={MARK}")
    database.conn.commit()
    database.conn.close()  # no PRAGMA optimize: no statistics
    strip_statistics(path)
    print(f"  built {path}: {imported.incidents:,} incidents through the app's import in "
          f"{time.perf_counter() - began:.0f} s", flush=True)
    return path


if __name__ == "__main__":
    for size in sys.argv[1:] or ["10000", "100000", "1000000"]:
        build(int(size))
