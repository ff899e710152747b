"""Erasing guest data: past the store's retention period, or one guest on request.

Every statement walks a partial index that holds only the rows still carrying guest data
(``idx_incidents_guest_data``, ``idx_incidents_notes``, ``idx_followups_notes``), named with
``INDEXED BY`` so no planner statistics can turn it into a scan of old incidents: with
nothing to erase, each is one index probe.
"""

from __future__ import annotations

from db.connection import Database
from db.import_staging import visible

_VISIBLE = visible("id")
_HAS_GUEST = ("(guest_name IS NOT NULL OR guest_contact IS NOT NULL "
              "OR guest_key IS NOT NULL)")


def anything_before(db: Database, store_id: int, before: str, notes: bool) -> bool:
    """Whether any guest details (or, with ``notes``, notes) older than ``before`` are left:
    a read, so a process with nothing to erase never opens a write transaction."""
    sql = ("SELECT EXISTS (SELECT 1 FROM incidents INDEXED BY idx_incidents_guest_data "
           f"WHERE store_id = ? AND occurred_at < ? AND {_HAS_GUEST} AND {_VISIBLE})")
    params: list = [store_id, before]
    if notes:
        sql += (" OR EXISTS (SELECT 1 FROM incidents INDEXED BY idx_incidents_notes "
                f"WHERE store_id = ? AND occurred_at < ? AND note IS NOT NULL AND {_VISIBLE})"
                " OR EXISTS (SELECT 1 FROM followups INDEXED BY idx_followups_notes "
                "WHERE created_at < ? AND outcome_note IS NOT NULL "
                "AND (SELECT store_id FROM incidents WHERE id = followups.incident_id) = ?)")
        params += [store_id, before, before, store_id]
    return bool(db.execute(sql, params).fetchone()[0])


def erase_guest_details_before(db: Database, store_id: int, before: str) -> int:
    """Blank guest name, contact and key on incidents older than ``before``; returns count."""
    return db.execute(
        "UPDATE incidents INDEXED BY idx_incidents_guest_data SET guest_name = NULL, "
        "guest_contact = NULL, guest_key = NULL "
        f"WHERE store_id = ? AND occurred_at < ? AND {_HAS_GUEST} AND {_VISIBLE}",
        [store_id, before]).rowcount


def erase_notes_before(db: Database, store_id: int, before: str) -> int:
    """Blank the notes of incidents older than ``before``; returns how many."""
    return db.execute(
        "UPDATE incidents INDEXED BY idx_incidents_notes SET note = NULL "
        f"WHERE store_id = ? AND occurred_at < ? AND note IS NOT NULL AND {_VISIBLE}",
        [store_id, before]).rowcount


def erase_outcome_notes_before(db: Database, store_id: int, before: str) -> int:
    """Blank the outcome notes of the store's follow-ups made before ``before``."""
    return db.execute(
        "UPDATE followups INDEXED BY idx_followups_notes SET outcome_note = NULL "
        "WHERE created_at < ? AND outcome_note IS NOT NULL "
        "AND (SELECT store_id FROM incidents WHERE id = followups.incident_id) = ?",
        [before, store_id]).rowcount


def incidents_with_guest_details(db: Database, store_id: int) -> list[dict]:
    """id, guest name, contact and key of every incident that still holds any of them
    (those within the retention period): whom ``erase-guest`` can match."""
    return list(db.query(
        "SELECT id, guest_name, guest_contact, guest_key "
        "FROM incidents INDEXED BY idx_incidents_guest_data "
        f"WHERE store_id = ? AND {_HAS_GUEST} AND {_VISIBLE}",
        [store_id]))


def _marks(values: list) -> str:
    return ",".join("?" * len(values))


def erase_incidents_guest_data(db: Database, store_id: int, incident_ids: list[int]) -> int:
    """Blank guest name, contact, key and note of these incidents, and the outcome notes of
    their follow-ups; returns how many incidents were changed."""
    if not incident_ids:
        return 0
    ids = list(incident_ids)
    changed = db.execute(
        "UPDATE incidents SET guest_name = NULL, guest_contact = NULL, guest_key = NULL, "
        f"note = NULL WHERE store_id = ? AND id IN ({_marks(ids)})", [store_id, *ids]).rowcount
    db.execute(f"UPDATE followups SET outcome_note = NULL WHERE incident_id IN ({_marks(ids)}) "
               "AND outcome_note IS NOT NULL", ids)
    return changed


def checkpoint_truncate(db: Database) -> None:
    """Make erased bytes go for good: on SQLite copy the WAL into the database file and cut
    the WAL to zero bytes (with ``secure_delete`` the overwritten pages are zeroed); on
    PostgreSQL vacuum the old row versions away (each backend's ``flush_erased``)."""
    db.flush_erased()
