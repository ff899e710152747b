"""Approvals made while the server is away are proven (app.approval_proof): the terminal
signs each approval with the approver's key derived from the PIN typed, the server checks it
with its own copy of the key when the outbox is sent, and the terminal's files cannot make
a proof. Real PostgreSQL, as tests/test_offline.py (whose fixtures these are)."""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest

from app import approval_proof, offline, pending, staff
from app.approval_proof import ApprovalNotProven, NoApprovalKey
from app.clock import to_iso
from app.context import Context
from db.failover import Failover
from tests import test_offline as base
from tests.conftest import MANAGER_PIN, OWNER_PIN
from tests.test_offline import cut, ids, refused_entries, restore, server_incidents, tap

# The terminal, its network and the store on the server: tests/test_offline.py's fixtures.
server_ctx, network, terminal = base.server_ctx, base.network, base.terminal

pytestmark = pytest.mark.postgresql

COMP = (("comp_item", 50_000),)  # 500 kr: above the cashier's limit, a manager approves it
NOT_PROVEN = "could not be proven"


def outbox_rows(terminal: Context) -> list[dict]:
    conn = sqlite3.connect(terminal.db.outbox_file)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM outbox ORDER BY seq")]
    finally:
        conn.close()


def write_into_outbox(terminal: Context, payload: dict, uid: str | None = None,
                      at: str | None = None) -> str:
    """What a cashier with the OS account can do: a row added with plain sqlite3."""
    uid = uid or str(uuid.uuid4())
    conn = sqlite3.connect(terminal.db.outbox_file)
    try:
        conn.execute("INSERT INTO outbox (uid, kind, store_id, tapped_at, payload, last_error) "
                     "VALUES (?, 'incident.log', 1, ?, ?, 'offline: by hand')",
                     [uid, at or terminal.now_iso(), json.dumps(payload)])
        conn.commit()
    finally:
        conn.close()
    return uid


def comps_on_server(server_ctx: Context) -> list[dict]:
    return list(server_ctx.db.query(
        "SELECT r.amount_minor, r.approved_by FROM incident_remedies r "
        "JOIN remedies m ON m.id = r.remedy_id WHERE m.code = 'comp_item'"))


def kept_approved_comp(terminal: Context, people: dict, pin: str = MANAGER_PIN,
                       **details) -> pending.PendingTap:
    """An honest comp at the counter while away: the manager types the PIN."""
    saver = pending.TapSaver.for_database(terminal)
    grant = offline.authorize(terminal, pin, "counter", exclude=people["Sam"])
    one = tap(terminal, remedies=COMP, staff_id=people["Sam"], grant=grant, **details)
    assert isinstance(saver.submit(one), pending.Kept)
    saver.close()
    return one


# -- the key ------------------------------------------------------------------------------------

def test_the_approval_key_is_kept_on_the_server_and_never_in_the_terminals_copy(
        terminal, network, server_ctx):
    people = ids(server_ctx)
    keys = list(server_ctx.db.query("SELECT staff_id, kdf, approval_key FROM approval_keys"))
    assert {k["staff_id"] for k in keys} == {people["Ingrid"], people["Marco"]}
    copy = terminal.db.copy
    assert copy["approval_keys"].count == 0
    copied = {r["id"]: r["approval_kdf"] for r in copy.query("SELECT * FROM staff")}
    assert {k["staff_id"]: k["kdf"] for k in keys} == {
        i: kdf for i, kdf in copied.items() if kdf}
    # The salt is its own, not the PIN hash's; the key's bytes are nowhere on the terminal.
    marco = [r for r in copy.query("SELECT * FROM staff WHERE id = ?", [people["Marco"]])][0]
    assert marco["pin_salt"] not in marco["approval_kdf"]
    cut(terminal, network)
    kept_approved_comp(terminal, people)
    on_disk = b"".join(p.read_bytes() for p in terminal.db.copy.path.parent.iterdir())
    for key in keys:
        assert bytes.fromhex(key["approval_key"]) not in on_disk
        assert key["approval_key"].encode() not in on_disk


def test_a_key_signs_one_tap_then_is_forgotten(terminal, network, server_ctx):
    people = ids(server_ctx)
    cut(terminal, network)
    grant = offline.authorize(terminal, MANAGER_PIN, "counter", exclude=people["Sam"])
    assert "ApprovalKey" in repr(grant.key) and MANAGER_PIN not in repr(grant)
    first = tap(terminal, remedies=COMP, staff_id=people["Sam"], grant=grant)
    again = tap(terminal, remedies=COMP, staff_id=people["Sam"], grant=grant)
    assert first.payload["approval"]["proof"]["mac"]
    assert "proof" not in again.payload["approval"]
    assert "key" not in first.payload["approval"]


