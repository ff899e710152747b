"""Issue 11 on screen (pytest-qt): sign-in with the person's own PIN, Reports for managers
only, undoing an approved remedy needs a manager, the outcome is recorded under the manager
who checked back, and the approval is by a second person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app import catalog, incidents, staff
from app.models import RemedyRequest
from tests.conftest import MANAGER_PIN, OWNER_PIN, shown_main_window
from ui.counter import CATEGORIES, PIN, STAFF

pytestmark = pytest.mark.gui
SAM_PIN = "5830"


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.LeftButton)


def type_pin(qtbot, pad, pin: str) -> None:
    for digit in pin:
        tap(qtbot, pad.digit_buttons[digit])
    tap(qtbot, pad.ok_button)


def audit_count(ctx, action: str) -> int:
    return ctx.db["audit_log"].count_where("action = ?", [action])


@pytest.fixture
def fresh_window(ctx, qtbot, people, fake_timers):
    """The app as it starts: nobody signed in (sign-in needs a PIN by default)."""
    from ui.app import build_main_window

    staff.set_pin(ctx, people["Sam"], SAM_PIN, by=people["Ingrid"])
    window = build_main_window(ctx, timer_factory=fake_timers)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def sign_in(qtbot, page, name: str, pin: str) -> None:
    tap(qtbot, page.staff_button)
    tap(qtbot, page.staff_switch.tile_for(name))
    type_pin(qtbot, page.pinpad, pin)


def test_gui_signin_the_app_starts_with_nobody_and_a_cashier_needs_her_own_pin(
        qtbot, fresh_window, ctx, people):
    page = fresh_window.page("counter")
    assert fresh_window.controller.current_staff is None
    assert page.staff_button.text() == "Who's at the counter?"
    tap(qtbot, page.staff_button)
    assert page.step == STAFF
    tap(qtbot, page.staff_switch.tile_for("Sam"))
    assert page.step == PIN and page.heading.text() == "Switch to Sam"
    type_pin(qtbot, page.pinpad, MANAGER_PIN)  # a real PIN, but Marco's: says nothing of whose
    assert page.pinpad.message() == "That is not Sam's PIN. 4 tries left."
    assert fresh_window.controller.current_staff is None
    assert audit_count(ctx, "approval.pin_failed") == 1  # counts toward the lockout
    type_pin(qtbot, page.pinpad, SAM_PIN)
    assert fresh_window.controller.current_staff.id == people["Sam"]
    assert page.step == CATEGORIES and page.staff_button.text() == "Sam · switch"


def test_gui_signin_ends_after_the_idle_minutes(qtbot, fresh_window, ctx, people):
    page = fresh_window.page("counter")
    sign_in(qtbot, page, "Sam", SAM_PIN)
    keeper = fresh_window.signin
    assert keeper.timer.isActive() and keeper.timer.interval() == 15 * 60_000
    tap(qtbot, page.category_tile("cold_food"))  # activity restarts it
    assert len(keeper.timer.starts) >= 2
    keeper.timer.fire()
    assert fresh_window.controller.current_staff is None
    assert page.staff_button.text() == "Who's at the counter?"


def test_gui_signin_a_person_without_a_pin_cannot_sign_in(qtbot, fresh_window, ctx):
    staff.add_staff(ctx, "Jan", "cashier")
    page = fresh_window.page("counter")
    tap(qtbot, page.staff_button)
    tap(qtbot, page.staff_switch.tile_for("Jan"))
    assert page.step == STAFF and "Jan has no PIN yet" in page.status()
    assert fresh_window.controller.current_staff is None


def test_gui_reports_are_closed_to_a_cashier_and_open_to_a_manager(
        qtbot, fresh_window, ctx, hand_built_week):
    page = fresh_window.page("counter")
    sign_in(qtbot, page, "Sam", SAM_PIN)
    tap(qtbot, fresh_window.findChild(QPushButton, "nav_reports"))
    reports = fresh_window.page("reports")
    assert fresh_window.current_page() == "reports"
    assert reports.locked() and reports.summary is None
    assert "managers and the owner" in reports.empty_label.text()
    assert not reports.save_button.isVisible() and not reports.print_button.isVisible()

    fresh_window.show_page("counter")
    sign_in(qtbot, page, "Marco", MANAGER_PIN)
    fresh_window.show_page("reports")
    assert not reports.locked() and reports.summary is not None
    assert reports.cards["incidents"].value.text() == "7"
    assert reports.save_button.isVisible() and reports.print_button.isVisible()


def test_gui_undo_of_an_approved_refund_needs_a_managers_pin(qtbot, fresh_window, ctx, people):
    page = fresh_window.page("counter")
    sign_in(qtbot, page, "Sam", SAM_PIN)
    tap(qtbot, page.category_tile("wrong_order"))
    tap(qtbot, page.remedy_step.tile_for("refund"))
    type_pin(qtbot, page.pinpad, MANAGER_PIN)
    [row] = list(ctx.db["incidents"].rows)
    tap(qtbot, page.confirm_bar.undo_button)
    assert page.step == PIN and page.heading.text() == "Undo: a manager must approve"
    assert ctx.db["incidents"].get(row["id"])["voided_at"] is None
    type_pin(qtbot, page.pinpad, SAM_PIN)  # a cashier's PIN does not approve
    assert "not a manager's or owner's PIN" in page.pinpad.message()
    type_pin(qtbot, page.pinpad, MANAGER_PIN)
    voided = ctx.db["incidents"].get(row["id"])
    assert voided["voided_at"] is not None and voided["voided_by"] == people["Sam"]
    assert page.step == CATEGORIES and "Undone" in page.status()


def test_gui_undo_without_approval_stays_one_tap(qtbot, fresh_window, ctx):
    page = fresh_window.page("counter")
    sign_in(qtbot, page, "Sam", SAM_PIN)
    tap(qtbot, page.category_tile("cold_food"))
    tap(qtbot, page.remedy_step.tile_for("remake"))
    tap(qtbot, page.confirm_bar.undo_button)
    assert list(ctx.db["incidents"].rows)[0]["voided_at"] is not None


def test_gui_approval_by_a_second_person_not_the_manager_who_gives(
        qtbot, fresh_window, ctx, people):
    page = fresh_window.page("counter")
    sign_in(qtbot, page, "Marco", MANAGER_PIN)
    tap(qtbot, page.category_tile("wrong_order"))
    tap(qtbot, page.remedy_step.tile_for("refund"))
    assert page.step == PIN
    assert "Someone other than Marco approves." in page.pinpad.prompt_label.text()
    type_pin(qtbot, page.pinpad, MANAGER_PIN)  # his own PIN: not asked, so not accepted
    assert "not a manager's or owner's PIN" in page.pinpad.message()
    assert ctx.db["incidents"].count == 0
    type_pin(qtbot, page.pinpad, OWNER_PIN)
    [given] = list(ctx.db["incident_remedies"].rows)
    assert given["approved_by"] == people["Ingrid"]
    assert list(ctx.db["incidents"].rows)[0]["staff_id"] == people["Marco"]


def test_gui_outcome_is_recorded_under_the_manager_who_checked_back(
        qtbot, ctx, people, fake_timers):
    from ui.outcome import CHOOSE, WHO, open_outcome

    window = shown_main_window(qtbot, ctx)  # Sam is at the counter
    assert window.controller.current_staff.name == "Sam"
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    dialog = open_outcome(window.controller, logged.followup.id, window)
    assert dialog.stack.currentIndex() == WHO
    names = [m.name for m in dialog.who_switch.members()]
    assert names == ["Ingrid", "Marco"]  # managers and owners only
    tap(qtbot, dialog.who_switch.tile_for("Marco"))
    type_pin(qtbot, dialog.pinpad, OWNER_PIN)  # not Marco's
    assert dialog.pinpad.message() == "That is not Marco's PIN. 4 tries left."
    type_pin(qtbot, dialog.pinpad, MANAGER_PIN)
    assert dialog.stack.currentIndex() == CHOOSE
    tap(qtbot, dialog.outcome_buttons[next(iter(dialog.outcome_buttons))])
    row = ctx.db["followups"].get(logged.followup.id)
    assert row["outcome"] == "delighted" and row["done_by"] == people["Marco"]


def test_gui_counter_tap_above_the_cashier_limit_asks_a_manager(qtbot, fresh_window, ctx,
                                                                 people):
    from app import settings

    with ctx.db.atomic():  # a store whose cashiers give up to 100 kr
        settings.write(ctx.db, ctx.store_id, {"cashier_limit": 10000})
    page = fresh_window.page("counter")
    sign_in(qtbot, page, "Sam", SAM_PIN)
    tap(qtbot, page.category_tile("cold_food"))
    tap(qtbot, page.remedy_step.tile_for("remake"))  # 120 kr: no threshold of its own
    assert page.step == PIN and ctx.db["incidents"].count == 0
    type_pin(qtbot, page.pinpad, MANAGER_PIN)
    [given] = list(ctx.db["incident_remedies"].rows)
    assert given["approved_by"] == people["Marco"]


def test_gui_outcome_with_signin_pin_off_is_one_tap_on_the_managers_name(qtbot, ctx, people):
    from app import settings
    from ui.outcome import CHOOSE, open_outcome

    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"signin_pin": False})
    window = shown_main_window(qtbot, ctx)
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    dialog = open_outcome(window.controller, logged.followup.id, window)
    tap(qtbot, dialog.who_switch.tile_for("Ingrid"))
    assert dialog.stack.currentIndex() == CHOOSE
    tap(qtbot, dialog.outcome_buttons[next(iter(dialog.outcome_buttons))])
    assert ctx.db["followups"].get(logged.followup.id)["done_by"] == people["Ingrid"]
