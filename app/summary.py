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

# No ``from __future__ import annotations`` here: typing.NamedTuple compiles each string
# annotation (a ForwardRef) when its class is made; real types cost it ~5 M instructions
# less for this module's twelve figures, ~0.3 % of a weekly report's process.
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from app.clock import from_iso, to_iso
from app.context import Context
from app.i18n import _
from app.incidents import paper_approval_text
from app.models import Outcome
from app.weeks import Week, current_week, last_complete_week  # noqa: F401 (re-exported)
from db import reports as reports_db
from db import summary_ahead

COMP_WINDOW_DAYS = 30
STAFF_FACTOR = 1.5
STAFF_MIN_COMPS = 3
TREND_WEEKS = 8
TOP_FIXES = 3
NOTES_MAX = 40


class FollowUpFigures(NamedTuple):
    on_time: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0
    escalated: int = 0
    median_minutes: float | None = None


class OutcomeFigures(NamedTuple):
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


class WeekFigures(NamedTuple):
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


class CategoryFigure(NamedTuple):
    category_id: int
    code: str
    label: str
    incidents: int
    value_minor: int
    incidents_before: int
    value_before: int


class StaffFigure(NamedTuple):
    staff_id: int | None
    name: str
    incidents: int
    comps: int
    value_minor: int
    value_before: int
    stands_out: bool


class ApproverFigure(NamedTuple):
    """Who approved how much this week ("approved by", beside "given by")."""

    staff_id: int
    name: str
    approvals: int
    value_minor: int


class RemedyFigure(NamedTuple):
    label: str
    kind: str
    given: int
    value_minor: int
    given_before: int


class GuestFlag(NamedTuple):
    name: str
    comps: int
    value_minor: int
    last_at: datetime


class Fix(NamedTuple):
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


class NoteLine(NamedTuple):
    at: datetime
    category: str
    severity: str
    table_ref: str | None
    guest_name: str | None
    staff_name: str | None
    note: str
    outcome: str | None
    outcome_note: str | None


class RatePoint(NamedTuple):
    week: Week
    followed_up: int
    recovered: int

    @property
    def rate(self) -> float | None:
        return self.recovered / self.followed_up if self.followed_up else None


class WeeklySummary(NamedTuple):
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
    try:
        return _weekly_summary(ctx, week, settings)
    finally:
        summary_ahead.forget_ahead(ctx.db)


