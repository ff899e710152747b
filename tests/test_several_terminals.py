"""Several terminals on one store: two real connections to one database (a SQLite file, or
a PostgreSQL database), each with its own terminal name.

Races are made deterministic: either one connection's whole step runs at the exact point
where the other has read but not yet written (a hook on the other's read), or one
connection holds its transaction open while the other waits (PostgreSQL shows the waiting
backend in pg_stat_activity) or gives up after a short lock wait.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from app import approval, followups, incidents, staff, terminals, vouchers
from app.catalog import category_by_code, remedy_by_code
from app.context import Context
from app.errors import ApprovalLocked, PinRejected, StateError
from app.models import RemedyRequest, Role
from app.setup import init_store
from db.connection import open_database
from db.locking import exclusive
from tests.conftest import MANAGER_PIN, OWNER_PIN


@pytest.fixture
def shared(backend, request, tmp_path) -> str:
    """Where both terminals' database is: a file (SQLite) or a server database."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "store.db")


@pytest.fixture
def bar(shared, clock) -> Context:
    """The store's first terminal ("Bar"): Fjord Kafé, owner Ingrid, manager Marco, Sam."""
    ctx = Context(open_database(shared), clock, terminal="Bar")
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    yield ctx
    ctx.db.close()


@pytest.fixture
def terrace(bar, shared, clock) -> Context:
    """A second terminal ("Terrace") of the same store, on a connection of its own."""
    ctx = Context(open_database(shared), clock, terminal="Terrace")
    yield ctx
    ctx.db.close()


def _who(ctx: Context) -> dict[str, int]:
    return {m.name: m.id for m in staff.list_staff(ctx)}


def _log(ctx: Context, remedy: str = "remake", **extra):
    return incidents.log_incident(
        ctx, category_id=category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(remedy_by_code(ctx, remedy).id)],
        staff_id=_who(ctx)["Sam"], **extra)


def _terminal_of(ctx: Context, table: str, row_id: int, column: str = "terminal_id") -> str:
    return ctx.db.execute(f"SELECT t.name FROM {table} x JOIN terminals t ON t.id = x.{column} "
                          "WHERE x.id = ?", [row_id]).fetchone()[0]


def _hook_once(monkeypatch, module, name: str, before_return) -> None:
    """The first call of ``module.name`` computes its result, then runs ``before_return``
    (the other terminal's whole step), then returns the result it read before."""
    real, fired = getattr(module, name), []

    def hooked(*args, **kwargs):
        result = real(*args, **kwargs)
        if not fired:
            fired.append(True)
            before_return()
        return result

    monkeypatch.setattr(module, name, hooked)


# -- what is recorded where ------------------------------------------------------------------

def test_incidents_approvals_and_audit_entries_record_their_terminal(bar, terrace):
    grant = approval.authorize(bar, MANAGER_PIN, for_what="log")
    at_bar = _log(bar, "refund", approval=grant)
    at_terrace = _log(terrace, "voucher")

    assert _terminal_of(bar, "incidents", at_bar.incident.id) == "Bar"
    assert _terminal_of(bar, "incidents", at_terrace.incident.id) == "Terrace"
    approved = bar.db.execute("SELECT id, approved_by FROM incident_remedies "
                              "WHERE incident_id = ?", [at_bar.incident.id]).fetchone()
    assert approved[1] == _who(bar)["Marco"]
    assert _terminal_of(bar, "incident_remedies", approved[0]) == "Bar"
    entries = {(row["action"], row["terminal"]) for row in bar.db.query(
        "SELECT a.action, t.name AS terminal FROM audit_log a "
        "LEFT JOIN terminals t ON t.id = a.terminal_id WHERE a.action IN "
        "('approval.pin_ok', 'incident.logged')")}
    assert entries == {("approval.pin_ok", "Bar"), ("incident.logged", "Bar"),
                       ("incident.logged", "Terrace")}
    assert bar.db.execute("SELECT count(*) FROM terminals").fetchone()[0] == 2


def test_the_week_breaks_down_by_terminal_once_there_are_two(bar, terrace, clock):
    from app.summary import weekly_summary
    from app.weeks import current_week

    _log(bar)
    week = current_week(bar)
    assert weekly_summary(bar, week).terminals == ()  # one terminal: nothing to break down
    _log(terrace, "voucher")
    _log(terrace)
    by = {f.name: (f.incidents, f.cost_minor) for f in weekly_summary(bar, week).terminals}
    remake = remedy_by_code(bar, "remake").value_minor
    voucher = remedy_by_code(bar, "voucher").value_minor
    assert by == {"Terrace": (2, remake + voucher), "Bar": (1, remake)}


