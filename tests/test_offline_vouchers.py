"""A voucher redeemed on a terminal whose server is away (app.offline_vouchers): checked
against the terminal's copy, kept in the outbox with a terminal-made uid, applied once when
sent - or, when it was redeemed elsewhere first (or is unknown, cancelled, expired), not
applied: the manager is told who redeemed it offline, when and where, and who was first.
Real PostgreSQL; the server "goes away" for one terminal alone (tests/test_offline.py)."""

from __future__ import annotations

import json

import pytest

from app import catalog, incidents, offline_vouchers, pending, staff, vouchers
from app.cli_offline import report, send_all
from app.context import Context
from app.errors import NotFound, StateError
from app.models import RemedyRequest, Role
from app.setup import init_store
from db.connection import open_database, tap_transaction
from db.failover import Failover
from tests.conftest import MANAGER_PIN, OWNER_PIN
from tests.test_offline import Network, cut, restore, tap

pytestmark = pytest.mark.postgresql


@pytest.fixture
def server_ctx(pg_url, clock) -> Context:
    """The store on the server, as a counter that stays online ("Bar") sees it."""
    ctx = make_store(Context(open_database(pg_url), clock, terminal="Bar"))
    yield ctx
    ctx.db.close()


def make_store(ctx: Context) -> Context:
    """Fjord Kafé with Ingrid (owner), Marco (manager), Sam and Kari (cashiers)."""
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    staff.add_staff(ctx, "Kari", Role.CASHIER)
    return ctx


def _open(pg_url, clock, folder, network: Network, name: str) -> Context:
    handle = Failover.open(pg_url, folder, connect=network.connect,
                           monotonic=lambda: network.ticks)
    return Context(handle, clock, terminal=name)


@pytest.fixture
def net_a() -> Network:
    return Network()


@pytest.fixture
def net_b() -> Network:
    return Network()


@pytest.fixture
def terminal_a(server_ctx, pg_url, clock, tmp_path, net_a):
    ctx = _open(pg_url, clock, tmp_path / "a", net_a, "Counter A")
    yield ctx
    ctx.db.close()


@pytest.fixture
def terminal_b(server_ctx, pg_url, clock, tmp_path, net_b):
    ctx = _open(pg_url, clock, tmp_path / "b", net_b, "Counter B")
    yield ctx
    ctx.db.close()


def people(ctx: Context) -> dict[str, int]:
    return {m.name: m.id for m in staff.list_staff(ctx)}


def give_voucher(ctx: Context) -> str:
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "long_wait").id,
        staff_id=people(ctx)["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "voucher").id)])
    return logged.voucher_codes[0]


def voucher_row(server_ctx: Context, code: str) -> dict:
    return next(iter(server_ctx.db.query(
        "SELECT v.*, t.name AS terminal FROM vouchers v "
        "LEFT JOIN terminals t ON t.id = v.redeemed_terminal_id WHERE v.code = ?", [code])))


def audit_rows(server_ctx: Context, action: str) -> list[dict]:
    return [json.loads(r["detail"]) for r in server_ctx.db.query(
        "SELECT detail FROM audit_log WHERE action = ? ORDER BY id", [action])]


def send(ctx: Context) -> pending.Flushed:
    saver = pending.TapSaver.for_database(ctx)
    try:
        return send_all(saver)
    finally:
        saver.close()


def waiting(ctx: Context) -> int:
    saver = pending.TapSaver.for_database(ctx)
    try:
        return saver.count()
    finally:
        saver.close()


def refreshed(terminal: Context, network: Network) -> None:
    """The terminal reconnects (its copy is refreshed) - as at its start or after an outage."""
    terminal.db.refresh_copy()


# -- at the counter ---------------------------------------------------------------------------

def test_a_voucher_redeemed_offline_is_accepted_kept_and_applied_once_with_its_time(
        server_ctx, terminal_a, net_a, clock):
    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a)
    clock.advance(days=3)
    redeemed_at = clock.now()
    sam = people(server_ctx)["Sam"]
    done = vouchers.redeem(terminal_a, code.lower(), sam)
    assert done.offline and done.code == code and done.category_label == "Long wait"
    assert offline_vouchers.redeemed_offline_text(terminal_a, done) == (
        f"Redeemed — will be confirmed when the server is back. Voucher {code} for "
        "100,00\u00a0kr: the guest came back after “Long wait” on 16. nov. 2026.")
    assert waiting(terminal_a) == 1
    assert voucher_row(server_ctx, code)["redeemed_at"] is None  # not sent yet
    with pytest.raises(StateError, match="already redeemed on this counter"):
        vouchers.redeem(terminal_a, code, sam)  # the same counter cannot redeem it twice
    assert waiting(terminal_a) == 1

    clock.advance(minutes=40)
    restore(terminal_a, net_a)
    flushed = send(terminal_a)
    assert [r.code for r in flushed.redeemed] == [code] and not flushed.failed
    row = voucher_row(server_ctx, code)
    assert row["redeemed_at"] == redeemed_at.isoformat()  # when the guest was there
    assert row["redeemed_by"] == sam and row["terminal"] == "Counter A"
    assert [e["code"] for e in audit_rows(server_ctx, "voucher.redeemed")] == [code]
    assert send(terminal_a).redeemed == [] and waiting(terminal_a) == 0


