"""Incidents and the remedies given on them."""

from __future__ import annotations

from db import summary_columns
from db._sql import insert_row, update_row
from db.connection import Database
from db.import_staging import visible

INCIDENT_COLUMNS = ("store_id", "category_id", "category_label", "staff_id", "occurred_at",
                    "severity", "table_ref", "guest_name", "guest_contact", "guest_key", "note",
                    "repeat_guest", "uid")
REMEDY_COLUMNS = ("incident_id", "remedy_id", "kind", "label", "amount_minor", "percent",
                  "approved_by", "given_at")


def insert_incident(db: Database, values: dict) -> int | None:
    """Insert an incident; one without a ``uid`` (made where it was tapped) gets a new one.

    None when an incident with this ``uid`` is in the database already (written by another
    process since the caller looked): nothing is inserted.
    """
    return insert_row(db, "incidents", new_incident(values), unless_taken="uid")


def new_incident(values: dict) -> dict:
    """The row of a new incident: a ``uid`` when it has none, and ``noted`` (a summary
    column) from its note; the other summary columns start at "nothing given, no
    follow-up" unless given (db.tap counts a tap's at once)."""
    if values.get("uid") is None:
        import uuid  # ~8 ms (it imports platform): only when an incident is written

        values = {**values, "uid": str(uuid.uuid4())}
    return {**values, "noted": int(values.get("note") is not None)}


def incident_id_by_uid(db: Database, uid: str) -> int | None:
    """The incident with this terminal-made id, if it was written already."""
    row = db.execute("SELECT id FROM incidents WHERE uid = ?", [uid]).fetchone()
    return row[0] if row else None


def insert_incident_remedy(db: Database, values: dict) -> int:
    """A remedy given on an incident; the incident's summary columns follow (call it inside
    the caller's transaction)."""
    remedy_id = insert_given(db, values)
    summary_columns.remedy_added(db, values["incident_id"], values["amount_minor"])
    return remedy_id


def insert_given(db: Database, values: dict) -> int:
    """The incident_remedies row alone (its incident counted it already: db.tap)."""
    return insert_row(db, "incident_remedies", values)


def incident(db: Database, store_id: int, incident_id: int) -> dict | None:
    rows = list(db.query(
        f"SELECT * FROM incidents WHERE store_id = ? AND id = ? AND {visible('id')}",
        [store_id, incident_id]))
    return rows[0] if rows else None


def incident_remedies(db: Database, incident_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM incident_remedies WHERE incident_id = ? ORDER BY id",
                         [incident_id]))


def update_incident(db: Database, store_id: int, incident_id: int, values: dict) -> None:
    update_row(db, "incidents", {"store_id": store_id, "id": incident_id}, values)
    if "note" in values:
        summary_columns.refresh(db, [incident_id])


def void_if_live(db: Database, store_id: int, incident_id: int, at: str,
                 staff_id: int | None) -> bool:
    """Mark the incident undone; False when it was undone already (by another terminal
    since the caller looked: the guard is in the WHERE clause)."""
    return update_row(db, "incidents", {"store_id": store_id, "id": incident_id},
                      {"voided_at": at, "voided_by": staff_id},
                      guard="voided_at IS NULL") == 1


def guest_had_incident_since(db: Database, store_id: int, guest_key: str, since: str,
                             exclude_id: int | None = None) -> bool:
    row = db.execute(*guest_read(store_id, guest_key, since, exclude_id)).fetchone()
    return row is not None


def guest_read(store_id: int, guest_key: str, since: str, exclude_id: int | None = None
               ) -> tuple[str, tuple]:
    """The statement and parameters of :func:`guest_had_incident_since` (db.tap reads it
    ahead on a server)."""
    return ("SELECT 1 FROM incidents INDEXED BY idx_incidents_guest "
            "WHERE store_id = ? AND guest_key = ? AND occurred_at >= ? "
            "AND voided_at IS NULL AND id IS DISTINCT FROM ? "
            f"AND {visible('id')} LIMIT 1", (store_id, guest_key, since, exclude_id))


def recent_incidents(db: Database, store_id: int, limit: int = 50) -> list[dict]:
    return list(db.query(
        "SELECT * FROM incidents WHERE store_id = ? AND voided_at IS NULL "
        f"AND {visible('id')} "
        "ORDER BY occurred_at DESC, id DESC LIMIT ?", [store_id, limit]))


def count_incidents(db: Database, store_id: int, include_voided: bool = False) -> int:
    where = f" AND {visible('id')}" + ("" if include_voided else " AND voided_at IS NULL")
    return db.execute(f"SELECT count(*) FROM incidents WHERE store_id = ?{where}",
                      [store_id]).fetchone()[0]

