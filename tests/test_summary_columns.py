"""The summary columns on incidents (migration 0014) are what the incidents' own rows say,
after every write path, and the weekly summary read from them is the one computed before
(tests/summary_reference.py keeps that computation)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app import demo, followups, incidents, staff, vouchers
from app.approval import Approval
from app.catalog import category_by_code, remedy_by_code
from app.models import RemedyRequest
from app.summary import Week, weekly_summary
from db import summary_columns
from tests import summary_reference

# Two weeks either side of the autumn change in Oslo (Sunday 25 October 2026, 03:00 → 02:00).
END = datetime(2026, 11, 9, 10, 0, tzinfo=timezone.utc)
WEEKS = [Week(2026, n) for n in range(37, 45)]


def asdict(summary) -> dict:
    """The summary field by field (its records are NamedTuples), for a readable diff."""
    return summary._asdict()


def _columns(db) -> dict[int, tuple]:
    cols = ", ".join(summary_columns.COLUMNS)
    return {row[0]: tuple(row[1:]) for row in db.execute(
        f"SELECT id, {cols} FROM incidents ORDER BY id").fetchall()}


def _recomputed(db) -> dict[int, tuple]:
    """The columns as RECOMPUTE makes them from the rows (written, then read back)."""
    ids = list(_columns(db))
    with db.atomic():
        summary_columns.refresh(db, ids)
    return _columns(db)


def _log(ctx, people, when, category, remedies, who="Sam", **extra):
    ctx.clock.set(when)
    return incidents.log_incident(
        ctx, category_id=category_by_code(ctx, category).id,
        remedies=[RemedyRequest(remedy_by_code(ctx, code).id, amount)
                  for code, amount in remedies],
        staff_id=people[who], approval=Approval(people["Marco"], "Marco", when), **extra)


@pytest.fixture
def busy_store(bare_ctx, clock):
    """Ten weeks of demo history through the services (voids, missed follow-ups, outcomes,
    vouchers redeemed, repeat guests), then one of every other kind of event in the week
    of the autumn change (W43) and the week after."""
    ctx = bare_ctx
    demo.generate(ctx, weeks=10, seed=11, end=END - timedelta(days=14), per_day=3)
    people = {member.name: member.id for member in staff.list_staff(ctx)}
    at = datetime(2026, 10, 24, 9, 0, tzinfo=timezone.utc)  # Saturday of W43
    kari = {"guest_name": "Kari Nordmann", "guest_contact": "+47 912 34 567"}
    # An outcome recorded twice: unhappy, a further remedy, then satisfied.
    first = _log(ctx, people, at, "cold_food", [("remake", 12000)], **kari)
    clock.set(at + timedelta(minutes=6))
    followups.record_outcome(ctx, first.followup.id, "unhappy", people["Marco"], "Kald igjen")
    clock.set(at + timedelta(minutes=8))
    more = followups.further_remedy(ctx, first.incident.id,
                                    [RemedyRequest(remedy_by_code(ctx, "voucher").id, 10000)],
                                    people["Marco"],
                                    approval=Approval(people["Ingrid"], "Ingrid", clock.now()))
    clock.set(at + timedelta(minutes=20))
    followups.record_outcome(ctx, more.followup.id, "satisfied", people["Marco"])
    # A repeat guest, comped again; a note added afterwards; snoozed, then escalated.
    second = _log(ctx, people, at + timedelta(hours=2), "long_wait", [("free_drink", 3500)],
                  **kari)
    clock.set(at + timedelta(hours=2, minutes=1))
    incidents.update_details(ctx, second.incident.id, people["Sam"], note="Ventet 40 min")
    followups.snooze(ctx, second.followup.id, 5, people["Marco"])
    clock.set(at + timedelta(hours=3))
    followups.escalate_overdue(ctx)
    # Sunday night of the change, in the repeated hour: left open, swept as missed.
    _log(ctx, people, datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc), "cold_food",
         [("free_dessert", 6500)], severity="high")
    clock.set(datetime(2026, 10, 26, 8, 0, tzinfo=timezone.utc))
    followups.sweep_missed(ctx)
    # Undone within the window (its remedy approved: a manager undoes it).
    undone = _log(ctx, people, datetime(2026, 10, 27, 11, 0, tzinfo=timezone.utc),
                  "wrong_order", [("refund", 25000)])
    clock.advance(seconds=20)
    incidents.void_incident(ctx, undone.incident.id, people["Marco"])
    # The voucher comes back the next week; one follow-up marked missed by hand.
    clock.set(datetime(2026, 10, 29, 12, 0, tzinfo=timezone.utc))
    vouchers.redeem(ctx, more.voucher_codes[0], people["Sam"])
    late = _log(ctx, people, datetime(2026, 10, 29, 17, 0, tzinfo=timezone.utc), "long_wait",
                [("apology", 0)])
    clock.set(datetime(2026, 10, 29, 21, 0, tzinfo=timezone.utc))
    followups.mark_missed(ctx, late.followup.id)
    clock.set(END)
    return ctx


def test_every_write_path_leaves_the_columns_as_the_rows_say(busy_store):
    db = busy_store.db
    kept = _columns(db)
    assert len(kept) > 100
    assert kept == _recomputed(db)
    # What the store holds exercises every column.
    values = list(zip(*kept.values(), strict=True))
    named = dict(zip(summary_columns.COLUMNS, values, strict=True))
    assert max(named["remedy_count"]) >= 2 and max(named["escalations"]) >= 1
    assert 1 in named["followup_missed"] and 1 in named["noted"]
    assert {"delighted", "satisfied", "unhappy", "left"} <= set(named["outcome"])


def test_the_summary_equals_the_computation_from_the_rows(busy_store):
    for week in WEEKS:
        new = weekly_summary(busy_store, week)
        assert new.this.incidents > 0, week
        assert asdict(new) == asdict(summary_reference.weekly_summary(busy_store, week)), week


def test_the_dst_week_and_the_events_of_the_fixture_are_in_it(busy_store):
    summary = weekly_summary(busy_store, Week(2026, 43))
    assert summary.this.remedies_given > summary.this.incidents  # a further remedy
    assert summary.this.followups.escalated >= 1
    assert summary.this.repeat_guests >= 1
    assert any(note.note == "Ventet 40 min" for note in summary.notes)
    after = weekly_summary(busy_store, Week(2026, 44))
    assert after.this.came_back >= 1
    assert asdict(after) == asdict(summary_reference.weekly_summary(busy_store, Week(2026, 44)))


def test_an_empty_week_is_the_same_as_before(ctx):
    week = Week(2026, 47)
    assert asdict(weekly_summary(ctx, week)) == \
        asdict(summary_reference.weekly_summary(ctx, week))


@pytest.mark.parametrize("text", ["1970-01-01T00:00:00+00:00", "2024-02-29T23:59:59+00:00",
                                  "2000-03-01T00:00:00+00:00", "2026-10-25T01:30:00+00:00",
                                  "2026-12-31T23:59:59+00:00", "2100-03-01T12:34:56+00:00"])
def test_seconds_of_a_stored_time_are_python_s_on_both_engines(db, text):
    sql = f"SELECT {summary_columns.epoch_seconds(':t')}"
    assert db.execute(sql, {"t": text}).fetchone()[0] == \
        int(datetime.fromisoformat(text).timestamp())


@pytest.mark.sqlite_only
def test_an_imported_store_gets_the_columns_its_rows_say(busy_store, clock, backend):
    """A CSV import (the export of the busy store) fills in the block it adds."""
    import io

    from app.context import Context
    from app.csv_import import import_csv
    from app.csvio import ENCODING, export_bytes
    from app.setup import init_store
    from db.connection import open_database
    from tests.conftest import OWNER_PIN

    other = Context(db=open_database(None), clock=clock)
    init_store(other, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    text = export_bytes(busy_store).decode(ENCODING)
    assert import_csv(other, io.StringIO(text, newline=""), pin=OWNER_PIN).incidents > 100
    kept = _columns(other.db)
    assert kept == _recomputed(other.db)
    assert any(row[summary_columns.COLUMNS.index("outcome")] for row in kept.values())
    for week in WEEKS:
        assert asdict(weekly_summary(other, week)) == \
            asdict(summary_reference.weekly_summary(other, week)), week


@pytest.mark.sqlite_only
def test_the_migration_fills_in_every_incident_of_a_store_from_before_it(busy_store, backend):
    from db.migrations import migrations

    db = busy_store.db
    kept = _columns(db)
    with db.atomic():  # the store as the version before 0014 left it (and 0018 after it)
        for trigger in ("rollup_insert", "rollup_delete", "rollup_update", "rollup_import",
                        "remedies_insert", "remedies_delete", "remedies_update",
                        "remedies_incident", "remedies_incident_gone"):
            db.execute(f"DROP TRIGGER summary_{trigger}")
        for table in ("summary_hours", "summary_staff", "summary_remedies", "summary_totals"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP INDEX idx_incidents_guest_comps")
        db.execute("DROP INDEX idx_incidents_checks")
        db.execute("DROP INDEX idx_incidents_noted")
        db.execute("DELETE FROM _sqlite_migrations WHERE name IN ('0018_summary_rollup', "
                   "'0022_summary_totals')")
        db.execute("DROP INDEX idx_incidents_summary")
        for column in summary_columns.COLUMNS:
            db.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = '0014_summary_columns'")
    migrations.apply(db.full)
    assert _columns(db) == kept


def test_a_zone_whose_offset_is_not_whole_hours_gets_the_same_summary(busy_store):
    """Newfoundland, -03:30 / -02:30: a UTC hour holds two local hours, so the local day
    and hour are worked out per minute."""
    from app import settings

    with busy_store.db.atomic():
        settings.write(busy_store.db, busy_store.store_id, {"timezone": "America/St_Johns"})
    for week in (Week(2026, 40), Week(2026, 43), Week(2026, 44)):
        assert asdict(weekly_summary(busy_store, week)) == \
            asdict(summary_reference.weekly_summary(busy_store, week)), week
