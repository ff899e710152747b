"""Every query of the weekly summary and of the CSV export.

All summary reads filter on ``store_id`` and a half-open ``occurred_at`` range
``[start, end)`` of UTC ISO strings, never the whole table. The week's figures are counted
here from ``idx_incidents_summary`` alone (each incident's remedies, first follow-up and
latest outcome are columns of it: db.summary_columns); the remedies, approvals, guests and
notes read their own rows. Voided incidents are left out of every summary figure. Local
days and hours are worked out in ``app.summary`` (SQLite knows no time zones): the
queries group by the UTC hour (or minute) for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from db.connection import Database
from db.import_staging import visible

# The week's figures, counted inside the database from idx_incidents_summary alone (no table
# row): db.summary_columns keeps each incident's remedies, follow-up and outcome on it. Each
# query reads the live incidents of [start, end) and splits them at :split (this week / the
# week before).
_RANGE = ("FROM incidents WHERE store_id = :store AND occurred_at >= :start "
          f"AND occurred_at < :end AND voided_at IS NULL AND {visible('id')}")
_THIS = "CASE WHEN occurred_at >= :split THEN 1 ELSE 0 END"
# A grouped incident's category's code or label (the names come with the figures: no second
# round trip).
_CATEGORY = "(SELECT c.{column} FROM categories c WHERE c.id = incidents.category_id)"


def _count(condition: str) -> str:
    return f"count(CASE WHEN {condition} THEN 1 END)"


WEEK_TOTALS = ("incidents", "remedies", "value_minor", "repeat_guests", "severe",
               "escalated", "delighted", "satisfied", "unhappy", "left", "missed", "pending",
               "on_time", "late", "noted")
_CHECKED = ("followup_due_s IS NOT NULL AND followup_missed = 0 "
            "AND followup_done_s IS NOT NULL")
_WEEK = _RANGE
# One pass over the week's entries of idx_incidents_summary; flags that are 0 or 1 are
# summed (repeat_guest, followup_missed and noted are only ever written so).
_TOTALS = ("SELECT count(*), coalesce(sum(remedy_count), 0), coalesce(sum(cost_minor), 0), "
           "coalesce(sum(repeat_guest), 0), " + ", ".join(_count(c) for c in (
               "severity = 'high'", "escalations > 0",
               *(f"outcome = '{o}'" for o in ("delighted", "satisfied", "unhappy", "left")))) +
           ", coalesce(sum(followup_missed), 0), " + ", ".join(_count(c) for c in (
               "followup_due_s IS NOT NULL AND followup_missed = 0 "
               "AND followup_done_s IS NULL",
               f"{_CHECKED} AND followup_done_s <= followup_due_s + :grace",
               f"{_CHECKED} AND followup_done_s > followup_due_s + :grace")) +
           f", coalesce(sum(noted), 0) {_WEEK}")


def week_totals(db: Database, store_id: int, start: str, end: str, grace_s: int) -> dict:
    """The :data:`WEEK_TOTALS` of the live incidents of ``[start, end)``. The first
    follow-up is ``missed`` (marked so), ``pending`` (neither done nor missed),
    ``on_time`` (done at most ``grace_s`` after its original due time) or ``late``."""
    row = db.execute(_TOTALS, {"store": store_id, "start": start, "end": end,
                               "grace": grace_s}).fetchone()
    return dict(zip(WEEK_TOTALS, row, strict=True))


def check_seconds(db: Database, store_id: int, start: str, split: str, end: str
                  ) -> list[tuple]:
    """(this week 1/0, seconds from incident to check, incidents) for every first follow-up
    that was done (not missed), in order of the seconds: the minutes to the check."""
    return db.execute(
        f"SELECT {_THIS}, followup_done_s, count(*) {_RANGE} AND {_CHECKED} "
        f"GROUP BY {_THIS}, followup_done_s ORDER BY followup_done_s",
        {"store": store_id, "start": start, "split": split, "end": end}).fetchall()


def hours_by_category(db: Database, store_id: int, start: str, end: str, width: int
                      ) -> list[tuple]:
    """(``occurred_at``'s first ``width`` characters, category id, incidents, value, first
    occurred_at, the category's code and label) in time order: ``width`` 13 is the UTC
    hour, 16 the minute."""
    bucket = f"substr(occurred_at, 1, {int(width)})"
    return db.execute(
        f"SELECT {bucket}, category_id, count(*), sum(cost_minor), min(occurred_at), "
        f"{_CATEGORY.format(column='code')}, {_CATEGORY.format(column='label')} {_RANGE} "
        f"GROUP BY {bucket}, category_id ORDER BY {bucket}, min(occurred_at), category_id",
        {"store": store_id, "start": start, "end": end}).fetchall()


def staff_totals(db: Database, store_id: int, start: str, split: str, end: str
                 ) -> list[tuple]:
    """(staff id, this week 1/0, incidents, comps, value, first occurred_at, the staff
    member's name) per staff member and week, the earliest first."""
    return db.execute(
        f"SELECT staff_id, {_THIS}, count(*), {_count('cost_minor > 0')}, sum(cost_minor), "
        "min(occurred_at), (SELECT st.name FROM staff st WHERE st.id = incidents.staff_id) "
        f"{_RANGE} GROUP BY staff_id, {_THIS} ORDER BY min(occurred_at)",
        {"store": store_id, "start": start, "split": split, "end": end}).fetchall()


def outcome_counts(db: Database, store_id: int, start: str, end: str,
                   recovered: list[str]) -> tuple[int, int]:
    """Live incidents in ``[start, end)`` with a recorded outcome (their latest), and how many
    of those ended in one of ``recovered``: a week of the trend line, one range of
    idx_incidents_summary."""
    params = {"store": store_id, "start": start, "end": end}
    params.update({f"r{n}": value for n, value in enumerate(recovered)})
    marks = ", ".join(f":r{n}" for n in range(len(recovered)))
    row = db.execute(f"SELECT count(outcome), {_count(f'outcome IN ({marks})')} {_WEEK}",
                     params).fetchone()
    return row[0], row[1]


#: The latest recorded outcome's note of incident ``{i}`` (the latest ``done_at``, then the
#: highest id).
_OUTCOME_NOTE = ("(SELECT f.outcome_note FROM followups f WHERE f.incident_id = {i}.id "
                 "AND f.outcome IS NOT NULL ORDER BY CASE WHEN f.done_at IS NULL THEN 0 "
                 "ELSE 1 END DESC, f.done_at DESC, f.id DESC LIMIT 1)")


def note_rows(db: Database, store_id: int, start: str, end: str, limit: int
              ) -> tuple[list[dict], int]:
    """The first ``limit`` notes of the live incidents of ``[start, end)`` — severe ones
    first, then in time order — and how many there are: an incident flagged ``noted`` whose
    own note or latest outcome's note is not empty, with both notes and what a note line
    prints beside them. The notes are counted and ranked from one range of
    idx_incidents_noted (migration 0024: it holds the severity and the note); the outcome's
    note is looked up only where the incident's own is empty, and only the rows printed
    are read from the table (and leave the database)."""
    order = "CASE WHEN {i}.severity = 'high' THEN 0 ELSE 1 END, {i}.occurred_at, {i}.id"
    rows = list(db.query(
        "SELECT i.id, i.occurred_at, i.severity, i.table_ref, i.guest_name, i.note, "
        "i.outcome, coalesce(c.label, i.category_label) AS category_label, "
        f"s.name AS staff_name, k.total, {_OUTCOME_NOTE.format(i='i')} AS outcome_note "
        "FROM (SELECT n.id, count(*) OVER () AS total "
        "FROM incidents n INDEXED BY idx_incidents_noted "
        "WHERE n.store_id = ? AND n.occurred_at >= ? AND n.occurred_at < ? "
        f"AND n.voided_at IS NULL AND n.noted = 1 AND {visible('n.id')} "
        "AND (coalesce(n.note, '') <> '' "
        f"OR coalesce({_OUTCOME_NOTE.format(i='n')}, '') <> '') "
        f"ORDER BY {order.format(i='n')} LIMIT ?) k "
        "JOIN incidents i ON i.id = k.id "
        "LEFT JOIN categories c ON c.id = i.category_id "
        "LEFT JOIN staff s ON s.id = i.staff_id "
        f"ORDER BY {order.format(i='i')}",
        [store_id, start, end, limit]))
    return rows, rows[0]["total"] if rows else 0


# The comps that name a guest (idx_incidents_guest_comps: live, value > 0, a key).
_COMPS = ("FROM incidents {i} INDEXED BY idx_incidents_guest_comps WHERE {i}.store_id = :store "
          "AND {i}.guest_key IS NOT NULL AND {i}.guest_key <> '' AND {i}.voided_at IS NULL "
          "AND {i}.cost_minor > 0 AND {visible}")
# A flagged guest's latest comp before :end: its time; and (the latest time, then the
# highest id) its name, or its contact (printed masked). Looked up for the guests flagged
# only, each by its own key and time in idx_incidents_guest: a short walk back from :end.
_LATEST = ("(SELECT n.{column} FROM incidents n INDEXED BY idx_incidents_guest "
           "WHERE n.guest_key = {key} AND n.occurred_at >= {since} "
           "AND n.occurred_at < :end AND n.store_id = :store AND n.voided_at IS NULL "
           f"AND n.cost_minor > 0 AND {visible('n.id')} "
           "ORDER BY n.occurred_at DESC, n.id DESC LIMIT 1)")
#: Two counts in one sum (``low + high * _PACK``): each is at most the comps read, far
#: below 2**31. The grouping runs one aggregate per comp and column (~1,000 instructions
#: each at a week of 3,800 incidents): two packed counts instead of four counts and two
#: maximums of a text (each a copy of the time, taking SQLite's allocator's lock).
_PACK = 2147483648


def guest_flags(db: Database, store_id: int, read_from: str, last_start: str, start: str,
                since: str, end: str) -> list[tuple]:
    """"Guests to watch" of the week ``[start, end)`` and of the week before
    ``[last_start, start)``, counted inside the database: the comps of
    ``[read_from, end)`` (``read_from``: 30 days before ``start``; ``since``: 30 days before
    ``end``) grouped by guest key, and only the guests flagged leave it.

    A row per guest flagged in either week: (flagged this week 1/0, flagged last week 1/0,
    comps since ``since``, their value, the latest comp's time, its guest name, its
    contact) — a guest is flagged in a week when comped more than once in the 30 days up to
    the week's end, at least once in the week; the name and contact only for this week's."""
    # (comps since :since) + (comps this week) * _PACK; (comps before :start) + (comps
    # last week) * _PACK. (:since < :start and :last_start < :start: a week is 7 days.)
    this = (f"CAST(sum(CASE WHEN occurred_at >= :start THEN {_PACK + 1} "
            "WHEN occurred_at >= :since THEN 1 ELSE 0 END) AS BIGINT)")
    before = (f"CAST(sum(CASE WHEN occurred_at >= :start THEN 0 WHEN occurred_at >= "
              f":last_start THEN {_PACK + 1} ELSE 1 END) AS BIGINT)")
    grouped = (
        f"SELECT guest_key, {this} AS this_packed, {before} AS before_packed, "
        "sum(CASE WHEN occurred_at >= :since THEN cost_minor ELSE 0 END) AS value_minor "
        + _COMPS.format(i="incidents", visible=visible("id"))
        + " AND occurred_at >= :read_from AND occurred_at < :end GROUP BY guest_key")
    flags = (
        f"SELECT g.guest_key, CASE WHEN g.this_packed % {_PACK} > 1 "
        f"AND g.this_packed / {_PACK} > 0 THEN 1 ELSE 0 END AS this_week, "
        f"CASE WHEN g.before_packed % {_PACK} > 1 AND g.before_packed / {_PACK} > 0 "
        f"THEN 1 ELSE 0 END AS last_week, g.this_packed % {_PACK} AS comps, g.value_minor "
        f"FROM ({grouped}) g WHERE (g.this_packed % {_PACK} > 1 AND g.this_packed / {_PACK} "
        f"> 0) OR (g.before_packed % {_PACK} > 1 AND g.before_packed / {_PACK} > 0)")
    last_at = _LATEST.format(column="occurred_at", key="f.guest_key", since=":read_from")

    def latest(column: str) -> str:
        return _LATEST.format(column=column, key="f.guest_key", since=last_at)

    return _execute(db,
        f"SELECT f.this_week, f.last_week, f.comps, f.value_minor, {last_at}, "
        f"CASE WHEN f.this_week = 1 THEN {latest('guest_name')} END, "
        f"CASE WHEN f.this_week = 1 THEN {latest('guest_contact')} END "
        f"FROM ({flags}) f",
        {"store": store_id, "read_from": read_from, "last_start": last_start,
         "start": start, "since": since, "end": end}).fetchall()


def remedy_totals(db: Database, store_id: int, start: str, split: str, end: str) -> list[dict]:
    """Remedies given per remedy: ``given``/``value_minor`` for ``[split, end)`` (this
    week) and ``given_before``/``value_before`` for ``[start, split)`` (last week)."""
    return list(db.query(
        f"""
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
          AND i.voided_at IS NULL AND {visible()}
        GROUP BY r.remedy_id
        ORDER BY value_minor DESC, given DESC, label
        """, {"store": store_id, "start": start, "split": split, "end": end}))


def redeemed_voucher_times(db: Database, store_id: int, start: str, end: str) -> list[str]:
    """When each voucher of the store's live incidents was redeemed in ``[start, end)``."""
    return [row[0] for row in db.execute(
        # Vouchers first, by idx_vouchers_redeemed, and each one's incident by its id: never
        # the store's history. A scalar subquery, which neither engine turns into a join
        # (PostgreSQL without statistics hashed the store's incidents: ~300 ms a week).
        "SELECT v.redeemed_at FROM vouchers v "
        "WHERE v.redeemed_at >= ? AND v.redeemed_at < ? AND (SELECT i.store_id "
        "FROM incidents i WHERE i.id = v.incident_id AND i.voided_at IS NULL "
        f"AND {visible()}) = ? ORDER BY v.redeemed_at",
        [start, end, store_id])]


def count_in_range(db: Database, store_id: int, start: str, end: str) -> int:
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
        f"AND {visible()} "
        "GROUP BY r.paper_approved_by, i.imported_by, ib.name "
        "ORDER BY value_minor DESC, paper_name",
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
        f"AND {visible()} "
        "GROUP BY r.approved_by, s.name ORDER BY value_minor DESC, s.name",
        [store_id, start, end]))