def test_redeemed_offline_on_a_and_online_on_b_one_redemption_and_the_manager_is_told(
        server_ctx, terminal_a, net_a, clock, capsys):
    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    who = people(server_ctx)
    cut(terminal_a, net_a)
    clock.advance(days=2)
    vouchers.redeem(terminal_a, code, who["Sam"])  # offline on A, 16 Nov 12:00 → 18 Nov
    kept_after = tap(terminal_a, "cold_food")  # the rest of the outbox must keep going
    assert isinstance(pending.TapSaver.for_database(terminal_a).submit(kept_after),
                      pending.Kept)
    clock.advance(minutes=5)
    vouchers.redeem(server_ctx, code, who["Marco"])  # online at the bar, 5 minutes later

    clock.advance(minutes=30)
    restore(terminal_a, net_a)
    flushed = send(terminal_a)
    assert not flushed.waiting and [s.tap.uid for s in flushed.saved] == [kept_after.uid]
    assert len(flushed.failed) == 1
    message = flushed.failed[0].message
    assert message == (
        f"Sam redeemed voucher {code} (100,00\u00a0kr) on Counter A on 18. nov. 2026 at 12:00 "
        "while the server was away. It was not applied: Marco had already redeemed it on "
        "18. nov. 2026 at 12:05 (Bar). The guest may have been given its value twice.")
    row = voucher_row(server_ctx, code)
    assert row["redeemed_by"] == who["Marco"] and row["terminal"] == "Bar"  # one redemption
    assert len(audit_rows(server_ctx, "voucher.redeemed")) == 1
    [entry] = audit_rows(server_ctx, "outbox.refused")
    assert entry["kind"] == "voucher.redeem" and entry["message"] == message
    assert entry["first_by"] == "Marco" and entry["terminal"] == "Counter A"

    # The manager sees it on the follow-up page, on every terminal, until marked seen.
    [shown] = offline_vouchers.refused(server_ctx)
    assert shown.message == message and shown.code == code
    assert [r.message for r in offline_vouchers.refused(terminal_a)] == [message]
    offline_vouchers.mark_seen(server_ctx, shown.id, who["Marco"])
    assert offline_vouchers.refused(server_ctx) == []
    assert len(audit_rows(server_ctx, "voucher.refusal_seen")) == 1

    # comeback sync's report lists it among what could not be sent.
    report(terminal_a, flushed)
    out = capsys.readouterr().out
    assert "Could not apply 1 voucher redeemed on this terminal; the manager finds it on the " \
           "follow-up page and in the audit log:" in out
    assert "Could not send" not in out
    assert f"  {message}" in out


