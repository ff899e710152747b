"""The weekly PDF's check reads its week as the week (app.verify_rows.check_week): the same
problems, in the same order, as the cross-check of those incidents by their ids, on a store
the app logged and on one that came in a CSV import (rows a coverage entry vouches for),
changed behind Comeback's back in each way the check sees."""

from __future__ import annotations

import pytest

from app import followups, staff, verify, verify_rows, vouchers
from app.context import Context
from tests.conftest import OWNER_PIN
from tests.test_audit_chain import _fill, _remedy

EVERYTHING = ("2000-01-01T00:00:00+00:00", "2100-01-01T00:00:00+00:00")


@pytest.fixture(params=["run", "scattered"])
def shape(request, monkeypatch) -> str:
    """The week's ids read as a run (a store of its own), or as the ids of a store whose
    ids another store's are between (through the week's entries of the time index)."""
    if request.param == "scattered":
        run = verify_rows._is_run
        monkeypatch.setattr(verify_rows, "_is_run",
                            lambda ids, count=None: False if count else run(ids))
    return request.param


def _both(ctx: Context, start: str, end: str) -> tuple[list, list]:
    ids = [row["id"] for row in ctx.db.query(
        "SELECT id FROM incidents WHERE store_id = ? AND occurred_at >= ? AND occurred_at < ?",
        [ctx.store_id, start, end])]
    by_ids = verify_rows.cross_check(ctx, ctx.store_id, None, incident_ids=ids) if ids else []
    return verify_rows.check_week(ctx, ctx.store_id, start, end), by_ids


@pytest.mark.parametrize("script, found", [
    ("SELECT 1", False),
    ("UPDATE incident_remedies SET approved_by = NULL WHERE kind = 'refund'", True),
    ("UPDATE incident_remedies SET amount_minor = 2500 WHERE kind = 'refund'", True),
    ("UPDATE vouchers SET amount_minor = 50000", True),
    ("UPDATE vouchers SET redeemed_at = NULL, redeemed_by = NULL", True),
    ("UPDATE incidents SET voided_at = NULL, voided_by = NULL", True),
    ("DELETE FROM followups WHERE incident_id IN (SELECT incident_id FROM vouchers); "
     "DELETE FROM vouchers", True),
    ("UPDATE incidents SET staff_id = 1 WHERE id = (SELECT min(id) FROM incidents)", True),
    ("UPDATE incidents SET occurred_at = '2026-11-16T09:00:01+00:00' "
     "WHERE id = (SELECT min(id) FROM incidents)", True),
])
def test_the_week_read_as_a_range_finds_what_the_reads_by_ids_find(ctx, clock, shape, script,
                                                                   found):
    _fill(ctx, clock)
    for statement in script.split("; "):
        ctx.db.execute(statement)
    start = ctx.db.execute("SELECT min(occurred_at) FROM incidents").fetchone()[0]
    for bounds in (EVERYTHING, (start, EVERYTHING[1]), (EVERYTHING[0], start)):
        by_week, by_ids = _both(ctx, *bounds)
        assert by_week == by_ids
    assert bool(_both(ctx, *EVERYTHING)[0]) == found


@pytest.fixture
def imported(ctx, clock):
    """``ctx`` with a week of the demo store come in a CSV import; then, after it, a
    further remedy on an imported incident, an imported voucher redeemed, and the morning
    of tests.test_audit_chain._fill."""
    from app import demo
    from app.csv_import import import_csv
    from app.csvio import ENCODING, export_bytes
    from db.connection import open_database
    from tests.test_csv import stream

    source = Context(open_database(None), clock)
    demo.generate(source, weeks=1, seed=3, end=clock.now())
    import_csv(ctx, stream(export_bytes(source).decode(ENCODING)), pin=OWNER_PIN)
    source.db.close()
    marco = staff.find_by_name(ctx, "Marco").id
    sam = staff.find_by_name(ctx, "Sam").id
    later = ctx.db.execute("SELECT max(id) FROM incidents WHERE voided_at IS NULL"
                           ).fetchone()[0]
    followups.further_remedy(ctx, later, [_remedy(ctx, "free_dessert")], marco)
    code = ctx.db.execute(
        "SELECT v.code FROM vouchers v JOIN incidents i ON i.id = v.incident_id "
        "WHERE v.redeemed_at IS NULL AND i.voided_at IS NULL AND v.expires_at > ? "
        "ORDER BY v.id LIMIT 1", [clock.now().isoformat()]).fetchone()[0]
    vouchers.redeem(ctx, code, sam)
    _fill(ctx, clock)
    assert verify.verify(ctx, remember=False).intact
    return {"later": later, "code": code}