# -- the same figures from the rollup (db.summary_rollup), for weeks whose bounds are whole
# UTC hours: ``hour`` is occurred_at's first 13 characters, so [start, end) of incidents is
# [start[:13], end[:13]) of hours.

def _hours(start: str, end: str) -> dict:
    return {"start": start[:13], "end": end[:13]}


_ROLLUP_TOTALS = ("incidents", "remedies", "value_minor", "repeat_guests", "severe",
                  "escalated", "delighted", "satisfied", "unhappy", "outcome_left", "missed",
                  "pending", "noted")


def rollup_weeks(db: Database, store_id: int, bounds: list[str]) -> list[dict]:
    """The :data:`WEEK_TOTALS` but ``on_time``/``late`` (see :func:`check_rows`) of the live
    incidents of each week ``[bounds[n], bounds[n + 1])``, oldest first, from
    ``summary_totals`` (one row per hour, migration 0022) in one statement (one round trip
    on PostgreSQL): one range of its key per week, summed on its own, in a ``UNION ALL``.
    (A list of ``VALUES`` weeks joined to the table, tried meanwhile: PostgreSQL read a
    chain store's whole history for it — 10,924 hours, 87,000 join comparisons, 48-67 ms —
    where the ranges read ~330 rows, ~1 ms; on SQLite's 1M file 2.1 ms against 1.0. The
    Parallel Append that PostgreSQL once planned for the ranges is gone with the app's
    session settings: no parallel workers, db.pg SESSION_SETTINGS.)"""
    hours = [b[:13] for b in bounds]
    sums = ", ".join(f"coalesce(sum({n}), 0)" for n in _ROLLUP_TOTALS)
    params = {"store": store_id, **{f"b{n}": hour for n, hour in enumerate(hours)}}
    found = {row[0]: row[1:] for row in _execute(db, " UNION ALL ".join(
        f"SELECT {n}, {sums} FROM summary_totals WHERE store_id = :store "
        f"AND hour >= :b{n} AND hour < :b{n + 1}" for n in range(len(hours) - 1)), params)}
    empty = (0,) * len(_ROLLUP_TOTALS)
    totals = []
    for n in range(len(hours) - 1):
        figures = dict(zip(_ROLLUP_TOTALS, found.get(n, empty), strict=True))
        figures["left"] = figures.pop("outcome_left")
        totals.append(figures)
    return totals