def test_a_terminal_name_is_checked_and_a_new_name_makes_a_new_terminal(bar):
    with pytest.raises(Exception, match="terminal name is 1 to 40"):
        terminals.check_name("  ")
    bar.terminal = "  Kiosk   2 "
    _log(bar)
    assert bar.terminal == "Kiosk 2" and bar.db.execute(
        "SELECT count(*) FROM terminals WHERE name = 'Kiosk 2'").fetchone()[0] == 1


# -- one voucher, two counters ---------------------------------------------------------------

def test_a_voucher_redeemed_at_the_same_moment_on_two_counters_is_redeemed_once(
        bar, terrace, monkeypatch):
    from db import vouchers as vouchers_db

    code = _log(bar, "voucher").voucher_codes[0]
    sam, marco = _who(bar)["Sam"], _who(bar)["Marco"]
    # The terrace reads the voucher (not redeemed yet); at that moment the bar redeems it.
    _hook_once(monkeypatch, vouchers_db, "voucher_by_code",
               lambda: vouchers.redeem(bar, code, marco))

    with pytest.raises(StateError) as refused:
        vouchers.redeem(terrace, code, sam)

    assert "already redeemed on" in str(refused.value)
    assert "by Marco (Bar)" in str(refused.value)
    rows = list(bar.db.query("SELECT redeemed_by FROM vouchers WHERE code = ?", [code]))
    assert rows == [{"redeemed_by": marco}]
    assert bar.db.execute("SELECT count(*) FROM audit_log WHERE action = 'voucher.redeemed'"
                          ).fetchone()[0] == 1


def _waiting_for_a_lock(observer, pid: int) -> bool:
    row = observer.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                           [pid]).fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.postgresql
