"""The verifier's reads for a run of incident ids, and for the weekly report's week
(app.verify).

``db.audit.entries_about`` and ``db.audit_chain.*_to_check`` take a list of ids, in
chunks of 500: a week of a busy store (3,786 incidents) is 8 chunks, 32 queries, each
with its list of ids to bind and sort. A run of ids (the incidents the start-up check is
about) is read here over its range (``BETWEEN``, through the primary key or the
incident-id index) and the caller keeps the ids it asked for: same columns and order as the
chunked reads. The weekly report's week is read as the week itself (``week_*``): one range
of the store's time index, no list of ids at all.
"""

from __future__ import annotations

from collections.abc import Sequence

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


# -- the weekly report's week, read as one range of idx_incidents_store_time ---------------
# Each read walks the index entries of the store's week (undone incidents too) and, for the
# remedies, vouchers and entries, looks each incident up in their incident-id index: its
# cost follows the week, whatever the history or the other stores of the file. Rows a
# coverage entry vouches for (ids in ``skip``: an import's, or those from before the
# chain) are left out inside the database, by their id, which every index holds: the
# checker compares nothing of them unless an entry is about them, and those are asked for
# by id or code (``also``, ``codes``).
_WEEK = ("incidents i INDEXED BY idx_incidents_store_time {join} WHERE i.store_id = ? "
         "AND i.occurred_at >= ? AND i.occurred_at < ? AND {visible}")
#: An ``also`` or ``codes`` list longer than this reads the week without leaving any row
#: out (the checker then leaves the covered ones itself, as it always can).
LISTED_MAX = 500


def _outside(column: str, skip: Sequence[Sequence[int]], listed: str | None,
             values: Sequence) -> tuple[str, list]:
    """`` AND (…)``: ``column`` outside every ``skip`` range, or ``listed`` IN ``values``."""
    if not skip or len(values) > LISTED_MAX:
        return "", []
    outside = " AND ".join(f"NOT ({column} BETWEEN ? AND ?)" for _r in skip)
    params = [bound for lo_hi in skip for bound in lo_hi]
    if values:
        outside = f"({outside}) OR {listed} IN ({','.join('?' * len(values))})"
        params += list(values)
    return f" AND ({outside})", params


def _week(db: Database, columns: str, join: str, store_id: int, start: str, end: str,
          condition: tuple[str, list], order: str) -> list[dict]:
    from db.import_staging import visible

    sql = (f"SELECT {columns} FROM "
           + _WEEK.format(join=join, visible=visible("i.id"))
           + f"{condition[0]} ORDER BY {order}")
    return _rows(db, sql, [store_id, start, end, *condition[1]])


def week_entries(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """The store's entries about its incidents of ``[start, end)``, oldest first."""
    return _week(db, "a.id, a.store_id, a.at, a.staff_id, a.action, a.entity, a.entity_id, "
                 "a.detail, a.prev_hash, a.hash",
                 "CROSS JOIN audit_log a ON a.entity = 'incident' AND a.entity_id = i.id",
                 store_id, start, end, (" AND +a.store_id = ?", [store_id]), "a.id")


def week_incidents(db: Database, store_id: int, start: str, end: str,
                   skip: Sequence[Sequence[int]] = (), also: Sequence[int] = ()
                   ) -> list[dict]:
    """As ``audit_chain.incidents_to_check`` for the incidents of ``[start, end)``, leaving
    out the ``skip`` id ranges but for the ids in ``also``."""
    return _week(db, "i.id, i.category_id, i.staff_id, i.occurred_at, i.severity, "
                 "i.voided_at, i.voided_by", "", store_id, start, end,
                 _outside("i.id", skip, "i.id", also), "i.id")


def week_remedies(db: Database, store_id: int, start: str, end: str,
                  skip: Sequence[Sequence[int]] = ()) -> list[dict]:
    """As ``audit_chain.remedies_to_check`` for the incidents of ``[start, end)``, leaving
    out the ``skip`` ranges of remedy-row ids."""
    return _week(db, REMEDY_FIELDS,
                 "CROSS JOIN incident_remedies r ON r.incident_id = i.id", store_id, start,
                 end, _outside("r.id", skip, None, ()), "r.id")


def week_vouchers(db: Database, store_id: int, start: str, end: str,
                  skip: Sequence[Sequence[int]] = (), codes: Sequence[str] = ()
                  ) -> list[dict]:
    """As ``audit_chain.vouchers_to_check`` for the incidents of ``[start, end)``, leaving
    out the ``skip`` ranges of voucher ids but for the ``codes``."""
    return _week(db, f"{VOUCHER_FIELDS}, v.redeemed_at, v.redeemed_by",
                 "CROSS JOIN vouchers v ON v.incident_id = i.id", store_id, start, end,
                 _outside("v.id", skip, "v.code", codes), "v.id")
