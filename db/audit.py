"""The append-only audit log (triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from db.audit_chain import GENESIS
from db.connection import Database

# Reading the store's head and appending happen in one statement, under the write lock.
_APPEND = """
INSERT INTO audit_log (id, store_id, at, staff_id, action, entity, entity_id, detail,
                       prev_hash, hash, terminal_id)
SELECT n.id, v.store_id, v.at, v.staff_id, v.action, v.entity, v.entity_id, v.detail, n.prev,
       comeback_audit_hash(n.prev, n.id, v.store_id, v.at, v.staff_id, v.action, v.entity,
                           v.entity_id, v.detail), v.terminal_id
FROM (SELECT CAST(:store_id AS INTEGER) AS store_id, CAST(:at AS TEXT) AS at,
             CAST(:staff_id AS INTEGER) AS staff_id, CAST(:action AS TEXT) AS action,
             CAST(:entity AS TEXT) AS entity, CAST(:entity_id AS INTEGER) AS entity_id,
             CAST(:detail AS TEXT) AS detail,
             CAST(:terminal_id AS INTEGER) AS terminal_id) AS v,
     (SELECT (SELECT coalesce(max(id), 0) + 1 FROM audit_log) AS id,
             coalesce((SELECT hash FROM audit_log WHERE store_id = :store_id
                       ORDER BY id DESC LIMIT 1), CAST(:genesis AS TEXT)) AS prev) AS n
"""


def append(db: Database, *, store_id: int, at: str, staff_id: int | None, action: str,
           entity: str | None = None, entity_id: int | None = None,
           detail: str | None = None, terminal_id: int | None = None) -> None:
    """Append one entry, chained to the store's entry before it (see db.audit_chain).
    ``terminal_id``: where it happened (not part of the chain's hash). Nothing is read
    back: on PostgreSQL the entry goes out with the transaction's COMMIT (db.pg)."""
    with db.chain_lock(store_id):
        db.execute(_APPEND, {
            "store_id": store_id, "at": at, "staff_id": staff_id, "action": action,
            "entity": entity, "entity_id": entity_id, "detail": detail, "genesis": GENESIS,
            "terminal_id": terminal_id})


def last_of(db: Database, store_id: int, actions: Iterable[str]) -> dict | None:
    """The newest entry of any of ``actions``: one probe of idx_audit_store_action per
    action (its last column is the rowid, so it also gives the order), however long the log
    has grown."""
    found = [row[0] for action in actions for row in db.execute(
        "SELECT id FROM audit_log WHERE store_id = ? AND action = ? ORDER BY id DESC LIMIT 1",
        [store_id, action])]
    if not found:
        return None
    newest = max(found)
    cursor = db.execute("SELECT * FROM audit_log WHERE id = ?", [newest])
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row, strict=False)) if row else None


def count_since(db: Database, store_id: int, action: str, since: str | None) -> int:
    return db.execute(
        "SELECT count(*) FROM audit_log WHERE +store_id = ? AND action = ? AND at >= ?",
        [store_id, action, since or ""],
    ).fetchone()[0]


def count_after_id(db: Database, store_id: int, action: str, after_id: int) -> int:
    return db.execute(
        "SELECT count(*) FROM audit_log WHERE store_id = ? AND action = ? AND id > ?",
        [store_id, action, after_id],
    ).fetchone()[0]


def recent_entries(db: Database, store_id: int, limit: int = 200) -> list[dict]:
    return list(db.query(
        "SELECT a.*, s.name AS staff_name FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id "
        "WHERE a.store_id = ? ORDER BY a.id DESC LIMIT ?",
        [store_id, limit],
    ))


def store_ids(db: Database) -> list[int]:
    """Every store with an audit entry, or a store row."""
    return [r[0] for r in db.conn.execute(
        "SELECT id FROM stores UNION SELECT store_id FROM audit_log ORDER BY 1")]


def chain_entries(db: Database, store_id: int, after_id: int = 0) -> Iterator[dict]:
    """The store's entries after ``after_id``, oldest first, with their chain columns."""
    cursor = db.conn.execute(
        "SELECT id, store_id, at, staff_id, action, entity, entity_id, detail, prev_hash, hash "
        "FROM audit_log WHERE store_id = ? AND id > ? ORDER BY id", [store_id, after_id])
    keys = [c[0] for c in cursor.description]
    return (dict(zip(keys, row, strict=True)) for row in cursor)


def entries_about(db: Database, store_id: int, entity: str, ids: Iterable[int]) -> list[dict]:
    """The store's entries about the given incidents (or other entities), oldest first."""
    ids = sorted(set(ids))
    found: list[dict] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found += db.query(
            "SELECT id, store_id, at, staff_id, action, entity, entity_id, detail, prev_hash, "
            f"hash FROM audit_log WHERE +store_id = ? AND entity = ? AND entity_id IN "
            f"({','.join('?' * len(chunk))}) ORDER BY id", [store_id, entity, *chunk])
    return sorted(found, key=lambda e: e["id"])


def entries_with_actions(db: Database, store_id: int, actions: Iterable[str]) -> list[dict]:
    actions = list(actions)
    return list(db.query(
        "SELECT id, store_id, at, staff_id, action, entity, entity_id, detail, prev_hash, hash "
        f"FROM audit_log WHERE action IN ({','.join('?' * len(actions))}) AND +store_id = ? "
        "ORDER BY id", [*actions, store_id]))


def entry(db: Database, entry_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM audit_log WHERE id = ?", [entry_id]))
    return rows[0] if rows else None


def last_entry(db: Database, store_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM audit_log WHERE store_id = ? ORDER BY id DESC LIMIT 1",
                         [store_id]))
    return rows[0] if rows else None


def count_entries(db: Database, store_id: int) -> int:
    return db.conn.execute("SELECT count(*) FROM audit_log WHERE store_id = ?",
                           [store_id]).fetchone()[0]


def verified_mark(db: Database, store_id: int) -> dict | None:
    """Where the last successful check of the store's chain ended (entry id and hash)."""
    rows = list(db.query("SELECT * FROM audit_verified WHERE store_id = ?", [store_id]))
    return rows[0] if rows else None


def set_verified_mark(db: Database, store_id: int, entry_id: int, entry_hash: str,
                      entries: int, at: str) -> bool:
    """Remember where a check found the chain intact; False when the file is read-only
    (the mark only saves work: the next check starts further back)."""
    try:
        _write_mark(db, store_id, entry_id, entry_hash, entries, at)
    except sqlite3.OperationalError as error:
        if "readonly" not in str(error).replace("-", "").replace(" ", ""):
            raise
        return False
    return True


def _write_mark(db: Database, store_id: int, entry_id: int, entry_hash: str, entries: int,
                at: str) -> None:
    db.execute(
        "INSERT INTO audit_verified (store_id, entry_id, hash, entries, verified_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_id) DO UPDATE SET entry_id = excluded.entry_id, "
        "hash = excluded.hash, entries = excluded.entries, verified_at = excluded.verified_at",
        [store_id, entry_id, entry_hash, entries, at])
