"""The counter's own way of saving a tap (app.pending.TapSaver, db.connection.tap_write) on a
server: one round trip, the tap's short lock wait on every lock its write meets, and a tap
sent again found, not decided again.

The counter saved a tap inside a transaction it opened around the whole tap: on a server
that was sixteen round trips (the lock wait set and set back, the uid looked up, each read
on its own, a savepoint around the write), where ``log_incident`` alone took two."""

from __future__ import annotations

import time

import psycopg
import pytest

from app import catalog, incidents, pending, staff
from app.context import open_context
from app.errors import ApprovalRequired
from app.models import RemedyRequest, Role
from app.setup import init_store
from db.pg import CHAIN_LOCK
from tests.conftest import OWNER_PIN


def _log(ctx, **extra):
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)], staff_id=None,
        **extra)


def test_a_tap_sent_again_is_found_even_where_its_checks_would_now_refuse_it(ctx):
    """A kept tap whose first sending landed (the connection broke before the answer) is
    sent again: the incident written then is returned, though a new tap like it would now
    need a PIN."""
    uid = "4b1f2c3e-0000-4000-8000-00000000aaaa"
    first = _log(ctx, uid=uid)
    ctx.db.execute("UPDATE remedies SET approval_above_minor = 0 WHERE code = 'remake'")
    with pytest.raises(ApprovalRequired):
        _log(ctx)
    again = _log(ctx, uid=uid)
    assert again.incident == first.incident
    assert ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1


@pytest.fixture
def counter(pg_url, clock):
    """A terminal of a store on the server, as the app opens it, with a cashier."""
    ctx = open_context(pg_url, clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    sam, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
    yield ctx, sam, pending.TapSaver(ctx, None)
    ctx.db.close()


def _tap(ctx, clock, sam, **details) -> pending.PendingTap:
    clock.advance(seconds=40)
    return pending.incident_tap(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)], staff_id=sam.id,
        **details)


def test_a_counter_tap_on_a_server_is_one_round_trip(counter, clock):
    ctx, sam, saver = counter
    assert isinstance(saver.submit(_tap(ctx, clock, sam)), pending.Saved)
    server = ctx.db.server
    for details in ({}, {"guest_name": "Kari Nordmann"}, {"guest_name": "Kari Nordmann"}):
        tap = _tap(ctx, clock, sam, **details)
        before = server.conn.round_trips
        saved = saver.submit(tap)
        assert server.conn.round_trips - before == 1
        assert isinstance(saved, pending.Saved) and saved.logged.incident.id is not None
    assert saved.logged.incident.repeat_guest  # the second time: found without a read
    assert ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 4


def test_a_counter_tap_behind_another_terminals_lock_is_kept_at_once_then_saved_once(
        counter, clock, pg_url):
    """Another terminal holds the audit chain's lock (a long write): the tap waits the
    counter's short time for it (``TAP_BUSY_MS``), not the server's five seconds, is kept,
    and is saved once the lock is gone."""
    ctx, sam, saver = counter
    saver.submit(_tap(ctx, clock, sam))
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("BEGIN")
        other.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        started = time.monotonic()
        kept = saver.submit(_tap(ctx, clock, sam))
        waited = time.monotonic() - started
        other.execute("COMMIT")
    assert isinstance(kept, pending.Kept) and kept.reason == pending.BUSY
    assert waited < 2.5  # the counter's wait (20 ms) and a retry, not 5 s
    assert ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1
    flushed = saver.flush()
    assert [s.tap.uid for s in flushed.saved] == [kept.tap.uid]
    assert ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 2
    assert saver.flush().saved == []
