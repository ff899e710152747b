"""The owner's weekly recovery summary as plain, frozen data.

One ISO week in the store's time zone. The week runs from Monday 00:00 to the next Monday
00:00 *local* time, converted to UTC for the query, and every incident is put on its local
day and hour, so a week with a daylight-saving change still has each incident on the right
day. Voided incidents count nowhere. Definitions (also printed as footnotes on the PDF):

* **Follow-up on time**: the first check-back's outcome was recorded no later than the
  store's ``followup_grace_minutes`` after its *original* due time (snoozing does not move
  the goalposts). **Late**: recorded after that. **Missed**: marked missed at closing, or
  still open when the week ended. **Open**: still pending in a week that is not over yet.
* **Minutes to the check**: median minutes from the incident to its first recorded check.
* **Outcome** of an incident: the latest recorded outcome of its follow-ups.
  **Recovery rate** = (delighted + satisfied) / incidents with an outcome.
* **Guests who came back** = vouchers redeemed *during* the week (whenever they were
  handed out), for incidents of this store that were not voided. Counting redemptions when
  they happen keeps a finished week's figure from changing later.
* **Comp**: an incident on which something of value was given (remedies worth > 0).
  **Guests to watch**: the same guest (same contact, or name) comped more than once in the
  30 days up to the end of the week, at least once this week. **Staff to watch**: comp value
  this week above 1.5× the median of the staff who logged incidents, with at least 3 comps.
* Category and remedy labels are given in the current language (preset labels are in the
  catalog; a store's own labels stay as typed).
* **Top things to fix**: categories ranked by score = share of the week's incidents +
  share of the week's remedy value (0–2); ties go to more incidents, then the label.
  Trend compares the category's incidents with last week's.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.clock import from_iso, to_iso
from app.context import Context
from app.i18n import _
from app.incidents import paper_approval_text
from app.models import Outcome
from app.weeks import Week, current_week, last_complete_week  # noqa: F401 (re-exported)
from db import reports as reports_db

COMP_WINDOW_DAYS = 30
STAFF_FACTOR = 1.5
STAFF_MIN_COMPS = 3
TREND_WEEKS = 8
TOP_FIXES = 3
NOTES_MAX = 40


@dataclass(frozen=True)
class FollowUpFigures:
    on_time: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0
    escalated: int = 0
    median_minutes: float | None = None


@dataclass(frozen=True)
class OutcomeFigures:
    delighted: int = 0
    satisfied: int = 0
    unhappy: int = 0
    left: int = 0

    @property
    def followed_up(self) -> int:
        return self.delighted + self.satisfied + self.unhappy + self.left

    @property
    def recovered(self) -> int:
        return self.delighted + self.satisfied

    @property
    def rate(self) -> float | None:
        """Recovery rate 0..1, None when no outcome was recorded."""
        return self.recovered / self.followed_up if self.followed_up else None


@dataclass(frozen=True)
class WeekFigures:
    """The scalar figures of one week (this week's and last week's are compared)."""

    incidents: int = 0
    remedies_given: int = 0
    value_minor: int = 0
    by_day: tuple[int, ...] = (0,) * 7
    by_hour: tuple[int, ...] = (0,) * 24
    followups: FollowUpFigures = FollowUpFigures()
    outcomes: OutcomeFigures = OutcomeFigures()
    came_back: int = 0
    repeat_guests: int = 0
    severe: int = 0
    guests_to_watch: int = 0
    staff_to_watch: int = 0


@dataclass(frozen=True)
class CategoryFigure:
    category_id: int
    code: str
    label: str
    incidents: int
    value_minor: int
    incidents_before: int
    value_before: int


@dataclass(frozen=True)
class StaffFigure:
    staff_id: int | None
    name: str
    incidents: int
    comps: int
    value_minor: int
    value_before: int
    stands_out: bool


@dataclass(frozen=True)
class ApproverFigure:
    """Who approved how much this week ("approved by", beside "given by")."""

    staff_id: int
    name: str
    approvals: int
    value_minor: int


@dataclass(frozen=True)
class RemedyFigure:
    label: str
    kind: str
    given: int
    value_minor: int
    given_before: int


@dataclass(frozen=True)
class GuestFlag:
    name: str
    comps: int
    value_minor: int
    last_at: datetime


@dataclass(frozen=True)
class Fix:
    rank: int
    category_id: int
    label: str
    incidents: int
    value_minor: int
    score: float
    incidents_before: int
    peak_weekday: int
    peak_hour: int

    @property
    def trend(self) -> str:
        """'new', 'up', 'down' or 'same' compared with last week."""
        if self.incidents_before == 0:
            return "new"
        if self.incidents == self.incidents_before:
            return "same"
        return "up" if self.incidents > self.incidents_before else "down"


@dataclass(frozen=True)
class NoteLine:
    at: datetime
    category: str
    severity: str
    table_ref: str | None
    guest_name: str | None
    staff_name: str | None
    note: str
    outcome: str | None
    outcome_note: str | None


@dataclass(frozen=True)
class RatePoint:
    week: Week
    followed_up: int
    recovered: int

    @property
    def rate(self) -> float | None:
        return self.recovered / self.followed_up if self.followed_up else None


@dataclass(frozen=True)
class WeeklySummary:
    store_name: str
    currency: str
    locale: str
    timezone: str
    week: Week
    days: tuple[date, ...]
    complete: bool
    generated_at: datetime
    this: WeekFigures
    last: WeekFigures
    categories: tuple[CategoryFigure, ...]
    staff: tuple[StaffFigure, ...]
    remedies: tuple[RemedyFigure, ...]
    guests_to_watch: tuple[GuestFlag, ...]
    fixes: tuple[Fix, ...]
    notes: tuple[NoteLine, ...]
    notes_left_out: int
    trend: tuple[RatePoint, ...]
    approvers: tuple[ApproverFigure, ...] = ()
    #: By terminal (app.terminals), when the store has more than one.
    terminals: tuple = ()

    @property
    def empty(self) -> bool:
        return self.this.incidents == 0


def weekly_summary(ctx: Context, week: Week | str) -> WeeklySummary:
    """Compute the summary of ``week`` (a :class:`Week` or text such as ``2026-W47``)."""
    if isinstance(week, str):
        week = Week.parse(week)
    settings = ctx.settings()
    tz = ZoneInfo(settings.timezone)
    now = ctx.clock.now()
    start, end = week.bounds(tz)
    prev_start, _prev_end = week.shifted(-1).bounds(tz)
    # Whole rows only for the two weeks compared; the guests' 30-day window and the trend
    # read what they need (see db.reports), so the cost follows a week's incidents.
    rows = reports_db.incident_rows(ctx.db, ctx.store_id, to_iso(prev_start), to_iso(end))
    for row in rows:
        row["local"] = from_iso(row["occurred_at"]).astimezone(tz)
    this_rows = [r for r in rows if r["local"] >= start]
    last_rows = [r for r in rows if r["local"] < start]
    redeemed = reports_db.redeemed_voucher_times(ctx.db, ctx.store_id, to_iso(prev_start),
                                                 to_iso(end))
    came_back_this = sum(1 for t in redeemed if t >= to_iso(start))
    grace = settings.followup_grace_minutes
    this_staff = _staff(this_rows, [])
    guests = reports_db.guest_rows(ctx.db, ctx.store_id,
                                   to_iso(start - timedelta(days=COMP_WINDOW_DAYS)), to_iso(end))
    for row in guests:
        row["local"] = from_iso(row["occurred_at"]).astimezone(tz)
    guests_this = _guests_to_watch(guests, start, end)
    guests_last = _guests_to_watch(guests, prev_start, start)
    this = _figures(this_rows, grace, complete=end <= now, came_back=came_back_this,
                    guests=len(guests_this), staff=this_staff)
    last = _figures(last_rows, grace, complete=start <= now,
                    came_back=len(redeemed) - came_back_this, guests=len(guests_last),
                    staff=_staff(last_rows, []))
    categories = _categories(this_rows, last_rows)
    remedies = tuple(
        RemedyFigure(_shown(r["label"]), r["kind"], r["given"], r["value_minor"],
                     r["given_before"])
        for r in reports_db.remedy_totals(ctx.db, ctx.store_id, to_iso(prev_start),
                                          to_iso(start), to_iso(end)) if r["given"])
    notes = _notes(this_rows)
    from app.terminals import week_figures

    return WeeklySummary(
        store_name=settings.store_name, currency=settings.currency, locale=settings.locale,
        timezone=settings.timezone, week=week, days=week.days(), complete=end <= now,
        generated_at=now, this=this, last=last, categories=categories,
        staff=_staff(this_rows, last_rows), remedies=remedies, guests_to_watch=guests_this,
        fixes=_fixes(this_rows, categories), notes=tuple(notes[:NOTES_MAX]),
        terminals=week_figures(ctx, start, end),
        notes_left_out=max(0, len(notes) - NOTES_MAX),
        trend=_trend(ctx, week, tz, {week: this_rows, week.shifted(-1): last_rows}),
        approvers=tuple(ApproverFigure(r["staff_id"], r["staff_name"] or _("(not recorded)"),
                                       r["approvals"], r["value_minor"])
                        for r in reports_db.approval_totals(ctx.db, ctx.store_id,
                                                            to_iso(start), to_iso(end)))
        # Approvals that came in an import are shown as the history they are.
        + tuple(ApproverFigure(0, paper_approval_text(r["paper_name"], r["imported_by_name"]),
                               r["approvals"], r["value_minor"])
                for r in reports_db.paper_approval_totals(ctx.db, ctx.store_id, to_iso(start),
                                                          to_iso(end))))


def _shown(label: str) -> str:
    """A stored label in the current language (preset labels are in the catalog)."""
    return _(label)


def _followups(rows: list[dict], grace: int, complete: bool) -> FollowUpFigures:
    on_time = late = missed = pending = escalated = 0
    minutes = []
    for row in rows:
        escalated += bool(row["escalations"])
        if row["due_at"] is None:
            continue
        if row["missed_at"]:
            missed += 1
        elif row["done_at"]:
            done = from_iso(row["done_at"])
            if done <= from_iso(row["due_at"]) + timedelta(minutes=grace):
                on_time += 1
            else:
                late += 1
            minutes.append((done - from_iso(row["occurred_at"])).total_seconds() / 60)
        elif complete:
            missed += 1
        else:
            pending += 1
    median = round(statistics.median(minutes), 1) if minutes else None
    return FollowUpFigures(on_time, late, missed, pending, escalated, median)


def _figures(rows: list[dict], grace: int, *, complete: bool, came_back: int, guests: int,
             staff: tuple[StaffFigure, ...]) -> WeekFigures:
    by_day, by_hour = [0] * 7, [0] * 24
    outcomes: Counter[str] = Counter()
    for row in rows:
        by_day[row["local"].weekday()] += 1
        by_hour[row["local"].hour] += 1
        if row["outcome"]:
            outcomes[row["outcome"]] += 1
    return WeekFigures(
        incidents=len(rows), remedies_given=sum(r["remedies"] for r in rows),
        value_minor=sum(r["value_minor"] for r in rows), by_day=tuple(by_day),
        by_hour=tuple(by_hour), followups=_followups(rows, grace, complete),
        outcomes=OutcomeFigures(*(outcomes[o.value] for o in Outcome)),
        came_back=came_back, repeat_guests=sum(1 for r in rows if r["repeat_guest"]),
        severe=sum(1 for r in rows if r["severity"] == "high"), guests_to_watch=guests,
        staff_to_watch=sum(1 for s in staff if s.stands_out))


def _categories(this_rows: list[dict], last_rows: list[dict]) -> tuple[CategoryFigure, ...]:
    info: dict[int, tuple[str, str]] = {}
    now: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    before: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for bucket, rows in ((now, this_rows), (before, last_rows)):
        for row in rows:
            info[row["category_id"]] = (row["category_code"] or "",
                                         _shown(row["category_label"]))
            bucket[row["category_id"]][0] += 1
            bucket[row["category_id"]][1] += row["value_minor"]
    figures = [CategoryFigure(cid, info[cid][0], info[cid][1], now[cid][0], now[cid][1],
                              before[cid][0], before[cid][1]) for cid in info]
    figures.sort(key=lambda f: (-f.incidents, -f.value_minor, -f.incidents_before, f.label))
    return tuple(figures)


def _staff(this_rows: list[dict], last_rows: list[dict]) -> tuple[StaffFigure, ...]:
    names: dict[int | None, str] = {}
    now: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    before: dict[int | None, int] = defaultdict(int)
    for row in this_rows:
        names[row["staff_id"]] = row["staff_name"] or _("(not recorded)")
        figures = now[row["staff_id"]]
        figures[0] += 1
        figures[1] += row["value_minor"] > 0
        figures[2] += row["value_minor"]
    for row in last_rows:
        before[row["staff_id"]] += row["value_minor"]
    values = [v[2] for v in now.values()]
    median = statistics.median(values) if values else 0
    result = [StaffFigure(sid, names[sid], v[0], v[1], v[2], before[sid],
                          stands_out=v[2] > STAFF_FACTOR * median and v[1] >= STAFF_MIN_COMPS)
              for sid, v in now.items()]
    result.sort(key=lambda s: (-s.value_minor, -s.incidents, s.name.casefold()))
    return tuple(result)


def _guests_to_watch(rows: list[dict], start: datetime, end: datetime) -> tuple[GuestFlag, ...]:
    """Guests comped more than once in the 30 days up to ``end``, at least once in
    ``[start, end)``."""
    since = end - timedelta(days=COMP_WINDOW_DAYS)
    comps: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["guest_key"] and row["value_minor"] > 0 and since <= row["local"] < end:
            comps[row["guest_key"]].append(row)
    flags = []
    for items in comps.values():
        if len(items) > 1 and any(r["local"] >= start for r in items):
            latest = items[-1]
            flags.append(GuestFlag(
                name=latest["guest_name"] or _masked(latest["guest_contact"]),
                comps=len(items), value_minor=sum(r["value_minor"] for r in items),
                last_at=latest["local"]))
    flags.sort(key=lambda g: (-g.comps, -g.value_minor, g.name.casefold()))
    return tuple(flags)


def _masked(contact: str | None) -> str:
    """A contact printed on paper shows only its last four characters."""
    text = (contact or "").strip()
    return "…" + text[-4:] if text else _("(unnamed guest)")


def _fixes(rows: list[dict], categories: tuple[CategoryFigure, ...]) -> tuple[Fix, ...]:
    total = sum(c.incidents for c in categories)
    value = sum(c.value_minor for c in categories)
    scored = []
    for cat in categories:
        if not cat.incidents:
            continue
        score = cat.incidents / total + (cat.value_minor / value if value else 0.0)
        scored.append((score, cat))
    scored.sort(key=lambda item: (-round(item[0], 9), -item[1].incidents, item[1].label))
    fixes = []
    for rank, (score, cat) in enumerate(scored[:TOP_FIXES], start=1):
        mine = [r["local"] for r in rows if r["category_id"] == cat.category_id]
        day = Counter(t.weekday() for t in mine).most_common(1)[0][0]
        hour = Counter(t.hour for t in mine).most_common(1)[0][0]
        fixes.append(Fix(rank, cat.category_id, cat.label, cat.incidents, cat.value_minor,
                         round(score, 3), cat.incidents_before, day, hour))
    return tuple(fixes)


def _notes(rows: list[dict]) -> list[NoteLine]:
    lines = [NoteLine(at=r["local"], category=_shown(r["category_label"]),
                      severity=r["severity"],
                      table_ref=r["table_ref"], guest_name=r["guest_name"],
                      staff_name=r["staff_name"], note=r["note"] or "",
                      outcome=r["outcome"], outcome_note=r["outcome_note"])
             for r in rows if r["note"] or r["outcome_note"]]
    lines.sort(key=lambda n: (n.severity != "high", n.at))
    return lines


def _trend(ctx: Context, week: Week, tz: ZoneInfo,
           known: dict[Week, list[dict]]) -> tuple[RatePoint, ...]:
    recovered = [o.value for o in Outcome if o.recovered]
    points = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        target = week.shifted(-back)
        if target in known:
            outcomes = [r["outcome"] for r in known[target] if r["outcome"]]
            points.append(RatePoint(target, len(outcomes),
                                    sum(1 for o in outcomes if Outcome(o).recovered)))
        else:
            start, end = target.bounds(tz)
            followed, won = reports_db.outcome_counts(ctx.db, ctx.store_id, to_iso(start),
                                                      to_iso(end), recovered)
            points.append(RatePoint(target, followed, won))
    return tuple(points)
