"""The verifier's reads for a run of incident ids (the weekly report's week, app.verify).

``db.audit.entries_about`` and ``db.audit_chain.*_to_check`` take a list of ids, in
chunks of 500: a week of a busy store (3,786 incidents) is 8 chunks, 32 queries, each
with its list of ids to bind and sort. The week's incidents are almost all the ids
between its first and its last, so here each table is read once over that range
(``BETWEEN``, through the primary key or the incident-id index) and the caller keeps the
ids it asked for. Same columns and order as the chunked reads.
"""

from __future__ import annotations

from db.audit_chain import REMEDY_FIELDS, VOUCHER_FIELDS, _rows
from db.connection import Database


def entries_about(db: Database, store_id: int, entity: str, lo: int, hi: int) -> list[dict]:
    """The store's entries about ``entity`` ids from ``lo`` to ``hi``, oldest first
    (idx_audit_entity)."""
    return _rows(db, "SELECT id, store_id, at, staff_id, action, entity, entity_id, detail, "
                 "prev_hash, hash FROM audit_log WHERE +store_id = ? AND entity = ? AND "
                 "entity_id BETWEEN ? AND ? ORDER BY id", [store_id, entity, lo, hi])


def _between(db: Database, sql: str, column: str, order: str, store_id: int, lo: int,
             hi: int) -> list[dict]:
    from db.import_staging import visible

    return _rows(db, f"{sql} AND {column} BETWEEN ? AND ? AND {visible()} ORDER BY {order}",
                 [store_id, lo, hi])


def incidents(db: Database, store_id: int, lo: int, hi: int) -> list[dict]:
    """As ``audit_chain.incidents_to_check`` for the ids from ``lo`` to ``hi``."""
    return _between(db, "SELECT id, category_id, staff_id, occurred_at, severity, voided_at, "
                    "voided_by FROM incidents i WHERE +i.store_id = ?", "i.id", "i.id",
                    store_id, lo, hi)


def remedies(db: Database, store_id: int, lo: int, hi: int) -> list[dict]:
    """As ``audit_chain.remedies_to_check`` for the incidents from ``lo`` to ``hi``."""
    return _between(db, f"SELECT {REMEDY_FIELDS} FROM incident_remedies r JOIN incidents i "
                    "ON i.id = r.incident_id WHERE +i.store_id = ?", "r.incident_id", "r.id",
                    store_id, lo, hi)


def vouchers(db: Database, store_id: int, lo: int, hi: int) -> list[dict]:
    """As ``audit_chain.vouchers_to_check`` for the incidents from ``lo`` to ``hi``."""
    return _between(db, f"SELECT {VOUCHER_FIELDS}, v.redeemed_at, v.redeemed_by FROM vouchers v "
                    "JOIN incidents i ON i.id = v.incident_id WHERE +i.store_id = ?",
                    "v.incident_id", "v.id", store_id, lo, hi)