# -- honest approvals ---------------------------------------------------------------------------

def test_an_honest_offline_approval_is_proven_and_applied(terminal, network, server_ctx):
    people = ids(server_ctx)
    cut(terminal, network)
    one = kept_approved_comp(terminal, people)
    kept = outbox_rows(terminal)[0]
    proof = json.loads(kept["payload"])["approval"]["proof"]
    assert set(proof) == {"kdf", "terminal", "mac"} and proof["terminal"] == "Bar"
    restore(terminal, network)
    flushed = pending.TapSaver.for_database(terminal).flush()
    assert [s.tap.uid for s in flushed.saved] == [one.uid] and not flushed.failed
    assert comps_on_server(server_ctx) == [{"amount_minor": 50_000,
                                            "approved_by": people["Marco"]}]
    assert refused_entries(server_ctx) == []


def test_an_approval_given_online_on_a_terminal_and_kept_is_proven_too(
        terminal, network, server_ctx):
    """A tap queued behind kept ones (or whose write broke) was approved on the server:
    it is signed all the same and sent with its proof."""
    people = ids(server_ctx)
    saver = pending.TapSaver.for_database(terminal)
    cut(terminal, network)
    saver.submit(tap(terminal))
    restore(terminal, network)
    grant = offline.authorize(terminal, MANAGER_PIN, "counter", exclude=people["Sam"])
    assert isinstance(saver.submit(tap(terminal, remedies=COMP, staff_id=people["Sam"],
                                       grant=grant)), pending.Kept)  # behind the first
    flushed = saver.flush()
    assert len(flushed.saved) == 2 and not flushed.failed
    assert len(comps_on_server(server_ctx)) == 1


# -- the dishonest cashier ----------------------------------------------------------------------

def test_approvals_written_into_the_outbox_by_hand_are_refused_on_send(
        terminal, network, server_ctx, clock):
    """Right approver name and id, with no proof, a made-up proof, the proof of another
    incident, and an honest row whose amount was raised after it was signed: none of it
    is applied, each goes to the manager; the honest one is applied."""
    people = ids(server_ctx)
    cut(terminal, network)
    honest = kept_approved_comp(terminal, people, table_ref="7")
    signed = json.loads(outbox_rows(terminal)[0]["payload"])
    claimed = dict(signed["approval"])

    def forged(approval: dict | None, amount: int = 90_000) -> dict:
        payload = json.loads(json.dumps(signed))
        payload["remedies"][0][1] = amount
        payload["approval"] = approval
        return payload

    no_proof = write_into_outbox(terminal, forged(
        {k: v for k, v in claimed.items() if k != "proof"}))
    made_up = write_into_outbox(terminal, forged(
        {**claimed, "proof": {**claimed["proof"], "mac": "ab" * 32}}))
    copied = write_into_outbox(terminal, forged(claimed, amount=50_000))  # same proof
    # The honest row itself, its amount raised after signing (same uid, same proof).
    conn = sqlite3.connect(terminal.db.outbox_file)
    conn.execute("UPDATE outbox SET payload = ? WHERE uid = ?",
                 [json.dumps(forged(claimed, amount=95_000)), honest.uid])
    conn.commit()
    conn.close()
    second = kept_approved_comp(terminal, people, table_ref="8")  # honest, applied
    restore(terminal, network)
    flushed = pending.TapSaver.for_database(terminal).flush()
    assert [s.tap.uid for s in flushed.saved] == [second.uid]
    refused = {f.tap.uid: f.message for f in flushed.failed}
    assert set(refused) == {honest.uid, no_proof, made_up, copied}
    assert all(NOT_PROVEN in m and "Marco" in m for m in refused.values())
    assert "no proof" in refused[no_proof]
    assert comps_on_server(server_ctx) == [{"amount_minor": 50_000,
                                            "approved_by": people["Marco"]}]
    assert [r["table_ref"] for r in server_incidents(server_ctx)] == ["8"]
    entries = refused_entries(server_ctx)
    assert {e["uid"] for e in entries} == set(refused)
    assert all(e["approved_by"] == people["Marco"] and NOT_PROVEN in e["message"]
               for e in entries)
    assert [r["state"] for r in outbox_rows(terminal)] == ["failed"] * 4


