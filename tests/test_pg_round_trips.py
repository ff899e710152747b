"""Fewer round trips to a server, same results (issue 14's tap target on PostgreSQL).

db.pg sends a write inside a transaction together with the next statement (the tap's audit
entry goes out with its COMMIT), and keeps the store's settings until the database may have
changed (LISTEN/NOTIFY instead of SQLite's data_version). What a caller sees must not
change: an error inside its transaction or savepoint, rowcounts, ids, and settings another
terminal changed. The write tests run on both backends (the ``db`` fixture)."""

from __future__ import annotations

import select
import sqlite3

import pytest

from app import catalog, incidents, settings, staff
from app.context import Context, open_context
from app.models import RemedyRequest, Role
from app.setup import init_store
from app.store_admin import update_settings
from db.connection import open_database
from tests.conftest import OWNER_PIN


@pytest.fixture
def store(db, clock) -> Context:
    ctx = Context(db, clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    return ctx


def _names(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM terminals WHERE name LIKE 'Till %' "
                                     "ORDER BY name").fetchall()]


def _terminal(db, name: str) -> None:
    db.execute("INSERT INTO terminals (store_id, name, created_at) VALUES (1, ?, '')", [name])


def _rename(db, old: str, new: str) -> None:
    db.execute("UPDATE terminals SET name = ? WHERE name = ?", [new, old])


def test_a_failing_write_in_a_savepoint_fails_inside_it_and_the_rest_commits(store, db):
    _terminal(db, "Till one")
    _terminal(db, "Till two")
    with db.atomic():
        _rename(db, "Till two", "Till 2")
        with pytest.raises(sqlite3.IntegrityError), db.atomic():
            _rename(db, "Till one", "Till 2")  # taken: UNIQUE (store_id, name)
        _rename(db, "Till one", "Till 1")
    assert _names(db) == ["Till 1", "Till 2"]


def test_a_write_failing_at_the_end_rolls_the_transaction_back_and_is_raised(store, db):
    _terminal(db, "Till one")
    _terminal(db, "Till two")
    with pytest.raises(sqlite3.IntegrityError), db.atomic():
        _rename(db, "Till two", "Till 2")
        _rename(db, "Till one", "Till 2")
    assert _names(db) == ["Till one", "Till two"]
    _rename(db, "Till one", "Till 1")  # the connection is usable again
    assert _names(db) == ["Till 1", "Till two"]


def test_a_python_error_in_a_savepoint_never_sends_its_writes(store, db):
    _terminal(db, "Till one")
    _terminal(db, "Till two")
    with db.atomic():
        with pytest.raises(KeyError), db.atomic():
            _rename(db, "Till one", "Till 1")
            raise KeyError("the caller gave up")
        _rename(db, "Till two", "Till 2")
    assert _names(db) == ["Till 2", "Till one"]


def test_rowcounts_and_ids_of_writes_in_a_transaction_are_read_right(store, db):
    with db.atomic():
        first = db.execute("INSERT INTO terminals (store_id, name, created_at) "
                           "VALUES (1, 'Till one', '')")
        second = db.execute("INSERT INTO terminals (store_id, name, created_at) "
                            "VALUES (1, 'Till two', '')")
        changed = db.execute("UPDATE terminals SET created_at = 'x' WHERE name LIKE 'Till %'")
        none = db.execute("UPDATE terminals SET created_at = 'y' WHERE name = 'Nowhere'")
        assert changed.rowcount == 2 and none.rowcount == 0
        assert second.lastrowid == first.lastrowid + 1
    assert [r[0] for r in db.execute("SELECT created_at FROM terminals WHERE name LIKE "
                                     "'Till %'")] == ["x", "x"]


# -- PostgreSQL only: the round trips and the settings memo -----------------------------------

def _round_trips(database, monkeypatch) -> list[int]:
    """Counts each statement or pipeline sent to the server (db.pg's one way out)."""
    sent = [0]
    conn = database.conn
    real = conn._send

    def counting(text, parameters):
        sent[0] += 1
        return real(text, parameters)

    monkeypatch.setattr(conn, "_send", counting)
    return sent


def test_a_tap_on_a_server_is_one_round_trip(pg_url, clock, monkeypatch):
    """What it checks is kept from the tap before (db.pg read_ahead, checked by the write's
    stamp: tests/test_pg_read_stamps.py); its write is one call (comeback_log_tap, alone:
    no BEGIN and COMMIT around it)."""
    ctx = open_context(pg_url, clock)
    try:
        init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
                   locale="nb_NO", language="en", timezone="Europe/Oslo",
                   owner_name="Ingrid", owner_pin=OWNER_PIN)
        sam, _changes = staff.add_staff(ctx, "Sam", Role.CASHIER)
        category = catalog.categories(ctx)[0]
        remedy = next(r for r in catalog.remedies(ctx) if not r.needs_approval(r.value_minor))

        def tap():
            clock.advance(seconds=37)
            return incidents.log_incident(ctx, category_id=category.id, staff_id=sam.id,
                                          remedies=[RemedyRequest(remedy.id)])

        tap()  # the terminal's row and the store's LISTEN: once
        sent = _round_trips(ctx.db.server, monkeypatch)
        before = ctx.db.server.conn.round_trips
        logged = tap()
        assert sent[0] == 1  # the write (nothing was read before it)
        assert ctx.db.server.conn.round_trips - before == 1
        row = ctx.db.execute("SELECT cost_minor, followup_due_s FROM incidents WHERE id = ?",
                             [logged.incident.id]).fetchone()
        assert row[0] == remedy.value_minor and row[1] is not None
        assert ctx.db.execute("SELECT count(*) FROM audit_log WHERE action = "
                              "'incident.logged'").fetchone()[0] == 2
    finally:
        ctx.db.close()


def _wait_for_the_server(database) -> None:
    """Until the connection's socket has something to read (the NOTIFY), at most 30 s
    (a loaded machine; usually milliseconds)."""
    select.select([database.conn.raw.pgconn.socket], [], [], 30)


def test_settings_another_terminal_changed_are_read_again(pg_url, clock):
    one = Context(open_database(pg_url), clock)
    init_store(one, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    two = Context(open_database(pg_url), clock)
    try:
        assert one.settings().store_name == two.settings().store_name == "Fjord Kafé"
        sent = [0]
        real = two.db.conn._send

        def counting(text, parameters):
            sent[0] += 1
            return real(text, parameters)

        two.db.conn._send = counting
        assert two.settings().store_name == "Fjord Kafé" and sent[0] == 0  # kept
        owner = staff.list_staff(one)[0].id
        update_settings(one, owner, {"store_name": "Fjord Kafé Bryggen"})
        _wait_for_the_server(two.db)
        assert two.settings().store_name == "Fjord Kafé Bryggen"
        assert one.settings().store_name == "Fjord Kafé Bryggen"  # its own write
        assert settings.load(two.db, 1) is two.settings()  # kept again
    finally:
        one.db.close()
        two.db.close()
