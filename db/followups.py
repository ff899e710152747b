"""Follow-ups: when the manager must go back to the guest, and how it ended."""

from __future__ import annotations

from db import summary_columns
from db._sql import update_row
from db.connection import Database
from db.import_staging import visible

_OPEN = f"f.done_at IS NULL AND f.missed_at IS NULL AND i.voided_at IS NULL AND {visible()}"
# CROSS JOIN keeps follow-ups the outer loop, read through their partial indexes (the open
# ones, the missed ones): SQLite never reorders a CROSS JOIN. Left to the planner without
# statistics, it would walk the store's whole history by idx_incidents_store_time instead.
_OPEN_JOIN = "followups f CROSS JOIN incidents i ON i.id = f.incident_id"


def insert_followup(db: Database, incident_id: int, created_at: str, due_at: str) -> int:
    cursor = db.execute(
        "INSERT INTO followups (incident_id, created_at, original_due_at, due_at) "
        "VALUES (?, ?, ?, ?)", [incident_id, created_at, due_at, due_at])
    followup_id = cursor.lastrowid
    summary_columns.followup_added(db, incident_id, due_at)
    return followup_id


def followup(db: Database, followup_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM followups WHERE id = ?", [followup_id]))
    return rows[0] if rows else None


def followups_for_incident(db: Database, incident_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM followups WHERE incident_id = ? ORDER BY id",
                         [incident_id]))


def update_followup(db: Database, followup_id: int, values: dict) -> None:
    update_row(db, "followups", {"id": followup_id}, values)
    summary_columns.refresh_of_followups(db, [followup_id])


def open_followups(db: Database, store_id: int) -> list[dict]:
    """Every open follow-up of live incidents, oldest due first."""
    return list(db.query(
        f"SELECT f.* FROM {_OPEN_JOIN} "
        f"WHERE i.store_id = ? AND {_OPEN} ORDER BY f.due_at, f.id", [store_id]))


def next_open_due(db: Database, store_id: int) -> str | None:
    return db.execute(
        f"SELECT min(f.due_at) FROM {_OPEN_JOIN} "
        f"WHERE i.store_id = ? AND {_OPEN}", [store_id]).fetchone()[0]


def close_open_followups_of_incident(db: Database, incident_id: int, at: str) -> None:
    db.execute("UPDATE followups SET done_at = ? WHERE incident_id = ? AND done_at IS NULL "
               "AND missed_at IS NULL", [at, incident_id])
    summary_columns.refresh(db, [incident_id])


def _marks(values: list) -> str:
    return ",".join("?" * len(values))


def followups_by_ids(db: Database, followup_ids: list[int]) -> list[dict]:
    if not followup_ids:
        return []
    return list(db.query(f"SELECT * FROM followups WHERE id IN ({_marks(followup_ids)}) "
                         "ORDER BY due_at, id", list(followup_ids)))


def open_followup_of_incident(db: Database, incident_id: int) -> dict | None:
    rows = list(db.query(
        "SELECT * FROM followups WHERE incident_id = ? AND done_at IS NULL "
        "AND missed_at IS NULL ORDER BY id LIMIT 1", [incident_id]))
    return rows[0] if rows else None


def mark_alerted(db: Database, followup_ids: list[int], at: str) -> list[int]:
    """Stamp ``alerted_at`` on those not stamped yet; returns the ids this call stamped."""
    if not followup_ids:
        return []
    rows = db.execute(
        f"UPDATE followups SET alerted_at = ? WHERE id IN ({_marks(followup_ids)}) "
        "AND alerted_at IS NULL AND done_at IS NULL AND missed_at IS NULL RETURNING id",
        [at, *followup_ids]).fetchall()
    return sorted(row[0] for row in rows)


def mark_escalated(db: Database, followup_id: int, at: str) -> bool:
    """False when it was already escalated or is no longer open (the guard is the WHERE)."""
    cursor = db.execute(
        "UPDATE followups SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL "
        "AND done_at IS NULL AND missed_at IS NULL", [at, followup_id])
    if cursor.rowcount != 1:
        return False
    summary_columns.refresh_of_followups(db, [followup_id])
    return True


def mark_missed_if_open(db: Database, followup_id: int, at: str) -> bool:
    cursor = db.execute(
        "UPDATE followups SET missed_at = ? WHERE id = ? AND done_at IS NULL "
        "AND missed_at IS NULL", [at, followup_id])
    if cursor.rowcount != 1:
        return False
    summary_columns.refresh_of_followups(db, [followup_id])
    return True


def close_if_open(db: Database, followup_id: int, values: dict) -> bool:
    """Write the outcome columns only while the follow-up is still open."""
    if update_row(db, "followups", {"id": followup_id}, values,
                  guard="done_at IS NULL AND missed_at IS NULL") != 1:
        return False
    summary_columns.refresh_of_followups(db, [followup_id])
    return True


def move_due(db: Database, followup_id: int, due_at: str, *, snoozed: bool) -> bool:
    """New due time (snooze, or a test/benchmark setting it); it will be announced again."""
    cursor = db.execute(
        "UPDATE followups SET due_at = ?, alerted_at = NULL, "
        "snooze_count = snooze_count + ? WHERE id = ? AND done_at IS NULL "
        "AND missed_at IS NULL", [due_at, int(snoozed), followup_id])
    return cursor.rowcount == 1


def missed_due_between(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """Follow-ups marked missed whose due time lies in [start, end), oldest first."""
    return list(db.query(
        f"SELECT f.* FROM {_OPEN_JOIN} "
        "WHERE i.store_id = ? AND f.missed_at IS NOT NULL AND i.voided_at IS NULL "
        f"AND {visible()} "
        "AND f.due_at >= ? AND f.due_at < ? ORDER BY f.due_at, f.id", [store_id, start, end]))


def incident_rows(db: Database, incident_ids: list[int]) -> list[dict]:
    """Incidents with the name of the staff member who logged them."""
    if not incident_ids:
        return []
    return list(db.query(
        "SELECT i.*, s.name AS staff_name FROM incidents i LEFT JOIN staff s "
        f"ON s.id = i.staff_id WHERE i.id IN ({_marks(incident_ids)})", list(incident_ids)))


def remedy_rows(db: Database, incident_ids: list[int]) -> list[dict]:
    if not incident_ids:
        return []
    return list(db.query(
        f"SELECT * FROM incident_remedies WHERE incident_id IN ({_marks(incident_ids)}) "
        "ORDER BY incident_id, id", list(incident_ids)))


def voucher_rows(db: Database, incident_ids: list[int]) -> list[dict]:
    if not incident_ids:
        return []
    return list(db.query(
        f"SELECT * FROM vouchers WHERE incident_id IN ({_marks(incident_ids)}) "
        "ORDER BY incident_id, id", list(incident_ids)))


def take(db: Database, followup_id: int, staff_id: int | None, at: str) -> bool:
    """Mark an open follow-up as being checked on by ``staff_id`` (the guard is the WHERE:
    nothing is written once it is closed)."""
    cursor = db.execute(
        "UPDATE followups SET taken_by = ?, taken_at = ? WHERE id = ? AND done_at IS NULL "
        "AND missed_at IS NULL", [staff_id, at, followup_id])
    return cursor.rowcount == 1


def release(db: Database, followup_id: int, taken_at: str) -> bool:
    """Let go of a take made at ``taken_at`` (another's later take stays)."""
    cursor = db.execute(
        "UPDATE followups SET taken_by = NULL, taken_at = NULL WHERE id = ? "
        "AND done_at IS NULL AND taken_at = ?", [followup_id, taken_at])
    return cursor.rowcount == 1