def test_a_proof_for_another_store_terminal_or_giver_does_not_prove(
        terminal, network, server_ctx):
    people = ids(server_ctx)
    cut(terminal, network)
    kept_approved_comp(terminal, people)
    signed = json.loads(outbox_rows(terminal)[0]["payload"])
    for change in ({"staff_id": people["Ingrid"]},  # another giver
                   {"approval": {**signed["approval"], "proof": {
                       **signed["approval"]["proof"], "terminal": "Kitchen"}}},
                   {"approval": {**signed["approval"], "at": to_iso(
                       terminal.clock.now().replace(microsecond=1))}}):
        payload = {**signed, **change}
        uid = write_into_outbox(terminal, payload)
        with pytest.raises(ApprovalNotProven):
            restore_and_check(terminal, network, uid, payload)


def restore_and_check(terminal: Context, network, uid: str, payload: dict) -> None:
    if terminal.db.away:
        restore(terminal, network)
    approval_proof.check_tap(terminal, uid, payload)


def test_a_tap_already_on_the_server_is_recognised_not_checked_again(
        terminal, network, server_ctx):
    people = ids(server_ctx)
    cut(terminal, network)
    one = kept_approved_comp(terminal, people)
    restore(terminal, network)
    pending.TapSaver.for_database(terminal).flush()
    # The outbox entry comes back (a power cut before it was forgotten), its proof gone.
    bare = {**one.payload, "approval": {k: v for k, v in one.payload["approval"].items()
                                        if k != "proof"}}
    approval_proof.check_tap(terminal, one.uid, bare)  # recognised: no error
    assert len(server_incidents(server_ctx)) == 1


# -- PINs that change ---------------------------------------------------------------------------

def test_a_pin_changed_after_the_approval_keeps_the_approval_proven(
        terminal, network, server_ctx, clock):
    """The key in force at the time of the approval counts."""
    people = ids(server_ctx)
    cut(terminal, network)
    kept_approved_comp(terminal, people)
    clock.advance(minutes=5)
    staff.set_pin(server_ctx, people["Marco"], "2580", by=people["Ingrid"])
    restore(terminal, network)
    flushed = pending.TapSaver.for_database(terminal).flush()
    assert len(flushed.saved) == 1 and not flushed.failed
    keys = list(server_ctx.db.query(
        "SELECT replaced_at FROM approval_keys WHERE staff_id = ? ORDER BY id",
        [people["Marco"]]))
    assert [k["replaced_at"] is None for k in keys] == [False, True]


def test_an_old_pin_used_offline_after_it_was_changed_is_refused(
        terminal, network, server_ctx, clock):
    """The copy still knows the old PIN (it was changed on another counter while this one
    was away): the approval is made with a PIN Marco no longer had, and refused."""
    people = ids(server_ctx)
    cut(terminal, network)
    staff.set_pin(server_ctx, people["Marco"], "2580", by=people["Ingrid"])
    clock.advance(minutes=1)
    kept_approved_comp(terminal, people)
    restore(terminal, network)
    flushed = pending.TapSaver.for_database(terminal).flush()
    assert not flushed.saved
    assert "no longer had" in flushed.failed[0].message
    assert comps_on_server(server_ctx) == []


def send_after_pin_change(terminal, network, server_ctx, clock, people: dict,
                          hours_ago: int) -> pending.Flushed:
    """Five minutes after the kept tap Marco's PIN changes; the counter sends ``hours_ago``
    hours after the change (the server's clock is real: the recorded change moves back)."""
    clock.advance(minutes=5)
    staff.set_pin(server_ctx, people["Marco"], "2580", by=people["Ingrid"])
    server_ctx.db.execute("UPDATE approval_keys SET replaced_epoch = replaced_epoch - ? "
                          "WHERE staff_id = ? AND replaced_epoch IS NOT NULL",
                          [hours_ago * 3600, people["Marco"]])
    restore(terminal, network)
    return pending.TapSaver.for_database(terminal).flush()


def test_an_old_pin_proves_approvals_only_within_the_grace_hours_of_its_change(
        terminal, network, server_ctx, clock):
    """Someone who knows Marco's old PIN and holds the counter's files can make an approval
    dated before the change, at any time after it. The server counts the hours since the
    change on its own clock: a day later, the old PIN proves nothing."""
    people = ids(server_ctx)
    cut(terminal, network)
    kept_approved_comp(terminal, people)
    flushed = send_after_pin_change(terminal, network, server_ctx, clock, people, 25)
    assert not flushed.saved
    assert "changed more than 24 hours before it was sent" in flushed.failed[0].message
    assert comps_on_server(server_ctx) == []