def _weekly_summary(ctx: Context, week: Week, settings) -> WeeklySummary:
    tz = ZoneInfo(settings.timezone)
    now = ctx.clock.now()
    start, end = week.bounds(tz)
    prev_start, _prev_end = week.shifted(-1).bounds(tz)
    start_iso, end_iso, prev_iso = to_iso(start), to_iso(end), to_iso(prev_start)
    # This week and the one before are counted inside the database from one index (each
    # incident carries its remedies, first follow-up and latest outcome: db.summary_columns);
    # only the local day and hour are worked out here, once per UTC hour that has incidents.
    ranges = (ctx.db, ctx.store_id, prev_iso, start_iso, end_iso)
    grace = settings.followup_grace_minutes
    # Weeks that start and end on a whole UTC hour (every zone with whole-hour offsets) are
    # counted from the rollup per hour (db.summary_rollup); the minutes to the check and
    # on time / late (the store's grace can change) from one range of the index.
    # The trend's eight weeks, oldest first: their bounds, and (from the rollup) their totals.
    eight = [week.shifted(-back) for back in range(TREND_WEEKS - 1, -1, -1)]
    bounds = [to_iso(w.bounds(tz)[0]) for w in eight] + [end_iso]
    hourly = all(_on_the_hour(t) for t in bounds)
    known: dict[Week, OutcomeFigures] = {}
    if hourly:  # on a server, every read below in one round trip
        summary_ahead.send_ahead(ctx.db, ctx.store_id, lambda db: _reads(
            db, ctx.store_id, bounds, (prev_start, start, end), grace * 60))
        per_week = reports_db.rollup_weeks(ctx.db, ctx.store_id, bounds)
        totals = {1: per_week[-1], 0: per_week[-2]}
        known = {w: OutcomeFigures(*(figures[o.value] for o in Outcome))
                 for w, figures in zip(eight, per_week, strict=True)}
        checks = reports_db.check_rows(*ranges, grace * 60)
        for this, figures in totals.items():
            figures["on_time"] = sum(r[3] for r in checks if r[0] == this)
            figures["late"] = sum(r[2] - r[3] for r in checks if r[0] == this)
        people = reports_db.rollup_staff(*ranges)
    else:
        totals = {1: reports_db.week_totals(ctx.db, ctx.store_id, start_iso, end_iso,
                                            grace * 60),
                  0: reports_db.week_totals(ctx.db, ctx.store_id, prev_iso, start_iso,
                                            grace * 60)}
        checks = reports_db.check_seconds(*ranges)
        people = reports_db.staff_totals(*ranges)
    hours = _Hours(ctx, tz, prev_iso, start_iso, end_iso, hourly=hourly)
    names = {r[0]: r[6] for r in people if r[0] is not None}
    redeemed = reports_db.redeemed_voucher_times(ctx.db, ctx.store_id, prev_iso, end_iso)
    came_back_this = sum(1 for t in redeemed if t >= start_iso)
    guests_this, guests_last = _guests_to_watch(ctx, tz, prev_start, start, end)
    staff = _staff(people, names, this=1)
    this = _figures(totals[1], hours, checks, 1, complete=end <= now,
                    came_back=came_back_this, guests=len(guests_this), staff=staff)
    last = _figures(totals[0], hours, checks, 0, complete=start <= now,
                    came_back=len(redeemed) - came_back_this, guests=guests_last,
                    staff=_staff(people, names, this=0))
    categories = hours.categories()
    remedy_rows = (reports_db.rollup_remedies if hourly else reports_db.remedy_totals)(*ranges)
    remedies = tuple(
        RemedyFigure(_shown(r["label"]), r["kind"], r["given"], r["value_minor"],
                     r["given_before"])
        for r in remedy_rows if r["given"])
    approvals = (reports_db.rollup_approvals if hourly else reports_db.approval_totals)(
        ctx.db, ctx.store_id, start_iso, end_iso)
    notes, noted = _notes(ctx, tz, start_iso, end_iso) if totals[1]["noted"] else ((), 0)
    # Approvals that came in an import (history), asked only when the week has some.
    paper = ((reports_db.rollup_paper if hourly else reports_db.paper_approval_totals)(
        ctx.db, ctx.store_id, start_iso, end_iso)
        if not hourly or any(r["paper"] for r in remedy_rows) else [])
    from app.terminals import week_figures

    return WeeklySummary(
        store_name=settings.store_name, currency=settings.currency, locale=settings.locale,
        timezone=settings.timezone, week=week, days=week.days(), complete=end <= now,
        generated_at=now, this=this, last=last, categories=categories,
        staff=staff, remedies=remedies, guests_to_watch=guests_this,
        fixes=_fixes(hours, categories), notes=notes,
        terminals=week_figures(ctx, start, end),
        notes_left_out=noted - len(notes),
        trend=_trend(ctx, week, tz, {**known, week: this.outcomes,
                                     week.shifted(-1): last.outcomes}),
        approvers=tuple(ApproverFigure(r["staff_id"], r["staff_name"] or _("(not recorded)"),
                                       r["approvals"], r["value_minor"])
                        for r in approvals)
        # Approvals that came in an import are shown as the history they are.
        + tuple(ApproverFigure(0, paper_approval_text(r["paper_name"], r["imported_by_name"]),
                               r["approvals"], r["value_minor"])
                for r in paper))


