"""Back-office access and staff changes: who may do what, PIN rules, the audit trail."""

from __future__ import annotations

import pytest

from app import admin, approval, audit, staff
from app.catalog import category_by_code, remedy_by_code
from app.errors import PinRejected, ValidationError
from app.incidents import log_incident
from app.models import RemedyRequest, Role
from tests.conftest import MANAGER_PIN, OWNER_PIN


def test_back_office_opens_for_owner_and_manager_pins(ctx, people):
    assert admin.open_back_office(ctx, OWNER_PIN).id == people["Ingrid"]
    assert admin.open_back_office(ctx, MANAGER_PIN).id == people["Marco"]
    assert audit.entries(ctx)[0]["action"] == "backoffice.opened"


def test_back_office_refuses_a_cashiers_pin(ctx, people):
    admin.save_staff(ctx, people["Ingrid"], people["Sam"], name="Sam", role="cashier",
                     pin="5830", pin_confirm="5830")
    with pytest.raises(PinRejected, match="not a manager's or owner's PIN"):
        admin.open_back_office(ctx, "5830")


@pytest.mark.parametrize("area, manager_may", [
    (admin.CATALOG, True), (admin.STAFF, False), (admin.RULES, False),
    (admin.SETTINGS, False), (admin.AUDIT, False)])
def test_owner_may_everything_manager_only_the_catalog(ctx, people, area, manager_may):
    assert admin.require(ctx, people["Ingrid"], area).name == "Ingrid"
    if manager_may:
        admin.require(ctx, people["Marco"], area)
    else:
        with pytest.raises(admin.NotAllowed, match="Only the owner"):
            admin.require(ctx, people["Marco"], area)
    with pytest.raises(admin.NotAllowed):
        admin.require(ctx, people["Sam"], area)
    with pytest.raises(admin.NotAllowed):
        admin.require(ctx, None, area)


def test_owner_adds_a_manager_whose_pin_approves_a_comp(ctx, people):
    member, changes = admin.save_staff(ctx, people["Ingrid"], None, name="Lena",
                                       role="manager", pin="2580", pin_confirm="2580")
    assert changes.staff and member.has_pin and member.role is Role.MANAGER
    granted = approval.authorize(ctx, "2580", "comp")
    assert granted.staff_id == member.id
    refund = remedy_by_code(ctx, "refund")
    logged = log_incident(ctx, category_id=category_by_code(ctx, "cold_food").id,
                          remedies=[RemedyRequest(refund.id, refund.approval_above_minor + 100)],
                          staff_id=people["Sam"], approval=granted)
    assert logged.incident.remedies[0].approved_by == member.id
    entry = next(e for e in audit.entries(ctx) if e["action"] == "staff.added")
    assert entry["staff_id"] == people["Ingrid"] and "2580" not in (entry["detail"] or "")


@pytest.mark.parametrize("pin", ["0000", "1234", "9876", "12", "123456789", "12a4"])
def test_trivial_or_malformed_pins_are_refused(ctx, people, pin):
    with pytest.raises(ValidationError) as err:
        admin.save_staff(ctx, people["Ingrid"], None, name="Lena", role="manager", pin=pin,
                         pin_confirm=pin)
    assert err.value.field == "pin"
    assert [m.name for m in staff.list_staff(ctx)].count("Lena") == 0


def test_pin_must_be_typed_twice_the_same(ctx, people):
    with pytest.raises(ValidationError) as err:
        admin.save_staff(ctx, people["Ingrid"], None, name="Lena", role="manager",
                         pin="2580", pin_confirm="2581")
    assert err.value.field == "pin_confirm"


def test_manager_cannot_add_staff_or_change_roles(ctx, people):
    with pytest.raises(admin.NotAllowed):
        admin.save_staff(ctx, people["Marco"], None, name="Lena", role="cashier")
    with pytest.raises(admin.NotAllowed):
        admin.save_staff(ctx, people["Marco"], people["Sam"], name="Sam", role="manager",
                         pin="2580", pin_confirm="2580")
    assert staff.get_staff(ctx, people["Sam"]).role is Role.CASHIER


def test_manager_sets_a_cashiers_pin_and_their_own_but_not_the_owners(ctx, people):
    admin.save_staff(ctx, people["Marco"], people["Sam"], name="Sam", role="cashier",
                     pin="5830", pin_confirm="5830")
    assert staff.verify_pin(ctx, people["Sam"], "5830")
    admin.save_staff(ctx, people["Marco"], people["Marco"], name="Marco", role="manager",
                     pin="6174", pin_confirm="6174")
    assert staff.verify_pin(ctx, people["Marco"], "6174")
    with pytest.raises(admin.NotAllowed):
        admin.save_staff(ctx, people["Marco"], people["Ingrid"], name="Ingrid", role="owner",
                         pin="3927", pin_confirm="3927")
    assert staff.verify_pin(ctx, people["Ingrid"], OWNER_PIN)


def test_staff_are_renamed_and_deactivated_never_deleted(ctx, people):
    admin.save_staff(ctx, people["Ingrid"], people["Sam"], name="Samuel", role="cashier")
    admin.save_staff(ctx, people["Ingrid"], people["Sam"], name="Samuel", role="cashier",
                     active=False)
    everyone = {m.id: m for m in staff.list_staff(ctx, include_inactive=True)}
    assert everyone[people["Sam"]].name == "Samuel" and not everyone[people["Sam"]].active
    assert people["Sam"] not in {m.id for m in staff.list_staff(ctx)}
    actions = [e["action"] for e in audit.entries(ctx) if e["entity_id"] == people["Sam"]]
    assert actions.count("staff.changed") == 2


def test_the_last_owner_cannot_be_deactivated_or_demoted(ctx, people):
    with pytest.raises(ValidationError, match="at least one active owner"):
        admin.save_staff(ctx, people["Ingrid"], people["Ingrid"], name="Ingrid",
                         role="owner", active=False)
    with pytest.raises(ValidationError, match="at least one active owner"):
        admin.save_staff(ctx, people["Ingrid"], people["Ingrid"], name="Ingrid",
                         role="manager")


def test_promoting_a_cashier_needs_a_pin_and_writes_nothing_without_it(ctx, people):
    with pytest.raises(ValidationError) as err:
        admin.save_staff(ctx, people["Ingrid"], people["Sam"], name="Samuel", role="manager")
    assert err.value.field == "pin"
    assert staff.get_staff(ctx, people["Sam"]).name == "Sam"


def test_a_bad_name_rolls_back_the_new_pin_too(ctx, people):
    with pytest.raises(ValidationError):
        admin.save_staff(ctx, people["Ingrid"], people["Sam"], name="  ", role="cashier",
                         pin="5830", pin_confirm="5830")
    assert not staff.get_staff(ctx, people["Sam"]).has_pin
