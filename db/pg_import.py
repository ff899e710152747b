"""Switching a checked CSV import in on PostgreSQL: one transaction (the PostgreSQL side of
:mod:`db.import_staging`, chosen by ``db.backend`` in :mod:`app.import_switch`).

The checked rows wait in the connection's temporary tables, as on SQLite
(:mod:`db.csv_import`). PostgreSQL needs none of SQLite's slicing: one transaction that
copies every row, adds the staff the file names, and writes the audit entry is invisible
to every other terminal until its COMMIT (MVCC), and it takes only row locks on rows
nobody else has, so the counter's taps are saved meanwhile without waiting. A failure
rolls it all back: nothing is written.

The rows keep the ids SQLite would give them: one contiguous block per table, so the
audit entry's coverage (id ranges and digests, checked by ``comeback verify``) covers
exactly the import's rows. Each block is reserved before the transaction in a short one
of its own that locks the table against writers (``LOCK TABLE … IN EXCLUSIVE MODE``:
readers go on) while it moves the id sequence past the block; an id taken that way and
never used (the import failed) is only a gap. One import at a time: a session advisory
lock, gone with the connection if the process dies.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

from db import audit_chain
from db import csv_import as csv_db
from db.import_staging import _COPY as _SQLITE_COPY
from db.import_staging import _NEW_UID as _SQLITE_UID
from db.import_staging import NEW_TERMINALS, AnotherImport

IMPORT_LOCK = 0x436F6D03  # advisory lock key (db.pg: WRITE_LOCK, CHAIN_LOCK are 01, 02)

_TABLES = {"incidents": "incidents", "remedies": "incident_remedies",
           "vouchers": "vouchers", "followups": "followups"}

def _whole(sql: str) -> str:
    """SQLite's copy of a slice (db.import_staging), as the copy of every staged row: no
    range of numbers, and PostgreSQL's own random uid (SQLite's printf has no equal)."""
    whole = sql.replace(_SQLITE_UID, "gen_random_uuid()::text")
    for slice_ in (" WHERE t.n BETWEEN :a AND :b", " WHERE n BETWEEN :a AND :b"):
        whole = whole.replace(slice_, "")
    assert not re.search(r":[ab]\b|printf", whole), whole
    return whole


#: The same columns as SQLite's copy, written once there.
_COPY = {name: _whole(sql) for name, sql in _SQLITE_COPY.items()}


def _reserve(db, table: str, count: int) -> int:
    """Move ``table``'s id sequence past a block of ``count`` ids; returns the id below it."""
    conn = db.conn
    sequence = conn.execute("SELECT pg_get_serial_sequence(?, 'id')", [table]).fetchone()[0]
    with db.atomic():
        conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # no insert, no nextval
        last, called = conn.execute(
            f"SELECT last_value, is_called FROM {sequence}").fetchone()
        top = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        base = max(last if called else last - 1, top)
        if count:
            conn.execute("SELECT setval(?, ?)", [sequence, base + count])
    return base


def _holder(db) -> dict:
    """The import that holds the import lock, as an ``import_staging``-like row."""
    row = db.conn.execute(
        "SELECT a.application_name, a.pid, "
        "to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.objid = ? AND l.granted LIMIT 1",
        [IMPORT_LOCK]).fetchone()
    if row is None:
        return {"owner": "?", "started_at": "?"}
    return {"owner": f"{row[0]}:{row[1]}", "started_at": row[2] or "?"}


def switch_in(db, store_id: int, staff: dict[str, tuple[str, int | None]], owner_id: int,
              now: str, inside: Callable[[dict[str, int], dict], None],
              between: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Copy the staged rows into the store and commit them with the audit entry, in one
    transaction. ``staff`` maps a name key to (name, id or None), the None ones added as
    inactive cashiers; ``inside(added, coverage)`` writes the audit entry. Returns the
    staff added, by name. Raises :class:`db.import_staging.AnotherImport` or
    :class:`db.csv_import.CodeTaken`; nothing is written then (nor on any other error)."""
    conn = db.conn
    if not conn.execute("SELECT pg_try_advisory_lock(?)", [IMPORT_LOCK]).fetchone()[0]:
        raise AnotherImport(_holder(db))
    try:
        counts = csv_db.counts(db)
        base = {name: _reserve(db, table, counts[name]) for name, table in _TABLES.items()}
        params = {"store": store_id, "owner": owner_id, "bi": base["incidents"],
                  "br": base["remedies"], "bv": base["vouchers"], "bf": base["followups"]}
        try:
            with db.atomic():
                taken = csv_db.first_taken_code(db)
                if taken:
                    raise csv_db.CodeTaken(*taken)
                added = _add_staff(db, store_id, staff, now)
                conn.execute(NEW_TERMINALS, [store_id, now])
                for name in _TABLES:
                    if counts[name]:
                        conn.execute(_COPY[name], params)
                    if between is not None:
                        between(name, counts[name], counts[name])
                # the copied incidents carry their summary columns, as on SQLite
                ranges = {name: [base[name] + 1, base[name] + counts[name]]
                          if counts[name] else [0, -1]
                          for name in ("incidents", "remedies", "vouchers")}
                inside(added, audit_chain.coverage_payload(db, store_id, ranges))
        except sqlite3.IntegrityError as error:
            # a code given to another terminal's voucher since it was checked
            taken = csv_db.first_taken_code(db) if "vouchers" in str(error) else None
            if taken:
                raise csv_db.CodeTaken(*taken) from None
            raise
        return added
    finally:
        conn.execute("SELECT pg_advisory_unlock(?)", [IMPORT_LOCK])


def _add_staff(db, store_id: int, staff: dict[str, tuple[str, int | None]], now: str
               ) -> dict[str, int]:
    conn = db.conn
    added: dict[str, int] = {}
    keyed = []
    for key, (name, staff_id) in staff.items():
        if staff_id is None:
            staff_id = conn.execute(
                "INSERT INTO staff (store_id, name, role, active, created_at) "
                "VALUES (?, ?, 'cashier', 0, ?)", [store_id, name, now]).lastrowid
            added[name] = staff_id
        keyed.append((key, name, staff_id))
    conn.execute("DELETE FROM pg_temp.import_staff")
    if keyed:
        conn.executemany("INSERT INTO pg_temp.import_staff VALUES (?, ?, ?)", keyed)
    return added
