"""The weekly summary's reads on PostgreSQL: prepared at their first use and run by their
generic plan (db.pg read_ahead), the setting put back for the app's other statements,
also when a read fails; and the summary the same as when each read is planned for its
own values."""

from __future__ import annotations

import pytest

from app import catalog, incidents, staff
from app.context import Context
from app.models import RemedyRequest, Role
from app.setup import init_store
from app.summary import Week, weekly_summary
from db.connection import open_database
from tests.conftest import OWNER_PIN


@pytest.fixture
def pg_store(pg_url, clock):
    database = open_database(pg_url)
    ctx = Context(database, clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    cashier, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
    cats = catalog.categories(ctx)
    rems = [r for r in catalog.remedies(ctx) if not r.needs_approval(r.value_minor)]
    for n in range(30):
        clock.advance(minutes=41)
        incidents.log_incident(ctx, category_id=cats[n % len(cats)].id, staff_id=cashier.id,
                               remedies=[RemedyRequest(rems[n % len(rems)].id)])
    yield ctx
    database.close()


def _setting(ctx) -> str:
    return ctx.db.conn.raw.execute("SHOW plan_cache_mode", prepare=False).fetchone()[0]


def test_the_reads_run_by_generic_plans_and_the_setting_is_put_back(pg_store, clock):
    week = Week.containing(clock.now().date())
    first = weekly_summary(pg_store, week)
    again = [weekly_summary(pg_store, week.shifted(-back)) for back in (1, 0)]
    assert _setting(pg_store) == "auto"  # the server's, for every other statement
    plans = pg_store.db.conn.raw.execute(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements",
        prepare=False).fetchall()
    read = [p for p in plans if "summary_hours" in p[0]]
    assert read and all(generic >= 3 and custom == 0 for _s, generic, custom in read)
    assert again[1] == first and first.this.incidents == 30


def test_the_same_summary_as_with_custom_plans(pg_store, pg_url, clock, monkeypatch):
    from db import pg

    week = Week.containing(clock.now().date())
    generic = [weekly_summary(pg_store, week.shifted(-back)) for back in (0, 1, 0)]
    monkeypatch.setattr(pg, "_GENERIC_PLANS", "SET plan_cache_mode = force_custom_plan")
    database = open_database(pg_url)  # a connection of its own: nothing prepared yet
    try:
        ctx = Context(database, clock)
        custom = [weekly_summary(ctx, week.shifted(-back)) for back in (0, 1, 0)]
        assert database.conn.raw.execute(
            "SELECT sum(generic_plans) FROM pg_prepared_statements",
            prepare=False).fetchone()[0] == 0
    finally:
        database.close()
    assert custom == generic


def test_a_failing_read_puts_the_setting_back(pg_store):
    pg_store.db.read_ahead(pg_store.store_id, [("SELECT count(*) FROM terminals", ()),
                                               ("SELECT no_such_column FROM terminals", ())])
    assert _setting(pg_store) == "auto"
    assert pg_store.db.execute("SELECT count(*) FROM terminals").fetchone()[0] >= 0