def test_the_audit_log_says_it_in_a_sentence(server_ctx, terminal_a, net_a, clock):
    from app import audit
    from app.audit_sentences import sentence

    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a)
    vouchers.redeem(terminal_a, code, people(server_ctx)["Sam"])
    vouchers.redeem(server_ctx, code, None)
    restore(terminal_a, net_a)
    send(terminal_a)
    entry = next(e for e in audit.entries(server_ctx) if e["action"] == "outbox.refused")
    text = sentence(entry, server_ctx.settings(), people(server_ctx))
    assert text.startswith(f"Not applied, sent at 12:00: Sam redeemed voucher {code}")
    assert "It was not applied: someone had already redeemed it" in text


def test_two_offline_terminals_redeem_the_same_voucher_the_first_to_send_wins(
        server_ctx, terminal_a, terminal_b, net_a, net_b, clock):
    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    refreshed(terminal_b, net_b)
    who = people(server_ctx)
    cut(terminal_a, net_a)
    cut(terminal_b, net_b)
    clock.advance(hours=1)
    assert vouchers.redeem(terminal_a, code, who["Sam"]).offline  # A first, at 13:00
    clock.advance(minutes=10)
    assert vouchers.redeem(terminal_b, code, who["Kari"]).offline  # then B, at 13:10
    restore(terminal_b, net_b)  # but B's network is back first
    assert [r.code for r in send(terminal_b).redeemed] == [code]
    restore(terminal_a, net_a)
    flushed = send(terminal_a)
    assert flushed.redeemed == [] and len(flushed.failed) == 1
    assert "It was not applied: Kari had already redeemed it on 16. nov. 2026 at 13:10 " \
           "(Counter B)" in flushed.failed[0].message
    assert flushed.failed[0].message.startswith(f"Sam redeemed voucher {code}")
    row = voucher_row(server_ctx, code)
    assert row["redeemed_by"] == who["Kari"] and row["terminal"] == "Counter B"
    assert len(audit_rows(server_ctx, "voucher.redeemed")) == 1
    assert len(audit_rows(server_ctx, "outbox.refused")) == 1
    assert len(offline_vouchers.refused(server_ctx)) == 1


@pytest.mark.parametrize("wins", [True, False])
def test_a_resend_after_a_crash_mid_send_is_applied_once(server_ctx, terminal_a, net_a,
                                                         clock, wins):
    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a)
    vouchers.redeem(terminal_a, code, people(server_ctx)["Sam"])
    if not wins:
        vouchers.redeem(server_ctx, code, None)  # redeemed at the bar meanwhile
    restore(terminal_a, net_a)
    # The server takes the entry, then the terminal dies before it clears its outbox.
    saver = pending.TapSaver.for_database(terminal_a)
    [kept] = saver.waiting()
    with tap_transaction(terminal_a.db, 1.0, 0.001):
        first = pending.apply(terminal_a, kept)
    saver.close()
    assert first.applied is wins and waiting(terminal_a) == 1
    flushed = send(terminal_a)  # the next start sends it again: recognised
    assert waiting(terminal_a) == 0
    if wins:
        assert [r.again for r in flushed.redeemed] == [True]
    else:
        assert [f.message for f in flushed.failed] == [first.message]
    assert server_ctx.db.execute("SELECT count(*) FROM offline_redemptions").fetchone()[0] == 1
    assert len(audit_rows(server_ctx, "voucher.redeemed")) == (1 if wins else 1)
    assert len(audit_rows(server_ctx, "outbox.refused")) == (0 if wins else 1)


def test_a_voucher_unknown_to_the_copy_is_refused_at_the_counter(server_ctx, terminal_a,
                                                                 net_a):
    refreshed(terminal_a, net_a)
    later = give_voucher(server_ctx)  # given at the bar after A's copy was made
    cut(terminal_a, net_a)
    with pytest.raises(NotFound) as error:
        vouchers.redeem(terminal_a, later, None)
    assert str(error.value) == (
        f"Voucher {later} is not known on this counter, and the server cannot be reached to "
        "check it. Nothing was redeemed: try again when the server is back.")
    assert waiting(terminal_a) == 0
    restore(terminal_a, net_a)  # the refreshed copy knows it now; online it just works
    assert not vouchers.redeem(terminal_a, later, None).offline