def rollup_hours(db: Database, store_id: int, start: str, end: str) -> list[tuple]:
    """(hour, category id, incidents, value) from ``summary_hours``, in time order: as
    :func:`hours_by_category` with ``width`` 13, without the first time and the names
    (:func:`category_names`: a week has some 1,500 of these rows at 1M, and a code and
    label read and made a Python string for each was ~7 M instructions)."""
    return _execute(db,
        "SELECT h.hour, h.category_id, h.incidents, h.value_minor FROM summary_hours h "
        "WHERE h.store_id = :store AND h.hour >= :start AND h.hour < :end "
        "AND h.incidents > 0 ORDER BY h.hour, h.category_id",
        {"store": store_id, **_hours(start, end)}).fetchall()


def category_names(db: Database, store_id: int) -> list[tuple]:
    """(id, code, label) of each of the store's categories."""
    return _execute(db, "SELECT id, code, label FROM categories WHERE store_id = :store "
                    "ORDER BY id", {"store": store_id}).fetchall()


def rollup_staff(db: Database, store_id: int, start: str, split: str, end: str
                 ) -> list[tuple]:
    """As :func:`staff_totals`, from ``summary_staff`` (the first hour for the first
    occurred_at)."""
    this = "CASE WHEN s.hour >= :split THEN 1 ELSE 0 END"
    return _execute(db,
        f"SELECT CASE WHEN s.staff_key = 0 THEN NULL ELSE s.staff_key END, {this}, "
        "sum(s.incidents), sum(s.comps), sum(s.value_minor), min(s.hour), st.name "
        "FROM summary_staff s LEFT JOIN staff st ON st.id = s.staff_key "
        "WHERE s.store_id = :store AND s.hour >= :start AND s.hour < :end "
        # (the week by its place: on PostgreSQL each :split is a parameter of its own)
        "AND s.incidents > 0 GROUP BY s.staff_key, 2, st.name "
        "ORDER BY min(s.hour), s.staff_key",
        {"store": store_id, "split": split[:13], **_hours(start, end)}).fetchall()


