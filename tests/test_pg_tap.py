"""A tap on a server in two round trips (issue 14's tap target on PostgreSQL): what it checks
read ahead in one, its whole write in one (``comeback_log_tap``, db/pg_tap.py), the same rows
as the statements SQLite runs (db/tap.py), and nothing stale read back."""

from __future__ import annotations

import select
import sqlite3

import pytest

from app import catalog, incidents, staff
from app.context import Context, open_context
from app.models import RemedyKind, RemedyRequest, Role
from app.setup import init_store
from db import staff as staff_db
from db import summary_columns
from db.connection import open_database
from tests.conftest import OWNER_PIN


def _init(ctx: Context) -> None:
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)


def _row(db, table: str, row_id: int) -> dict:
    return db[table].get(row_id)


def test_a_tap_writes_the_same_rows_on_both_backends(db, clock):
    """Every column a tap writes (the function's on PostgreSQL, the statements' on SQLite),
    with a voucher, a guest and a note; the incident's summary columns are what they would
    be counted afresh."""
    ctx = Context(db, clock)
    _init(ctx)
    sam, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
    voucher = next(r for r in catalog.remedies(ctx) if r.kind is RemedyKind.VOUCHER)
    remake = catalog.remedy_by_code(ctx, "remake")
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=sam.id,
        remedies=[RemedyRequest(remake.id), RemedyRequest(voucher.id, 5000)],
        guest_name="Ola", note="soup was cold", table_ref="7")
    incident = _row(db, "incidents", logged.incident.id)
    assert (incident["guest_name"], incident["note"], incident["table_ref"]) == (
        "Ola", "soup was cold", "7")
    assert incident["uid"] and incident["terminal_id"] == ctx.terminal_id()
    assert (incident["remedy_count"], incident["cost_minor"], incident["noted"]) == (
        2, remake.value_minor + 5000, 1)
    kept = {c: incident[c] for c in summary_columns.COLUMNS}
    with db.atomic():
        summary_columns.refresh(db, [incident["id"]])
    assert {c: _row(db, "incidents", incident["id"])[c] for c in summary_columns.COLUMNS} \
        == kept
    given = [_row(db, "incident_remedies", i) for i in (r.id for r in logged.incident.remedies)]
    assert [(g["remedy_id"], g["amount_minor"], g["incident_id"]) for g in given] == [
        (remake.id, remake.value_minor, incident["id"]), (voucher.id, 5000, incident["id"])]
    (code,) = logged.voucher_codes
    row = next(iter(db.query("SELECT * FROM vouchers WHERE code = ?", [code])))
    assert (row["incident_remedy_id"], row["amount_minor"]) == (given[1]["id"], 5000)
    followup = _row(db, "followups", logged.followup.id)
    assert followup["incident_id"] == incident["id"]
    assert followup["due_at"] == followup["original_due_at"]
    entry = next(iter(db.query("SELECT * FROM audit_log WHERE action = 'incident.logged'")))
    assert (entry["entity"], entry["entity_id"], entry["staff_id"]) == (
        "incident", incident["id"], sam.id)


def test_a_tap_that_was_written_already_writes_nothing_again(db, clock):
    ctx = Context(db, clock)
    _init(ctx)
    category = catalog.categories(ctx)[0].id
    remedy = catalog.remedy_by_code(ctx, "remake").id
    first = incidents.log_incident(ctx, category_id=category, staff_id=None,
                                   remedies=[RemedyRequest(remedy)], uid="tap-1")
    again = incidents.log_incident(ctx, category_id=category, staff_id=None,
                                   remedies=[RemedyRequest(remedy)], uid="tap-1")
    assert again.incident.id == first.incident.id
    assert db["incidents"].count == 1 and db["followups"].count == 1


# -- PostgreSQL only ---------------------------------------------------------------------------

@pytest.fixture
def server(pg_url, clock):
    ctx = open_context(pg_url, clock)
    _init(ctx)
    yield ctx
    ctx.db.close()


