"""Staging and switching a CSV import (the SQL side of app.csv_import).

An import never holds the write lock while it reads and checks the file. Rows go in
batches (``executemany``) into TEMP tables: those live in the connection's own temporary
database, so staging takes no lock on the store's file, a tap on another connection is
saved meanwhile, and a crash leaves nothing behind. When every row is valid, :func:`prepare`
numbers the staged rows in a block of ids :data:`GAP` above the newest ones and hashes them
for the audit entry's coverage — still without the lock — and :func:`switch` copies them
into the real tables in one ``BEGIN IMMEDIATE`` transaction of ``INSERT … SELECT``
statements, after checking that nothing reached the block meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from db import summary_columns
from db.connection import Database

_TABLES = ("import_incidents", "import_remedies", "import_vouchers", "import_followups",
           "import_staff")

_CREATE = """
CREATE TEMP TABLE import_incidents (
    n INTEGER PRIMARY KEY, line INTEGER, category_id INTEGER, category_label TEXT,
    staff_key TEXT, occurred_at TEXT, severity TEXT, table_ref TEXT, guest_name TEXT,
    guest_contact TEXT, guest_key TEXT, note TEXT, repeat_guest INTEGER, voided_at TEXT);
CREATE TEMP TABLE import_remedies (
    n INTEGER PRIMARY KEY, incident_n INTEGER, remedy_id INTEGER, kind TEXT, label TEXT,
    amount_minor INTEGER, percent INTEGER, paper_approved_by TEXT, given_at TEXT);
CREATE TEMP TABLE import_vouchers (
    n INTEGER PRIMARY KEY, incident_n INTEGER, remedy_n INTEGER, code TEXT,
    amount_minor INTEGER, issued_at TEXT, expires_at TEXT, redeemed_at TEXT);
CREATE TEMP TABLE import_followups (
    n INTEGER PRIMARY KEY, incident_n INTEGER, created_at TEXT, original_due_at TEXT,
    done_at TEXT, done_by_key TEXT, outcome TEXT, outcome_note TEXT, missed_at TEXT,
    escalated_at TEXT);
