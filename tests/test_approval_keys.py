"""Approval keys on both backends: made when a PIN is set, replaced (not forgotten) when it
changes, made at the first PIN check for staff from before them (app.approval_proof)."""

from __future__ import annotations

import hashlib

import pytest

from app import approval, staff
from app.approval_proof import ApprovalKey, attach_key
from app.errors import PinRejected
from app.models import Role
from tests.conftest import MANAGER_PIN


def keys(ctx, staff_id: int) -> list[dict]:
    return list(ctx.db.query("SELECT * FROM approval_keys WHERE staff_id = ? ORDER BY id",
                             [staff_id]))


def member(ctx, staff_id: int) -> dict:
    return list(ctx.db.query("SELECT * FROM staff WHERE id = ?", [staff_id]))[0]


def test_a_pin_set_makes_an_approval_key_derived_with_its_own_salt(ctx, people):
    row = member(ctx, people["Marco"])
    [key] = keys(ctx, people["Marco"])
    assert key["kdf"] == row["approval_kdf"] and key["replaced_at"] is None
    scheme, n, r, p, salt = row["approval_kdf"].split("$")
    assert scheme == "scrypt" and salt != row["pin_salt"] and len(salt) == 32
    expected = hashlib.scrypt(MANAGER_PIN.encode(), salt=bytes.fromhex(salt), n=int(n),
                              r=int(r), p=int(p), dklen=32)
    assert key["approval_key"] == expected.hex()
    assert key["approval_key"] not in row["pin_hash"]  # the cached hash is not the key
    assert keys(ctx, people["Sam"]) == []  # no PIN, no key


def test_a_new_pin_replaces_the_key_and_keeps_the_old_one_for_earlier_approvals(
        ctx, people, clock):
    clock.advance(minutes=3)
    staff.set_pin(ctx, people["Marco"], "2580", by=people["Ingrid"])
    staff.reset_pin(ctx, people["Marco"], "3691")
    old, middle, new = keys(ctx, people["Marco"])
    assert old["replaced_at"] == ctx.now_iso() and middle["replaced_at"] == ctx.now_iso()
    assert new["replaced_at"] is None and member(ctx, people["Marco"])["approval_kdf"] == \
        new["kdf"]


def test_staff_from_before_approval_keys_get_one_at_their_first_pin_check(ctx, people):
    ctx.db.execute("DELETE FROM approval_keys")
    ctx.db.execute("UPDATE staff SET approval_kdf = NULL")
    with pytest.raises(PinRejected):
        approval.authorize(ctx, "9999", "counter")
    assert ctx.db["approval_keys"].count == 0  # a wrong PIN makes none
    grant = approval.authorize(ctx, MANAGER_PIN, "counter")
    [key] = keys(ctx, people["Marco"])
    assert member(ctx, people["Marco"])["approval_kdf"] == key["kdf"]
    approval.authorize(ctx, MANAGER_PIN, "counter")  # once only
    assert len(keys(ctx, people["Marco"])) == 1
    signed = attach_key(ctx, grant, MANAGER_PIN, away=False)
    assert isinstance(signed.key, ApprovalKey) and signed == grant  # the key is not compared
    assert signed.key.sign(b"x") and signed.key.sign(b"x") is None  # one signature


def test_a_manager_added_later_has_a_key_at_once(ctx, people):
    added, _changes = staff.add_staff(ctx, "Lena", Role.MANAGER, "5173")
    assert len(keys(ctx, added.id)) == 1
