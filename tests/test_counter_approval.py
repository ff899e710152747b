"""The counter's PIN pad: a manager approves a remedy above its threshold (right, wrong,
locked, cancelled), and the staff switch asks managers and owners for their own PIN."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import staff
from app.models import Role
from db.incidents import count_incidents
from tests.conftest import MANAGER_PIN, OWNER_PIN
from ui.counter import CATEGORIES, PIN, REMEDIES

pytestmark = pytest.mark.gui


@pytest.fixture
def page(window):
    return window.page("counter")


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.LeftButton)


def type_pin(qtbot, page, pin: str) -> None:
    for digit in pin:
        tap(qtbot, page.pinpad.digit_buttons[digit])
    tap(qtbot, page.pinpad.ok_button)


def ask_for_refund(qtbot, page) -> None:
    tap(qtbot, page.category_tile("wrong_order"))
    tap(qtbot, page.remedy_step.tile_for("refund"))


def nothing_written(ctx) -> bool:
    return all(ctx.db[table].count == 0
               for table in ("incidents", "incident_remedies", "followups", "vouchers"))


def test_a_remedy_above_its_threshold_opens_the_pin_pad_and_saves_nothing_yet(
        qtbot, page, ctx):
    ask_for_refund(qtbot, page)

    assert page.step == PIN and page.pinpad.isVisible()
    assert page.pinpad.prompt_label.text() == "Refund needs a manager's or owner's PIN."
    assert page.pinpad.entry.echoMode() == page.pinpad.entry.EchoMode.Password
    assert nothing_written(ctx)


def test_the_right_manager_pin_logs_the_remedy_with_the_approver(qtbot, page, ctx, people):
    ask_for_refund(qtbot, page)
    type_pin(qtbot, page, MANAGER_PIN)

    [row] = list(ctx.db["incidents"].rows)
    assert row["staff_id"] == people["Sam"]
    [given] = list(ctx.db["incident_remedies"].rows)
    assert (given["label"], given["amount_minor"], given["approved_by"]) == (
        "Refund", 25000, people["Marco"])
    assert page.step == CATEGORIES and page.confirm_bar.isVisible()


def test_a_wrong_pin_says_how_many_tries_are_left_and_saves_nothing(qtbot, page, ctx):
    ask_for_refund(qtbot, page)
    type_pin(qtbot, page, "9999")

    assert page.step == PIN
    assert page.pinpad.message() == (
        "That PIN is not a manager's or owner's PIN. 4 tries left.")
    assert page.pinpad.pin() == ""
    assert count_incidents(ctx.db, ctx.store_id, include_voided=True) == 0


def test_a_cashier_pin_never_approves(qtbot, page, ctx, people):
    staff.add_staff(ctx, "Jan", Role.CASHIER, "5917")
    ask_for_refund(qtbot, page)
    type_pin(qtbot, page, "5917")

    assert "not a manager's or owner's PIN" in page.pinpad.message()
    assert count_incidents(ctx.db, ctx.store_id) == 0


def test_five_wrong_pins_lock_approval_with_the_time_left(qtbot, page, ctx, clock):
    ask_for_refund(qtbot, page)
    for _attempt in range(5):
        type_pin(qtbot, page, "1357")
    assert page.pinpad.message() == "Too many wrong PINs. Approval is locked for 60 seconds."

    clock.advance(seconds=20)
    type_pin(qtbot, page, MANAGER_PIN)  # even the right PIN waits out the lock
    assert page.pinpad.message() == (
        "Too many wrong PINs. Approval is locked for 40 more seconds.")
    assert count_incidents(ctx.db, ctx.store_id) == 0


def test_cancel_goes_back_to_the_remedies_and_writes_nothing(qtbot, page, ctx):
    ask_for_refund(qtbot, page)
    for digit in "73":
        tap(qtbot, page.pinpad.digit_buttons[digit])
    tap(qtbot, page.pinpad.cancel_button)

    assert page.step == REMEDIES
    assert nothing_written(ctx)
    assert page.status() == "Cancelled: nothing was saved."


def test_the_pin_can_be_typed_and_enter_submits(qtbot, page, ctx, people):
    ask_for_refund(qtbot, page)
    qtbot.keyClicks(page.pinpad.entry, OWNER_PIN)
    qtbot.keyClick(page.pinpad.entry, Qt.Key_Return)

    [given] = list(ctx.db["incident_remedies"].rows)
    assert given["approved_by"] == people["Ingrid"]


def test_a_remedy_list_with_one_over_its_threshold_asks_once_for_all(
        qtbot, page, ctx, people):
    tap(qtbot, page.category_tile("long_wait"))
    step = page.remedy_step
    tap(qtbot, step.tile_for("free_drink").add_button)
    tap(qtbot, step.tile_for("refund").add_button)
    tap(qtbot, step.done_button)
    assert page.step == PIN
    type_pin(qtbot, page, MANAGER_PIN)

    given = {g["label"]: g["approved_by"] for g in ctx.db["incident_remedies"].rows}
    assert given == {"Free drink": None, "Refund": people["Marco"]}


def test_a_voucher_shows_its_code_for_the_guest(qtbot, page, ctx):
    tap(qtbot, page.category_tile("long_wait"))
    tap(qtbot, page.remedy_step.tile_for("voucher"))

    [voucher] = list(ctx.db["vouchers"].rows)
    assert f"voucher code {voucher['code']}" in page.confirm_bar.line_label.text()


def test_with_signin_pin_off_a_cashier_switches_in_one_tap(qtbot, page, ctx):
    from app import settings

    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"signin_pin": False})
    jan, _changes = staff.add_staff(ctx, "Jan", Role.CASHIER)
    assert page.staff_button.text() == "Sam · switch"
    tap(qtbot, page.staff_button)
    names = [m.name for m in page.staff_switch.members()]
    assert {"Ingrid", "Marco", "Sam", "Jan"} <= set(names)

    tap(qtbot, page.staff_switch.tile_for("Jan"))

    assert page.controller.current_staff.id == jan.id
    assert page.staff_button.text() == "Jan · switch" and page.step == CATEGORIES
    tap(qtbot, page.category_tile("cold_food"))
    tap(qtbot, page.remedy_step.tile_for("remake"))
    assert list(ctx.db["incidents"].rows)[0]["staff_id"] == jan.id


def test_a_manager_switches_in_only_with_their_own_pin(qtbot, page, ctx, people):
    tap(qtbot, page.staff_button)
    tap(qtbot, page.staff_switch.tile_for("Marco"))
    assert page.step == PIN and page.heading.text() == "Switch to Marco"

    type_pin(qtbot, page, OWNER_PIN)  # a real PIN, but Ingrid's
    assert page.pinpad.message() == "That is not Marco's PIN. 4 tries left."
    assert page.controller.current_staff.name == "Sam"

    type_pin(qtbot, page, MANAGER_PIN)
    assert page.controller.current_staff.id == people["Marco"]
    assert page.step == CATEGORIES


def test_cancelling_a_manager_switch_keeps_who_was_there(qtbot, page):
    tap(qtbot, page.staff_button)
    tap(qtbot, page.staff_switch.tile_for("Ingrid"))
    tap(qtbot, page.pinpad.cancel_button)

    assert page.controller.current_staff.name == "Sam"
    tap(qtbot, page.back_button)
    assert page.step == CATEGORIES
