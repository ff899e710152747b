"""PostgreSQL: what a store-week summary reads on a server (migration 0029, see
db/summary_rollup.py GUEST_LATEST_INDEX and docs/summary-on-postgresql.md).

A flagged guest's latest comp (its time, the name and contact of that comp) is one index
entry each, not every incident of the guest's 37 days read and sorted; the guests to watch
stay as the reference computation says (tests/test_summary_guests.py, both engines)."""

from __future__ import annotations

import json

import pytest

from app.context import open_context
from app.setup import init_store
from app.summary import Week, _guest_window
from db import reports
from db.pg import translate
from db.summary_ahead import Noted
from tests.conftest import OWNER_PIN

pytestmark = pytest.mark.postgresql

WEEK = Week(2026, 45)


def _plan(database, sql: str, params) -> dict:
    text, _style = translate(sql)
    row = database.conn.raw.execute(
        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + text, list(params)).fetchone()
    plan = row[0] if not isinstance(row[0], str) else json.loads(row[0])
    return plan[0]["Plan"]


def _nodes(node: dict, under_subplan: bool = False):
    inside = under_subplan or node.get("Parent Relationship") == "SubPlan"
    yield node, inside
    for child in node.get("Plans", ()):
        yield from _nodes(child, inside)


def test_a_flagged_guests_latest_comp_is_one_index_entry(pg_url, clock):
    """On tables with statistics (the app's import runs VACUUM (ANALYZE), autovacuum
    otherwise; with none at all the planner may take idx_incidents_guest_data instead)."""
    ctx = open_context(pg_url, clock)
    try:
        init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
                   locale="nb_NO", language="en", timezone="Europe/Oslo",
                   owner_name="Ingrid", owner_pin=OWNER_PIN)
        database = ctx.db.server if hasattr(ctx.db, "server") else ctx.db
        category = database.execute("SELECT min(id) FROM categories").fetchone()[0]
        from zoneinfo import ZoneInfo

        tz = ZoneInfo("Europe/Oslo")
        last_start, _e = WEEK.shifted(-1).bounds(tz)
        start, end = WEEK.bounds(tz)
        # 37 days of a busy store (an incident every 4 minutes from 27 September); every
        # 12th names a guest and is a comp: two regulars (~410 comps each) and many once.
        database.execute(
            "INSERT INTO incidents (store_id, category_id, category_label, occurred_at, "
            "severity, repeat_guest, uid, remedy_count, cost_minor, followup_missed, noted, "
            "guest_key, guest_name, guest_contact) "
            "SELECT 1, ?, 'x', to_char((TIMESTAMPTZ '2026-09-27 12:00+00' + g * "
            "INTERVAL '4 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"'), "
            "'low', 0, 'bulk-' || g, 1, CASE WHEN g % 12 = 0 THEN 3500 ELSE 0 END, 0, 0, "
            "CASE WHEN g % 12 <> 0 THEN NULL WHEN g % 36 = 0 THEN 'name:solo ' || g "
            "ELSE 'name:kari ' || (g % 36) END, "
            "CASE WHEN g % 12 = 0 THEN 'Kari ' || (g % 36) END, NULL "
            "FROM generate_series(1, ?) AS g", [category, 37 * 24 * 15])
        database.execute("ANALYZE incidents")
        noted = Noted()
        reports.guest_flags(noted, ctx.store_id, *_guest_window(last_start, start, end))
        (sql, params), = noted.reads
        flags = reports.guest_flags(database, ctx.store_id,
                                    *_guest_window(last_start, start, end))
        assert sum(row[0] for row in flags) == 2  # the two regulars, this week
        plan = _plan(database, sql, params)
        looked_up = [(node["Actual Rows"], node.get("Index Name"))
                     for node, inside in _nodes(plan) if inside
                     and node.get("Relation Name") == "incidents"]
        assert looked_up, plan
        # The lookups (time, name, contact) of each flagged guest: one entry each (rows per
        # loop), from the index alone (before 0029: each read the guest's ~410 comps of the
        # 37 days from the table and sorted them).
        assert all(name == "idx_incidents_guest_latest" for _rows, name in looked_up), plan
        assert all(rows <= 1 for rows, _name in looked_up), looked_up
        assert not any(node["Node Type"] == "Sort" for node, inside in _nodes(plan) if inside)
    finally:
        ctx.db.close()
