"""PostgreSQL: what a store-week summary reads on a server (docs/summary-on-postgresql.md).

* Migration 0029 (db/summary_rollup.py GUEST_LATEST_INDEX): a flagged guest's latest comp
  (its time, the name and contact of that comp) is one index entry each, not every
  incident of the guest's 37 days read and sorted.
* db.pg.translate: "not in an import being copied" (db.import_staging.visible) stays one
  condition, so a generic plan of the week's notes is one index-only range, not a BitmapOr
  of two scans and a table page per note.

What the summary shows stays as the reference computation says (tests/test_summary_guests.py,
tests/test_summary_notes.py, tests/test_summary_rollup.py: both engines)."""

from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo

import pytest
from psycopg.sql import Literal

from app.clock import to_iso
from app.context import open_context
from app.setup import init_store
from app.summary import NOTES_MAX, Week, _guest_window
from db import reports
from db.pg import translate
from db.summary_ahead import Noted
from tests.conftest import OWNER_PIN

pytestmark = pytest.mark.postgresql

WEEK = Week(2026, 45)
TZ = ZoneInfo("Europe/Oslo")


@pytest.fixture
def busy(pg_url, clock):
    """37 days of a busy store up to WEEK's end (an incident every 4 minutes from 27
    September), analysed (the app's import runs VACUUM (ANALYZE), autovacuum otherwise):
    every 12th names a guest and is a comp (two regulars, ~410 comps each, and many guests
    once); every 5th has a note."""
    ctx = open_context(pg_url, clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    database = ctx.db.server if hasattr(ctx.db, "server") else ctx.db
    category = database.execute("SELECT min(id) FROM categories").fetchone()[0]
    database.execute(
        "INSERT INTO incidents (store_id, category_id, category_label, occurred_at, "
        "severity, repeat_guest, uid, remedy_count, cost_minor, followup_missed, noted, "
        "note, guest_key, guest_name, guest_contact) "
        "SELECT 1, ?, 'x', to_char((TIMESTAMPTZ '2026-09-27 12:00+00' + g * "
        "INTERVAL '4 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"'), "
        "CASE WHEN g % 7 = 0 THEN 'high' ELSE 'low' END, 0, 'bulk-' || g, 1, "
        "CASE WHEN g % 12 = 0 THEN 3500 ELSE 0 END, 0, CASE WHEN g % 5 = 0 THEN 1 ELSE 0 END, "
        "CASE WHEN g % 5 = 0 THEN 'Kald suppe' END, "
        "CASE WHEN g % 12 <> 0 THEN NULL WHEN g % 36 = 0 THEN 'name:solo ' || g "
        "ELSE 'name:kari ' || (g % 36) END, "
        "CASE WHEN g % 12 = 0 THEN 'Kari ' || (g % 36) END, NULL "
        "FROM generate_series(1, ?) AS g", [category, 37 * 24 * 15])
    database.execute("VACUUM ANALYZE incidents")
    yield ctx, database
    ctx.db.close()


def _plan(database, sql: str, params, generic: bool = False) -> dict:
    """The plan the server runs ``sql`` with (db.pg.translate's text), analysed; with
    ``generic`` the one a prepared statement's generic plan is (what psycopg's prepared
    statements get after their first runs)."""
    text, _returning = translate(sql)
    raw = database.conn.raw
    if not generic:
        row = raw.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + text,
                          list(params)).fetchone()
    else:
        numbers = iter(range(1, len(params) + 1))
        prepared = re.sub("%s", lambda _m: f"${next(numbers)}", text).replace("%%", "%")
        raw.execute("SET plan_cache_mode = force_generic_plan")
        try:
            raw.execute(f"PREPARE summary_read AS {prepared}")
            values = ", ".join(Literal(value).as_string(raw) for value in params)
            row = raw.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "
                              f"EXECUTE summary_read({values})").fetchone()
        finally:
            raw.execute("DEALLOCATE ALL")
            raw.execute("RESET plan_cache_mode")
    plan = row[0] if not isinstance(row[0], str) else json.loads(row[0])
    return plan[0]["Plan"]


