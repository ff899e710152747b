"""Screenshots of the readable audit log and of the red "changed outside Comeback" warning.

A morning at the Fjord Kafé (Marco approves Jan's refund with his PIN, a voucher comes back,
an undo, a check-back), then the owner's audit tab, in English and in Norwegian; then one
remedy amount is changed with plain SQL behind the log's back and the app's start-up check
raises the red warning over the counter.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_audit.py [--out docs]
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from _shots import NOW, SIZE, grab, start
from PySide6.QtWidgets import QApplication

from app import approval, catalog, followups, i18n, incidents, staff, vouchers
from app.clock import FixedClock
from app.context import Context, open_context
from app.errors import PinRejected
from app.models import Outcome, RemedyRequest, Role
from app.setup import init_store


def morning(ctx: Context, clock: FixedClock) -> None:
    clock.set(NOW.replace(hour=9, minute=40))  # 10:40 in Oslo, before opening
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin="4821")
    staff.add_staff(ctx, "Marco", Role.MANAGER, "7392")
    jan, _c = staff.add_staff(ctx, "Jan", Role.CASHIER)
    lucia, _c = staff.add_staff(ctx, "Lucía", Role.CASHIER)

    def remedy(code: str, amount: int | None = None) -> RemedyRequest:
        return RemedyRequest(catalog.remedy_by_code(ctx, code).id, amount)

    def category(code: str) -> int:
        return catalog.category_by_code(ctx, code).id

    clock.set(NOW.replace(hour=9, minute=58))
    voucher = incidents.log_incident(ctx, category_id=category("long_wait"), staff_id=lucia.id,
                                     remedies=[remedy("voucher", 1000)])
    clock.advance(minutes=6)
    grant = approval.authorize(ctx, "7392", "log")
    refund = incidents.log_incident(ctx, category_id=category("cold_food"), staff_id=jan.id,
                                    remedies=[remedy("remake"), remedy("refund", 25000)],
                                    approval=grant)
    clock.advance(minutes=1)
    with contextlib.suppress(PinRejected):  # a wrong PIN, on purpose
        approval.authorize(ctx, "1357", "log")
    undone = incidents.log_incident(ctx, category_id=category("wrong_order"), staff_id=jan.id,
                                    remedies=[remedy("free_drink")])
    clock.advance(seconds=12)
    incidents.void_incident(ctx, undone.incident.id, jan.id)
    clock.advance(minutes=5)
    followups.record_outcome(ctx, refund.followup.id, Outcome.DELIGHTED, staff.find_by_name(
        ctx, "Marco").id)
    followups.record_outcome(ctx, voucher.followup.id, Outcome.SATISFIED, lucia.id)
    clock.advance(minutes=20)
    vouchers.redeem(ctx, voucher.voucher_codes[0], lucia.id)
    clock.set(NOW + timedelta(minutes=15))


def main() -> int:
    app, out = start(__doc__)
    from ui.app import build_main_window, check_audit_log

    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(NOW)
        ctx = open_context(Path(tmp) / "store.db", clock)
        morning(ctx, clock)
        window = build_main_window(ctx)
        window.resize(*SIZE)
        window.show()
        page = window.page("backoffice")
        page.unlock(staff.find_by_name(ctx, "Ingrid"))
        window.show_page("backoffice")
        page.show_tab(page.audit_tab)
        page.audit_tab.check_record()
        grab(window, app, out / "audit.png")
        i18n.set_language("nb")
        window.controller.language_changed.emit("nb")
        page.audit_tab.check_record()
        grab(window, app, out / "audit-nb.png")
        i18n.set_language("en")
        window.controller.language_changed.emit("en")
        window.close()

        # Behind the log's back: Jan's refund of 250,00 kr becomes 25,00 kr in the table.
        ctx.db.execute("UPDATE incident_remedies SET amount_minor = 2500 WHERE kind = 'refund'")
        window = build_main_window(ctx)
        window.resize(*SIZE)
        window.show()
        check_audit_log(window)
        grab(window, app, out / "audit-broken.png")
        window.close()
    return 0


if __name__ == "__main__":
    QApplication.setApplicationName("Comeback")
    sys.exit(main())
