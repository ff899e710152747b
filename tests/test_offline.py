"""A terminal whose server is away keeps logging (app.offline, db.failover, app.pending):
taps kept and sent once with their time, approvals against the copy and checked again on
send, and a cashier who pulls the cable gains nothing. Real PostgreSQL; the server "goes
away" for this terminal alone (its connection is closed and it cannot connect again)."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest

from app import approval, catalog, followups, offline, pending, staff
from app.approval import Approval
from app.context import Context
from app.errors import ApprovalLocked, ApprovalRequired, PinRejected
from app.models import RemedyRequest, Role
from app.settings import write as write_settings
from app.setup import init_store
from db import faults
from db.connection import open_database
from db.failover import Failover
from db.health import DatabaseServerError, ServerProblem
from tests.conftest import MANAGER_PIN, OWNER_PIN

pytestmark = pytest.mark.postgresql


class Network:
    """The terminal's way to the server: cut it and the server is away for it."""

    def __init__(self) -> None:
        self.up = True
        self.connects = 0
        self.ticks = 0.0

    def connect(self, url: str):
        from db.pg import open_pg

        self.connects += 1
        if not self.up:
            raise DatabaseServerError(ServerProblem.UNREACHABLE, "test", "no route to host")
        return open_pg(url)


@pytest.fixture
def server_ctx(pg_url, clock) -> Context:
    """The store on the server, as another terminal (or the manager) sees it."""
    ctx = Context(open_database(pg_url), clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    yield ctx
    ctx.db.close()


@pytest.fixture
def network() -> Network:
    return Network()


@pytest.fixture
def terminal(server_ctx, pg_url, clock, tmp_path, network) -> Context:
    handle = Failover.open(pg_url, tmp_path, connect=network.connect,
                           monotonic=lambda: network.ticks)
    ctx = Context(handle, clock)
    yield ctx
    handle.close()


def cut(terminal: Context, network: Network, find_out: bool = True) -> None:
    """The network goes; ``find_out``: the terminal's next call finds out (and fails)."""
    network.up = False
    terminal.db.server.conn.raw.close()
    if find_out:
        with pytest.raises(DatabaseServerError), terminal.db.atomic():
            pass
        assert terminal.db.away


def restore(terminal: Context, network: Network) -> None:
    network.up = True
    network.ticks += 60
    assert terminal.db.reconnect()


def ids(ctx: Context) -> dict[str, int]:
    return {m.name: m.id for m in staff.list_staff(ctx)}


def tap(ctx: Context, category: str = "cold_food", remedies=(("remake", None),),
        staff_id: int | None = None, grant: Approval | None = None, **details):
    cat = catalog.category_by_code(ctx, category)
    picked = [catalog.remedy_by_code(ctx, code) for code, _amount in remedies]
    return pending.incident_tap(
        ctx, category_id=cat.id, staff_id=staff_id, approval=grant,
        remedies=[RemedyRequest(r.id, amount) for r, (_c, amount) in zip(picked, remedies,
                                                                           strict=True)],
        shown=(cat.label, [r.label for r in picked]), default_severity=cat.default_severity,
        **details)


def server_incidents(server_ctx: Context) -> list[dict]:
    return list(server_ctx.db.query("SELECT * FROM incidents ORDER BY id"))


def refused_entries(server_ctx: Context) -> list[dict]:
    import json

    return [json.loads(r["detail"]) for r in server_ctx.db.query(
        "SELECT detail FROM audit_log WHERE action = 'outbox.refused' ORDER BY id")]


# -- the handle ----------------------------------------------------------------------------------

def test_an_away_server_is_a_passing_reason_and_a_wrong_password_is_not():
    assert faults.passing_reason(DatabaseServerError(ServerProblem.LOST, "x")) == faults.OFFLINE
    assert faults.passing_reason(
        DatabaseServerError(ServerProblem.UNREACHABLE, "x")) == faults.OFFLINE
    assert faults.passing_reason(DatabaseServerError(ServerProblem.AUTH, "x")) is None
    assert pending.retry_reason(DatabaseServerError(ServerProblem.LOST, "x")) == pending.OFFLINE


def test_while_away_reads_come_from_the_copy_and_writes_fail_at_once_without_connecting(
        terminal, network):
    cut(terminal, network, find_out=False)
    catalog.categories(terminal)  # the read that finds out is answered by the copy
    assert terminal.db.away
    assert [c.code for c in catalog.categories(terminal)][:2] == ["wrong_order", "cold_food"]
    assert terminal.settings().currency == "NOK"
    with pytest.raises(DatabaseServerError), terminal.db.atomic():
        pass
    before = network.connects
    for _ in range(50):
        pending.TapSaver.for_database(terminal).submit(tap(terminal))
    assert network.connects == before  # no connect (and no connect timeout) per tap


def test_what_else_the_servers_handle_offers_passes_through_while_it_is_there(terminal,
                                                                               network):
    """A terminal's handle is the server's for everything else (an export's snapshot, the
    schema's tables); while the server is away none of it is there (callers' defaults)."""
    assert "incidents" in terminal.db.table_names()
    with terminal.db.snapshot():
        assert catalog.categories(terminal)
    cut(terminal, network)
    assert getattr(terminal.db, "table_names", None) is None


def test_reconnect_backs_off_on_the_injected_clock(terminal, network):
    cut(terminal, network)
    waits = []
    for _ in range(7):
        assert not terminal.db.due()
        waits.append(terminal.db.seconds_to_next_try())
        network.ticks += waits[-1]
        assert terminal.db.due() and not terminal.db.reconnect()
    assert waits == [1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 30.0]
    network.up = True
    network.ticks += 30
    assert terminal.db.reconnect() and not terminal.db.away


def test_the_copy_and_its_outbox_are_private_and_named_for_server_database_and_store(
        terminal, network, pg_url, tmp_path):
    path = terminal.db.copy.path
    assert path.parent == tmp_path / "offline"
    assert path.name.startswith("local-") and "-store1-" in path.name
    assert pg_url.split("/")[3].split("?")[0] in path.name
    cut(terminal, network)
    pending.TapSaver.for_database(terminal).submit(tap(terminal))
    outbox = terminal.db.outbox_file
    assert outbox == path.with_name(path.name + "-outbox")
    for each in (path, outbox):
        assert stat.S_IMODE(os.stat(each).st_mode) == 0o600
    hashes = [r["pin_hash"] for r in terminal.db.copy.query("SELECT pin_hash FROM staff")]
    assert OWNER_PIN not in str(hashes) and MANAGER_PIN not in str(hashes)


# -- taps ----------------------------------------------------------------------------------------

def test_taps_while_away_are_kept_ring_here_and_are_sent_once_in_order_with_their_times(
        terminal, network, server_ctx, clock):
    saver = pending.TapSaver.for_database(terminal)
    cut(terminal, network)
    made = []
    for table in ("1", "2", "3"):
        clock.advance(seconds=20)
        one = tap(terminal, table_ref=table)
        result = saver.submit(one)
        assert isinstance(result, pending.Kept) and result.reason == pending.OFFLINE
        made.append(one)
    assert saver.count() == 3 and server_incidents(server_ctx) == []
    # Their reminders ring on this terminal: the follow-ups are in the copy.
    clock.advance(minutes=10)
    local = offline.working_context(terminal)
    due = followups.due_followups(local)
    assert len(due) == 3
    assert saver.flush().reason == pending.OFFLINE  # nothing tried while away
    restore(terminal, network)
    flushed = saver.flush()
    assert [s.tap.uid for s in flushed.saved] == [t.uid for t in made]
    assert flushed.waiting == 0 and not flushed.failed
    rows = server_incidents(server_ctx)
    assert [r["uid"] for r in rows] == [t.uid for t in made]
    assert [r["occurred_at"] for r in rows] == [pending.to_iso(t.tapped_at) for t in made]
    assert [r["table_ref"] for r in rows] == ["1", "2", "3"]
    assert terminal.db.copy["incidents"].count == 0  # sent: gone from the copy
    # Sent again (a crash before the outbox forgot it): recognised, not written twice.
    again = pending.apply(terminal, made[0])
    assert again.incident.id == rows[0]["id"] and len(server_incidents(server_ctx)) == 3


def test_a_tap_whose_write_landed_before_the_connection_broke_is_written_once(
        terminal, network, server_ctx):
    saver = pending.TapSaver.for_database(terminal)
    one = tap(terminal)
    pending.apply(server_ctx, one)  # the server committed it ...
    cut(terminal, network)          # ... and the answer never came back
    saver._keep_offline(one, checked=True)
    restore(terminal, network)
    assert len(saver.flush().saved) == 1
    assert len(server_incidents(server_ctx)) == 1


def test_new_taps_queue_behind_those_kept_while_away(terminal, network, server_ctx):
    saver = pending.TapSaver.for_database(terminal)
    cut(terminal, network)
    first = tap(terminal, table_ref="first")
    saver.submit(first)
    restore(terminal, network)
    second = tap(terminal, table_ref="second")
    assert isinstance(saver.submit(second), pending.Kept)  # behind the first
    saver.flush()
    assert [r["table_ref"] for r in server_incidents(server_ctx)] == ["first", "second"]


def test_undo_of_a_kept_tap_takes_it_out_of_the_outbox_and_the_copy(terminal, network,
                                                                    server_ctx):
    saver = pending.TapSaver.for_database(terminal)
    cut(terminal, network)
    one = tap(terminal)
    saver.submit(one)
    assert saver.cancel(one.uid)
    assert saver.count() == 0 and terminal.db.copy["incidents"].count == 0
    restore(terminal, network)
    saver.flush()
    assert server_incidents(server_ctx) == []


# -- approvals while away ------------------------------------------------------------------------

def test_offline_approval_with_a_managers_pin_is_sent_with_that_approval(
        terminal, network, server_ctx):
    people = ids(server_ctx)
    saver = pending.TapSaver.for_database(terminal)
    cut(terminal, network)
    refund = (("refund", None),)
    with pytest.raises(ApprovalRequired):  # the rule runs on the copy: a PIN is needed
        saver.submit(tap(terminal, remedies=refund, staff_id=people["Sam"]))
    assert saver.count() == 0
    grant = offline.authorize(terminal, MANAGER_PIN, "counter", exclude=people["Sam"])
    assert grant.staff_id == people["Marco"]
    kept = saver.submit(tap(terminal, remedies=refund, staff_id=people["Sam"], grant=grant))
    assert isinstance(kept, pending.Kept)
    restore(terminal, network)
    flushed = saver.flush()
    assert len(flushed.saved) == 1 and not flushed.failed
    given = flushed.saved[0].logged.incident.remedies
    assert [(r.label, r.approved_by) for r in given] == [("Refund", people["Marco"])]


def test_a_cashier_who_pulls_the_cable_gains_nothing(terminal, network, server_ctx, clock):
    """Offline: a comp above the limit with no PIN, with a wrong PIN, with the PIN of a
    manager deactivated meanwhile, and a tap put into the outbox by hand: nothing of it is
    given; what reached the outbox goes to the manager, in the audit log."""
    people = ids(server_ctx)
    saver = pending.TapSaver.for_database(terminal)
    comp = (("comp_item", 120_000),)  # 1,200 kr: above the cashier's and the manager's limit
    cut(terminal, network)
    # 1. No PIN: refused at the counter, nothing kept.
    with pytest.raises(ApprovalRequired) as needed:
        saver.submit(tap(terminal, remedies=comp, staff_id=people["Sam"]))
    assert needed.value.role is Role.OWNER
    # 2. Wrong PINs: refused, and counted toward the lockout here as on the server.
    for left in (4, 3, 2, 1):
        with pytest.raises(PinRejected) as wrong:
            offline.authorize(terminal, "0000", "counter", min_role=Role.OWNER)
        assert wrong.value.attempts_left == left
    with pytest.raises(ApprovalLocked):
        offline.authorize(terminal, "0000", "counter", min_role=Role.OWNER)
    with pytest.raises(ApprovalLocked):  # even the right PIN waits out the lock
        offline.authorize(terminal, OWNER_PIN, "counter", min_role=Role.OWNER)
    clock.advance(seconds=61)
    # 3. A manager's PIN does not approve what needs the owner.
    with pytest.raises(PinRejected):
        offline.authorize(terminal, MANAGER_PIN, "counter", min_role=Role.OWNER)
    # 4. The manager was deactivated on the server after this terminal's copy was made: his
    #    PIN still opens the copy, but the approval is checked again when it is sent.
    server_ctx.db.execute("UPDATE staff SET active = 0 WHERE id = ?", [people["Marco"]])
    small = (("refund", None),)
    grant = offline.authorize(terminal, MANAGER_PIN, "counter", exclude=people["Sam"])
    kept = saver.submit(tap(terminal, remedies=small, staff_id=people["Sam"], grant=grant))
    assert isinstance(kept, pending.Kept)
    # 5. A tap put into the outbox by hand, with no approval at all.
    forged = tap(terminal, remedies=comp, staff_id=people["Sam"])
    saver._keep(forged, pending.OFFLINE)
    restore(terminal, network)
    flushed = saver.flush()
    assert flushed.waiting == 0 and not flushed.saved
    assert [f.tap.uid for f in flushed.failed] == [kept.tap.uid, forged.uid]
    assert "needs a manager's or owner's PIN" in flushed.failed[0].message
    assert "needs the owner's PIN" in flushed.failed[1].message
    assert server_incidents(server_ctx) == []  # nothing given
    refused = refused_entries(server_ctx)
    assert [(r["uid"], r["category_label"]) for r in refused] == [
        (kept.tap.uid, "Cold food"), (forged.uid, "Cold food")]
    assert refused[0]["approved_by"] == people["Marco"]


def test_limits_lowered_on_the_server_hold_for_an_approval_given_offline(
        terminal, network, server_ctx):
    people = ids(server_ctx)
    saver = pending.TapSaver.for_database(terminal)
    cut(terminal, network)
    comp = (("comp_item", 50_000),)  # 500 kr: a manager approves it under today's limits
    grant = offline.authorize(terminal, MANAGER_PIN, "counter", exclude=people["Sam"])
    assert isinstance(saver.submit(tap(terminal, remedies=comp, staff_id=people["Sam"],
                                       grant=grant)), pending.Kept)
    with server_ctx.db.atomic():  # meanwhile the owner lowers the manager limit to 400 kr
        write_settings(server_ctx.db, server_ctx.store_id, {"manager_limit": 40_000})
    restore(terminal, network)
    flushed = saver.flush()
    assert not flushed.saved and len(flushed.failed) == 1
    assert "owner's PIN" in flushed.failed[0].message
    assert server_incidents(server_ctx) == []
    assert len(refused_entries(server_ctx)) == 1


def test_a_manager_deactivated_before_the_copy_was_made_cannot_approve_offline(
        server_ctx, pg_url, clock, tmp_path, network):
    people = ids(server_ctx)
    server_ctx.db.execute("UPDATE staff SET active = 0 WHERE id = ?", [people["Marco"]])
    handle = Failover.open(pg_url, tmp_path, connect=network.connect,
                           monotonic=lambda: network.ticks)
    terminal = Context(handle, clock)
    try:
        cut(terminal, network)
        with pytest.raises(PinRejected):
            offline.authorize(terminal, MANAGER_PIN, "counter")
    finally:
        handle.close()


def test_the_lockout_on_the_copy_is_its_own_and_the_server_audit_log_is_untouched(
        terminal, network, server_ctx):
    cut(terminal, network)
    with pytest.raises(PinRejected):
        offline.authorize(terminal, "0000", "counter")
    local = offline.local_context(terminal)
    assert approval._failures_in_a_row(local) == 1
    actions = [r["action"] for r in server_ctx.db.query("SELECT action FROM audit_log")]
    assert "approval.pin_failed" not in actions


def test_sent_taps_keep_the_time_of_the_tap_even_hours_later(terminal, network, server_ctx,
                                                             clock):
    saver = pending.TapSaver.for_database(terminal)
    cut(terminal, network)
    one = tap(terminal)
    saver.submit(one)
    clock.advance(hours=3)
    restore(terminal, network)
    saver.flush()
    row = server_incidents(server_ctx)[0]
    assert row["occurred_at"] == pending.to_iso(one.tapped_at)
    followup = list(server_ctx.db.query("SELECT due_at FROM followups"))[0]
    assert followup["due_at"] == pending.to_iso(one.tapped_at + timedelta(minutes=5))
