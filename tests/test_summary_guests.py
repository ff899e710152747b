"""Guests to watch, counted inside the database (db.reports.guest_flags): the guests comped
more than once in the 30 days up to the week's end, at least once in the week, with the
latest comp's name (or its contact, masked), as the computation kept in
tests/summary_reference.py says, on both engines."""

from __future__ import annotations

import select
from datetime import datetime, timedelta, timezone

import pytest

from app import incidents, staff
from app.approval import Approval
from app.catalog import category_by_code, remedy_by_code
from app.context import Context, open_context
from app.models import RemedyRequest, Role
from app.setup import init_store
from app.summary import Week, weekly_summary
from db.connection import open_database
from tests import summary_reference
from tests.conftest import MANAGER_PIN, OWNER_PIN

WEEK = Week(2026, 45)  # Monday 2 November 2026 (Oslo, UTC+1)
MONDAY = datetime(2026, 11, 2, 11, 0, tzinfo=timezone.utc)


def _comp(ctx, people, when, amount=3500, **guest):
    ctx.clock.set(when)
    code = "free_drink" if amount else "apology"
    return incidents.log_incident(
        ctx, category_id=category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(remedy_by_code(ctx, code).id, amount or None)],
        staff_id=people["Sam"], approval=Approval(people["Marco"], "Marco", when), **guest)


def test_guests_to_watch_are_counted_in_the_database_as_the_reference_says(ctx, people,
                                                                           clock):
    day = timedelta(days=1)
    # By contact only, twice this week: shown masked.
    phone = {"guest_contact": "+47 912 34 567"}
    _comp(ctx, people, MONDAY, **phone)
    _comp(ctx, people, MONDAY + 2 * day, amount=5000, **phone)
    # The same contact under two names: the latest comp's name is shown; 25 days before
    # the week's end counts, one comp 31 days before does not.
    kari = {"guest_contact": "kari@example.no"}
    _comp(ctx, people, MONDAY - 31 * day, guest_name="K. Nordmann", **kari)
    _comp(ctx, people, MONDAY - 18 * day, guest_name="Kari", **kari)
    _comp(ctx, people, MONDAY + 3 * day, guest_name="Kari Nordmann", **kari)
    # Twice in the same second: the one logged last names the guest.
    same = MONDAY + 4 * day
    _comp(ctx, people, MONDAY - 2 * day, guest_name="Ola")
    _comp(ctx, people, same, guest_name="Ola")
    _comp(ctx, people, same, guest_name="OLA")
    # Twice in the week before only: flagged there, not in this week.
    _comp(ctx, people, MONDAY - 6 * day, guest_name="Tom Baker")
    _comp(ctx, people, MONDAY - 5 * day, guest_name="Tom Baker")
    # Once 32 days before and once this week: not twice in 30 days.
    _comp(ctx, people, MONDAY - 32 * day, guest_name="Ana")
    _comp(ctx, people, MONDAY + day, guest_name="Ana")
    # Not comps: nothing of value given, or undone.
    _comp(ctx, people, MONDAY, amount=0, guest_name="Petr")
    _comp(ctx, people, MONDAY + day, amount=0, guest_name="Petr")
    _comp(ctx, people, MONDAY + day, guest_name="Emma")
    undone = _comp(ctx, people, MONDAY + 2 * day, guest_name="Emma")
    clock.set(MONDAY + 2 * day + timedelta(seconds=20))
    incidents.void_incident(ctx, undone.incident.id, people["Marco"])
    clock.set(MONDAY + 9 * day)

    summary = weekly_summary(ctx, WEEK)

    assert [(g.name, g.comps, g.value_minor) for g in summary.guests_to_watch] == [
        ("OLA", 3, 10500), ("… 567", 2, 8500), ("Kari Nordmann", 2, 7000)]
    assert summary.guests_to_watch[0].last_at == same
    assert summary.this.guests_to_watch == 3
    assert summary.last.guests_to_watch == 1  # Tom Baker
    for week in (WEEK, WEEK.shifted(-1), WEEK.shifted(1)):
        assert weekly_summary(ctx, week)._asdict() == \
            summary_reference.weekly_summary(ctx, week)._asdict(), week


@pytest.mark.postgresql
def test_a_week_s_summary_on_a_server_is_one_round_trip_and_sees_another_terminal_s_tap(
        pg_url, clock):
    """Its reads go to the server together (db.reports.send_ahead, db.pg read_ahead); a
    summary made again after another terminal's tap counts it (nothing kept that may have
    changed)."""
    one = open_context(pg_url, clock)
    init_store(one, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    staff.add_staff(one, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(one, "Sam", Role.CASHIER)
    people = {member.name: member.id for member in staff.list_staff(one)}
    two = Context(open_database(pg_url), clock)
    try:
        _comp(one, people, MONDAY, guest_name="Ola")
        clock.set(MONDAY + timedelta(days=9))
        weekly_summary(two, WEEK)  # the store's LISTEN and the settings: once
        before = two.db.conn.round_trips
        first = weekly_summary(two, WEEK)
        assert two.db.conn.round_trips - before == 1
        assert first.this.incidents == 1 and not first.guests_to_watch
        _comp(one, people, MONDAY + timedelta(days=1), guest_name="Ola")
        select.select([two.db.conn.raw.pgconn.socket], [], [], 5)  # the NOTIFY
        clock.set(MONDAY + timedelta(days=9))
        again = weekly_summary(two, WEEK)
        assert again.this.incidents == 2
        assert [(g.name, g.comps) for g in again.guests_to_watch] == [("Ola", 2)]
        assert again._asdict() == summary_reference.weekly_summary(two, WEEK)._asdict()
    finally:
        one.db.close()
        two.db.close()
