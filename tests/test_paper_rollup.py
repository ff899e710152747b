"""Approvals on paper per store and hour (migration 0030, db/paper_rollup.py): what an
import's history says after every path that writes it (an import, row by row or set-wise, an
undo, a time moved, remedies and incidents deleted, the migration on an older store), and
the weekly summary read from it is the one counted from the incidents."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.csv_import import import_csv
from app.summary import weekly_summary
from db import paper_rollup, reports, summary_rollup
from tests.conftest import OWNER_PIN
from tests.test_csv import stream
from tests.test_csv_owner import csv_text, row

WEEK = "2026-W46"  # 2026-11-09 .. 2026-11-16 (Oslo)


def _history(ctx, extra: int = 0) -> None:
    """An import of one week's history: Marco and Aisha approved on paper (Aisha is no
    one of this store), one approval signed by nobody, refunds and remakes."""
    rows = [
        row(remedies="refund", remedy_amounts="250.00", approved_by="Marco"),
        row(occurred_at="2026-11-10T18:20:00+00:00", remedies="refund|remake",
            remedy_amounts="120.00|80.00", approved_by="Aisha|Aisha"),
        row(occurred_at="2026-11-10T18:40:00+00:00", remedies="refund",
            remedy_amounts="40.00", approved_by="Marco"),
        row(occurred_at="2026-11-12T09:05:00+00:00", remedies="refund",
            remedy_amounts="15.00"),
        # the week before: not this week's
        row(occurred_at="2026-11-05T12:00:00+00:00", remedies="refund",
            remedy_amounts="99.00", approved_by="Marco"),
    ]
    rows += [row(occurred_at=f"2026-11-11T{10 + n % 8:02d}:{n % 60:02d}:00+00:00",
                 remedies="refund", remedy_amounts="10.00", approved_by="Marco")
             for n in range(extra)]
    import_csv(ctx, stream(csv_text(*rows)), pin=OWNER_PIN)


def _same(db) -> set[tuple]:
    kept = summary_rollup.kept(db)["summary_paper"]
    assert kept == summary_rollup.recomputed(db)["summary_paper"]
    return kept


def _approvers(ctx) -> list[tuple]:
    return [(a.name, a.approvals, a.value_minor) for a in weekly_summary(ctx, WEEK).approvers]


def test_an_import_s_paper_approvals_are_kept_per_hour_name_and_owner(ctx, people):
    _history(ctx)
    kept = _same(ctx.db)
    owner = people["Ingrid"]
    assert (1, "2026-11-10T18", "Aisha", owner, 2, 20000) in kept
    assert (1, "2026-11-10T18", "Marco", owner, 1, 4000) in kept
    assert (1, "2026-11-09T11", "Marco", owner, 1, 25000) in kept
    assert sum(r[4] for r in kept) == 5  # the unsigned refund and the remakes: none
    assert _approvers(ctx) == [
        ("on paper: Marco; imported by Ingrid", 2, 29000),
        ("on paper: Aisha; imported by Ingrid", 2, 20000)]


def test_a_big_import_goes_the_set_wise_way_and_is_kept_the_same(ctx, monkeypatch):
    from app import csv_import

    monkeypatch.setattr(csv_import, "SETWISE_BYTES", 0)  # the path of a file of 100 MB+
    _history(ctx, extra=300)
    kept = _same(ctx.db)
    assert sum(r[4] for r in kept if r[2] == "Marco") == 303
    assert _approvers(ctx)[0] == ("on paper: Marco; imported by Ingrid", 302, 29000 + 300000)


def test_an_undo_a_moved_time_and_deletes_move_the_shares(ctx, people, clock):
    _history(ctx)
    db = ctx.db
    first = db.execute("SELECT i.id FROM incidents i JOIN incident_remedies r "
                       "ON r.incident_id = i.id WHERE r.paper_approved_by = 'Aisha'"
                       ).fetchone()[0]
    clock.set(datetime(2026, 11, 20, 12, tzinfo=timezone.utc))
    with db.atomic():  # an import's history is never undone by a tap; the rollup still holds
        db.execute("UPDATE incidents SET voided_at = ? WHERE id = ?",
                   ["2026-11-20T12:00:00+00:00", first])
    _same(db)
    assert _approvers(ctx) == [("on paper: Marco; imported by Ingrid", 2, 29000)]
    with db.atomic():
        db.execute("UPDATE incidents SET voided_at = NULL, occurred_at = ? WHERE id = ?",
                   ["2026-11-02T18:20:00+00:00", first])  # moved into the week before
    _same(db)
    assert _approvers(ctx) == [("on paper: Marco; imported by Ingrid", 2, 29000)]
    assert ("on paper: Aisha; imported by Ingrid", 2, 20000) in [
        (a.name, a.approvals, a.value_minor)
        for a in weekly_summary(ctx, "2026-W45").approvers]
    with db.atomic():
        db.execute("UPDATE incident_remedies SET amount_minor = 1000 "
                   "WHERE paper_approved_by = 'Marco'")
        db.execute("UPDATE incident_remedies SET paper_approved_by = NULL "
                   "WHERE amount_minor = 1500")  # now on paper: nobody
        db.execute("UPDATE incident_remedies SET paper_approved_by = 'Aisha' "
                   "WHERE paper_approved_by IS NULL AND amount_minor > 0 "
                   "AND kind = 'refund'")
    _same(db)
    with db.atomic():
        db.execute("DELETE FROM incident_remedies WHERE incident_id = ?", [first])
        db.execute("DELETE FROM followups WHERE incident_id = ?", [first])
        db.execute("DELETE FROM vouchers WHERE incident_id = ?", [first])
        db.execute("DELETE FROM incidents WHERE id = ?", [first])
    assert _same(db)
    assert "Aisha" not in {r[2] for r in _same(db) if r[1].startswith("2026-11-02")}


def test_a_tap_s_approval_is_not_on_paper(ctx, people, clock):
    from tests.test_summary_columns import _log

    clock.set(datetime(2026, 11, 11, 12, tzinfo=timezone.utc))
    _log(ctx, people, clock.now(), "cold_food", [("free_drink", 0)])
    assert _same(ctx.db) == set()


@pytest.mark.sqlite_only
def test_the_migration_fills_it_in_from_an_older_store(ctx, backend):
    from db.migrations import migrations

    _history(ctx)
    db = ctx.db
    kept = _same(db)
    with db.atomic():  # the store as the version before 0030 left it
        for trigger in paper_rollup.SQLITE_TRIGGERS:
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("DROP TABLE summary_paper")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = '0030_summary_paper'")
    migrations.apply(db.full)
    assert paper_rollup.kept(db) == kept


def test_the_week_s_paper_approvals_from_the_rollup_are_those_of_the_incidents(ctx):
    _history(ctx, extra=20)
    for start, end in (("2026-11-08T23:00:00+00:00", "2026-11-15T23:00:00+00:00"),
                       ("2026-11-01T23:00:00+00:00", "2026-11-08T23:00:00+00:00"),
                       ("2026-11-10T18:00:00+00:00", "2026-11-10T19:00:00+00:00")):
        assert reports.rollup_paper(ctx.db, ctx.store_id, start, end) == \
            reports.paper_approval_totals(ctx.db, ctx.store_id, start, end)


@pytest.mark.sqlite_only
def test_a_store_moved_to_the_server_and_backed_up_again_keeps_its_paper_approvals_once(
        backend, pg_url, tmp_path, clock):
    """``migrate-to`` and a backup of the server leave summary_paper to the target's
    triggers (db.summary_rollup.DERIVED): every approval on paper counted once there."""
    from app.context import Context
    from app.moving import copy_to_file, migrate_to
    from app.setup import init_store
    from db.connection import open_database

    source = tmp_path / "kafe.db"
    ctx = Context(db=open_database(source), clock=clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    _history(ctx, extra=5)
    before = _same(ctx.db)
    approvers = _approvers(ctx)
    ctx.db.close()
    assert sum(r[4] for r in before) == 10
    migrate_to(source, pg_url, clock)
    server = Context(db=open_database(pg_url), clock=clock)
    try:
        assert _same(server.db) == before
        assert _approvers(server) == approvers
        copy_to_file(server.db, tmp_path / "backup.db")
    finally:
        server.db.close()
    backup = open_database(tmp_path / "backup.db")
    try:
        assert _same(backup) == before
    finally:
        backup.close()
