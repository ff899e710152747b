"""Realistic demo data: weeks of incidents with lunch and dinner peaks, repeat guests,
approvals, vouchers that come back, and outcomes of every kind. Deterministic per seed."""

from __future__ import annotations

import contextlib
import json
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from app import approval_rule, catalog, followups, incidents, staff, vouchers
from app.approval import Approval
from app.clock import FixedClock, from_iso
from app.context import Context
from app.errors import StateError, ValidationError
from app.i18n import _
from app.models import Outcome, RemedyKind, RemedyRequest, Role, Severity
from app.settings import DEFAULT_HOURS
from app.setup import init_store, is_initialised
from db import audit as audit_db
from db import store as store_db
from db import vouchers as vouchers_db

# Every demo person gets a random PIN when the demo makes them (printed by ``comeback demo``);
# no PIN is written down anywhere in the source.
DEMO_STAFF = (("Ingrid", Role.OWNER), ("Marco", Role.MANAGER), ("Aisha", Role.MANAGER),
              ("Sam", Role.CASHIER), ("Lucía", Role.CASHIER), ("Jan", Role.CASHIER),
              ("Tereza", Role.CASHIER), ("Ola", Role.CASHIER))
DEMO_MADE_BY = "demo"
FIRST_NAMES = ("Kari", "Ana", "Pieter", "Jana", "Tom", "Sofie", "Javier", "Emma", "Petr",
               "Lars", "María", "Daan", "Eva", "Oliver", "Ingeborg", "Lucas", "Mette", "Tomáš",
               "Carmen", "Noor")
LAST_NAMES = ("Nordmann", "García", "de Vries", "Nováková", "Baker", "Hansen", "Ruiz",
              "Jansen", "Dvořák", "Øvrebø", "López", "Bakker", "Svobodová", "Smith", "Ås")
# A few regulars come often; everyone else is one of 300 names, so repeats stay rare.
REGULARS = ("Kari Nordmann", "Pieter de Vries", "Jana Nováková")
NOTES = ("Příliš dlouhé čekání u stolu 7, polévka vychladla, host odešel domů",
         "Gjesten var hyggelig, men skuffet over ventetiden",
         "Pidió sin gluten, llegó con pan", "Bestelling kwam zonder saus",
         "Birthday table, wanted it perfect", "Regular guest, comes every Friday",
         "Allergic to nuts — kitchen informed", "Kid's meal forgotten")
# Outcome mix of a store that recovers most guests.
OUTCOMES = ((Outcome.DELIGHTED, 36), (Outcome.SATISFIED, 40), (Outcome.UNHAPPY, 10),
            (Outcome.LEFT, 6), (None, 8))


@dataclass(frozen=True)
class DemoResult:
    incidents: int
    weeks: int
    pins: tuple[tuple[str, str, str], ...] = ()  # (name, role, PIN) of PINs set this run


def random_pin(rng: random.Random | None = None) -> str:
    """A fresh 4-digit PIN that passes the "too easy" check (secrets unless ``rng``)."""
    import secrets

    while True:
        pin = f"{rng.randrange(10000) if rng else secrets.randbelow(10000):04d}"
        try:
            staff.check_pin_format(pin)
        except ValidationError:
            continue
        return pin


def foreign_stores(ctx: Context) -> list[int]:
    """Stores in this database that the demo did not make (the demo refuses to touch them)."""
    found = []
    for store_id in store_db.store_ids(ctx.db):
        entry = audit_db.last_of(ctx.db, store_id, ["store.created"])
        detail = json.loads(entry["detail"] or "{}") if entry else {}
        if detail.get("made_by") != DEMO_MADE_BY:
            found.append(store_id)
    return found


def check_may_fill(ctx: Context) -> None:
    """Refuse (StateError) a database that holds any store the demo did not make."""
    if foreign_stores(ctx):
        raise StateError(_("This database holds a real store (one the demo did not make): the "
                           "demo adds nothing to it. Use a new file, e.g. --db /tmp/demo.db."))


def new_pins(ctx: Context) -> tuple[tuple[str, str, str], ...]:
    """Give every demo person a new random PIN (a demo store only); returns them to print."""
    check_may_fill(ctx)
    given = []
    for member in staff.list_staff(ctx):
        if member.name in {name for name, _role in DEMO_STAFF}:
            pin = random_pin()
            staff.set_pin(ctx, member.id, pin, None)
            given.append((member.name, member.role.value, pin))
    return tuple(given)


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=False)
    return rng.choices(items, weights=weights)[0]


def _moment(rng: random.Random, day: datetime, tz: ZoneInfo) -> datetime:
    roll = rng.random()
    if roll < 0.45:
        minutes = rng.gauss(12.6 * 60, 40)
    elif roll < 0.9:
        minutes = rng.gauss(18.8 * 60, 55)
    else:
        minutes = rng.uniform(10.5 * 60, 21.5 * 60)
    minutes = min(max(minutes, 10 * 60 + 5), 21 * 60 + 55)
    local = datetime.combine(day.date(), time(0), tz) + timedelta(minutes=minutes)
    return local.astimezone(timezone.utc)


def _hours_covering(moment: datetime, tz: ZoneInfo) -> dict:
    """10:00–22:00 every day, or round the clock when ``moment`` (the demo being made) falls
    outside: whoever tries the demo in the evening sees its reminders come."""
    local = moment.astimezone(tz).time()
    if time(10) <= local < time(22):
        return dict(DEFAULT_HOURS)
    return {day: ["00:00", "24:00"] for day in DEFAULT_HOURS}


