"""An import switched in without holding the write lock for long (the SQL side of
app.import_switch).

The checked rows wait in the importing connection's TEMP tables (:mod:`db.csv_import`).
:func:`reserve` claims a block of ids in each table in one short transaction: it records the
blocks in ``import_staging`` and writes the top row of each block, so every later row
anyone else writes gets a higher id. :func:`copy_batch` then copies the rows into the real
tables a slice at a time, each slice its own short transaction, and :func:`switch` makes
them all visible at once by deleting the ``import_staging`` row, in the transaction that
writes the import's audit entry and adds the import's share of the weekly summary's rollup,
grouped from the staged rows beforehand (:mod:`db.import_rollup`). Until then every read
of incidents leaves the block out (:func:`visible`, a condition on the incident id that
each index holds, so no plan changes); remedies, vouchers and follow-ups are only read
through their incident. A failed or killed import is deleted by :func:`discard_step`,
again a slice at a time.

Reading the TEMP tables and claiming ids by writing the top row (SQLite gives a new row the
highest id + 1) are SQLite's; on PostgreSQL one transaction holds the whole import
(:mod:`db.pg_import`), which reuses this module's copy statements.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from db.connection import Database

#: SQLite virtual-machine steps between two questions to ``give_way`` (about 1 ms).
PROGRESS_STEPS = 20_000
#: Ids left free above the newest staff member for the staff an import creates (they are
#: written at the switch, so nobody sees them before the import's incidents).
STAFF_GAP = 100

_RANGE = ("(SELECT coalesce(min(first_incident), 0) FROM import_staging) AND "
          "(SELECT coalesce(max(last_incident), -1) FROM import_staging)")

# table, import_staging column prefix, temp table, the copy of a slice [:a, :b] of it
_TABLES = {
    "incidents": ("incidents", "incident", "import_incidents"),
    "remedies": ("incident_remedies", "remedy", "import_remedies"),
    "vouchers": ("vouchers", "voucher", "import_vouchers"),
    "followups": ("followups", "followup", "import_followups"),
}
# A UUID-shaped id per imported incident, unique as its id is: random per import, then the
# incident's id in hex. An import's uids lie side by side in idx_incidents_uid, so a slice
# adds to a page or two of it instead of one page per row (random UUIDs rewrote most of
# the index, slice after slice). printf is SQLite's (PostgreSQL: lpad(to_hex(…), 12, '0')).
_NEW_UID = ":uid || printf('%012x', :bi + t.n)"
_COPY = {
    "incidents":
        "INSERT INTO incidents (id, store_id, category_id, category_label, staff_id, "
        "occurred_at, severity, table_ref, guest_name, guest_contact, guest_key, note, "
        "repeat_guest, voided_at, imported_by, uid, terminal_id, remedy_count, cost_minor, "
        "followup_due_s, followup_done_s, followup_missed, escalations, outcome, noted) "
        "SELECT :bi + t.n, :store, t.category_id, t.category_label, s.staff_id, "
        "t.occurred_at, t.severity, t.table_ref, t.guest_name, t.guest_contact, "
        f"t.guest_key, t.note, t.repeat_guest, t.voided_at, :owner, {_NEW_UID}, "
        "CASE WHEN t.terminal IS NULL THEN NULL ELSE (SELECT id FROM terminals "
        "WHERE store_id = :store AND name = t.terminal) END, "
        "t.remedy_count, t.cost_minor, t.followup_due_s, t.followup_done_s, "
        "t.followup_missed, t.escalations, t.outcome, t.noted "
        "FROM temp.import_incidents t LEFT JOIN temp.import_staff s ON s.key = t.staff_key "
        "WHERE t.n BETWEEN :a AND :b ORDER BY t.n",
    "remedies":
        "INSERT INTO incident_remedies (id, incident_id, remedy_id, kind, label, "
        "amount_minor, percent, approved_by, given_at, paper_approved_by) "
        "SELECT :br + n, :bi + incident_n, remedy_id, kind, label, amount_minor, percent, "
        "NULL, given_at, paper_approved_by FROM temp.import_remedies "
        "WHERE n BETWEEN :a AND :b ORDER BY n",
    "vouchers":
        "INSERT INTO vouchers (id, code, incident_id, incident_remedy_id, amount_minor, "
        "issued_at, expires_at, redeemed_at) "
        "SELECT :bv + n, code, :bi + incident_n, :br + remedy_n, amount_minor, issued_at, "
        "expires_at, redeemed_at FROM temp.import_vouchers WHERE n BETWEEN :a AND :b ORDER BY n",
    "followups":
        "INSERT INTO followups (id, incident_id, created_at, original_due_at, due_at, "
        "done_at, done_by, outcome, outcome_note, missed_at, escalated_at) "
        "SELECT :bf + t.n, :bi + t.incident_n, t.created_at, t.original_due_at, "
        "t.original_due_at, t.done_at, s.staff_id, t.outcome, t.outcome_note, t.missed_at, "
        "t.escalated_at FROM temp.import_followups t "
        "LEFT JOIN temp.import_staff s ON s.key = t.done_by_key "
        "WHERE t.n BETWEEN :a AND :b ORDER BY t.n",
}

#: The terminals the file names (its "terminal" column), added before the incidents' copy.
NEW_TERMINALS = ("INSERT INTO terminals (store_id, name, created_at) SELECT DISTINCT ?, "
                 "terminal, ? FROM temp.import_incidents WHERE terminal IS NOT NULL "
                 "ON CONFLICT (store_id, name) DO NOTHING")


def visible(column: str = "i.id") -> str:
    """SQL condition: the incident id ``column`` is not in an import still being copied."""
    return f"{column} NOT BETWEEN {_RANGE}"


class AnotherImport(Exception):
    """An import is being copied into this database already (its ``import_staging`` row)."""

    def __init__(self, row: dict) -> None:
        super().__init__(row["owner"])
        self.row = row


class Lost(Exception):
    """The import's ``import_staging`` row is gone (taken for a killed import's): its rows
    were deleted, nothing of it is visible."""


class IdsTaken(Exception):
    """The ids left for the staff the import creates were taken meanwhile."""


def staging_rows(db: Database) -> list[dict]:
    """Every import being copied in (none, nearly always), oldest first."""
    cursor = db.conn.execute("SELECT * FROM import_staging ORDER BY id")
    keys = [c[0] for c in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def _newest(conn, table: str) -> int:
    return conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]


def _begin(conn) -> None:
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")


def _rollback(conn) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def copy_mode(db: Database, on: bool) -> None:
    """While the rows are copied (SQLite's PRAGMAs, set outside a transaction):

    * foreign keys off: every reference in the staged rows was made by the import
      (category, remedy and staff ids looked up at check time — none of those rows is ever
      deleted — incident and remedy ids numbered from the reserved blocks), so SQLite's
      per-row probes are skipped (about a quarter of the copying);
    * ``synchronous=NORMAL``: a slice's commit does not wait for the disk. A slice lost in
      a power cut is one of an import nobody can see yet (the next import deletes it); the
      switch is made with ``FULL`` again, and any other writer's commit syncs the log with
      every slice before it.
    """
    if db.conn.in_transaction:
        db.conn.commit()
    db.conn.execute(f"PRAGMA foreign_keys = {'OFF' if on else 'ON'}")
    db.conn.execute(f"PRAGMA synchronous = {'NORMAL' if on else 'FULL'}")


def reserve(db: Database, store_id: int, counts: dict[str, int],
            staff: dict[str, tuple[str, int | None]], owner: str, owner_id: int,
            now: str) -> dict:
    """Claim the id blocks for the staged rows in one short write transaction.

    ``counts``: staged rows per table (incidents, remedies, vouchers, followups); ``staff``
    maps a name key to (name, id or None), the None ones to be added as inactive cashiers;
    ``owner`` names the importing process, ``owner_id`` the owner whose PIN let it in.
    Returns the plan the other functions carry out. Raises :class:`AnotherImport` when an
    import is being copied in already. Call it in :func:`copy_mode`.
    """
    import uuid  # ~8 ms (it imports platform): not on the counter's start-up path

    conn = db.conn
    _begin(conn)
    try:
        rows = staging_rows(db)
        if rows:
            raise AnotherImport(rows[0])
        base = {name: _newest(conn, table) for name, (table, _p, _t) in _TABLES.items()}
        base["staff"] = _newest(conn, "staff") + STAFF_GAP
        new_staff, keyed = [], []
        for key, (name, staff_id) in staff.items():
            if staff_id is None:
                staff_id = base["staff"] + len(new_staff) + 1
                new_staff.append((staff_id, name))
            keyed.append((key, name, staff_id))
        conn.execute("DELETE FROM temp.import_staff")
        conn.executemany("INSERT INTO temp.import_staff VALUES (?, ?, ?)", keyed)
        blocks = {name: (base[name] + 1, base[name] + counts[name]) for name in _TABLES}
        staging_id = conn.execute(
            "INSERT INTO import_staging (store_id, first_incident, last_incident, first_remedy, "
            "last_remedy, first_voucher, last_voucher, first_followup, last_followup, owner, "
            "started_at, beat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [store_id, *blocks["incidents"], *blocks["remedies"], *blocks["vouchers"],
             *blocks["followups"], owner, now, now]).lastrowid
        plan = {"id": staging_id, "store": store_id, "owner": owner, "owner_id": owner_id,
                "base": base, "uid": str(uuid.uuid4())[:24],
                "counts": dict(counts), "new_staff": new_staff}
        conn.execute(NEW_TERMINALS, [store_id, now])
        for name in _TABLES:  # the top row of each block: later rows get higher ids
            if counts[name]:
                conn.execute(_COPY[name], _params(plan, counts[name], counts[name]))
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    return plan


def _params(plan: dict, a: int, b: int) -> dict:
    base = plan["base"]
    return {"store": plan["store"], "owner": plan["owner_id"], "uid": plan["uid"],
            "bi": base["incidents"],
            "br": base["remedies"], "bv": base["vouchers"], "bf": base["followups"],
            "a": a, "b": b}


def copy_batch(db: Database, plan: dict, table: str, a: int, b: int, now: str,
               give_way: Callable[[], bool] | None = None) -> bool:
    """Copy the staged rows ``a``..``b`` (their numbers) of ``table`` into the store, in
    one short transaction that also stamps the import's heartbeat.

    ``give_way`` is asked about every millisecond while the rows are copied; when it says
    yes (a tap is waiting) the slice is rolled back at once and False returned: nothing of
    it was written, the caller lets the tap in and copies the slice again. (SQLite's
    progress handler.)"""
    conn = db.conn
    _begin(conn)
    try:
        if give_way is not None:
            conn.set_progress_handler(give_way, PROGRESS_STEPS)
        try:
            conn.execute(_COPY[table], _params(plan, a, b))
        except sqlite3.OperationalError as error:
            if give_way is None or "interrupted" not in str(error):
                raise
            _rollback(conn)  # SQLite has rolled the transaction back already
            return False
        finally:
            conn.set_progress_handler(None, 0)
        if conn.execute("UPDATE import_staging SET beat_at = ? WHERE id = ? AND owner = ?",
                        [now, plan["id"], plan["owner"]]).rowcount != 1:
            raise Lost()  # taken for a killed import's and deleted: this slice must not stay
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    return True


def switch(db: Database, plan: dict, created_at: str,
           inside: Callable[[dict[str, int]], None]) -> dict[str, int]:
    """Make the copied rows visible, all at once: add the staff the import creates and
    delete the ``import_staging`` row, and run ``inside(added)`` (the audit entry) in the
    same short transaction. Returns the staff names added with their ids."""
    conn = db.conn
    _begin(conn)
    try:
        row = conn.execute("SELECT owner FROM import_staging WHERE id = ?",
                           [plan["id"]]).fetchone()
        if row is None or row[0] != plan["owner"]:
            raise Lost()
        added: dict[str, int] = {}
        if plan["new_staff"]:
            ids = [staff_id for staff_id, _name in plan["new_staff"]]
            if conn.execute("SELECT 1 FROM staff WHERE id BETWEEN ? AND ? LIMIT 1",
                            [min(ids), max(ids)]).fetchone():
                raise IdsTaken()
            for staff_id, name in plan["new_staff"]:
                conn.execute("INSERT INTO staff (id, store_id, name, role, active, created_at) "
                             "VALUES (?, ?, ?, 'cashier', 0, ?)",
                             [staff_id, plan["store"], name, created_at])
                added[name] = staff_id
        # The copied incidents carry their summary columns (db.summary_columns) already:
        # checked and computed with each row (app.csv_rows), nothing to recompute here; their
        # share of the rollup was grouped before the lock (db.import_rollup.prepare).
        from db import import_rollup  # it imports db.summary_rollup, which imports this

        import_rollup.apply(db, plan["id"])
        conn.execute("DELETE FROM import_staging WHERE id = ?", [plan["id"]])
        inside(added)
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    return added


def discard_step(db: Database, row: dict, chunk: int) -> bool:
    """Delete up to ``chunk`` rows of an import that will never be switched in (``row``:
    its ``import_staging`` row), children first, in one short transaction; the staging row
    goes last. False once everything is gone."""
    conn = db.conn
    _begin(conn)
    try:
        for name in ("vouchers", "followups", "remedies", "incidents"):
            table, prefix, _temp = _TABLES[name]
            first, last = row[f"first_{prefix}"], row[f"last_{prefix}"]
            low = conn.execute(f"SELECT min(id) FROM {table} WHERE id BETWEEN ? AND ?",
                               [first, last]).fetchone()[0]
            if low is not None:
                conn.execute(f"DELETE FROM {table} WHERE id BETWEEN ? AND ?",
                             [low, min(last, low + chunk - 1)])
                conn.execute("COMMIT")
                return True
        conn.execute("DELETE FROM import_staging WHERE id = ?", [row["id"]])
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    return False