def test_pg_the_second_counter_waits_for_the_first_and_is_told_who_redeemed_it(
        pg_url, clock):
    import psycopg

    first = Context(open_database(pg_url), clock, terminal="Bar")
    init_store(first, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    staff.add_staff(first, "Sam", Role.CASHIER)
    second = Context(open_database(pg_url), clock, terminal="Terrace")
    observer = psycopg.connect(pg_url, autocommit=True)
    try:
        code = _log(first, "voucher").voucher_codes[0]
        second.terminal_id()
        outcome: list = []

        def at_the_terrace():
            try:
                vouchers.redeem(second, code, None)
                outcome.append("redeemed")
            except StateError as error:
                outcome.append(str(error))

        with first.db.atomic():  # the bar's redemption, not committed yet
            vouchers.redeem(first, code, _who(first)["Sam"])
            waiter = threading.Thread(target=at_the_terrace)
            waiter.start()
            deadline = time.monotonic() + 10
            while not _waiting_for_a_lock(observer, second.db.conn.raw.info.backend_pid):
                assert time.monotonic() < deadline and waiter.is_alive(), outcome
                time.sleep(0.005)  # polling the server's view, not waiting on the clock
        waiter.join(10)
        assert len(outcome) == 1 and "by Sam (Bar)" in outcome[0], outcome
        assert first.db.execute("SELECT count(*) FROM audit_log "
                                "WHERE action = 'voucher.redeemed'").fetchone()[0] == 1
    finally:
        observer.close()
        second.db.close()
        first.db.close()


# -- the PIN lockout is the store's, not the terminal's ---------------------------------------

def test_wrong_pins_on_two_terminals_add_up_to_one_lockout(bar, terrace):
    for ctx in (bar, terrace, bar, terrace):
        with pytest.raises(PinRejected):
            approval.authorize(ctx, "1111")
    with pytest.raises(ApprovalLocked):
        approval.authorize(bar, "1111")  # the fifth wrong PIN, whichever terminal
    with pytest.raises(ApprovalLocked):
        approval.authorize(terrace, MANAGER_PIN)  # the right one, elsewhere: still locked
    where = [row["terminal"] for row in bar.db.query(
        "SELECT t.name AS terminal FROM audit_log a JOIN terminals t ON t.id = a.terminal_id "
        "WHERE a.action = 'approval.pin_failed' ORDER BY a.id")]
    assert where == ["Bar", "Terrace", "Bar", "Terrace", "Bar"]


def test_a_pin_check_on_one_terminal_waits_for_the_check_on_the_other(bar, terrace):
    from db.connection import busy_timeout

    terrace.terminal_id()
    before = terrace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    # The bar is checking a PIN and counting; the terrace waits 50 ms, then gives up.
    with exclusive(bar.db):
        assert approval.locked_until(bar) is None  # the bar's first read under its lock
        with busy_timeout(terrace.db, 50), \
                pytest.raises(sqlite3.OperationalError, match="locked"):
            approval.authorize(terrace, "1111")
    # Nothing was checked on the terrace meanwhile: no attempt was written.
    assert terrace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    with pytest.raises(PinRejected, match="4 tries left"):
        approval.authorize(terrace, "1111")


def test_wrong_pins_from_two_terminals_at_once_check_at_most_five(bar, terrace, shared,
                                                                  clock):
    """Two threads, each on its own connection, 8 wrong PINs each as fast as they go."""
    answers: list[str] = []
    start = threading.Barrier(2)

    def burst(name: str) -> None:
        ctx = Context(open_database(shared), clock, terminal=name)
        try:
            ctx.terminal_id()
            start.wait()
            for _i in range(8):
                try:
                    approval.authorize(ctx, "1111")
                    answers.append("accepted")
                except ApprovalLocked:
                    answers.append("locked")
                except PinRejected:
                    answers.append("rejected")
        finally:
            ctx.db.close()

    threads = [threading.Thread(target=burst, args=(name,)) for name in ("Bar", "Terrace")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    counts = {row["action"]: row["n"] for row in bar.db.query(
        "SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'approval.%' "
        "GROUP BY action")}
    assert len(answers) == 16 and answers.count("rejected") == 4
    assert counts == {"approval.pin_failed": 5, "approval.locked": 1,
                      "approval.pin_refused_locked": 11}


# -- other read-check-write steps ---------------------------------------------------------------

def test_more_given_on_two_terminals_at_once_is_given_once(bar, terrace, monkeypatch, clock):
    from db import followups as followups_db

    logged = _log(bar)
    marco = _who(bar)["Marco"]
    followups.record_outcome(bar, logged.followup.id, "unhappy", marco)
    more = [RemedyRequest(remedy_by_code(bar, "free_dessert").id)]
    # The terrace has looked (the last check is closed); at that moment the bar gives more.
    _hook_once(monkeypatch, followups_db, "open_followup_of_incident",
               lambda: followups.further_remedy(bar, logged.incident.id, more, marco))

    with pytest.raises(StateError, match="Record how the last check went"):
        followups.further_remedy(terrace, logged.incident.id, more, marco)

    assert bar.db.execute("SELECT count(*) FROM followups WHERE incident_id = ?",
                          [logged.incident.id]).fetchone()[0] == 2
    assert bar.db.execute("SELECT count(*) FROM incident_remedies WHERE incident_id = ?",
                          [logged.incident.id]).fetchone()[0] == 2


def test_an_undo_on_two_terminals_at_once_is_recorded_once(bar, terrace, monkeypatch):
    from db import incidents as incidents_db

    logged = _log(bar)
    sam = _who(bar)["Sam"]
    _hook_once(monkeypatch, incidents_db, "incident_remedies",
               lambda: incidents.void_incident(bar, logged.incident.id, sam))

    incidents.void_incident(terrace, logged.incident.id, sam)

    assert bar.db.execute("SELECT count(*) FROM audit_log WHERE action = 'incident.voided'"
                          ).fetchone()[0] == 1
    assert _terminal_of(bar, "audit_log", bar.db.execute(
        "SELECT id FROM audit_log WHERE action = 'incident.voided'").fetchone()[0]) == "Bar"


# -- db/pg.py's transactions ---------------------------------------------------------------------

@pytest.mark.postgresql
def test_pg_a_transaction_whose_statement_failed_quietly_is_not_reported_committed(pg_url):
    database = open_database(pg_url)
    try:
        database.execute("INSERT INTO stores (id, created_at) VALUES (1, 'x')")
        with pytest.raises(sqlite3.OperationalError, match="rolled back"), database.atomic():
            database.execute("INSERT INTO stores (id, created_at) VALUES (2, 'y')")
            with pytest.raises(sqlite3.IntegrityError):
                database.execute("INSERT INTO stores (id, created_at) VALUES (1, 'dup')")
        with database.atomic():  # nested: the inner block's failure is its own
            database.execute("INSERT INTO stores (id, created_at) VALUES (3, 'z')")
            with pytest.raises(sqlite3.OperationalError, match="rolled back"), \
                    database.atomic(), pytest.raises(sqlite3.IntegrityError):
                database.execute("INSERT INTO stores (id, created_at) VALUES (1, 'd')")
        assert [r["id"] for r in database.query("SELECT id FROM stores ORDER BY id")] == [1, 3]
    finally:
        database.close()


def test_what_logging_returns_is_what_was_written(bar):
    grant = approval.authorize(bar, MANAGER_PIN, for_what="log")
    logged = incidents.log_incident(
        bar, category_id=category_by_code(bar, "cold_food").id,
        remedies=[RemedyRequest(remedy_by_code(bar, "refund").id),
                  RemedyRequest(remedy_by_code(bar, "voucher").id),
                  RemedyRequest(remedy_by_code(bar, "free_dessert").id, 4500)],
        staff_id=_who(bar)["Sam"], approval=grant, guest_name="Kari", severity="high",
        table_ref="7", note="cold")
    again = incidents.get_logged(bar, logged.incident.id)
    assert logged.incident == again.incident and logged.followup == again.followup
    assert logged.voucher_codes == again.voucher_codes