def _reads(db, store_id: int, bounds: list[str], weeks: tuple[datetime, datetime, datetime],
           grace_s: int) -> None:
    """The reads of a whole-hour week's summary, made on ``db``: the same calls, with the
    same arguments, as :func:`weekly_summary` makes (db.summary_ahead lists them with it
    and sends them to a server together)."""
    from db import terminals as terminals_db

    prev, start, end = (to_iso(t) for t in weeks)
    reports_db.rollup_weeks(db, store_id, bounds)
    reports_db.check_rows(db, store_id, prev, start, end, grace_s)
    reports_db.rollup_staff(db, store_id, prev, start, end)
    reports_db.rollup_hours(db, store_id, prev, end)
    reports_db.category_names(db, store_id)
    reports_db.redeemed_voucher_times(db, store_id, prev, end)
    reports_db.guest_flags(db, store_id, *_guest_window(*weeks))
    reports_db.rollup_remedies(db, store_id, prev, start, end)
    reports_db.rollup_approvals(db, store_id, start, end)
    reports_db.rollup_paper(db, store_id, start, end)  # asked when one was on paper
    reports_db.note_rows(db, store_id, start, end, NOTES_MAX)  # asked when a note is counted
    terminals_db.count_terminals(db, store_id)  # app.terminals.week_figures


def _on_the_hour(text: str) -> bool:
    """A stored UTC time (app.clock.to_iso) at a whole hour."""
    return text[13:19] == ":00:00"


def _shown(label: str) -> str:
    """A stored label in the current language (preset labels are in the catalog)."""
    return _(label)