def check_rows(db: Database, store_id: int, start: str, split: str, end: str, grace_s: int
               ) -> list[tuple]:
    """(this week 1/0, seconds from incident to check, incidents, of those on time) for
    every first follow-up that was done (not missed), last week's first, each week in order
    of the seconds: the minutes to the check and the on-time / late counts. Each week is one
    range of idx_incidents_checks (migration 0022: only the done first follow-ups, a few
    narrow columns) grouped by the seconds alone."""
    on_time = "count(CASE WHEN followup_done_s <= followup_due_s + :grace THEN 1 END)"
    weeks = " UNION ALL ".join(
        f"SELECT {this}, followup_done_s, count(*), {on_time} FROM incidents "
        f"INDEXED BY idx_incidents_checks WHERE store_id = :store AND occurred_at >= :{a} "
        f"AND occurred_at < :{b} AND voided_at IS NULL AND {visible('id')} AND {_CHECKED} "
        "GROUP BY followup_done_s" for this, a, b in ((0, "start", "split"), (1, "split", "end")))
    return _execute(db, f"{weeks} ORDER BY 1, 2",
                      {"store": store_id, "start": start, "split": split, "end": end,
                       "grace": grace_s}).fetchall()


def rollup_remedies(db: Database, store_id: int, start: str, split: str, end: str
                    ) -> list[dict]:
    """As :func:`remedy_totals`, from ``summary_remedies``; ``paper``: how many of this
    week's were approved on paper (an import's history: :func:`paper_approval_totals`
    only then)."""
    this = "hour >= :split"
    return list(_query(db,
        f"""
        SELECT s.remedy_id, max(coalesce(m.label, s.label)) AS label, max(s.kind) AS kind,
               sum(CASE WHEN {this} THEN s.given ELSE 0 END) AS given,
               sum(CASE WHEN {this} THEN s.value_minor ELSE 0 END) AS value_minor,
               sum(CASE WHEN {this} THEN 0 ELSE s.given END) AS given_before,
               sum(CASE WHEN {this} THEN 0 ELSE s.value_minor END) AS value_before,
               sum(CASE WHEN {this} THEN s.paper ELSE 0 END) AS paper
        FROM summary_remedies s LEFT JOIN remedies m ON m.id = s.remedy_id
        WHERE s.store_id = :store AND s.hour >= :start AND s.hour < :end AND s.given > 0
        GROUP BY s.remedy_id
        ORDER BY value_minor DESC, given DESC, label
        """, {"store": store_id, "split": split[:13], **_hours(start, end)}))


