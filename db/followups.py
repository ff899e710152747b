"""Follow-ups: when the manager must go back to the guest, and how it ended."""

from __future__ import annotations

from sqlite_utils import Database

_OPEN = "f.done_at IS NULL AND f.missed_at IS NULL AND i.voided_at IS NULL"


def insert_followup(db: Database, incident_id: int, created_at: str, due_at: str) -> int:
    cursor = db.execute(
        "INSERT INTO followups (incident_id, created_at, original_due_at, due_at) "
        "VALUES (?, ?, ?, ?)", [incident_id, created_at, due_at, due_at])
    return cursor.lastrowid


def followup(db: Database, followup_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM followups WHERE id = ?", [followup_id]))
    return rows[0] if rows else None


def followups_for_incident(db: Database, incident_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM followups WHERE incident_id = ? ORDER BY id",
                         [incident_id]))


def update_followup(db: Database, followup_id: int, values: dict) -> None:
    sets = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"UPDATE followups SET {sets} WHERE id = ?", [*values.values(), followup_id])


def open_followups(db: Database, store_id: int) -> list[dict]:
    """Every open follow-up of live incidents, oldest due first."""
    return list(db.query(
        f"SELECT f.* FROM followups f JOIN incidents i ON i.id = f.incident_id "
        f"WHERE i.store_id = ? AND {_OPEN} ORDER BY f.due_at, f.id", [store_id]))


def next_open_due(db: Database, store_id: int) -> str | None:
    return db.execute(
        f"SELECT min(f.due_at) FROM followups f JOIN incidents i ON i.id = f.incident_id "
        f"WHERE i.store_id = ? AND {_OPEN}", [store_id]).fetchone()[0]


def close_open_followups_of_incident(db: Database, incident_id: int, at: str) -> None:
    db.execute("UPDATE followups SET done_at = ? WHERE incident_id = ? AND done_at IS NULL "
               "AND missed_at IS NULL", [at, incident_id])
