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


# -- the weekly report's week ------------------------------------------------------------------
# Every read keeps to the store's incidents of [start, end) (undone ones too), whatever the
# history or the other stores of the file. Two shapes, the same rows:
#
# * ``span`` None: each read walks the week's entries of idx_incidents_store_time and, for
#   the remedies, vouchers and entries, looks each incident up in their incident-id index.
# * ``span`` (lo, hi): the week's ids (week_span) are a run, as in a store of its own: each
#   read walks its own table's incident-id index from lo to hi (the incidents: their ids
#   outside ``skip``, by the primary key) and looks up the incident only for the rows it
#   keeps, to hold them to the week.
#
# Rows a coverage entry vouches for (ids in ``skip``: an import's, or those from before the
# chain) are left out inside the database, by their id, which every index holds: the
# checker compares nothing of them unless an entry is about them, and those are asked for
# by id or code (``also``, ``codes``). A week of a million-incident import is then a few
# reads that find nothing.
_IN_WEEK = "i.store_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? AND {visible}"
#: An ``also`` or ``codes`` list longer than this reads the week without leaving any row
#: out (the checker then leaves the covered ones itself, as it always can).
LISTED_MAX = 500

def week_span(db: Database, store_id: int, start: str, end: str) -> tuple[int, int, int]:
    """(lowest id, highest id, how many) of the store's incidents of ``[start, end)`` (one
    range of idx_incidents_store_time, no table row; (0, -1, 0) for none)."""
    low, high, count = db.conn.execute(
        "SELECT min(id), max(id), count(*) FROM incidents INDEXED BY idx_incidents_store_time "
        "WHERE store_id = ? AND occurred_at >= ? AND occurred_at < ?",
        [store_id, start, end]).fetchone()
    return (low, high, count) if count else (0, -1, 0)


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


def _week(db: Database, columns: str, table: str, key: str, store_id: int, start: str,
          end: str, span, condition: tuple[str, list], order: str) -> list[dict]:
    """``columns`` of ``table`` rows (joined on ``key`` = the incident's id) of the week's
    incidents that meet ``condition``, ordered by ``order``."""
    from db.import_staging import visible

    week = _IN_WEEK.format(visible=visible("i.id"))
    if span is None:
        sql = (f"SELECT {columns} FROM incidents i INDEXED BY idx_incidents_store_time "
               f"CROSS JOIN {table} ON {key} = i.id WHERE {week}")
        params = [store_id, start, end]
    else:
        sql = (f"SELECT {columns} FROM {table} CROSS JOIN incidents i ON {key} = i.id "
               f"WHERE {key} BETWEEN ? AND ? AND {week}")
        params = [*span, store_id, start, end]
    return _rows(db, f"{sql}{condition[0]} ORDER BY {order}", params + condition[1])


def week_entries(db: Database, store_id: int, start: str, end: str, span=None
                 ) -> list[dict]:
    """The store's entries about its incidents of ``[start, end)``, oldest first."""
    return _week(db, "a.id, a.store_id, a.at, a.staff_id, a.action, a.entity, a.entity_id, "
                 "a.detail, a.prev_hash, a.hash", "audit_log a INDEXED BY idx_audit_entity",
                 "a.entity = 'incident' AND a.entity_id", store_id, start, end, span,
                 (" AND +a.store_id = ?", [store_id]), "a.id")


def _pieces(span, skip: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """The ids from ``span``'s low to its high that no ``skip`` range holds, as ranges."""
    pieces = [tuple(span)]
    for lo, hi in skip:
        pieces = [part for a, b in pieces
                  for part in ((a, min(b, lo - 1)), (max(a, hi + 1), b)) if part[0] <= part[1]]
    return pieces


def week_incidents(db: Database, store_id: int, start: str, end: str,
                   skip: Sequence[Sequence[int]] = (), also: Sequence[int] = (), span=None
                   ) -> list[dict]:
    """As ``audit_chain.incidents_to_check`` for the incidents of ``[start, end)``, leaving
    out the ``skip`` id ranges but for the ids in ``also``."""
    from db.import_staging import visible

    week = _IN_WEEK.format(visible=visible("i.id"))
    select = ("SELECT i.id, i.category_id, i.staff_id, i.occurred_at, i.severity, "
              "i.voided_at, i.voided_by FROM incidents i")
    if span is None or len(also) > LISTED_MAX:
        condition, params = _outside("i.id", skip, "i.id", also)
        return _rows(db, f"{select} INDEXED BY idx_incidents_store_time WHERE {week}"
                     f"{condition} ORDER BY i.id", [store_id, start, end, *params])
    # The ids of the run that no coverage holds, each piece through the primary key.
    wanted = [f"i.id BETWEEN {int(a)} AND {int(b)}" for a, b in _pieces(span, skip)]
    if also:
        wanted.append(f"i.id IN ({','.join('?' * len(also))})")
    if not wanted:
        return []
    return _rows(db, f"{select} WHERE ({' OR '.join(wanted)}) AND {week} ORDER BY i.id",
                 [*also, store_id, start, end])


def week_remedies(db: Database, store_id: int, start: str, end: str,
                  skip: Sequence[Sequence[int]] = (), span=None) -> list[dict]:
    """As ``audit_chain.remedies_to_check`` for the incidents of ``[start, end)``, leaving
    out the ``skip`` ranges of remedy-row ids."""
    return _week(db, REMEDY_FIELDS,
                 "incident_remedies r INDEXED BY idx_incident_remedies_incident",
                 "r.incident_id", store_id, start, end, span,
                 _outside("r.id", skip, None, ()), "r.id")


def week_vouchers(db: Database, store_id: int, start: str, end: str,
                  skip: Sequence[Sequence[int]] = (), codes: Sequence[str] = (), span=None
                  ) -> list[dict]:
    """As ``audit_chain.vouchers_to_check`` for the incidents of ``[start, end)``, leaving
    out the ``skip`` ranges of voucher ids but for the ``codes``."""
    return _week(db, f"{VOUCHER_FIELDS}, v.redeemed_at, v.redeemed_by",
                 "vouchers v INDEXED BY idx_vouchers_incident", "v.incident_id", store_id,
                 start, end, span, _outside("v.id", skip, "v.code", codes), "v.id")