@pytest.mark.parametrize("script, found", [
    ("SELECT 1", False),
    # What entries written after the import say about its rows.
    ("UPDATE incident_remedies SET amount_minor = 1 WHERE id = (SELECT max(r.id) "
     "FROM incident_remedies r WHERE r.incident_id = {later})", True),
    ("DELETE FROM incident_remedies WHERE id = (SELECT max(r.id) "
     "FROM incident_remedies r WHERE r.incident_id = {later})", True),
    ("UPDATE vouchers SET redeemed_at = NULL, redeemed_by = NULL WHERE code = '{code}'", True),
    ("UPDATE vouchers SET redeemed_by = NULL WHERE code = '{code}'", True),
    # A row the import's digest alone vouches for: comeback verify's (the whole range).
    ("UPDATE incident_remedies SET amount_minor = amount_minor + 1 "
     "WHERE id = (SELECT min(id) FROM incident_remedies)", False),
    # The rows logged after the import, held to their entries.
    ("UPDATE incident_remedies SET amount_minor = 2500 WHERE kind = 'refund' "
     "AND id = (SELECT max(id) FROM incident_remedies WHERE kind = 'refund')", True),
    ("UPDATE incidents SET staff_id = 1 WHERE id = (SELECT max(id) FROM incidents)", True),
])
def test_an_imported_week_is_checked_as_its_rows_read_by_ids_are(ctx, imported, shape, script,
                                                                  found):
    ctx.db.execute(script.format(**imported))
    first_new = ctx.db.execute("SELECT occurred_at FROM incidents WHERE id = ?",
                               [imported["later"]]).fetchone()[0]
    for bounds in (EVERYTHING, (first_new, EVERYTHING[1]), (EVERYTHING[0], first_new)):
        by_week, by_ids = _both(ctx, *bounds)
        assert by_week == by_ids
    assert bool(_both(ctx, *EVERYTHING)[0]) == found
    if not found and script != "SELECT 1":
        assert not verify.verify(ctx, remember=False).intact


def test_a_week_without_incidents_reads_nothing_to_hold(ctx, clock):
    _fill(ctx, clock)
    assert verify_rows.check_week(ctx, ctx.store_id, *("2001-01-01T00:00:00+00:00",
                                                       "2001-01-08T00:00:00+00:00")) == []


@pytest.mark.parametrize("script, found", [
    ("SELECT 1", (False, False)),
    ("UPDATE incident_remedies SET amount_minor = 2500 WHERE kind = 'refund' AND incident_id "
     "IN (SELECT id FROM incidents WHERE store_id = 2)", (False, True)),
    ("UPDATE incidents SET staff_id = 1 WHERE id = (SELECT max(id) FROM incidents "
     "WHERE store_id = 1)", (True, False)),
])
def test_a_week_of_one_store_is_held_apart_from_the_other_stores_of_the_file(
        ctx, clock, shape, script, found):
    """Two stores in one file, their ids side by side: each store's week holds its own
    rows only, read over the run of its ids or through its time index."""
    from app.models import Role
    from app.stores import add_store
    from tests.conftest import MANAGER_PIN

    other = Context(ctx.db, clock)
    add_store(other, explicit=False, store_name="Bergen Kafé", preset="restaurant",
              currency="NOK", locale="nb_NO", language="en", timezone="Europe/Oslo",
              owner_name="Ola", owner_pin=OWNER_PIN)
    staff.add_staff(other, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(other, "Sam", Role.CASHIER)
    for store in (ctx, other, ctx, other):
        _fill(store, clock)
    ctx.db.execute(script)
    for store, wanted in zip((ctx, other), found, strict=True):
        by_week, by_ids = _both(store, *EVERYTHING)
        assert by_week == by_ids
        assert bool(by_week) == wanted