class _Hours:
    """The two weeks' incidents and their value per category and UTC hour, each hour on its
    local weekday and hour: by day, by hour, per category and the fixes' peaks, counted in
    one pass over the rows.

    A UTC hour is one local hour in every zone whose offset is whole hours; where it is not
    (an offset of :30 or :45, or a change that is not on the hour), the minute is used."""

    def __init__(self, ctx: Context, tz: ZoneInfo, start: str, split: str, end: str, *,
                 hourly: bool = False) -> None:
        for width in (13, 16):
            if hourly and width == 13:  # the rollup per hour (db.summary_rollup)
                rows = reports_db.rollup_hours(ctx.db, ctx.store_id, start, end)
            else:
                rows = reports_db.hours_by_category(ctx.db, ctx.store_id, start, end, width)
            local = self._local(rows, tz, width)
            if local is not None:
                break
        if rows and len(rows[0]) == 4:  # the rollup's rows name no category
            named = {row[0]: (row[1], row[2])
                     for row in reports_db.category_names(ctx.db, ctx.store_id)}
            names = {row[1]: named.get(row[1], (None, None)) for row in rows}
        else:
            names = {row[1]: (row[5], row[6]) for row in rows}
        self.names = {cid: (code or "", _shown(label)) for cid, (code, label) in names.items()}
        # Per week (0: the week before, 1: this week): incidents by weekday and by hour, and
        # per category (in the order first seen) its incidents and value; this week's
        # incidents per category by weekday and by hour (in the order first seen: a tie
        # goes to the earlier), for the peaks.
        self._by_day = ([0] * 7, [0] * 7)
        self._by_hour = ([0] * 24, [0] * 24)
        self._categories: tuple[dict[int, list[int]], dict[int, list[int]]] = ({}, {})
        self._peaks: dict[int, tuple[dict[int, int], dict[int, int]]] = {}
        split = split[:width]
        for row in rows:
            bucket, cid, count, value = row[0], row[1], row[2], row[3]
            day, hour = local[bucket]
            this = 1 if bucket >= split else 0
            self._by_day[this][day] += count
            self._by_hour[this][hour] += count
            figures = self._categories[this].get(cid)
            if figures is None:
                self._categories[this][cid] = [count, value]
            else:
                figures[0] += count
                figures[1] += value
            if this:
                peaks = self._peaks.get(cid)
                if peaks is None:
                    peaks = self._peaks[cid] = ({}, {})
                days, hours = peaks
                days[day] = days.get(day, 0) + count
                hours[hour] = hours.get(hour, 0) + count

    @staticmethod
    def _local(rows: list[tuple], tz: ZoneInfo, width: int) -> dict | None:
        """bucket → (weekday, hour) in the store's zone; None if a bucket spans two.

        The zone's offset is looked up once per UTC date: where it is the same at the
        date's first and last second (every date but a change's), each bucket of the date
        is its UTC hour moved by it; on a change's date each bucket is converted itself."""
        first, last = (":00:00+00:00", ":59:59+00:00") if width == 13 else \
            (":00+00:00", ":59+00:00")
        unit = 3600 if width == 13 else 60
        local = {}
        offsets: dict[str, timedelta | None] = {}
        for row in rows:
            bucket = row[0]
            if bucket in local:
                continue
            day = bucket[:10]
            if day not in offsets:
                a = datetime.fromisoformat(day + "T00:00:00+00:00")
                offset = a.astimezone(tz).utcoffset()
                b = datetime.fromisoformat(day + "T23:59:59+00:00").astimezone(tz)
                offsets[day] = offset if b.utcoffset() == offset \
                    and offset.total_seconds() % unit == 0 else None
            offset = offsets[day]
            if offset is not None:
                at = datetime.fromisoformat(bucket + first) + offset
                local[bucket] = (at.weekday(), at.hour)
                continue
            a = datetime.fromisoformat(bucket + first).astimezone(tz)
            b = datetime.fromisoformat(bucket + last).astimezone(tz)
            if (a.weekday(), a.hour) != (b.weekday(), b.hour):
                return None
            local[bucket] = (a.weekday(), a.hour)
        return local

    def by_day_and_hour(self, this: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(self._by_day[this]), tuple(self._by_hour[this])

    def categories(self) -> tuple[CategoryFigure, ...]:
        before, now = self._categories
        nothing = (0, 0)
        figures = [CategoryFigure(cid, *self.names[cid], *now.get(cid, nothing),
                                  *before.get(cid, nothing))
                   for cid in {**now, **before}]
        figures.sort(key=lambda f: (-f.incidents, -f.value_minor, -f.incidents_before,
                                    f.label))
        return tuple(figures)

    def peaks(self, category_id: int) -> tuple[int, int]:
        """This week's busiest weekday and hour of a category (ties: the earlier first)."""
        days, hours = self._peaks[category_id]
        return max(days, key=days.__getitem__), max(hours, key=hours.__getitem__)


def _followups(totals: dict, checks: list[tuple], this: int,
               complete: bool) -> FollowUpFigures:
    # The median of the minutes to the check, from (seconds, incidents) in order.
    counts = [(seconds, n) for week, seconds, n, *_on_time in checks if week == this]
    total = sum(n for _s, n in counts)
    median = None
    if total:
        wanted = (total - 1) // 2, total // 2  # the middle one, or the middle two
        middle, seen = [], 0
        for seconds, n in counts:
            middle += [seconds / 60 for i in wanted if seen <= i < seen + n]
            seen += n
        median = round(middle[0] if total % 2 else (middle[0] + middle[1]) / 2, 1)
    pending = totals["pending"]
    return FollowUpFigures(totals["on_time"], totals["late"],
                           totals["missed"] + (pending if complete else 0),
                           0 if complete else pending, totals["escalated"], median)


def _figures(totals: dict, hours: _Hours, checks: list[tuple], this: int, *,
             complete: bool, came_back: int, guests: int,
             staff: tuple[StaffFigure, ...]) -> WeekFigures:
    if not totals["incidents"]:
        return WeekFigures(followups=FollowUpFigures(), came_back=came_back,
                           guests_to_watch=guests,
                           staff_to_watch=sum(1 for s in staff if s.stands_out))
    by_day, by_hour = hours.by_day_and_hour(this)
    return WeekFigures(
        incidents=totals["incidents"], remedies_given=totals["remedies"] or 0,
        value_minor=totals["value_minor"] or 0, by_day=by_day, by_hour=by_hour,
        followups=_followups(totals, checks, this, complete),
        outcomes=OutcomeFigures(*(totals[o.value] or 0 for o in Outcome)),
        came_back=came_back, repeat_guests=totals["repeat_guests"] or 0,
        severe=totals["severe"] or 0, guests_to_watch=guests,
        staff_to_watch=sum(1 for s in staff if s.stands_out))


def _staff(people: list[tuple], names: dict[int, str], this: int) -> tuple[StaffFigure, ...]:
    """Per staff member of week ``this`` (1: this week): incidents, comps, value, and
    (this week only) the value of the week before."""
    now: dict[int | None, tuple[int, int, int]] = {}
    before: dict[int | None, int] = defaultdict(int)
    for staff_id, week, incidents, comps, value, _first, _name in people:
        if week == this:
            now[staff_id] = (incidents, comps, value)
        elif this == 1:
            before[staff_id] += value
    values = [v[2] for v in now.values()]
    median = _median(values) if values else 0
    result = [StaffFigure(sid, names.get(sid) or _("(not recorded)"), v[0], v[1], v[2],
                          before[sid],
                          stands_out=v[2] > STAFF_FACTOR * median and v[1] >= STAFF_MIN_COMPS)
              for sid, v in now.items()]
    result.sort(key=lambda s: (-s.value_minor, -s.incidents, s.name.casefold()))
    return tuple(result)


def _median(values: list[int]) -> float:
    """``statistics.median``: the middle value, or the mean of the two in the middle (that
    module's import - with fractions, decimal and random - was ~1 % of a report's process)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _guests_to_watch(ctx: Context, tz: ZoneInfo, last_start: datetime, start: datetime,
                     end: datetime) -> tuple[tuple[GuestFlag, ...], int]:
    """This week's guests to watch (comped more than once in the 30 days up to ``end``, at
    least once in ``[start, end)``), and how many last week had. Counted inside the
    database (db.reports.guest_flags): only the guests flagged leave it."""
    rows = reports_db.guest_flags(ctx.db, ctx.store_id, *_guest_window(last_start, start, end))
    flags = [GuestFlag(name=name or _masked(contact), comps=comps, value_minor=value,
                       last_at=from_iso(last_at).astimezone(tz))
             for this, _last, comps, value, last_at, name, contact in rows if this]
    flags.sort(key=lambda g: (-g.comps, -g.value_minor, g.name.casefold()))
    return tuple(flags), sum(1 for row in rows if row[1])


def _guest_window(last_start: datetime, start: datetime, end: datetime) -> tuple[str, ...]:
    """db.reports.guest_flags's bounds: 30 days before ``start``, last week's start, this
    week's start, 30 days before ``end``, ``end``."""
    window = timedelta(days=COMP_WINDOW_DAYS)
    return (to_iso(start - window), to_iso(last_start), to_iso(start), to_iso(end - window),
            to_iso(end))