def test_the_owner_sets_how_long_an_old_pin_proves(terminal, network, server_ctx, clock):
    from app import store_admin

    people = ids(server_ctx)
    store_admin.update_settings(server_ctx, people["Ingrid"], {"old_pin_grace_hours": 48})
    cut(terminal, network)
    kept_approved_comp(terminal, people)
    flushed = send_after_pin_change(terminal, network, server_ctx, clock, people, 25)
    assert len(flushed.saved) == 1 and not flushed.failed
    assert comps_on_server(server_ctx) == [{"amount_minor": 50_000,
                                            "approved_by": people["Marco"]}]


def test_a_giver_proven_by_an_old_pin_past_its_hours_counts_as_a_cashier(
        terminal, network, server_ctx, clock):
    people = ids(server_ctx)
    cut(terminal, network)
    kept_tap_given_by_marco(terminal, people)
    flushed = send_after_pin_change(terminal, network, server_ctx, clock, people, 30)
    assert not flushed.saved and "counts as given by a cashier" in flushed.failed[0].message
    assert remakes_on_server(server_ctx) == []


# -- staff from before approval keys ------------------------------------------------------------

@pytest.fixture
def before_keys(server_ctx) -> Context:
    """The store as the upgrade finds it: PINs, but no approval keys yet."""
    server_ctx.db.execute("DELETE FROM approval_keys")
    server_ctx.db.execute("UPDATE staff SET approval_kdf = NULL")
    return server_ctx


def test_an_approver_without_a_key_cannot_approve_offline_and_is_told_why(
        before_keys, pg_url, clock, tmp_path, network):
    server_ctx = before_keys
    people = ids(server_ctx)
    handle = Failover.open(pg_url, tmp_path, connect=network.connect,
                           monotonic=lambda: network.ticks)
    terminal = Context(handle, clock)
    try:
        cut(terminal, network)
        with pytest.raises(NoApprovalKey) as refused:
            offline.authorize(terminal, MANAGER_PIN, "counter", exclude=people["Sam"])
        assert "Marco cannot approve offline yet" in str(refused.value)
        assert server_ctx.db["approval_keys"].count == 0
        # Typed once with the server there (any PIN check: here a sign-in), Marco has a key,
        # and the next copy of the store knows how to derive it.
        restore(terminal, network)
        offline.sign_in_check(terminal, people["Marco"], MANAGER_PIN)
        assert [k["staff_id"] for k in server_ctx.db.query(
            "SELECT staff_id FROM approval_keys")] == [people["Marco"]]
        terminal.db.refresh_copy()
        assert terminal.db.copy["approval_keys"].count == 0
        cut(terminal, network)
        one = kept_approved_comp(terminal, people)
        restore(terminal, network)
        flushed = pending.TapSaver.for_database(terminal).flush()
        assert [s.tap.uid for s in flushed.saved] == [one.uid]
        # The owner, whose PIN was not typed since, still cannot approve offline.
        cut(terminal, network)
        with pytest.raises(NoApprovalKey):
            offline.authorize(terminal, OWNER_PIN, "counter", exclude=people["Sam"])
    finally:
        handle.close()


# -- who gave it --------------------------------------------------------------------------------

GIVER_NOT_PROVEN = "was signed in on the terminal"
# A 500 kr remake: above the cashier's limit (300 kr), within the manager's own (1,000 kr),
# and the remake has no threshold of its own: Marco gives it without anyone's approval.
REMAKE = (("remake", 50_000),)


def remakes_on_server(server_ctx: Context) -> list[int]:
    return sorted(r["amount_minor"] for r in server_ctx.db.query(
        "SELECT r.amount_minor FROM incident_remedies r "
        "JOIN remedies m ON m.id = r.remedy_id WHERE m.code = 'remake'"))


def kept_tap_given_by_marco(terminal: Context, people: dict, **details) -> pending.PendingTap:
    """Marco signs in at the counter while away and gives a comp within his own limit."""
    offline.sign_in_check(terminal, people["Marco"], MANAGER_PIN)
    one = tap(terminal, remedies=REMAKE, staff_id=people["Marco"], **details)
    saver = pending.TapSaver.for_database(terminal)
    assert isinstance(saver.submit(one), pending.Kept)
    saver.close()
    return one