def _nodes(node: dict, under_subplan: bool = False):
    inside = under_subplan or node.get("Parent Relationship") == "SubPlan"
    yield node, inside
    for child in node.get("Plans", ()):
        yield from _nodes(child, inside)


def _read(function, *args) -> tuple[str, tuple]:
    noted = Noted()
    function(noted, *args)
    (read,) = noted.reads
    return read


def test_a_flagged_guests_latest_comp_is_one_index_entry(busy):
    ctx, database = busy
    last_start, _e = WEEK.shifted(-1).bounds(TZ)
    start, end = WEEK.bounds(TZ)
    window = _guest_window(last_start, start, end)
    flags = reports.guest_flags(database, ctx.store_id, *window)
    assert sum(row[0] for row in flags) == 2  # the two regulars, this week
    plan = _plan(database, *_read(reports.guest_flags, ctx.store_id, *window))
    looked_up = [(node["Actual Rows"], node.get("Index Name"))
                 for node, inside in _nodes(plan) if inside
                 and node.get("Relation Name") == "incidents"]
    assert looked_up, plan
    # The lookups (time, name, contact) of each flagged guest: one entry each (rows per
    # loop), from the index alone (before 0029: each read the guest's ~410 comps of the 37
    # days from the table and sorted them).
    assert all(name == "idx_incidents_guest_latest" for _rows, name in looked_up), plan
    assert all(rows <= 1 for rows, _name in looked_up), looked_up
    assert not any(node["Node Type"] == "Sort" for node, inside in _nodes(plan) if inside)


@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_the_weeks_notes_are_one_index_range_read_from_the_index_alone(busy, generic):
    ctx, database = busy
    start, end = (t.isoformat() for t in WEEK.bounds(TZ))
    rows, total = reports.note_rows(database, ctx.store_id, start, end, NOTES_MAX)
    assert total > NOTES_MAX and len(rows) == NOTES_MAX
    plan = _plan(database, *_read(reports.note_rows, ctx.store_id, start, end, NOTES_MAX),
                 generic=generic)
    counted = [node for node, _inside in _nodes(plan)
               if node.get("Index Name") == "idx_incidents_noted"]
    assert [node["Node Type"] for node in counted] == ["Index Only Scan"], plan
    assert not any("Bitmap" in node["Node Type"] for node, _inside in _nodes(plan))


def test_the_eight_weeks_totals_read_their_eight_weeks_of_a_chain_store(pg_url, clock):
    """A chain's server: 50 stores with five years of hours in summary_totals (every 4th
    hour, as a store of 20,000 incidents has), analysed. The trend's eight weeks of one store
    are read as their ~340 hours (a VALUES join of the weeks was planned as a read of the
    store's whole history: ~11,000 hours, each compared with the eight weeks)."""
    ctx = open_context(pg_url, clock)
    try:
        database = ctx.db.server if hasattr(ctx.db, "server") else ctx.db
        database.execute(
            "INSERT INTO summary_totals (store_id, hour, incidents) SELECT s, to_char("
            "(TIMESTAMPTZ '2021-11-01 00:00+00' + h * INTERVAL '1 hour') AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24'), 1 FROM generate_series(1, 50) AS s, "
            "generate_series(0, 5 * 368 * 24, 4) AS h")
        database.execute("VACUUM ANALYZE summary_totals")
        starts = [WEEK.shifted(back - 7).bounds(TZ)[0] for back in range(8)]
        starts.append(WEEK.bounds(TZ)[1])
        bounds = [to_iso(start) for start in starts]
        weeks = reports.rollup_weeks(database, 3, bounds)
        assert sum(week["incidents"] for week in weeks) == database.execute(
            "SELECT count(*) FROM summary_totals WHERE store_id = 3 AND hour >= ? "
            "AND hour < ?", [bounds[0][:13], bounds[-1][:13]]).fetchone()[0]
        plan = _plan(database, *_read(reports.rollup_weeks, 3, bounds))
        read = sum(node["Actual Rows"] * node["Actual Loops"] for node, _inside in _nodes(plan)
                   if node.get("Relation Name") == "summary_totals")
        assert read <= sum(week["incidents"] for week in weeks), plan
    finally:
        ctx.db.close()
