"""PostgreSQL: the app keeps its own tables' statistics and visibility map fresh after a big
import (``VACUUM (ANALYZE)``, as SQLite gets ``PRAGMA optimize``), and its connection asks
for neither JIT compilation nor parallel workers for its short queries (db/pg.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.context import Context
from app.csv_import import import_csv
from app.setup import init_store
from bench.generator import write_csv
from db.connection import open_database
from db.pg import REFRESHED_TABLES
from tests.conftest import OWNER_PIN, START

pytestmark = pytest.mark.postgresql


@pytest.fixture
def store(pg_url, clock):
    ctx = Context(db=open_database(pg_url), clock=clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    yield ctx
    ctx.db.close()


def setting(db, name: str) -> str:
    return db.execute(f"SHOW {name}").fetchone()[0]


def analysed(db, table: str) -> bool:
    return db.execute("SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() "
                      "AND tablename = ?", [table]).fetchone()[0] > 0


def vacuumed(db, table: str) -> bool:
    """``table`` vacuumed since it was made (its visibility map kept: index-only scans read
    no table page where every row is visible to all; the tests' server commits
    asynchronously, so a VACUUM right after a commit may not mark the pages yet, and
    which pages it marks is not asserted here)."""
    return db.execute("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables "
                      "WHERE relid = ?::regclass", [table]).fetchone()[0]


def test_the_apps_connection_asks_for_no_jit_and_no_parallel_workers(pg_url):
    db = open_database(pg_url)
    try:
        assert setting(db, "jit") == "off"
        assert setting(db, "max_parallel_workers_per_gather") == "0"
        assert setting(db, "lock_timeout") == "5s"  # set in the same statement, as before
    finally:
        db.close()


def test_a_big_import_leaves_every_table_it_wrote_analysed_and_all_visible(store, tmp_path):
    path = write_csv(tmp_path / "big.csv", 1_200, seed=3, end=START - timedelta(minutes=1))
    db = store.db
    assert not analysed(db, "incidents")

    imported = import_csv(store, path, pin=OWNER_PIN)

    assert imported.incidents == 1_200
    for table in REFRESHED_TABLES:
        assert analysed(db, table), table
        assert vacuumed(db, table), table


def test_inside_a_transaction_the_statistics_are_refreshed_without_vacuum(store, tmp_path):
    import_csv(store, write_csv(tmp_path / "few.csv", 20, seed=3,
                                end=START - timedelta(minutes=1)), pin=OWNER_PIN)
    db = store.db
    assert not analysed(db, "summary_totals")  # (20 rows: no refresh after the import)
    with db.atomic():
        db.refresh_statistics()  # VACUUM cannot run here: ANALYZE alone, no error
        assert db.conn.in_transaction
    assert analysed(db, "summary_totals")
    assert not vacuumed(db, "summary_totals")
