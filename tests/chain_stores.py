"""Three stores in one database, week 2026-W47 logged through the services, for the chain
report's tests (tests/test_chain*.py). Every figure is worked out by hand in
tests/test_chain.py.

1 Fjord Kafé (NOK, Oslo)      3 incidents, kr 255.00, 2 of 3 recovered, 1 came back, 3/3 on time
2 Café Sol (EUR, Madrid)      3 incidents, € 40.50, 3 of 3 recovered, 2/3 on time (one late)
3 Bryggen Bistro (NOK, Oslo)  4 incidents, kr 275.00, 2 of 3 recovered, 3/4 on time (one missed)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app import followups, incidents, staff, vouchers
from app.approval import Approval
from app.catalog import category_by_code, remedy_by_code
from app.context import Context
from app.models import RemedyRequest, Role
from app.setup import init_store

OWNER_PIN, MANAGER_PIN = "4821", "7392"
STORES = ((1, "Fjord Kafé", "NOK", "nb_NO", "Europe/Oslo"),
          (2, "Café Sol", "EUR", "es_ES", "Europe/Madrid"),
          (3, "Bryggen Bistro", "NOK", "nb_NO", "Europe/Oslo"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def build_three_stores(db, clock) -> dict[int, Context]:
    """The three stores (owner Ingrid, manager Marco, cashier Sam in each) and their week;
    leaves the clock on Tue 24 Nov 2026 (W47 complete)."""
    clock.set(at("2026-11-10T09:00:00"))
    ctxs = {}
    for store_id, name, currency, locale, tz in STORES:
        ctx = Context(db, clock, store_id)
        init_store(ctx, store_name=name, preset="restaurant", currency=currency,
                   locale=locale, language="en", timezone=tz, owner_name="Ingrid",
                   owner_pin=OWNER_PIN)
        staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
        staff.add_staff(ctx, "Sam", Role.CASHIER)
        ctxs[store_id] = ctx

    def log(ctx, when: str, category: str, code: str, amount: int):
        people = {m.name: m.id for m in staff.list_staff(ctx)}
        clock.set(at(when))
        return incidents.log_incident(
            ctx, category_id=category_by_code(ctx, category).id,
            remedies=[RemedyRequest(remedy_by_code(ctx, code).id, amount)],
            staff_id=people["Sam"], approval=Approval(people["Marco"], "Marco", clock.now()))

    def outcome(ctx, logged, result: str, after_minutes: float = 2) -> None:
        marco = staff.find_by_name(ctx, "Marco").id
        clock.set(clock.now() + timedelta(minutes=after_minutes))
        followups.record_outcome(ctx, logged.followup.id, result, marco)

    one, two, three = ctxs[1], ctxs[2], ctxs[3]
    # Last week (W46): not in the report of W47.
    outcome(one, log(one, "2026-11-12T11:00:00", "wrong_order", "refund", 25000), "left")
    # Fjord Kafé, W47.
    outcome(one, log(one, "2026-11-16T11:10:00", "cold_food", "remake", 12000), "delighted")
    outcome(one, log(one, "2026-11-17T18:30:00", "long_wait", "free_drink", 3500), "satisfied")
    voucher = log(one, "2026-11-18T17:00:00", "cold_food", "voucher", 10000)
    outcome(one, voucher, "unhappy")
    # Café Sol, W47 (the refund's check-back comes two hours late).
    outcome(two, log(two, "2026-11-16T12:00:00", "long_wait", "free_drink", 350), "delighted")
    outcome(two, log(two, "2026-11-17T13:00:00", "long_wait", "remake", 1200), "satisfied")
    outcome(two, log(two, "2026-11-19T20:00:00", "wrong_order", "refund", 2500), "satisfied",
            after_minutes=120)
    # Bryggen Bistro, W47 (the wrong order's check-back is missed at closing).
    outcome(three, log(three, "2026-11-16T11:30:00", "cold_food", "remake", 12000),
            "delighted")
    outcome(three, log(three, "2026-11-17T11:30:00", "long_wait", "free_drink", 3500),
            "satisfied")
    outcome(three, log(three, "2026-11-18T11:30:00", "long_wait", "apology", 0), "unhappy")
    missed = log(three, "2026-11-20T17:00:00", "wrong_order", "remake", 12000)
    clock.set(at("2026-11-20T22:00:00"))
    followups.mark_missed(three, missed.followup.id)
    # The guest of Fjord Kafé's voucher comes back on Saturday.
    clock.set(at("2026-11-21T12:00:00"))
    vouchers.redeem(one, voucher.voucher_codes[0], staff.find_by_name(one, "Sam").id)
    clock.set(at("2026-11-24T09:00:00"))
    return ctxs
