"""The weekly summary as it was computed before migration 0014 (kept as the reference).

``weekly_summary`` here is app.summary's before the summary columns: every figure from the
incidents' own rows, with a subquery per incident for its remedies, first follow-up and
latest outcome. tests/test_summary_columns.py checks that the app's summary equals it.
The queries are the old ones, made portable where PostgreSQL refuses SQLite's shortcuts
(CASE WHEN sums, every column in GROUP BY, a missing done_at last on both engines).
"""
# ruff: noqa

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.clock import from_iso, to_iso
from app.context import Context
from app.i18n import _
from app.incidents import paper_approval_text
from app.models import Outcome
from app.summary import (COMP_WINDOW_DAYS, NOTES_MAX, STAFF_FACTOR, STAFF_MIN_COMPS, TOP_FIXES,
                         TREND_WEEKS, ApproverFigure, CategoryFigure, Fix, FollowUpFigures,
                         GuestFlag, NoteLine, OutcomeFigures, RatePoint, RemedyFigure,
                         StaffFigure, Week, WeekFigures, WeeklySummary)
from db.connection import Database

# One row per live incident: what happened, what it cost, how its first follow-up went and
# how the guest's story ended (the latest recorded outcome).
_INCIDENT_ROWS = """
SELECT i.id, i.occurred_at, i.category_id,
       coalesce(c.label, i.category_label) AS category_label, c.code AS category_code,
       i.staff_id, s.name AS staff_name, i.severity, i.repeat_guest, i.guest_key,
       i.guest_name, i.guest_contact, i.table_ref, i.note,
       (SELECT count(*) FROM incident_remedies r WHERE r.incident_id = i.id) AS remedies,
       (SELECT coalesce(sum(r.amount_minor), 0) FROM incident_remedies r
         WHERE r.incident_id = i.id) AS value_minor,
       f.original_due_at AS due_at, f.done_at, f.missed_at,
       (SELECT count(*) FROM followups e WHERE e.incident_id = i.id
         AND e.escalated_at IS NOT NULL) AS escalations,
       last.outcome, last.outcome_note
FROM incidents i
LEFT JOIN categories c ON c.id = i.category_id
LEFT JOIN staff s ON s.id = i.staff_id
LEFT JOIN followups f ON f.id = (SELECT min(id) FROM followups WHERE incident_id = i.id)
LEFT JOIN followups last ON last.id = (
    SELECT id FROM followups INDEXED BY idx_followups_outcome
    WHERE incident_id = i.id AND outcome IS NOT NULL ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END DESC, done_at DESC, id DESC LIMIT 1)
WHERE i.store_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? AND i.voided_at IS NULL
ORDER BY i.occurred_at, i.id
"""


