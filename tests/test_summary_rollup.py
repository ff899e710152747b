# ruff: noqa: F811 (busy_store: the fixture of tests/test_summary_columns.py, imported)
"""The summary's rollup per store and hour (migration 0018, db/summary_rollup.py) is what the
live incidents say after every write path (taps, further remedies, outcomes, snooze,
escalation, missed, undo, erasure, an import, random writes), and the weekly summary read
from it is the one computed before (tests/summary_reference.py)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from app import followups, incidents, privacy, staff
from app.summary import Week, weekly_summary
from db import summary_rollup
from tests import summary_reference
from tests.test_summary_columns import WEEKS, _log, busy_store  # noqa: F401 (a fixture)


def asdict(summary) -> dict:
    """The summary field by field (its records are NamedTuples), for a readable diff."""
    return summary._asdict()


def _same(db) -> None:
    kept, recomputed = summary_rollup.kept(db), summary_rollup.recomputed(db)
    assert kept == recomputed
    assert len(kept["summary_hours"]) > 0 and len(kept["summary_staff"]) > 0
    assert len(kept["summary_totals"]) > 0


def test_every_write_path_leaves_the_rollup_as_the_incidents_say(busy_store):
    _same(busy_store.db)


def test_random_writes_undo_and_erasure_keep_it(busy_store, clock):
    ctx = busy_store
    rng = random.Random(5)
    people = {member.name: member.id for member in staff.list_staff(ctx)}
    at = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    for _n in range(25):
        when = at + timedelta(hours=rng.randrange(0, 120), minutes=rng.randrange(60))
        result = _log(ctx, people, when, rng.choice(("cold_food", "long_wait", "wrong_order")),
                      [("free_drink", rng.choice((0, 3500)))], who=rng.choice(("Sam", "Marco")),
                      guest_name=f"Guest {rng.randrange(3)}" if rng.random() < 0.5 else None)
        roll = rng.random()
        clock.set(when + timedelta(seconds=30))
        if roll < 0.3:
            clock.set(when + timedelta(minutes=rng.randrange(1, 30)))
            followups.record_outcome(ctx, result.followup.id,
                                     rng.choice(("delighted", "satisfied", "unhappy", "left")),
                                     people["Marco"], "Bra" if rng.random() < 0.5 else None)
        elif roll < 0.45:
            incidents.void_incident(ctx, result.incident.id, people["Marco"])
        elif roll < 0.55:
            followups.mark_missed(ctx, result.followup.id)
    _same(ctx.db)
    clock.set(datetime(2028, 1, 1, tzinfo=timezone.utc))  # every guest detail expired
    privacy.erase_expired_guest_details(ctx)
    _same(ctx.db)
    clock.set(datetime(2026, 11, 9, 10, 0, tzinfo=timezone.utc))
    for week in (Week(2026, 45), *WEEKS[-2:]):
        assert asdict(weekly_summary(ctx, week)) == \
            asdict(summary_reference.weekly_summary(ctx, week)), week


def test_an_import_adds_its_block_when_it_is_switched_in(busy_store, clock, backend,
                                                         request):
    """A CSV import (the busy store's export) into another database of the same engine:
    on SQLite nothing of it counts while it is copied, all of it once it is switched in; on
    PostgreSQL its COPY adds the block in one grouped statement."""
    import io

    from app.context import Context
    from app.csv_import import import_csv
    from app.csvio import ENCODING, export_bytes
    from app.setup import init_store
    from db.connection import open_database
    from tests.conftest import OWNER_PIN

    cluster = request.getfixturevalue("pg_cluster") if backend == "postgresql" else None
    other = Context(db=open_database(cluster.new_database(cluster.template) if cluster
                                     else None), clock=clock)
    init_store(other, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    try:
        text = export_bytes(busy_store).decode(ENCODING)
        assert import_csv(other, io.StringIO(text, newline=""), pin=OWNER_PIN).incidents > 100
        _same(other.db)
        for week in WEEKS:
            assert asdict(weekly_summary(other, week)) == \
                asdict(summary_reference.weekly_summary(other, week)), week
    finally:
        other.db.close()


@pytest.mark.sqlite_only
def test_the_migration_fills_it_in_from_every_live_incident(busy_store, backend, clock):
    """0018 from the incidents, then 0022 (summary_totals) from summary_hours, and the
    triggers 0022 made again keep all of them."""
    from db.migrations import migrations

    db = busy_store.db
    kept = summary_rollup.kept(db)
    with db.atomic():  # the store as the version before 0018 left it
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
    migrations.apply(db.full)
    assert summary_rollup.kept(db) == kept
    assert len(kept["summary_totals"]) > 0
    people = {member.name: member.id for member in staff.list_staff(busy_store)}
    when = datetime(2026, 11, 4, 12, 10, tzinfo=timezone.utc)
    undone = _log(busy_store, people, when, "long_wait", [("free_drink", 0)])
    clock.set(when + timedelta(seconds=30))
    incidents.void_incident(busy_store, undone.incident.id, people["Marco"])
    result = _log(busy_store, people, when + timedelta(minutes=1), "cold_food",
                  [("free_drink", 3500)])
    clock.set(when + timedelta(minutes=7))
    followups.record_outcome(busy_store, result.followup.id, "delighted", people["Marco"])
    _same(db)
    assert summary_rollup.kept(db)["summary_totals"] != kept["summary_totals"]


def test_the_week_s_queries_read_the_rollup_not_the_incidents(busy_store):
    """A week on whole UTC hours (Oslo) is counted from the rollup: with its rows emptied, the
    summary shows no incidents (the totals from summary_totals, the days and categories from
    summary_hours)."""
    week = Week(2026, 43)
    summary = weekly_summary(busy_store, week)
    assert summary.this.incidents > 0 and summary.categories
    with busy_store.db.atomic():
        busy_store.db.execute("DELETE FROM summary_totals")
    summary = weekly_summary(busy_store, week)
    assert summary.this.incidents == 0 and summary.categories
    with busy_store.db.atomic():
        busy_store.db.execute("DELETE FROM summary_hours")
    assert not weekly_summary(busy_store, week).categories


def test_a_week_with_more_notes_than_are_printed_shows_the_severe_first_and_counts_the_rest(
        busy_store, clock):
    """Only the printed notes leave the database (db.reports.note_rows): the first forty,
    severe ones first, then by time, and the count of the rest, as the reference says; an
    incident whose only note was an outcome's, or whose note is gone, counts as it did."""
    ctx = busy_store
    people = {member.name: member.id for member in staff.list_staff(ctx)}
    at = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)  # Monday of W45
    for n in range(47):
        when = at + timedelta(hours=n * 3, minutes=n % 7)
        logged = _log(ctx, people, when, ("cold_food", "long_wait")[n % 2],
                      [("free_drink", 0)], severity="high" if n % 6 == 5 else None,
                      note=f"Merknad {n}" if n % 5 else None)
        clock.set(when + timedelta(minutes=4))
        followups.record_outcome(ctx, logged.followup.id, "satisfied", people["Marco"],
                                 "Fornøyd" if n % 5 == 0 and n % 10 else None)
    clock.set(datetime(2026, 11, 9, 10, 0, tzinfo=timezone.utc))
    week = Week(2026, 45)
    summary = weekly_summary(ctx, week)
    assert asdict(summary) == asdict(summary_reference.weekly_summary(ctx, week))
    assert len(summary.notes) == 40 and summary.notes_left_out > 0
    severe = [line.severity == "high" for line in summary.notes]
    assert severe[0] and severe == sorted(severe, reverse=True)
    assert any(line.note == "" and line.outcome_note == "Fornøyd" for line in summary.notes)


@pytest.mark.sqlite_only
def test_a_store_moved_to_the_server_and_backed_up_again_counts_every_incident_once(
        backend, pg_url, tmp_path, clock):
    """``migrate-to`` and a backup of the server (db.store_copy) leave the rollup to the
    target's triggers: copied on top of what they made, every figure was twice the truth."""
    from app import demo
    from app.context import Context
    from app.moving import copy_to_file, migrate_to
    from db.connection import open_database

    source = tmp_path / "kafe.db"
    ctx = Context(db=open_database(source), clock=clock)
    demo.generate(ctx, weeks=3, seed=3, end=datetime(2026, 11, 1, tzinfo=timezone.utc),
                  per_day=3)
    before = summary_rollup.kept(ctx.db)
    ctx.db.close()
    migrate_to(source, pg_url, clock)
    server = open_database(pg_url)
    try:
        _same(server)
        assert summary_rollup.kept(server) == before
        copy_to_file(server, tmp_path / "backup.db")
    finally:
        server.close()
    backup = open_database(tmp_path / "backup.db")
    try:
        _same(backup)
    finally:
        backup.close()
