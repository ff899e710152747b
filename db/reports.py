"""Every query of the weekly summary and of the CSV export.

All summary reads filter on ``store_id`` and a half-open ``occurred_at`` range
``[start, end)`` of UTC ISO strings, so SQLite walks ``idx_incidents_store_time`` and never
the whole table. Voided incidents are left out of every summary figure. Grouping by local
day and hour happens in ``app.summary`` (SQLite knows no time zones).
"""

from __future__ import annotations

from db.connection import Database
from db.import_staging import visible

# One row per live incident: what happened, what it cost, how its first follow-up went and
# how the guest's story ended (the latest recorded outcome).
_INCIDENT_ROWS = f"""
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
    WHERE incident_id = i.id AND outcome IS NOT NULL ORDER BY done_at DESC, id DESC LIMIT 1)
WHERE i.store_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? AND i.voided_at IS NULL
  AND {visible()}
ORDER BY i.occurred_at, i.id
"""


def incident_rows(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """Live incidents with ``start <= occurred_at < end``, oldest first, with their
    remedy count and value, first follow-up timing and latest outcome."""
    return list(db.query(_INCIDENT_ROWS, [store_id, start, end]))


def incident_ids_between(db: Database, store_id: int, start: str, end: str) -> list[int]:
    """Every incident (undone ones too) with ``start <= occurred_at < end``."""
    return [row["id"] for row in db.query(
        "SELECT id FROM incidents WHERE store_id = ? AND occurred_at >= ? AND occurred_at < ? "
        f"AND {visible('id')}",
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
        "WHERE incident_id = i.id AND outcome IS NOT NULL ORDER BY done_at DESC, id DESC "
        "LIMIT 1) AS o FROM incidents i WHERE i.store_id = ? AND i.occurred_at >= ? "
        "AND i.occurred_at < ? AND i.voided_at IS NULL "
        f"AND {visible()}) AS latest",
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
        "AND i.guest_key IS NOT NULL AND i.voided_at IS NULL "
        f"AND {visible()} ORDER BY i.occurred_at, i.id",
        [store_id, start, end]))


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
        # Vouchers first, by idx_vouchers_redeemed: never the store's history (CROSS JOIN).
        "SELECT v.redeemed_at FROM vouchers v CROSS JOIN incidents i ON i.id = v.incident_id "
        "WHERE v.redeemed_at >= ? AND v.redeemed_at < ? AND i.store_id = ? "
        "AND i.voided_at IS NULL "
        f"AND {visible()} ORDER BY v.redeemed_at",
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
