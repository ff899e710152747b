"""The chain report's queries: one ISO week of several stores at once.

The stores of one time zone share the week's UTC bounds, so ``app.chain`` asks once per
time zone with ``store_id IN (…)``: SQLite and PostgreSQL both walk
``idx_incidents_store_time`` once per store for the range. Only what the chain report shows
is read (no guests, notes, staff or trend), for one week (the weekly summary reads two).
Portable SQL: the planner hints are dropped on PostgreSQL (db.pg).
"""

from __future__ import annotations

from collections.abc import Sequence

from db.connection import Database

_WEEK_ROWS = """
SELECT i.store_id, i.category_id, c.code AS category_code,
       coalesce(c.label, i.category_label) AS category_label,
       (SELECT coalesce(sum(r.amount_minor), 0) FROM incident_remedies r
         WHERE r.incident_id = i.id) AS value_minor,
       f.original_due_at AS due_at, f.done_at, f.missed_at,
       (SELECT o.outcome FROM followups o INDEXED BY idx_followups_outcome
         WHERE o.incident_id = i.id AND o.outcome IS NOT NULL
         ORDER BY o.done_at DESC, o.id DESC LIMIT 1) AS outcome
FROM incidents i INDEXED BY idx_incidents_store_time
LEFT JOIN categories c ON c.id = i.category_id
LEFT JOIN followups f ON f.id = (SELECT min(id) FROM followups WHERE incident_id = i.id)
WHERE i.store_id IN ({marks}) AND i.occurred_at >= ? AND i.occurred_at < ?
  AND i.voided_at IS NULL
"""


def week_rows(db: Database, store_ids: Sequence[int], start: str, end: str) -> list[dict]:
    """Live incidents of ``store_ids`` with ``start <= occurred_at < end``: store, category,
    remedy value, the first follow-up's timing and the latest outcome."""
    marks = ",".join("?" * len(store_ids))
    return list(db.query(_WEEK_ROWS.format(marks=marks), [*store_ids, start, end]))


def redeemed_counts(db: Database, store_ids: Sequence[int], start: str,
                    end: str) -> dict[int, int]:
    """Vouchers of live incidents redeemed in ``[start, end)``, per store."""
    marks = ",".join("?" * len(store_ids))
    rows = db.execute(
        # Vouchers first, by idx_vouchers_redeemed (the week's redemptions are few).
        "SELECT i.store_id, count(*) FROM vouchers v CROSS JOIN incidents i "
        "ON i.id = v.incident_id WHERE v.redeemed_at >= ? AND v.redeemed_at < ? "
        f"AND i.store_id IN ({marks}) AND i.voided_at IS NULL GROUP BY i.store_id",
        [start, end, *store_ids]).fetchall()
    return {store_id: count for store_id, count in rows}
