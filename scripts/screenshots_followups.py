"""Screenshots of the follow-up banner, the queue and the outcome step for docs/ and the README.

Builds the real window offscreen on a demo store with a fixed clock (Monday lunch in Oslo),
logs a few incidents, lets time pass so some are due, one escalated, one left open the
evening before, and grabs each state at 1024×768.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_followups.py [--out docs]
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from _shots import NOW, SIZE, demo_store, grab, settle, start

from app import catalog, incidents, staff
from app.approval import Approval
from app.models import Outcome, RemedyRequest


def log(ctx, clock, code, remedies, **extra):
    manager = staff.find_by_name(ctx, "Marco")
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, code).id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, r).id) for r in remedies],
        staff_id=staff.find_by_name(ctx, "Sam").id,
        approval=Approval(manager.id, manager.name, clock.now()), **extra)


def scene(ctx, clock) -> None:
    """Yesterday evening one was left open; this lunch four failures, two of them due."""
    clock.set(NOW - timedelta(hours=17))                  # Sunday 20:00 in Oslo
    log(ctx, clock, "long_wait", ["free_drink"], table_ref="12", guest_name="Hanne Lie")
    clock.set(NOW - timedelta(minutes=9))
    log(ctx, clock, "cold_food", ["remake", "free_dessert"], table_ref="7",
        guest_name="Mette Berg")
    clock.set(NOW - timedelta(minutes=4))
    log(ctx, clock, "wrong_order", ["remake"], table_ref="3")
    clock.set(NOW - timedelta(minutes=2))
    log(ctx, clock, "long_wait", ["voucher"], table_ref="15", guest_name="Lucas Moreau")
    clock.set(NOW - timedelta(minutes=1))
    log(ctx, clock, "foreign_object", ["comp_item"], table_ref="9", severity="medium")
    clock.set(NOW)


def main() -> int:
    app, out = start(__doc__)
    from ui.app import build_main_window

    with tempfile.TemporaryDirectory() as tmp:
        ctx, clock = demo_store(Path(tmp) / "demo.db", weeks=2, end=NOW - timedelta(days=1))
        scene(ctx, clock)
        window = build_main_window(ctx)
        window.controller.set_current_staff(staff.find_by_name(ctx, "Marco"))
        window.resize(*SIZE)
        window.show()
        reminders = window.reminders
        reminders.banner.refresh()
        grab(window, app, out / "banner.png")

        clock.advance(minutes=4)
        reminders.scheduler.check()
        grab(window, app, out / "banner_escalated.png")

        window.show_page("followups")
        reminders.queue.refresh()
        grab(window, app, out / "queue.png")

        window.show_page("counter")
        reminders.banner.outcome_button.click()
        settle(app)
        from ui.outcome import OutcomeDialog

        dialog = next(d for d in window.findChildren(OutcomeDialog) if d.isVisible())
        dialog.resize(*SIZE)
        grab(dialog, app, out / "outcome_who.png")  # who checked back: tap your name
        from app.demo import random_pin

        marco = staff.find_by_name(ctx, "Marco")
        pin = random_pin()
        staff.set_pin(ctx, marco.id, pin, None)
        dialog.checked_back_by(marco)
        dialog.pinpad.entry.setText(pin)
        dialog.pinpad.submit()
        dialog.note_edit.setText("Soup was lukewarm again")
        grab(dialog, app, out / "outcome.png")
        dialog.choose(Outcome.UNHAPPY)
        grab(dialog, app, out / "outcome_further.png")
        dialog.give(catalog.remedy_by_code(ctx, "refund"))
        grab(dialog, app, out / "outcome_pin.png")
        dialog.close()

        # Next morning: what was left open at closing is listed; a new one is waiting.
        clock.set(NOW + timedelta(hours=22, minutes=30))          # Tuesday 10:30 in Oslo
        log(ctx, clock, "missing_item", ["free_drink"], table_ref="5")
        clock.advance(minutes=2)
        reminders.scheduler.check()
        window.show_page("followups")
        reminders.queue.refresh()
        grab(window, app, out / "queue_next_morning.png")
        reminders.scheduler.stop()
        window.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