def test_a_write_that_fails_in_the_function_leaves_nothing_and_the_connection_usable(server):
    from db import tap as tap_db

    database = server.db.server
    with pytest.raises(sqlite3.IntegrityError), database.atomic():
        tap_db.write(database, tap_db.Tap(
            incident={"store_id": 1, "category_id": 999, "category_label": "x",
                      "staff_id": None, "occurred_at": "2026-11-16T11:00:00+00:00",
                      "severity": "low", "table_ref": None, "guest_name": None,
                      "guest_contact": None, "guest_key": None, "note": None,
                      "repeat_guest": 0, "uid": "u-1", "terminal_id": None, "noted": 0,
                      "remedy_count": 0, "cost_minor": 0, "followup_due_s": 0,
                      "followup_done_s": None, "followup_missed": 0},
            remedies=[], followup={"created_at": "x", "original_due_at": "x", "due_at": "x"},
            audit={"store_id": 1, "at": "x", "staff_id": None, "action": "incident.logged",
                   "entity": "incident", "detail": None, "terminal_id": None}))
    assert database["incidents"].count == 0
    assert database.execute("SELECT 1").fetchone() == (1,)


def test_the_function_refuses_a_column_it_does_not_write_or_one_left_out(server):
    from db import tap as tap_db

    database = server.db.server
    incident = {"store_id": 1, "category_id": catalog.categories(server)[0].id,
                "category_label": "x", "staff_id": None,
                "occurred_at": "2026-11-16T11:00:00+00:00", "severity": "low",
                "table_ref": None, "guest_name": None, "guest_contact": None,
                "guest_key": None, "note": None, "repeat_guest": 0, "uid": "u-2",
                "terminal_id": None, "noted": 0, "remedy_count": 0, "cost_minor": 0,
                "followup_due_s": 0, "followup_done_s": None, "followup_missed": 0}
    rest = {"remedies": [], "followup": {"created_at": "x", "original_due_at": "x",
                                         "due_at": "x"},
            "audit": {"store_id": 1, "at": "x", "staff_id": None, "action": "a",
                      "entity": "incident", "detail": None, "terminal_id": None}}
    for wrong in ({**incident, "imported_by": 1},
                  {k: v for k, v in incident.items() if k != "repeat_guest"}):
        with pytest.raises(sqlite3.IntegrityError, match="not the columns it writes"), \
                database.atomic():
            tap_db.write(database, tap_db.Tap(incident=wrong, **rest))
    remedy = {"remedy_id": catalog.remedies(server)[0].id, "kind": "voucher", "label": "x",
              "amount_minor": 100, "percent": None, "approved_by": None,
              "given_at": "2026-11-16T11:00:00+00:00", "terminal_id": None}
    voucher = {"code": "ABCD-2345", "amount_minor": 100, "issued_at": "x", "expires_at": "x"}
    for remedies, followup, names in (
            ([{**remedy, "voucher": {**voucher, "redeemed_at": "x"}}], rest["followup"],
             "redeemed_at"),
            ([{**remedy, "voucher": {k: v for k, v in voucher.items() if k != "code"}}],
             rest["followup"], "code"),
            ([{**remedy, "paper_approved_by": None}], rest["followup"], "paper_approved_by"),
            ([remedy], {"created_at": "x", "due_at": "x"}, "original_due_at")):
        with pytest.raises(sqlite3.IntegrityError, match=f"{names} .not the columns it"), \
                database.atomic():
            tap_db.write(database, tap_db.Tap(incident=incident, remedies=remedies,
                                              followup=followup, audit=rest["audit"]))
    assert database["incidents"].count == 0


def _wait_for_the_server(database) -> None:
    select.select([database.conn.raw.pgconn.socket], [], [], 30)


def test_rows_read_ahead_are_read_again_once_anything_may_have_changed(pg_url, clock):
    one = Context(open_database(pg_url), clock)
    _init(one)
    two = Context(open_database(pg_url), clock)
    try:
        sam, _changes = staff.add_staff(one, "Sam", Role.CASHIER)
        reads = [(staff_db.MEMBER, (1, sam.id))]
        two.db.read_ahead(1, reads)
        trips = two.db.conn.round_trips
        assert staff_db.staff_member(two.db, 1, sam.id)["active"] == 1
        assert staff_db.staff_member(two.db, 1, sam.id)["name"] == "Sam"  # asked twice
        assert two.db.conn.round_trips == trips  # both from the rows read ahead
        owner = staff.list_staff(one)[0].id
        staff.update_staff(one, sam.id, by=owner, active=False)  # another terminal
        _wait_for_the_server(two.db)
        assert staff_db.staff_member(two.db, 1, sam.id)["active"] == 0
        two.db.read_ahead(1, reads)
        staff_db.update_staff(two.db, 1, sam.id, {"name": "Samuel"})  # its own write
        assert staff_db.staff_member(two.db, 1, sam.id)["name"] == "Samuel"
        two.db.read_ahead(1, reads)
        two.db.forget_read_ahead()
        trips = two.db.conn.round_trips
        staff_db.staff_member(two.db, 1, sam.id)
        assert two.db.conn.round_trips == trips + 1
    finally:
        one.db.close()
        two.db.close()


