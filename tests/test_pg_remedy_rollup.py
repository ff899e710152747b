"""Migration 0025 (PostgreSQL): the remedies' rollup trigger finds a new remedy's incident
by its id, whatever the planner believes of the tables (db/pg_remedy_rollup.py); the rows
it keeps are those of migration 0018's statement (tests/test_summary_rollup.py holds the
tables to a recomputation on both backends)."""

from __future__ import annotations

from app import catalog, incidents, staff
from app.context import open_context
from app.models import RemedyRequest, Role
from app.setup import init_store
from db import summary_rollup
from tests.conftest import OWNER_PIN


def _incidents_read(database) -> int:
    """Rows of ``incidents`` read so far in this transaction (scanned or fetched)."""
    row = database.execute(
        "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
        "FROM pg_stat_xact_user_tables WHERE relname = 'incidents'").fetchone()
    return row[0] if row else 0


def test_a_remedy_given_reads_its_own_incident_not_the_whole_table(pg_url, clock):
    """800 incidents the planner has no statistics of (a new store's, before autovacuum's
    first ANALYZE): one remedy given reads ~one incident row (0018's plan read all 800)."""
    ctx = open_context(pg_url, clock)
    try:
        init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
                   locale="nb_NO", language="en", timezone="Europe/Oslo",
                   owner_name="Ingrid", owner_pin=OWNER_PIN)
        sam, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
        category = catalog.categories(ctx)[0]
        remedy = catalog.remedy_by_code(ctx, "remake")
        database = ctx.db.server
        database.execute(
            "INSERT INTO incidents (store_id, category_id, category_label, occurred_at, "
            "severity, repeat_guest, uid, remedy_count, cost_minor, followup_missed, noted) "
            "SELECT 1, ?, 'x', '2026-11-16T10:00:00+00:00', 'low', 0, 'bulk-' || g, 0, 0, "
            "0, 0 FROM generate_series(1, 800) AS g", [category.id])
        for _tap in range(3):  # the plan PL/pgSQL keeps is made at the first
            clock.advance(seconds=37)
            logged = incidents.log_incident(ctx, category_id=category.id, staff_id=sam.id,
                                            remedies=[RemedyRequest(remedy.id)])
        with database.atomic():
            before = _incidents_read(database)
            database.execute(
                "INSERT INTO incident_remedies (incident_id, remedy_id, kind, label, "
                "amount_minor, given_at) VALUES (?, ?, 'remake', 'Remake', 100, "
                "'2026-11-16T11:05:00+00:00')", [logged.incident.id, remedy.id])
            read = _incidents_read(database) - before
        assert read <= 2
        assert summary_rollup.kept(database) == summary_rollup.recomputed(database)
    finally:
        ctx.db.close()
