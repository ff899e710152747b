"""The append-only audit log (triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from collections.abc import Iterable

from db.connection import Database


def append(db: Database, *, store_id: int, at: str, staff_id: int | None, action: str,
           entity: str | None = None, entity_id: int | None = None,
           detail: str | None = None) -> int:
    cursor = db.execute(
        "INSERT INTO audit_log (store_id, at, staff_id, action, entity, entity_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [store_id, at, staff_id, action, entity, entity_id, detail],
    )
    return cursor.lastrowid


def last_of(db: Database, store_id: int, actions: Iterable[str]) -> dict | None:
    """The newest entry of any of ``actions``: one probe of idx_audit_store_action per
    action (its last column is the rowid), however long the log has grown."""
    found = [row[0] for action in actions for row in db.execute(
        "SELECT id FROM audit_log INDEXED BY idx_audit_store_action "
        "WHERE store_id = ? AND action = ? ORDER BY id DESC LIMIT 1", [store_id, action])]
    if not found:
        return None
    newest = max(found)
    cursor = db.execute("SELECT * FROM audit_log WHERE id = ?", [newest])
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row, strict=False)) if row else None


def count_since(db: Database, store_id: int, action: str, since: str | None) -> int:
    return db.execute(
        "SELECT count(*) FROM audit_log INDEXED BY idx_audit_action "
        "WHERE store_id = ? AND action = ? AND at >= ?",
        [store_id, action, since or ""],
    ).fetchone()[0]


def count_after_id(db: Database, store_id: int, action: str, after_id: int) -> int:
    return db.execute(
        "SELECT count(*) FROM audit_log INDEXED BY idx_audit_store_action "
        "WHERE store_id = ? AND action = ? AND id > ?",
        [store_id, action, after_id],
    ).fetchone()[0]


def recent_entries(db: Database, store_id: int, limit: int = 200) -> list[dict]:
    return list(db.query(
        "SELECT a.*, s.name AS staff_name FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id "
        "WHERE a.store_id = ? ORDER BY a.id DESC LIMIT ?",
        [store_id, limit],
    ))