def generate(ctx: Context, weeks: int = 8, seed: int = 7, end: datetime | None = None,
             per_day: float = 6.0) -> DemoResult:
    """Fill ``ctx`` (initialising a demo restaurant if needed) with ``weeks`` of history."""
    if weeks < 1 or weeks > 260:
        raise ValueError("weeks")
    real_clock = ctx.clock
    end = end or real_clock.now()
    clock = FixedClock(end - timedelta(weeks=weeks))
    ctx.clock = clock
    try:
        return _generate(ctx, clock, weeks, seed, end, per_day)
    finally:
        ctx.clock = real_clock


def _generate(ctx: Context, clock: FixedClock, weeks: int, seed: int, end: datetime,
              per_day: float) -> DemoResult:
    rng = random.Random(seed)
    check_may_fill(ctx)
    pins = []
    if not is_initialised(ctx):
        owner, role = DEMO_STAFF[0]
        pin = random_pin()
        init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
                   locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name=owner,
                   owner_pin=pin, made_by=DEMO_MADE_BY,
                   opening_hours=_hours_covering(end, ZoneInfo("Europe/Oslo")))
        pins.append((owner, role.value, pin))
    existing = {m.name for m in staff.list_staff(ctx, include_inactive=True)}
    for name, role in DEMO_STAFF:
        if name not in existing:
            pin = random_pin()
            staff.add_staff(ctx, name, role, pin)
            pins.append((name, role.value, pin))
    members = staff.list_staff(ctx)
    cashiers = [m for m in members if m.role is Role.CASHIER] or members
    managers = [m for m in members if m.role.can_approve] or members
    tz = ZoneInfo(ctx.settings().timezone)
    cats = catalog.categories(ctx)
    start = clock.now().astimezone(tz)
    count, day = 0, start
    while day < end:
        week_index = (day - start).days // 7
        weekend = day.weekday() >= 4
        n = max(0, round(rng.gauss(per_day * (1.5 if weekend else 1.0), 2)))
        moments = sorted(_moment(rng, day, tz) for _i in range(n))
        for when in moments:
            if when >= end:
                break
            clock.set(when)
            count += _one_incident(ctx, clock, rng, cats, cashiers, managers, week_index)
        day += timedelta(days=1)
    _redeem_some(ctx, clock, rng, end, cashiers)
    clock.set(end)
    return DemoResult(count, weeks, tuple(pins))


def _one_incident(ctx, clock, rng, cats, cashiers, managers, week_index) -> int:
    # Long waits creep up over the weeks: something for the improvement plan to find.
    weights = [6 if c.code == "long_wait" and week_index > 4 else
               3 if c.code in ("wrong_order", "cold_food", "long_wait") else 1 for c in cats]
    category = rng.choices(cats, weights=weights)[0]
    cashier = rng.choices(cashiers, weights=[3 if m.name == "Ola" else 1 for m in cashiers])[0]
    severity = Severity.HIGH if rng.random() < 0.04 else None
    options = catalog.remedies_for(ctx, category.id, severity)
    first = options[0] if rng.random() < 0.6 else rng.choice(options)
    picked = [RemedyRequest(first.id)]
    if rng.random() < 0.2:
        gift = next((r for r in options if r.code == "free_dessert"), None)
        if gift and gift.id != first.id:
            picked.append(RemedyRequest(gift.id))
    if cashier.name == "Ola" and rng.random() < 0.5:
        comp = next((r for r in options if r.kind is RemedyKind.COMP_ITEM), None)
        if comp and comp.id not in [p.remedy_id for p in picked]:
            picked.append(RemedyRequest(comp.id))
    roll = rng.random()
    guest = (rng.choice(REGULARS) if roll < 0.015 else
             f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if roll < 0.2 else None)
    approver = rng.choice(managers)
    picked_values = [(catalog.get_remedy(ctx, p.remedy_id), None) for p in picked]
    needed = approval_rule.required_role(
        [(r, r.value_minor) for r, _none in picked_values], cashier.role, ctx.settings())
    if needed.role is Role.OWNER:
        approver = next((m for m in managers if m.role is Role.OWNER), approver)
    logged = incidents.log_incident(
        ctx, category_id=category.id, remedies=picked, staff_id=cashier.id, severity=severity,
        table_ref=str(rng.randint(1, 24)) if rng.random() < 0.7 else None, guest_name=guest,
        note=rng.choice(NOTES) if rng.random() < 0.12 else None,
        approval=Approval(approver.id, approver.name, clock.now()))
    if rng.random() < 0.02:
        clock.advance(seconds=20)
        incidents.void_incident(ctx, logged.incident.id, cashier.id,
                                approval=Approval(approver.id, approver.name, clock.now()))
        return 0
    outcome = _pick(rng, OUTCOMES)
    due = logged.followup.due_at
    if outcome is None:
        followups.mark_missed(ctx, logged.followup.id)
        return 1
    back = clock.now()
    clock.set(due + timedelta(minutes=max(0.5, rng.gauss(2.5, 3))))
    followups.record_outcome(ctx, logged.followup.id, outcome, approver.id)
    clock.set(back)
    return 1


def _redeem_some(ctx, clock, rng, end, cashiers) -> None:
    for row in vouchers_db.unredeemed(ctx.db, ctx.store_id):
        if rng.random() < 0.45:
            when = from_iso(row["issued_at"]) + timedelta(days=rng.uniform(2, 25))
            if when < end:
                clock.set(when)
                code = row["code"]
                with contextlib.suppress(StateError):
                    vouchers.redeem(ctx, code, rng.choice(cashiers).id)