def rollup_approvals(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """As :func:`approval_totals`, from ``summary_remedies``."""
    return list(_query(db,
        "SELECT a.approved_key AS staff_id, st.name AS staff_name, "
        "sum(a.given) AS approvals, sum(a.value_minor) AS value_minor "
        "FROM summary_remedies a LEFT JOIN staff st ON st.id = a.approved_key "
        "WHERE a.store_id = :store AND a.hour >= :start AND a.hour < :end "
        "AND a.approved_key <> 0 AND a.given > 0 "
        "GROUP BY a.approved_key, st.name ORDER BY value_minor DESC, st.name",
        {"store": store_id, **_hours(start, end)}))


def rollup_paper(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """As :func:`paper_approval_totals`, from ``summary_paper`` (db.paper_rollup)."""
    return list(_query(db,
        "SELECT p.paper_name, st.name AS imported_by_name, sum(p.approvals) AS approvals, "
        "sum(p.value_minor) AS value_minor "
        "FROM summary_paper p LEFT JOIN staff st ON st.id = p.imported_key "
        "WHERE p.store_id = :store AND p.hour >= :start AND p.hour < :end "
        "AND p.approvals > 0 GROUP BY p.paper_name, p.imported_key, st.name "
        "ORDER BY value_minor DESC, p.paper_name",
        {"store": store_id, **_hours(start, end)}))


# -- reads sent ahead (PostgreSQL) ------------------------------------------------------------
# The summary's reads of a whole-hour week are known once its bounds are: on PostgreSQL they
# go to the server together in one round trip (db.summary_ahead; db.pg's ``read_ahead``),
# and each function below is then answered from their rows. Those reads are matched by
# statement and positional parameters: the functions' named parameters become ``?`` in order.

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def _positional(sql: str, params: dict) -> tuple[str, list]:
    """``sql`` with each ``:name`` as ``?`` and the values in the order they appear."""
    text, names = _marked(sql)
    return text, [params[name] for name in names]


@lru_cache(maxsize=128)
def _marked(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with each ``:name`` as ``?``, and the names in order (once per statement:
    a summary turns sixteen into positional ones)."""
    names: list[str] = []

    def mark(match: re.Match) -> str:
        names.append(match[1])
        return "?"

    return _NAMED.sub(mark, sql), tuple(names)


def _execute(db: Database, sql: str, params: dict):
    return db.execute(*_positional(sql, params))


def _query(db: Database, sql: str, params: dict):
    return db.query(*_positional(sql, params))
