"""The audit log's hash chain: the canonical form of an entry, its SHA-256, and the rows a
"coverage" entry vouches for (the entries made before the chain, and CSV imports).

One chain per store: each entry's ``prev_hash`` is the ``hash`` of the store's entry before
it (``GENESIS`` for its first), and its ``hash`` is the SHA-256 of :func:`canonical`. The
app's connections compute it inside the INSERT (``comeback_audit_hash``, registered by
:func:`register`), so reading the head and appending is one statement under SQLite's write
lock: two processes can never both chain onto the same entry.

Changing :func:`canonical` or :func:`coverage_rows` invalidates every stored hash: bump
``CHAIN_VERSION`` and teach the verifier both forms instead.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.connection import Database

CHAIN_VERSION = 1
GENESIS = "0" * 64
SQL_FUNCTION = "comeback_audit_hash"
# One encoder, built once: json.dumps with options builds a new one on every call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
COLUMNS = ("id", "store_id", "at", "staff_id", "action", "entity", "entity_id", "detail")


def canonical(prev_hash: str, entry_id: int, store_id: int, at: str, staff_id: int | None,
              action: str, entity: str | None, entity_id: int | None,
              detail: str | None) -> bytes:
    """The bytes an entry's hash is taken over: a compact JSON array (version, the hash
    before it, then every column; ``detail`` is the stored JSON text, byte for byte)."""
    return _COMPACT.encode([CHAIN_VERSION, prev_hash, entry_id, store_id, at, staff_id,
                            action, entity, entity_id, detail]).encode()


def entry_hash(prev_hash: str, entry_id: int, store_id: int, at: str, staff_id: int | None,
               action: str, entity: str | None, entity_id: int | None,
               detail: str | None) -> str:
    import hashlib  # first used after the counter's first paint

    return hashlib.sha256(canonical(prev_hash, entry_id, store_id, at, staff_id, action,
                                    entity, entity_id, detail)).hexdigest()


def hash_of_row(prev_hash: str, row: dict) -> str:
    return entry_hash(prev_hash, *(row[c] for c in COLUMNS))


def register(conn: sqlite3.Connection) -> None:
    """Make ``comeback_audit_hash(prev, id, store, at, staff, action, entity, entity_id,
    detail)`` available to SQL on this connection."""
    conn.create_function(SQL_FUNCTION, 9, entry_hash, deterministic=True)


def digest(rows: Iterable[Sequence[Any]]) -> str:
    """SHA-256 of a list of rows in canonical JSON (for coverage entries)."""
    import hashlib

    text = _COMPACT.encode([list(r) for r in rows])
    return hashlib.sha256(text.encode()).hexdigest()


# The columns a coverage digest holds: what money and blame depend on, never guest details
# (those are erased later) nor what may still change (severity, voids, redemptions: those
# are checked against their own entries, or against the lists taken at coverage time).
INCIDENT_FIELDS = "id, store_id, category_id, staff_id, occurred_at"
REMEDY_FIELDS = ("r.id, r.incident_id, r.remedy_id, r.kind, r.label, r.amount_minor, "
                 "r.percent, r.approved_by, r.given_at")
VOUCHER_FIELDS = ("v.id, v.code, v.incident_id, v.incident_remedy_id, v.amount_minor, "
                  "v.issued_at, v.expires_at")


def _coverage_queries(store_id: int, ranges: dict[str, list[int]]
                      ) -> dict[str, tuple[str, list]]:
    lo_i, hi_i = ranges["incidents"]
    lo_r, hi_r = ranges["remedies"]
    lo_v, hi_v = ranges["vouchers"]
    return {
        "incidents": (f"SELECT {INCIDENT_FIELDS} FROM incidents WHERE store_id = ? "
                      "AND id BETWEEN ? AND ? ORDER BY id", [store_id, lo_i, hi_i]),
        "remedies": (f"SELECT {REMEDY_FIELDS} FROM incident_remedies r JOIN incidents i "
                     "ON i.id = r.incident_id WHERE i.store_id = ? AND r.id BETWEEN ? AND ? "
                     "ORDER BY r.id", [store_id, lo_r, hi_r]),
        "vouchers": (f"SELECT {VOUCHER_FIELDS} FROM vouchers v JOIN incidents i "
                     "ON i.id = v.incident_id WHERE i.store_id = ? AND v.id BETWEEN ? AND ? "
                     "ORDER BY v.id", [store_id, lo_v, hi_v]),
        "voided": ("SELECT id, voided_at, voided_by FROM incidents WHERE store_id = ? "
                   "AND id BETWEEN ? AND ? AND voided_at IS NOT NULL ORDER BY id",
                   [store_id, lo_i, hi_i]),
        "redeemed": ("SELECT v.id, v.code, v.redeemed_at, v.redeemed_by FROM vouchers v "
                     "JOIN incidents i ON i.id = v.incident_id WHERE i.store_id = ? "
                     "AND v.id BETWEEN ? AND ? AND v.redeemed_at IS NOT NULL ORDER BY v.id",
                     [store_id, lo_v, hi_v]),
    }


def coverage_rows(db: Database, store_id: int, ranges: dict[str, list[int]]
                  ) -> dict[str, list[tuple]]:
    """The store's incidents, remedies given and vouchers whose ids lie in ``ranges``
    (``{"incidents": [lo, hi], "remedies": [lo, hi], "vouchers": [lo, hi]}``), plus the
    voided incidents and redeemed vouchers among them, each list ordered by id."""
    return {name: db.conn.execute(sql, params).fetchall()
            for name, (sql, params) in _coverage_queries(store_id, ranges).items()}


def max_ids(db: Database, store_id: int) -> dict[str, int]:
    """The highest incident, remedy and voucher id of the store (0 when none)."""
    run = db.conn.execute
    return {
        "incidents": run("SELECT coalesce(max(id), 0) FROM incidents WHERE store_id = ?",
                         [store_id]).fetchone()[0],
        "remedies": run("SELECT coalesce(max(r.id), 0) FROM incident_remedies r JOIN incidents i "
                        "ON i.id = r.incident_id WHERE +i.store_id = ?", [store_id]).fetchone()[0],
        "vouchers": run("SELECT coalesce(max(v.id), 0) FROM vouchers v JOIN incidents i "
                        "ON i.id = v.incident_id WHERE i.store_id = ?", [store_id]).fetchone()[0],
    }


def digest_cursor(cursor: sqlite3.Cursor) -> str:
    """:func:`digest` of a cursor's rows, fed row by row (the same bytes: a compact JSON
    array joins its items with ``,``), so a million imported rows never sit in memory."""
    import hashlib

    hasher = hashlib.sha256(b"[")
    comma = b""
    while batch := cursor.fetchmany(1000):
        for row in batch:
            hasher.update(comma + _COMPACT.encode(list(row)).encode())
            comma = b","
    hasher.update(b"]")
    return hasher.hexdigest()


def coverage_payload(db: Database, store_id: int, ranges: dict[str, list[int]]) -> dict:
    """What a coverage entry stores: the id ranges and a digest of each list of
    :func:`coverage_rows` (computed streaming: an import of a million rows stays small)."""
    return {"covers": {k: list(v) for k, v in ranges.items()},
            "digests": {name: digest_cursor(db.conn.execute(sql, params))
                        for name, (sql, params) in _coverage_queries(store_id, ranges).items()}}


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    cursor = db.conn.execute(sql, params)
    keys = [c[0] for c in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


Ranges = Sequence[Sequence[int]]


def _select(db: Database, sql: str, store_id: int, column: str, values: Sequence | None,
            skip: Ranges, order: str) -> list[dict]:
    """Rows of ``sql`` (… WHERE +i.store_id = ?: the unary plus keeps the planner off the
    store's whole history, idx_incidents_store_time, when ids are given) whose ``column``
    is in ``values`` (all when None, in chunks of 500) and outside every ``skip`` range of
    ids, ordered by ``order``."""
    from db.import_staging import visible

    outside = "".join(f" AND NOT ({order} BETWEEN ? AND ?)" for _r in skip)
    outside += f" AND {visible()}"
    bounds = [bound for lo_hi in skip for bound in lo_hi]
    if values is None:
        return _rows(db, f"{sql}{outside} ORDER BY {order}", [store_id, *bounds])
    values = sorted(set(values))
    found: list[dict] = []
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        found += _rows(db, f"{sql}{outside} AND {column} IN ({','.join('?' * len(chunk))})",
                       [store_id, *bounds, *chunk])
    return sorted(found, key=lambda row: row["id"])


def incidents_to_check(db: Database, store_id: int, ids: Sequence[int] | None = None,
                       skip: Ranges = ()) -> list[dict]:
    """The store's incidents as the verifier compares them: all, or those in ``ids``,
    leaving out the ``skip`` id ranges."""
    return _select(db, "SELECT id, category_id, staff_id, occurred_at, severity, voided_at, "
                   "voided_by FROM incidents i WHERE +i.store_id = ?", store_id, "i.id", ids,
                   skip, "i.id")


def remedies_to_check(db: Database, store_id: int, ids: Sequence[int] | None = None,
                      skip: Ranges = ()) -> list[dict]:
    """Remedies given (of the incidents in ``ids``, or all), leaving out ``skip`` ranges."""
    return _select(db, f"SELECT {REMEDY_FIELDS} FROM incident_remedies r JOIN incidents i "
                   "ON i.id = r.incident_id WHERE +i.store_id = ?", store_id, "r.incident_id",
                   ids, skip, "r.id")


def vouchers_to_check(db: Database, store_id: int, ids: Sequence[int] | None = None,
                      skip: Ranges = (), codes: Sequence[str] | None = None) -> list[dict]:
    """Vouchers (of the incidents in ``ids``, with the ``codes``, or all), leaving out
    ``skip`` ranges."""
    column, values = ("v.code", codes) if codes is not None else ("v.incident_id", ids)
    return _select(db, f"SELECT {VOUCHER_FIELDS}, v.redeemed_at, v.redeemed_by FROM vouchers v "
                   "JOIN incidents i ON i.id = v.incident_id WHERE +i.store_id = ?", store_id,
                   column, values, skip, "v.id")
