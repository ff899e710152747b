"""A tap on a server decided from reads kept from the tap before, and its write checking them
(migration 0031, db.pg_tap: the store's read stamp; db.tap.reading_ahead).

A terminal keeps what a tap checks (category, remedies, staff, settings) from tap to tap,
guesses the guest's earlier failures from what it wrote itself and takes a new voucher code
for free; the write refuses a tap decided from anything that changed meanwhile, and the tap
is decided again from fresh reads. These tests change things on a second terminal between
two taps of the first, the way a dishonest or simply busy second counter would: a remedy
made to need a PIN, a cashier let go, a category hidden and shown again, a guest seen at the
other counter, a voucher code taken. Each must end as if the first terminal had read
everything just before its write."""

from __future__ import annotations

import pytest

from app import catalog, catalog_admin, incidents, staff
from app.context import Context
from app.errors import ApprovalRequired, NotFound, StateError, ValidationError
from app.models import RemedyKind, RemedyRequest, Role
from app.setup import init_store
from db.connection import open_database
from db.pg_tap import STAMP, STAMPED
from tests.conftest import OWNER_PIN

pytestmark = pytest.mark.postgresql


@pytest.fixture
def counters(pg_url, clock):
    """Two terminals of one store: (this one, the other one)."""
    here = Context(open_database(pg_url), clock)
    init_store(here, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    there = Context(open_database(pg_url), clock)
    yield here, there
    here.db.close()
    there.db.close()


def _trips(ctx: Context) -> int:
    """Round trips to the server so far on ``ctx``'s connection (reads sent ahead too)."""
    return ctx.db.conn.round_trips


def _free_remedy(ctx: Context):
    return next(r for r in catalog.remedies(ctx) if r.kind is not RemedyKind.VOUCHER
                and r.value_minor > 0 and not r.needs_approval(r.value_minor))


def _incidents(ctx: Context) -> int:
    return ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0]


def _tap(ctx: Context, clock, remedy, member, category_id: int = 1, **details):
    clock.advance(seconds=40)
    return incidents.log_incident(ctx, category_id=category_id, staff_id=member.id,
                                  remedies=[RemedyRequest(remedy.id)], **details)


@pytest.fixture
def kept(counters, clock):
    """The two terminals, a cashier and a remedy free to give, after one tap here: this
    terminal keeps the store's catalog, staff and settings."""
    here, there = counters
    sam, _changes = staff.add_staff(here, "Sam", Role.CASHIER)
    remedy = _free_remedy(here)
    _tap(here, clock, remedy, sam)
    return here, there, sam, remedy


def test_a_second_tap_sends_only_its_write(counters, clock):
    """Also with another category, remedy and cashier than the first tap's: the first
    read kept the store's categories, remedies and staff whole."""
    here, _there = counters
    sam, _changes = staff.add_staff(here, "Sam", Role.CASHIER)
    kim, _changes = staff.add_staff(here, "Kim", Role.CASHIER)
    remedy = _free_remedy(here)
    other = next(r for r in catalog.remedies(here) if r.id != remedy.id
                 and r.kind is not RemedyKind.VOUCHER and not r.needs_approval(r.value_minor))
    _tap(here, clock, remedy, sam)
    before = _trips(here)
    assert _tap(here, clock, other, kim, category_id=2).incident.category_id == 2
    assert _trips(here) - before == 1
    logged = _tap(here, clock, remedy, sam, guest_name="Ola Nordmann")
    assert _trips(here) - before == 2
    again = _tap(here, clock, remedy, sam, guest_name="Ola Nordmann")
    assert _trips(here) - before == 3  # the guest it wrote is remembered: one round trip
    assert (logged.incident.repeat_guest, again.incident.repeat_guest) == (False, True)
    assert again.followup.due_at == clock.now()  # a repeat guest goes to the manager at once


def _needs_a_pin(there: Context, _sam, remedy) -> None:
    there.db.execute("UPDATE remedies SET approval_above_minor = 0 WHERE id = ?", [remedy.id])


def _let_go(there: Context, sam, _remedy) -> None:
    staff.update_staff(there, sam.id, by=staff.list_staff(there)[0].id, active=False)


@pytest.mark.parametrize(("change", "refused"), [(_needs_a_pin, ApprovalRequired),
                                                 (_let_go, NotFound)],
                         ids=["a remedy made to need a PIN", "the cashier let go"])
def test_what_another_counter_changed_is_refused_here(kept, clock, change, refused):
    """The other counter changes what this one keeps: a tap decided from the kept rows is
    refused by its write and decided again, and then refused for what changed."""
    here, there, sam, remedy = kept
    change(there, sam, remedy)
    with pytest.raises(refused):
        _tap(here, clock, remedy, sam)
    assert _incidents(here) == 1