def test_a_tap_by_a_staff_member_deactivated_meanwhile_is_refused(pg_url, clock):
    from app.errors import NotFound

    one = open_context(pg_url, clock)
    _init(one)
    two = open_context(pg_url, clock)
    try:
        sam, _changes = staff.add_staff(one, "Sam", Role.CASHIER)
        category = catalog.categories(two)[0].id
        remedy = catalog.remedy_by_code(two, "remake").id
        incidents.log_incident(two, category_id=category, staff_id=sam.id,
                               remedies=[RemedyRequest(remedy)])
        staff.update_staff(one, sam.id, by=staff.list_staff(one)[0].id, active=False)
        _wait_for_the_server(two.db.server)
        with pytest.raises(NotFound):
            incidents.log_incident(two, category_id=category, staff_id=sam.id,
                                   remedies=[RemedyRequest(remedy)])
    finally:
        one.db.close()
        two.db.close()


def test_reads_sent_ahead_again_come_back_as_one_statement_with_the_same_rows(pg_url, clock):
    """The second time the same reads go ahead they are one statement (their rows as
    JSON), and read back exactly as the statements read alone give them: the same values
    of the same types, in the same order, None for NULL, no rows for none."""
    from db import catalog as catalog_db

    ctx = open_context(pg_url, clock)
    try:
        _init(ctx)
        database = ctx.db.server
        sam, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
        remedies = [r.id for r in catalog.remedies(ctx)]
        reads = ([(catalog_db.REMEDY, (1, remedy)) for remedy in remedies]
                 + [(staff_db.MEMBER, (1, sam.id)), (staff_db.MEMBER, (1, 999)),
                    ("SELECT name, value FROM settings WHERE store_id = ? ORDER BY name",
                     (1,))])
        alone = [list(database.query(sql, list(params))) for sql, params in reads]
        for _time in range(2):
            database.read_ahead(1, reads)
            assert [list(database.query(sql, list(params))) for sql, params in reads] \
                == alone
            database.forget_read_ahead()
        sent = []
        real = database.conn.raw.execute
        database.conn.raw.execute = lambda sql, *rest: sent.append(sql) or real(sql, *rest)
        try:
            database.read_ahead(1, reads)
        finally:
            del database.conn.raw.execute
        assert len(sent) == 1 and "json_agg" in sent[0]
        back = [list(database.query(sql, list(params))) for sql, params in reads]
        database.forget_read_ahead()
        assert back == alone and [type(v) for v in back[0][0].values()] == [
            type(v) for v in alone[0][0].values()]
        assert any(v is None for row in alone for r in row for v in r.values())
    finally:
        ctx.db.close()


def test_a_read_whose_values_json_would_change_is_never_sent_as_json(pg_url, clock):
    """A column that is not an integer or text (a real number: 2.0 would come back as 2)
    keeps the read in the pipeline of statements, read as itself."""
    ctx = open_context(pg_url, clock)
    try:
        _init(ctx)
        database = ctx.db.server
        reads = [("SELECT 2.0::float8 AS x, 'a' AS y WHERE ? = 1", (1,)),
                 (staff_db.MEMBER, (1, 1))]
        for _time in range(3):
            database.read_ahead(1, reads)
            assert database.execute(reads[0][0], [1]).fetchall() == [(2.0, "a")]
            assert isinstance(database.execute(reads[0][0], [1]).fetchone()[0], float)
            database.forget_read_ahead()
        assert database._json_shapes[_translated(reads[0][0])] is None
    finally:
        ctx.db.close()


def _translated(sql: str) -> str:
    from db.pg import translate

    return translate(sql)[0]
