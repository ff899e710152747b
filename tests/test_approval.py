"""Manager PINs: scrypt storage, approval, and the lockout after five wrong PINs."""

from __future__ import annotations

import pytest

from app import approval, staff
from app.errors import ApprovalLocked, PinRejected, ValidationError
from app.models import Role
from tests.conftest import MANAGER_PIN, OWNER_PIN


def test_pin_is_stored_only_as_a_salted_scrypt_hash(ctx, people):
    row = ctx.db["staff"].get(people["Marco"])
    assert MANAGER_PIN not in row["pin_hash"] and row["pin_hash"].startswith("scrypt$")
    assert len(bytes.fromhex(row["pin_salt"])) == 16
    # The same PIN with another salt gives another hash.
    assert staff.hash_pin(MANAGER_PIN, b"x" * 16) != row["pin_hash"]


def test_manager_and_owner_pins_approve_and_the_approver_is_recorded(ctx, people):
    assert approval.authorize(ctx, MANAGER_PIN).staff_id == people["Marco"]
    assert approval.authorize(ctx, OWNER_PIN).staff_id == people["Ingrid"]
    ok = list(ctx.db["audit_log"].rows_where("action = 'approval.pin_ok'"))
    assert [r["staff_id"] for r in ok] == [people["Marco"], people["Ingrid"]]


def test_a_cashier_pin_does_not_approve(ctx, people):
    staff.set_pin(ctx, people["Sam"], "2580", by=people["Ingrid"])
    with pytest.raises(PinRejected, match="4 tries left"):
        approval.authorize(ctx, "2580")


def test_five_wrong_pins_lock_approval_for_60_seconds(ctx, clock):
    for left in (4, 3, 2, 1):
        with pytest.raises(PinRejected) as caught:
            approval.authorize(ctx, "9999")
        assert caught.value.attempts_left == left
    with pytest.raises(ApprovalLocked, match="60 seconds"):
        approval.authorize(ctx, "9999")
    clock.advance(seconds=30)
    with pytest.raises(ApprovalLocked, match="30 more seconds"):
        approval.authorize(ctx, MANAGER_PIN)  # even the right PIN waits
    clock.advance(seconds=31)
    assert approval.authorize(ctx, MANAGER_PIN).staff_name == "Marco"


def test_lockout_survives_a_restart(ctx, clock):
    for _attempt in range(4):
        with pytest.raises(PinRejected):
            approval.authorize(ctx, "0000")
    with pytest.raises(ApprovalLocked):
        approval.authorize(ctx, "0000")
    # The state lives in the audit log, not in memory.
    assert approval.locked_until(ctx) is not None


def test_a_right_pin_resets_the_count_of_wrong_ones(ctx):
    for _attempt in range(4):
        with pytest.raises(PinRejected):
            approval.authorize(ctx, "1111")
    approval.authorize(ctx, OWNER_PIN)
    with pytest.raises(PinRejected) as caught:
        approval.authorize(ctx, "1111")
    assert caught.value.attempts_left == 4


@pytest.mark.parametrize("pin", ["0000", "1234", "9876", "12", "123456789", "12a4", ""])
def test_trivial_or_malformed_pins_are_refused(ctx, people, pin):
    with pytest.raises(ValidationError) as caught:
        staff.set_pin(ctx, people["Sam"], pin, by=people["Ingrid"])
    assert caught.value.field == "pin"
    assert ctx.db["staff"].get(people["Sam"])["pin_hash"] is None


def test_managers_need_a_pin(ctx):
    with pytest.raises(ValidationError, match="need a PIN"):
        staff.add_staff(ctx, "Aisha", Role.MANAGER)
    assert [m.name for m in staff.list_staff(ctx)] == ["Ingrid", "Marco", "Sam"]