def incident_rows(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """Live incidents with ``start <= occurred_at < end``, oldest first, with their
    remedy count and value, first follow-up timing and latest outcome."""
    return list(db.query(_INCIDENT_ROWS, [store_id, start, end]))


def incident_ids_between(db: Database, store_id: int, start: str, end: str) -> list[int]:
    """Every incident (undone ones too) with ``start <= occurred_at < end``."""
    return [row["id"] for row in db.query(
        "SELECT id FROM incidents WHERE store_id = ? AND occurred_at >= ? AND occurred_at < ?",
        [store_id, start, end])]


def outcome_counts(db: Database, store_id: int, start: str, end: str,
                   recovered: list[str]) -> tuple[int, int]:
    """Live incidents in ``[start, end)`` with a recorded outcome (their latest), and how many
    of those ended in one of ``recovered``: the trend line, counted inside SQLite."""
    marks = ",".join("?" * len(recovered))
    row = db.execute(
        f"SELECT count(o), coalesce(sum(CASE WHEN o IN ({marks}) THEN 1 ELSE 0 END), 0) "
        "FROM (SELECT ("
        "SELECT outcome FROM followups INDEXED BY idx_followups_outcome "
        "WHERE incident_id = i.id AND outcome IS NOT NULL ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END DESC, done_at DESC, id DESC "
        "LIMIT 1) AS o FROM incidents i WHERE i.store_id = ? AND i.occurred_at >= ? "
        "AND i.occurred_at < ? AND i.voided_at IS NULL) AS t",
        [*recovered, store_id, start, end]).fetchone()
    return row[0], row[1]


def guest_rows(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """Live incidents in ``[start, end)`` that still name a guest (by key), with their value:
    what "guests to watch" needs, read through the index of incidents holding guest data."""
    return list(db.query(
        "SELECT i.id, i.occurred_at, i.guest_key, i.guest_name, i.guest_contact, "
        "(SELECT coalesce(sum(r.amount_minor), 0) FROM incident_remedies r "
        " WHERE r.incident_id = i.id) AS value_minor "
        "FROM incidents i INDEXED BY idx_incidents_guest_data "
        "WHERE i.store_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? "
        "AND (guest_name IS NOT NULL OR guest_contact IS NOT NULL OR guest_key IS NOT NULL) "
        "AND i.guest_key IS NOT NULL AND i.voided_at IS NULL ORDER BY i.occurred_at, i.id",
        [store_id, start, end]))


def remedy_totals(db: Database, store_id: int, start: str, split: str, end: str) -> list[dict]:
    """Remedies given per remedy: ``given``/``value_minor`` for ``[split, end)`` (this
    week) and ``given_before``/``value_before`` for ``[start, split)`` (last week)."""
    return list(db.query(
        """
        SELECT r.remedy_id, max(coalesce(m.label, r.label)) AS label, max(r.kind) AS kind,
               sum(CASE WHEN i.occurred_at >= :split THEN 1 ELSE 0 END) AS given,
               sum(CASE WHEN i.occurred_at >= :split THEN r.amount_minor ELSE 0 END)
                   AS value_minor,
               sum(CASE WHEN i.occurred_at < :split THEN 1 ELSE 0 END) AS given_before,
               sum(CASE WHEN i.occurred_at < :split THEN r.amount_minor ELSE 0 END)
                   AS value_before
        FROM incidents i
        JOIN incident_remedies r ON r.incident_id = i.id
        LEFT JOIN remedies m ON m.id = r.remedy_id
        WHERE i.store_id = :store AND i.occurred_at >= :start AND i.occurred_at < :end
          AND i.voided_at IS NULL
        GROUP BY r.remedy_id
        ORDER BY value_minor DESC, given DESC, label
        """, {"store": store_id, "start": start, "split": split, "end": end}))


def redeemed_voucher_times(db: Database, store_id: int, start: str, end: str) -> list[str]:
    """When each voucher of the store's live incidents was redeemed in ``[start, end)``."""
    return [row[0] for row in db.execute(
        # Vouchers first, by idx_vouchers_redeemed: never the store's history (CROSS JOIN).
        "SELECT v.redeemed_at FROM vouchers v CROSS JOIN incidents i ON i.id = v.incident_id "
        "WHERE v.redeemed_at >= ? AND v.redeemed_at < ? AND i.store_id = ? "
        "AND i.voided_at IS NULL ORDER BY v.redeemed_at",
        [start, end, store_id])]


def _unused_count_in_range(db: Database, store_id: int, start: str, end: str) -> int:
    """Bare count of incidents in the range: the benchmark's floor."""
    return db.execute(
        "SELECT count(*) FROM incidents WHERE store_id = ? AND occurred_at >= ? "
        "AND occurred_at < ?", [store_id, start, end]).fetchone()[0]


def paper_approval_totals(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """Approvals that came in a CSV import — history: the name on paper and the owner who
    imported it — summed per (name, owner) on live incidents of ``[start, end)``."""
    return list(db.query(
        "SELECT r.paper_approved_by AS paper_name, ib.name AS imported_by_name, "
        "count(*) AS approvals, coalesce(sum(r.amount_minor), 0) AS value_minor "
        "FROM incident_remedies r JOIN incidents i ON i.id = r.incident_id "
        "LEFT JOIN staff ib ON ib.id = i.imported_by "
        "WHERE i.store_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? "
        "AND i.voided_at IS NULL AND r.paper_approved_by IS NOT NULL "
        "GROUP BY r.paper_approved_by, i.imported_by, ib.name ORDER BY value_minor DESC, paper_name",
        [store_id, start, end]))


def approval_totals(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """Who approved how much: remedies on live incidents of ``[start, end)`` with an
    approver, summed per approver (name, count, value), the biggest value first."""
    return list(db.query(
        "SELECT r.approved_by AS staff_id, s.name AS staff_name, count(*) AS approvals, "
        "coalesce(sum(r.amount_minor), 0) AS value_minor FROM incident_remedies r "
        "JOIN incidents i ON i.id = r.incident_id LEFT JOIN staff s ON s.id = r.approved_by "
        "WHERE i.store_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? "
        "AND i.voided_at IS NULL AND r.approved_by IS NOT NULL "
        "GROUP BY r.approved_by, s.name ORDER BY value_minor DESC, s.name", [store_id, start, end]))


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
    rows = incident_rows(ctx.db, ctx.store_id, to_iso(prev_start), to_iso(end))
    for row in rows:
        row["local"] = from_iso(row["occurred_at"]).astimezone(tz)
    this_rows = [r for r in rows if r["local"] >= start]
    last_rows = [r for r in rows if r["local"] < start]
    redeemed = redeemed_voucher_times(ctx.db, ctx.store_id, to_iso(prev_start),
                                                 to_iso(end))
    came_back_this = sum(1 for t in redeemed if t >= to_iso(start))
    grace = settings.followup_grace_minutes
    this_staff = _staff(this_rows, [])
    guests = guest_rows(ctx.db, ctx.store_id,
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
        for r in remedy_totals(ctx.db, ctx.store_id, to_iso(prev_start),
                                          to_iso(start), to_iso(end)) if r["given"])
    notes = _notes(this_rows)
    return WeeklySummary(
        store_name=settings.store_name, currency=settings.currency, locale=settings.locale,
        timezone=settings.timezone, week=week, days=week.days(), complete=end <= now,
        generated_at=now, this=this, last=last, categories=categories,
        staff=_staff(this_rows, last_rows), remedies=remedies, guests_to_watch=guests_this,
        fixes=_fixes(this_rows, categories), notes=tuple(notes[:NOTES_MAX]),
        notes_left_out=max(0, len(notes) - NOTES_MAX),
        trend=_trend(ctx, week, tz, {week: this_rows, week.shifted(-1): last_rows}),
        approvers=tuple(ApproverFigure(r["staff_id"], r["staff_name"] or _("(not recorded)"),
                                       r["approvals"], r["value_minor"])
                        for r in approval_totals(ctx.db, ctx.store_id,
                                                            to_iso(start), to_iso(end)))
        # Approvals that came in an import are shown as the history they are.
        + tuple(ApproverFigure(0, paper_approval_text(r["paper_name"], r["imported_by_name"]),
                               r["approvals"], r["value_minor"])
                for r in paper_approval_totals(ctx.db, ctx.store_id, to_iso(start),
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
            followed, won = outcome_counts(ctx.db, ctx.store_id, to_iso(start),
                                                      to_iso(end), recovered)
            points.append(RatePoint(target, followed, won))
    return tuple(points)