def test_a_refusal_decided_from_kept_reads_is_asked_again(kept, clock):
    here, there, sam, remedy = kept
    owner = staff.list_staff(there)[0].id
    category = catalog.get_category(here, 1)
    catalog_admin.set_category_hidden(there, owner, category.id, True)
    with pytest.raises(ValidationError):  # kept as shown; the write said it changed
        _tap(here, clock, remedy, sam)
    catalog_admin.set_category_hidden(there, owner, category.id, False)
    logged = _tap(here, clock, remedy, sam)  # kept as hidden: asked again, shown
    assert logged.incident.category_id == category.id
    assert _incidents(here) == 2


def test_a_guest_seen_at_another_counter_is_a_repeat_guest_here(kept, clock):
    here, there, sam, remedy = kept
    _tap(there, clock, remedy, sam, guest_name="Kari Nordmann")
    logged = _tap(here, clock, remedy, sam, guest_name="Kari Nordmann")
    assert logged.incident.repeat_guest
    assert logged.followup.due_at == clock.now()
    assert here.db.execute("SELECT repeat_guest FROM incidents WHERE id = ?",
                           [logged.incident.id]).fetchone()[0] == 1


def test_a_guest_whose_failure_was_undone_is_no_repeat_guest(counters, clock):
    here, _there = counters
    sam, _changes = staff.add_staff(here, "Sam", Role.CASHIER)
    remedy = _free_remedy(here)
    first = _tap(here, clock, remedy, sam, guest_name="Per Hansen")
    incidents.void_incident(here, first.incident.id, sam.id)
    logged = _tap(here, clock, remedy, sam, guest_name="Per Hansen")
    assert not logged.incident.repeat_guest
    assert here.db.execute("SELECT count(*) FROM incidents WHERE repeat_guest = 1"
                           ).fetchone()[0] == 0


def test_a_voucher_code_taken_meanwhile_is_not_given_twice(counters, clock, monkeypatch):
    from app import vouchers

    here, there = counters
    sam, _changes = staff.add_staff(here, "Sam", Role.CASHIER)
    voucher = next(r for r in catalog.remedies(here) if r.kind is RemedyKind.VOUCHER
                   and not r.needs_approval(r.value_minor))
    codes = iter(["ABC-346", "ABC-347", "ABC-346", "DEF-789"])
    monkeypatch.setattr(vouchers, "new_code", lambda: next(codes))
    assert _tap(here, clock, voucher, sam).voucher_codes == ("ABC-346",)
    assert _tap(there, clock, voucher, sam).voucher_codes == ("ABC-347",)
    logged = _tap(here, clock, voucher, sam)  # guessed free, taken: made again
    assert logged.voucher_codes == ("DEF-789",)
    assert sorted(r[0] for r in here.db.execute("SELECT code FROM vouchers").fetchall()) \
        == ["ABC-346", "ABC-347", "DEF-789"]


def test_a_catalog_that_keeps_changing_is_told_and_nothing_is_written(kept, clock,
                                                                       monkeypatch):
    from db import pg_tap

    here, there, sam, remedy = kept
    real = pg_tap.write

    def changed_first(database, tap, stamp):
        there.db.execute("UPDATE settings SET value = value WHERE store_id = 1")
        return real(database, tap, stamp)

    monkeypatch.setattr(pg_tap, "write", changed_first)
    with pytest.raises(StateError, match="changed on another counter"):
        _tap(here, clock, remedy, sam)
    assert _incidents(here) == 1


@pytest.mark.parametrize("table", STAMPED)
def test_every_change_to_what_a_tap_reads_moves_the_stamp(counters, table):
    """A row added, changed and deleted, by any path (here plain SQL): the stamp moves on
    each time, so a tap decided from the rows before is refused."""
    db = counters[0].db

    def stamp() -> int:
        return db.execute(STAMP, [1]).fetchone()[0]

    row = next(db.query(f"SELECT * FROM {table} WHERE store_id = 1 LIMIT 1"))
    row.pop("id", None)
    for name in ("code", "label", "name"):
        if name in row:
            row[name] += "_copy"
    columns = ", ".join(row)
    before = stamp()
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})",
               list(row.values()))
    added = stamp()
    key = "name" if table == "settings" else next(n for n in ("code", "name") if n in row)
    db.execute(f"UPDATE {table} SET store_id = store_id WHERE store_id = 1 AND {key} = ?",
               [row[key]])
    changed = stamp()
    db.execute(f"DELETE FROM {table} WHERE store_id = 1 AND {key} = ?", [row[key]])
    assert before < added < changed < stamp()