CREATE TEMP TABLE import_staff (key TEXT PRIMARY KEY, name TEXT, staff_id INTEGER);
"""

_INSERT = {
    "import_incidents": "INSERT INTO temp.import_incidents VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "import_remedies": "INSERT INTO temp.import_remedies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "import_vouchers": "INSERT INTO temp.import_vouchers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "import_followups": "INSERT INTO temp.import_followups VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


CACHE_KB = 48 * 1024  # page cache while importing: the switch updates several indexes


def start(db: Database) -> None:
    """Fresh, empty staging tables on this connection (temporary: gone on close)."""
    drop(db)
    db.conn.execute("PRAGMA temp_store = FILE")  # staged rows on disk, not in memory
    db.conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
    for statement in _CREATE.split(";"):
        if statement.strip():
            db.conn.execute(statement)


def stage(db: Database, table: str, rows: Sequence[tuple]) -> None:
    """Add a batch of rows to one staging table and commit (the temp database only)."""
    if rows:
        db.conn.executemany(_INSERT[table], rows)
    if db.conn.in_transaction:
        db.conn.commit()


def drop(db: Database) -> None:
    """Remove the staging tables and give the page cache back."""
    if db.conn.in_transaction:
        db.conn.rollback()
    for table in _TABLES:
        db.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    db.conn.execute("PRAGMA cache_size = -2000")  # SQLite's default


def vouchers_without_code(db: Database) -> list[int]:
    return [row[0] for row in db.conn.execute(
        "SELECT n FROM temp.import_vouchers WHERE code IS NULL ORDER BY n")]


def set_voucher_codes(db: Database, codes: Iterable[tuple[str, int]]) -> None:
    db.conn.executemany("UPDATE temp.import_vouchers SET code = ? WHERE n = ?", codes)
    db.conn.commit()


def code_exists(db: Database, code: str) -> bool:
    """In any store of this database (voucher codes are unique across the file)."""
    return db.conn.execute("SELECT 1 FROM vouchers WHERE code = ?", [code]).fetchone() \
        is not None


def incident_exists(db: Database, store_id: int, occurred_at: str, category_id: int,
                    staff_id: int | None) -> bool:
    return db.conn.execute(
        "SELECT 1 FROM incidents WHERE store_id = ? AND occurred_at = ? AND category_id = ? "
        "AND staff_id IS ? LIMIT 1", [store_id, occurred_at, category_id, staff_id]
    ).fetchone() is not None


def has_incidents(db: Database, store_id: int) -> bool:
    return db.conn.execute("SELECT 1 FROM incidents WHERE store_id = ? LIMIT 1",
                           [store_id]).fetchone() is not None


class CodeTaken(Exception):
    """A staged voucher code was given to another voucher after it was checked."""

    def __init__(self, code: str, line: int) -> None:
        super().__init__(code)
        self.code, self.line = code, line


class IdsTaken(Exception):
    """Rows were written into the ids an import had reserved: prepare it again."""


# Ids left free between the newest rows and an import's: a tap during the import takes the
# next id without touching the import's block, which is numbered (and hashed) beforehand.
GAP = 100
_ID_TABLES = {"incidents": "incidents", "remedies": "incident_remedies",
              "vouchers": "vouchers", "followups": "followups", "staff": "staff"}


# A random UUID (version 4) per imported incident, as migration 0011 gives older ones.
_NEW_UID = ("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
            "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), "
            "1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))")


def _newest(conn, table: str) -> int:
    return conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]


def prepare(db: Database, store_id: int, staff: dict[str, tuple[str, int | None]]
            ) -> dict:
    """Number the staged rows for their place in the store, outside any write lock.

    ``staff`` maps a name key to (name, id or None); the None ones get ids to be added as
    inactive cashiers. Returns the plan :func:`switch` carries out: the reserved bases, the
    staff to add, and the coverage of the audit entry — the id ranges and digests of the
    rows as they will be stored (:func:`db.audit_chain.coverage_payload`'s form).
    """
    from db import audit_chain

    conn = db.conn
    if conn.in_transaction:
        conn.commit()
    base = {name: _newest(conn, table) + GAP for name, table in _ID_TABLES.items()}
    new_staff = []
    rows = []
    for key, (name, staff_id) in staff.items():
        if staff_id is None:
            staff_id = base["staff"] + len(new_staff) + 1
            new_staff.append((staff_id, name))
        rows.append((key, name, staff_id))
    conn.execute("DELETE FROM temp.import_staff")
    conn.executemany("INSERT INTO temp.import_staff VALUES (?, ?, ?)", rows)
    conn.commit()
    counts = {name: conn.execute(f"SELECT count(*) FROM temp.import_{name}").fetchone()[0]
              for name in ("incidents", "remedies", "vouchers")}
    ranges = {name: [base[name] + 1, base[name] + counts[name]] if counts[name] else [0, -1]
              for name in counts}
    p = {"store": store_id, "bi": base["incidents"], "br": base["remedies"],
         "bv": base["vouchers"]}
    queries = {  # the rows of audit_chain.coverage_rows, as they will be stored
        "incidents": "SELECT :bi + t.n, :store, t.category_id, s.staff_id, t.occurred_at "
                     "FROM temp.import_incidents t LEFT JOIN temp.import_staff s "
                     "ON s.key = t.staff_key ORDER BY t.n",
        "remedies": "SELECT :br + n, :bi + incident_n, remedy_id, kind, label, amount_minor, "
                    "percent, NULL, given_at FROM temp.import_remedies ORDER BY n",
        "vouchers": "SELECT :bv + n, code, :bi + incident_n, :br + remedy_n, amount_minor, "
                    "issued_at, expires_at FROM temp.import_vouchers ORDER BY n",
        "voided": "SELECT :bi + n, voided_at, NULL FROM temp.import_incidents "
                  "WHERE voided_at IS NOT NULL ORDER BY n",
        "redeemed": "SELECT :bv + n, code, redeemed_at, NULL FROM temp.import_vouchers "
                    "WHERE redeemed_at IS NOT NULL ORDER BY n",
    }
    coverage = {"covers": ranges,
                "digests": {name: audit_chain.digest_cursor(conn.execute(sql, p))
                            for name, sql in queries.items()}}
    return {"base": base, "new_staff": new_staff, "coverage": coverage}


def switch(db: Database, store_id: int, owner_id: int, created_at: str, plan: dict,
           inside: Callable[[dict[str, int], dict], None]) -> dict[str, int]:
    """Copy the staged rows into the store in one short write transaction, as ``plan``
    (from :func:`prepare`) numbered them.

    ``inside(added, coverage)`` runs in the same transaction before the commit (the audit
    entry). Returns the staff names added with their ids. Raises :class:`CodeTaken` if a
    voucher code was taken meanwhile and :class:`IdsTaken` if rows reached the reserved ids
    (nothing is written then).
    """
    conn = db.conn
    if conn.in_transaction:
        conn.commit()
    base = plan["base"]
    # Every reference in the staged rows was made here — category, remedy and staff ids
    # looked up at check time (none of those rows is ever deleted), incident and remedy
    # ids numbered by the plan — so SQLite's per-row foreign-key probes are skipped for the
    # copy (about a quarter of the time the write lock is held). Set outside a transaction.
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if any(_newest(conn, table) > base[name] for name, table in _ID_TABLES.items()):
            raise IdsTaken()
        taken = conn.execute(
            "SELECT t.code, i.line FROM temp.import_vouchers t "
            "JOIN temp.import_incidents i ON i.n = t.incident_n "
            "WHERE t.code IN (SELECT code FROM main.vouchers) ORDER BY t.n LIMIT 1").fetchone()
        if taken:
            raise CodeTaken(taken[0], taken[1])
        added: dict[str, int] = {}
        for staff_id, name in plan["new_staff"]:
            conn.execute("INSERT INTO staff (id, store_id, name, role, active, created_at) "
                         "VALUES (?, ?, ?, 'cashier', 0, ?)",
                         [staff_id, store_id, name, created_at])
            added[name] = staff_id
        params = {"store": store_id, "owner": owner_id, "bi": base["incidents"],
                  "br": base["remedies"], "bv": base["vouchers"], "bf": base["followups"]}
        conn.execute(
            "INSERT INTO incidents (id, store_id, category_id, category_label, staff_id, "
            "occurred_at, severity, table_ref, guest_name, guest_contact, guest_key, note, "
            "repeat_guest, voided_at, imported_by, uid) "
            "SELECT :bi + t.n, :store, t.category_id, t.category_label, s.staff_id, "
            "t.occurred_at, t.severity, t.table_ref, t.guest_name, t.guest_contact, "
            f"t.guest_key, t.note, t.repeat_guest, t.voided_at, :owner, {_NEW_UID} "
            "FROM temp.import_incidents t LEFT JOIN temp.import_staff s ON s.key = t.staff_key "
            "ORDER BY t.n", params)
        conn.execute(
            "INSERT INTO incident_remedies (id, incident_id, remedy_id, kind, label, "
            "amount_minor, percent, approved_by, given_at, paper_approved_by) "
            "SELECT :br + n, :bi + incident_n, remedy_id, kind, label, amount_minor, percent, "
            "NULL, given_at, paper_approved_by FROM temp.import_remedies ORDER BY n", params)
        conn.execute(
            "INSERT INTO vouchers (id, code, incident_id, incident_remedy_id, amount_minor, "
            "issued_at, expires_at, redeemed_at) "
            "SELECT :bv + n, code, :bi + incident_n, :br + remedy_n, amount_minor, issued_at, "
            "expires_at, redeemed_at FROM temp.import_vouchers ORDER BY n", params)
        conn.execute(
            "INSERT INTO followups (id, incident_id, created_at, original_due_at, due_at, "
            "done_at, done_by, outcome, outcome_note, missed_at, escalated_at) "
            "SELECT :bf + t.n, :bi + t.incident_n, t.created_at, t.original_due_at, "
            "t.original_due_at, t.done_at, s.staff_id, t.outcome, t.outcome_note, t.missed_at, "
            "t.escalated_at FROM temp.import_followups t "
            "LEFT JOIN temp.import_staff s ON s.key = t.done_by_key ORDER BY t.n", params)
        summary_columns.refresh_range(conn, *plan["coverage"]["covers"]["incidents"])
        inside(added, plan["coverage"])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return added


def optimize(db: Database) -> None:
    """Fresh planner statistics after a big import (bounded work: analysis_limit)."""
    db.conn.execute("PRAGMA analysis_limit = 1000")
    db.conn.execute("PRAGMA optimize")
