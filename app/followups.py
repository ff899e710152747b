"""Follow-up rules: what is due, snooze, escalation, service hours, outcomes, further remedies.

The reminder scheduler in ``ui/`` only arms a timer. Everything it must know — what is due
now, when to look again, what to escalate, what was left open at closing — is decided here
with the injected clock, so it is tested without Qt.

For every open follow-up of a live incident, with the store's hours and grace period:

* its **closing** is the end of the service day of its due time (the start of that day when
  the store is closed that day); once passed, the follow-up is *missed* (``sweep_missed``);
* its **alert time** is its due time, or the opening time when it falls due before opening;
  none when it falls due after closing (it is never alerted, only missed);
* its **escalation time** is the alert time plus ``followup_grace_minutes``, if before closing.

``due_followups`` lists those whose alert time has come; ``next_due_at`` is the earliest
alert, escalation or closing still to happen, so one single-shot timer is enough.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from app import audit
from app.clock import from_iso, to_iso
from app.context import Context
from app.errors import StateError, ValidationError
from app.followup_taking import already_closed, row_taken_until
from app.i18n import _
from app.incidents import get_followup, get_incident, to_followup
from app.models import Changes, FollowUp, Outcome, RemedyRequest
from app.service_hours import ServiceHours
from db import followups as followups_db
from db.locking import exclusive

if TYPE_CHECKING:  # further_remedy imports what giving remedies needs (not a reading command)
    from app.approval import Approval

OUTCOME_NOTE_MAX = 500
SNOOZE_MINUTES = (2, 5, 10)


def service_hours(ctx: Context) -> ServiceHours:
    return ServiceHours.from_settings(ctx.settings())


class _Plan(NamedTuple):
    """When one open follow-up must be alerted, escalated and given up at closing."""

    row: dict
    closing: datetime
    alert_at: datetime | None
    escalate_at: datetime | None
    #: Someone is on it (app.followup_taking) until then: no alert, no escalation before.
    held_until: datetime | None = None

    @property
    def alerted(self) -> bool:
        return self.row.get("alerted_at") is not None

    @property
    def escalated(self) -> bool:
        return self.row["escalated_at"] is not None


@lru_cache(maxsize=4096)
def _closing_and_alert(hours: ServiceHours, due_at: str) -> tuple[datetime, datetime | None]:
    """When the service day of a follow-up due at ``due_at`` closes and when it is alerted
    (None: never). A function of the hours and the due time alone, so kept: the banner and
    the scheduler ask it of every open follow-up after every tap (a day's worth of open
    items, each a dozen time-zone conversions, was a fifth of a tap's CPU)."""
    due = from_iso(due_at)
    closing = hours.closing_of_day(due)
    alert_at = hours.next_opening(due)
    if alert_at is not None and alert_at >= closing:
        alert_at = None
    return closing, alert_at


def _open_rows(ctx: Context) -> list[dict]:
    """The store's open follow-ups, read again only when the database may have changed
    since the last read on this connection (``db.connection.data_mark``, as the settings
    are kept: app.settings.load): after a tap the banner and the scheduler both ask."""
    memo = getattr(ctx.db, "memo", None)
    if memo is None or getattr(ctx.db, "away", False) or ctx.db.conn.in_transaction:
        # (inside a transaction: what is read may yet be rolled back, the mark would not)
        return list(followups_db.open_followups(ctx.db, ctx.store_id))
    from db.connection import data_mark

    mark = data_mark(ctx.db, ctx.store_id)
    kept = memo.get(("open_followups", ctx.store_id))
    if kept is not None and kept[0] == mark:
        return kept[1]
    rows = list(followups_db.open_followups(ctx.db, ctx.store_id))
    memo[("open_followups", ctx.store_id)] = (mark, rows)  # the mark before the read
    return rows


def _plans(ctx: Context) -> list[_Plan]:
    settings = ctx.settings()
    hours = ServiceHours.from_settings(settings)
    grace = timedelta(minutes=settings.followup_grace_minutes)
    now = ctx.clock.now()
    plans = []
    for row in _open_rows(ctx):
        held = row_taken_until(row)
        held_until = from_iso(held) if held is not None and from_iso(held) > now else None
        closing, alert_at = _closing_and_alert(hours, row["due_at"])
        escalate_at = alert_at + grace if alert_at is not None else None
        if escalate_at is not None and escalate_at >= closing:
            escalate_at = None
        plans.append(_Plan(row, closing, alert_at, escalate_at, held_until))
    return plans


class ReminderPlan(NamedTuple):
    """What will happen to a follow-up due at some moment, under the store's hours.

    ``kind`` is ``"at_due"`` (reminded at ``at``, the due time), ``"at_opening"`` (the store
    is closed then: reminded when it opens, ``at``) or ``"none"`` (due after closing or on a
    closed day: never reminded; it is marked missed and listed as left open at closing;
    ``at`` is the next opening, or None when closed for a week).
    """

    kind: str
    at: datetime | None


def reminder_plan(settings, due_at: datetime) -> ReminderPlan:
    """The rules of :func:`_plans`, for a follow-up due at ``due_at`` (the counter says them)."""
    hours = ServiceHours.from_settings(settings)
    closing = hours.closing_of_day(due_at)
    alert_at = hours.next_opening(due_at)
    if alert_at is None or alert_at >= closing:
        return ReminderPlan("none", hours.next_opening(max(closing, due_at)))
    if alert_at > due_at:
        return ReminderPlan("at_opening", alert_at)
    return ReminderPlan("at_due", due_at)


def due_followups(ctx: Context) -> list[FollowUp]:
    """Open follow-ups whose alert time has come (in opening hours), oldest due first.

    Already-announced ones stay in the list: it is what the banner shows.
    """
    now = ctx.clock.now()
    return [to_followup(p.row) for p in _plans(ctx)
            if p.closing > now and p.alert_at is not None and p.alert_at <= now]


def due_to_announce(ctx: Context) -> list[FollowUp]:
    """The due follow-ups nobody is on (app.followup_taking): those a terminal rings for."""
    now = ctx.clock.now()
    return [to_followup(p.row) for p in _plans(ctx) if p.held_until is None
            and p.closing > now and p.alert_at is not None and p.alert_at <= now]


def next_due_at(ctx: Context) -> datetime | None:
    """The earliest moment something must happen: an alert, an escalation or a closing.

    A moment in the past means "look now"; None means nothing is open.
    """
    moments = []
    for plan in _plans(ctx):
        moments.append(plan.closing)
        if plan.held_until is not None:  # someone is on it: look again when that ends
            moments.append(plan.held_until)
            continue
        if plan.alert_at is not None and not plan.alerted:
            moments.append(plan.alert_at)
        if plan.escalate_at is not None and not plan.escalated:
            moments.append(plan.escalate_at)
    return min(moments, default=None)


def mark_alerted(ctx: Context, followups: Iterable[FollowUp]) -> list[FollowUp]:
    """Remember that these due follow-ups were announced; returns only the ones announced now.

    After a restart the same due follow-ups are shown again, but each one is announced (sound,
    tray) once: the stamp survives in the database.
    """
    ids = [f.id for f in followups]
    if not ids:
        return []
    with ctx.db.atomic():
        fresh = followups_db.mark_alerted(ctx.db, ids, ctx.now_iso())
        for followup_id in fresh:
            audit.record(ctx, None, "followup.alerted", "followup", followup_id)
    return [to_followup(r) for r in followups_db.followups_by_ids(ctx.db, fresh)]


def escalate_overdue(ctx: Context) -> list[FollowUp]:
    """Escalate every follow-up still open ``followup_grace_minutes`` after its alert.

    Idempotent: a follow-up is escalated (and audited) once; returns those escalated now.
    """
    now = ctx.clock.now()
    todo = [p for p in _plans(ctx) if not p.escalated and p.escalate_at is not None
            and p.escalate_at <= now < p.closing and p.held_until is None]
    if not todo:  # no write transaction (nor sqlite-utils) for nothing
        return []
    done = []
    with ctx.db.atomic():
        for plan in todo:
            if followups_db.mark_escalated(ctx.db, plan.row["id"], to_iso(now)):
                audit.record(ctx, None, "followup.escalated", "followup", plan.row["id"],
                             due_at=plan.row["due_at"])
                done.append(plan.row["id"])
    return [to_followup(r) for r in followups_db.followups_by_ids(ctx.db, done)]


def sweep_missed(ctx: Context) -> list[FollowUp]:
    """Mark missed every follow-up still open when its service day closed.

    Run by the scheduler at closing and at start-up (the app may have been off at closing).
    ``missed_at`` is the closing time itself, so figures put it on the right day.
    """
    now = ctx.clock.now()
    todo = [p for p in _plans(ctx) if p.closing <= now]
    if not todo:
        return []
    done = []
    with ctx.db.atomic():
        for plan in todo:
            at = max(plan.closing, from_iso(plan.row["created_at"]))
            if followups_db.mark_missed_if_open(ctx.db, plan.row["id"], to_iso(at)):
                audit.record(ctx, None, "followup.missed", "followup", plan.row["id"],
                             due_at=plan.row["due_at"])
                done.append(plan.row["id"])
    return [to_followup(r) for r in followups_db.followups_by_ids(ctx.db, done)]


def mark_missed(ctx: Context, followup_id: int) -> Changes:
    """Record that nobody checked back on the guest (counted as missed in the figures)."""
    with ctx.db.atomic():
        if followups_db.mark_missed_if_open(ctx.db, followup_id, ctx.now_iso()):
            audit.record(ctx, None, "followup.missed", "followup", followup_id)
    return Changes(followups=True, followup_id=followup_id)


def open_followups(ctx: Context) -> list[FollowUp]:
    """Every open follow-up of a live incident, the earliest due first."""
    return [to_followup(r) for r in followups_db.open_followups(ctx.db, ctx.store_id)]


class LeftOpen(NamedTuple):
    """Follow-ups nobody closed on the last service day that has ended (``day``)."""

    day: date | None
    followups: tuple[FollowUp, ...]


def left_open(ctx: Context) -> LeftOpen:
    """What was left open at the last closing: listed the next morning."""
    hours = service_hours(ctx)
    day = hours.last_service_day(ctx.clock.now())
    if day is None:
        return LeftOpen(None, ())
    rows = followups_db.missed_due_between(
        ctx.db, ctx.store_id, to_iso(hours.start_of_day(day)),
        to_iso(hours.start_of_day(day + timedelta(days=1))))
    return LeftOpen(day, tuple(to_followup(r) for r in rows))


def _open_followup(ctx: Context, followup_id: int) -> FollowUp:
    followup = get_followup(ctx, followup_id)
    if followup.done_at is not None:
        raise already_closed(ctx, followup_id)  # "Marco recorded it at 12:04: delighted"
    if followup.missed_at is not None:
        raise StateError(_("This follow-up was left open at closing and counts as missed."))
    incident = get_incident(ctx, followup.incident_id)
    if incident.voided_at is not None:
        raise StateError(_("This incident was undone; there is nothing to follow up."))
    return followup


def snooze(ctx: Context, followup_id: int, minutes: int, staff_id: int | None) -> Changes:
    """Put a reminder off for 2, 5 or 10 minutes from now; counted and audited."""
    if minutes not in SNOOZE_MINUTES:
        raise ValidationError("minutes", _("Snooze for 2, 5 or 10 minutes."))
    followup = _open_followup(ctx, followup_id)
    due = ctx.clock.now() + timedelta(minutes=minutes)
    with ctx.db.atomic():
        followups_db.move_due(ctx.db, followup_id, to_iso(due), snoozed=True)
        audit.record(ctx, staff_id, "followup.snoozed", "followup", followup_id,
                     minutes=minutes, snoozes=followup.snooze_count + 1)
    return Changes(followups=True, incident_id=followup.incident_id, followup_id=followup_id)


def record_outcome(ctx: Context, followup_id: int, outcome: Outcome | str,
                   staff_id: int | None, note: str | None = None) -> Changes:
    """The manager checked back on the guest: record how it ended, under their name
    (``staff_id`` must be a manager or the owner: docs/roles.md)."""
    from app import roles

    roles.require(ctx, staff_id, roles.OUTCOME)
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise ValidationError("outcome", _(
            "Outcome must be delighted, satisfied, unhappy or left.")) from None
    note = (note or "").strip() or None
    if note and len(note) > OUTCOME_NOTE_MAX:
        raise ValidationError("note", _("Note can be at most {n} characters.").format(
            n=OUTCOME_NOTE_MAX))
    followup = _open_followup(ctx, followup_id)
    with ctx.db.atomic():
        if not followups_db.close_if_open(ctx.db, followup_id, {
                "done_at": ctx.now_iso(), "done_by": staff_id, "outcome": outcome.value,
                "outcome_note": note}):
            # Another terminal recorded it first (the guard is the WHERE): say who and
            # what; the transaction ends here, nothing of this one is written.
            raise already_closed(ctx, followup_id)
        audit.record(ctx, staff_id, "followup.outcome", "followup", followup_id,
                     outcome=outcome.value)
    return Changes(followups=True, incident_id=followup.incident_id, followup_id=followup_id)


class FurtherRemedy(NamedTuple):
    """Result of :func:`further_remedy`: the new follow-up and any voucher codes."""

    followup: FollowUp
    changes: Changes
    voucher_codes: tuple[str, ...] = ()


def further_remedy(ctx: Context, incident_id: int, remedies: Sequence[RemedyRequest],
                   staff_id: int | None, approval: "Approval | None" = None) -> FurtherRemedy:
    """The guest is still unhappy: give more (same approval rules) and check back again.

    Adds the remedies to the incident (+ vouchers) and a new follow-up, in one transaction.
    The earlier follow-up must be closed first (its outcome recorded).
    """
    from app import audit_payload, catalog, remedies_given

    incident = get_incident(ctx, incident_id)
    if incident.voided_at is not None:
        raise StateError(_("This incident was undone; there is nothing to follow up."))
    picked = remedies_given.check_requests(ctx, remedies)
    if followups_db.open_followup_of_incident(ctx.db, incident_id) is not None:
        raise StateError(_("Record how the last check went before giving something more."))
    now = ctx.clock.now()
    approved = remedies_given.approver_for(ctx, picked, staff_id, approval, now,
                                              already_given=incident.total_minor)
    needing, grant = remedies_given.approved_remedies(picked, approved, approval)
    settings = ctx.settings()
    minutes = catalog.get_category(ctx, incident.category_id).followup_minutes
    now_iso = to_iso(now)
    ctx.terminal_id()
    # The check that the last follow-up is closed and the new one are one step: two
    # terminals giving more at the same moment give it once (the other is told to record).
    with exclusive(ctx.db):
        if followups_db.open_followup_of_incident(ctx.db, incident_id) is not None:
            raise StateError(_("Record how the last check went before giving something more."))
        codes = remedies_given.write_given(ctx, incident_id, picked, approved, now_iso,
                                           settings.voucher_validity_days)
        followup_id = followups_db.insert_followup(
            ctx.db, incident_id, now_iso, to_iso(now + timedelta(minutes=minutes)))
        audit.record(ctx, staff_id, "incident.further_remedy", "incident", incident_id,
                     remedies=audit_payload.given(picked, needing, grant, codes),
                     total_minor=sum(a for _r, a in picked),
                     approved_by=approved[0],
                     **audit_payload.approver_names(grant, needing))
    return FurtherRemedy(
        followup=get_followup(ctx, followup_id),
        changes=Changes(incidents=True, followups=True, vouchers=bool(codes),
                        incident_id=incident_id, followup_id=followup_id),
        voucher_codes=tuple(codes))


def set_due_at(ctx: Context, followup_id: int, due_at: datetime) -> Changes:
    """Move a follow-up's due time without counting a snooze (benchmarks, tools)."""
    _open_followup(ctx, followup_id)
    with ctx.db.atomic():
        followups_db.move_due(ctx.db, followup_id, to_iso(due_at), snoozed=False)
    return Changes(followups=True, followup_id=followup_id)