def _masked(contact: str | None) -> str:
    """A contact printed on paper shows only its last four characters."""
    text = (contact or "").strip()
    return "…" + text[-4:] if text else _("(unnamed guest)")


def _fixes(hours: _Hours, categories: tuple[CategoryFigure, ...]) -> tuple[Fix, ...]:
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
        day, hour = hours.peaks(cat.category_id)
        fixes.append(Fix(rank, cat.category_id, cat.label, cat.incidents, cat.value_minor,
                         round(score, 3), cat.incidents_before, day, hour))
    return tuple(fixes)


def _notes(ctx: Context, tz: ZoneInfo, start: str, end: str
           ) -> tuple[tuple[NoteLine, ...], int]:
    """The week's notes that are printed (the first :data:`NOTES_MAX`, severe ones first,
    then by time): the incident's own, or the latest outcome's (read only for the incidents
    flagged ``noted``); and how many notes the week has."""
    rows, total = reports_db.note_rows(ctx.db, ctx.store_id, start, end, NOTES_MAX)
    return tuple(NoteLine(at=from_iso(r["occurred_at"]).astimezone(tz),
                          category=_shown(r["category_label"]), severity=r["severity"],
                          table_ref=r["table_ref"], guest_name=r["guest_name"],
                          staff_name=r["staff_name"], note=r["note"] or "",
                          outcome=r["outcome"], outcome_note=r["outcome_note"])
                 for r in rows), total


def _trend(ctx: Context, week: Week, tz: ZoneInfo,
           known: dict[Week, OutcomeFigures]) -> tuple[RatePoint, ...]:
    recovered = [o.value for o in Outcome if o.recovered]
    points = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        target = week.shifted(-back)
        if target in known:
            points.append(RatePoint(target, known[target].followed_up,
                                    known[target].recovered))
        else:
            start, end = target.bounds(tz)
            points.append(RatePoint(target, *reports_db.outcome_counts(
                ctx.db, ctx.store_id, to_iso(start), to_iso(end), recovered)))
    return tuple(points)
