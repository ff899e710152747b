"""The chain report's queries: one ISO week of several stores at once, counted in the
database.

The stores of one time zone share the week's UTC bounds, so ``app.chain`` asks once per
time zone (and follow-up grace) with ``store_id IN (…)``. The figures are counted from
``idx_incidents_summary`` alone, as the weekly summary's (db.reports): each incident
carries its remedies' value, its first follow-up's timing and its latest outcome
(db.summary_columns), so a week of 50 stores is one range of that index per store, grouped
by store and category inside the database: a few hundred rows come back, not one per
incident. Incidents of an import still being copied are left out (db.import_staging).
Portable SQL: the planner hints are dropped on PostgreSQL (db.pg).
"""

from __future__ import annotations

from collections.abc import Sequence

from db.connection import Database
from db.import_staging import visible

#: The columns of :func:`week_figures`' rows, after store_id and category_id.
FIGURES = ("incidents", "value_minor", "followed_up", "recovered", "missed", "pending",
           "on_time", "late")

_PENDING = ("followup_due_s IS NOT NULL AND followup_missed = 0 "
            "AND followup_done_s IS NULL")
_CHECKED = ("followup_due_s IS NOT NULL AND followup_missed = 0 "
            "AND followup_done_s IS NOT NULL")


def _count(condition: str) -> str:
    return f"count(CASE WHEN {condition} THEN 1 END)"


def _week_figures_sql(stores: int, won: int) -> str:
    marks = ",".join("?" * stores)
    won_marks = ",".join("?" * won) or "NULL"
    return (
        "SELECT a.store_id, a.category_id, c.code, c.label, a.incidents, a.value_minor, "
        "a.followed_up, a.recovered, a.missed, a.pending, a.on_time, a.late FROM ("
        "SELECT store_id, category_id, count(*) AS incidents, "
        "coalesce(sum(cost_minor), 0) AS value_minor, count(outcome) AS followed_up, "
        f"{_count(f'outcome IN ({won_marks})')} AS recovered, "
        "coalesce(sum(followup_missed), 0) AS missed, "
        f"{_count(_PENDING)} AS pending, "
        f"{_count(f'{_CHECKED} AND followup_done_s <= followup_due_s + ?')} AS on_time, "
        f"{_count(f'{_CHECKED} AND followup_done_s > followup_due_s + ?')} AS late "
        "FROM incidents "
        f"WHERE store_id IN ({marks}) AND occurred_at >= ? AND occurred_at < ? "
        f"AND voided_at IS NULL AND {visible('id')} "
        "GROUP BY store_id, category_id) a "
        "JOIN categories c ON c.id = a.category_id ORDER BY a.store_id, a.category_id")


def week_figures(db: Database, store_ids: Sequence[int], start: str, end: str,
                 grace_s: int, won: Sequence[str]) -> list[tuple]:
    """Per store and category of ``store_ids``, the live incidents with ``start <=
    occurred_at < end``: (store_id, category_id, code, label, *:data:`FIGURES`). The first
    follow-up is ``missed`` (marked so), ``pending`` (neither done nor missed), ``on_time``
    (done at most ``grace_s`` after its original due time) or ``late``; ``followed_up``
    have a recorded (latest) outcome, ``recovered`` one of ``won``."""
    sql = _week_figures_sql(len(store_ids), len(won))
    return db.execute(sql, [*won, grace_s, grace_s, *store_ids, start, end]).fetchall()


def redeemed_counts(db: Database, store_ids: Sequence[int], start: str,
                    end: str) -> dict[int, int]:
    """Vouchers of live incidents redeemed in ``[start, end)``, per store."""
    marks = ",".join("?" * len(store_ids))
    rows = db.execute(
        # Vouchers first, by idx_vouchers_redeemed (the week's redemptions are few).
        "SELECT i.store_id, count(*) FROM vouchers v CROSS JOIN incidents i "
        "ON i.id = v.incident_id WHERE v.redeemed_at >= ? AND v.redeemed_at < ? "
        f"AND i.store_id IN ({marks}) AND i.voided_at IS NULL AND {visible()} "
        "GROUP BY i.store_id",
        [start, end, *store_ids]).fetchall()
    return {store_id: count for store_id, count in rows}