def test_an_expired_voucher_is_refused_offline_with_the_usual_message(server_ctx,
                                                                      terminal_a, net_a,
                                                                      clock):
    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a)
    clock.advance(days=400)
    with pytest.raises(StateError, match=f"Voucher {code} expired on"):
        vouchers.redeem(terminal_a, code, None)
    assert waiting(terminal_a) == 0


def test_a_voucher_cancelled_on_the_server_meanwhile_is_not_applied(server_ctx, terminal_a,
                                                                    net_a):
    code = give_voucher(server_ctx)
    incident_id = voucher_row(server_ctx, code)["incident_id"]
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a)
    vouchers.redeem(terminal_a, code, None)
    incidents.void_incident(server_ctx, incident_id, None)
    restore(terminal_a, net_a)
    flushed = send(terminal_a)
    assert flushed.failed[0].message.endswith(
        "It was not applied: the voucher was cancelled when its incident was undone.")
    assert flushed.failed[0].message.startswith("Someone redeemed voucher")
    assert voucher_row(server_ctx, code)["redeemed_at"] is None


def test_the_copy_keeps_this_counters_mark_while_its_redemption_waits(server_ctx,
                                                                      terminal_a, net_a):
    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a)
    vouchers.redeem(terminal_a, code, None)
    restore(terminal_a, net_a)  # refreshes the copy; the redemption still waits
    cut(terminal_a, net_a)
    with pytest.raises(StateError, match="already redeemed on this counter"):
        vouchers.redeem(terminal_a, code, None)


def test_a_redemption_that_finds_the_server_gone_is_kept_offline(server_ctx, terminal_a,
                                                                 net_a):
    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a, find_out=False)  # this redemption is what finds out
    done = vouchers.redeem(terminal_a, code, None)
    assert done.offline and terminal_a.db.away and waiting(terminal_a) == 1


def test_comeback_verify_finds_the_record_intact_after_offline_redemptions(
        server_ctx, terminal_a, net_a, clock):
    from app import verify

    applied, refused_code = give_voucher(server_ctx), give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a)
    clock.advance(hours=2)
    vouchers.redeem(terminal_a, applied, people(server_ctx)["Sam"])
    vouchers.redeem(terminal_a, refused_code, None)
    clock.advance(minutes=3)
    vouchers.redeem(server_ctx, refused_code, None)
    clock.advance(hours=1)  # sent an hour after the guest was there
    restore(terminal_a, net_a)
    flushed = send(terminal_a)
    assert len(flushed.redeemed) == 1 and len(flushed.failed) == 1
    verdict = verify.verify(server_ctx, remember=False)
    assert verdict.intact, [p.text for p in verdict.problems]


def test_the_copy_forgets_vouchers_redeemed_or_cancelled_since_it_was_made(
        server_ctx, terminal_a, net_a):
    from app import changes

    here, there, undone = (give_voucher(server_ctx) for _n in range(3))
    refreshed(terminal_a, net_a)
    vouchers.redeem(terminal_a, here, None)  # online, on this counter
    vouchers.redeem(server_ctx, there, None)  # online, at the bar
    incidents.void_incident(server_ctx, voucher_row(server_ctx, undone)["incident_id"], None)
    offline_vouchers.note_changes(terminal_a, changes.since(server_ctx.db, 1, 0))  # the feed
    cut(terminal_a, net_a)
    for code in (here, there, undone):
        with pytest.raises(NotFound, match="is not known on this counter"):
            vouchers.redeem(terminal_a, code, None)
    assert waiting(terminal_a) == 0


def test_a_redemption_the_outbox_cannot_keep_is_not_accepted(server_ctx, terminal_a, net_a,
                                                             monkeypatch):
    import sqlite3

    from db.outbox import Outbox

    code = give_voucher(server_ctx)
    refreshed(terminal_a, net_a)
    cut(terminal_a, net_a)

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(Outbox, "add", full)
        with pytest.raises(pending.NotSavedYet) as error:
            vouchers.redeem(terminal_a, code, None)
    assert "Nothing was saved" in str(error.value)
    assert waiting(terminal_a) == 0
    assert vouchers.redeem(terminal_a, code, None).offline  # not marked: once space is back