def test_a_manager_who_signed_in_proves_the_taps_he_gives(terminal, network, server_ctx):
    people = ids(server_ctx)
    cut(terminal, network)
    one = kept_tap_given_by_marco(terminal, people)
    proof = json.loads(outbox_rows(terminal)[0]["payload"])["giver_proof"]
    assert set(proof) == {"kdf", "terminal", "mac"} and proof["terminal"] == "Bar"
    restore(terminal, network)
    flushed = pending.TapSaver.for_database(terminal).flush()
    assert [s.tap.uid for s in flushed.saved] == [one.uid] and not flushed.failed
    assert remakes_on_server(server_ctx) == [50_000]


def test_a_manager_named_as_giver_by_hand_gives_nothing(terminal, network, server_ctx):
    """A cashier with the OS account writes taps that name Marco as the giver of a 500 kr
    remake, within Marco's own limit (so no approval is asked): with no proof, a proof made
    up, the proof of another tap, and Marco's honest tap with its amount raised. None is
    applied; each goes to the manager. Marco's honest tap and a cashier's small one are."""
    people = ids(server_ctx)
    cut(terminal, network)
    honest = kept_tap_given_by_marco(terminal, people, table_ref="7")
    signed = json.loads(outbox_rows(terminal)[0]["payload"])
    offline.sign_in_check(terminal, people["Marco"], MANAGER_PIN)
    second = kept_tap_given_by_marco(terminal, people, table_ref="8")

    def by_hand(proof: dict | None, amount: int = 60_000) -> dict:
        payload = json.loads(json.dumps(signed))
        payload["remedies"][0][1] = amount
        payload.pop("giver_proof")
        if proof is not None:
            payload["giver_proof"] = proof
        return payload

    no_proof = write_into_outbox(terminal, by_hand(None))
    made_up = write_into_outbox(terminal, by_hand({**signed["giver_proof"], "mac": "cd" * 32}))
    copied = write_into_outbox(terminal, by_hand(signed["giver_proof"], amount=50_000))
    conn = sqlite3.connect(terminal.db.outbox_file)
    conn.execute("UPDATE outbox SET payload = ? WHERE uid = ?",
                 [json.dumps(by_hand(signed["giver_proof"], amount=90_000)), honest.uid])
    conn.commit()
    conn.close()
    small = tap(terminal, remedies=(("remake", 2_000),), staff_id=people["Sam"])
    assert isinstance(pending.TapSaver.for_database(terminal).submit(small), pending.Kept)
    restore(terminal, network)
    flushed = pending.TapSaver.for_database(terminal).flush()
    assert [s.tap.uid for s in flushed.saved] == [second.uid, small.uid]
    refused = {f.tap.uid: f.message for f in flushed.failed}
    assert set(refused) == {honest.uid, no_proof, made_up, copied}
    needs = "Remake needs a manager's or owner's PIN"
    assert all(GIVER_NOT_PROVEN in m and "Marco" in m and needs in m for m in refused.values())
    assert remakes_on_server(server_ctx) == [2_000, 50_000]
    assert {e["uid"] for e in refused_entries(server_ctx)} == set(refused)


def test_a_manager_named_as_giver_with_a_proven_approval_is_applied(
        terminal, network, server_ctx):
    """Without Marco's sign-in, the tap is checked as a cashier's: an approval by Ingrid,
    proven, is what a cashier's comp needs, so it is applied."""
    people = ids(server_ctx)
    cut(terminal, network)
    grant = offline.authorize(terminal, OWNER_PIN, "counter", exclude=people["Marco"])
    one = tap(terminal, remedies=REMAKE, staff_id=people["Marco"], grant=grant)
    assert "giver_proof" not in one.payload
    assert isinstance(pending.TapSaver.for_database(terminal).submit(one), pending.Kept)
    restore(terminal, network)
    flushed = pending.TapSaver.for_database(terminal).flush()
    assert [s.tap.uid for s in flushed.saved] == [one.uid] and not flushed.failed


def test_the_giver_key_signs_only_the_signed_in_persons_taps(terminal, network, server_ctx):
    people = ids(server_ctx)
    cut(terminal, network)
    offline.sign_in_check(terminal, people["Marco"], MANAGER_PIN)
    assert "giver_proof" in tap(terminal, staff_id=people["Marco"]).payload
    assert "giver_proof" not in tap(terminal, staff_id=people["Ingrid"]).payload
    offline.sign_in_check(terminal, people["Ingrid"], OWNER_PIN)  # Ingrid takes over
    assert "giver_proof" not in tap(terminal, staff_id=people["Marco"]).payload
    assert "giver_proof" in tap(terminal, staff_id=people["Ingrid"]).payload
