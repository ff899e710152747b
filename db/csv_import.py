"""Staging and switching a CSV import (the SQL side of app.csv_import).

An import never holds the write lock while it reads and checks the file. Rows go in
batches (``executemany``) into TEMP tables: those live in the connection's own temporary
database, so staging takes no lock on the store's file, a tap on another connection is
saved meanwhile, and a crash leaves nothing behind. When every row is valid,
:mod:`db.import_staging` copies them into the store in short batches, invisible until one
short switch; :func:`coverage` hashes them for the audit entry without any lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from db import import_rollup
from db.connection import Database

_TABLES = ("import_incidents", "import_remedies", "import_vouchers", "import_followups",
           "import_staff")

_CREATE = """
CREATE TEMP TABLE import_incidents (
    n INTEGER PRIMARY KEY, line INTEGER, category_id INTEGER, category_label TEXT,
    staff_key TEXT, occurred_at TEXT, severity TEXT, table_ref TEXT, guest_name TEXT,
    guest_contact TEXT, guest_key TEXT, note TEXT, repeat_guest INTEGER, voided_at TEXT,
    terminal TEXT, remedy_count INTEGER, cost_minor INTEGER, followup_due_s INTEGER,
    followup_done_s INTEGER, followup_missed INTEGER, escalations INTEGER, outcome TEXT,
    noted INTEGER);
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
                        f"({', '.join('?' * 23)})",
    "import_remedies": "INSERT INTO temp.import_remedies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "import_vouchers": "INSERT INTO temp.import_vouchers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "import_followups": "INSERT INTO temp.import_followups VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


CACHE_KB = 48 * 1024  # page cache while importing: the switch updates several indexes


def start(db: Database) -> None:
    """Fresh, empty staging tables on this connection (temporary: gone on close)."""
    drop(db)
    db.staging_cache(CACHE_KB)
    for statement in _CREATE.split(";"):
        if statement.strip():
            db.conn.execute(statement)


def stage(db: Database, table: str, rows: Sequence[tuple]) -> None:
    """Add a batch of rows to one staging table and commit (the temp database only)."""
    if rows:
        db.insert_rows(table, _INSERT[table], rows)


def drop(db: Database) -> None:
    """Remove the staging tables and give the page cache back."""
    if db.conn.in_transaction:
        db.conn.rollback()
    import_rollup.drop(db)
    for table in _TABLES:
        db.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    db.staging_cache(None)


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


_CHUNK = 500  # values per IN (…) list: well under every engine's limit on parameters


def existing_codes(db: Database, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` a voucher of this database (any store) has: one indexed query
    per few hundred codes, not one per code."""
    found: set[str] = set()
    codes = sorted(set(codes))
    for at in range(0, len(codes), _CHUNK):
        chunk = codes[at:at + _CHUNK]
        found.update(row[0] for row in db.conn.execute(
            f"SELECT code FROM vouchers WHERE code IN ({', '.join('?' * len(chunk))})",
            chunk))
    return found


def existing_incidents(db: Database, store_id: int, times: Sequence[str]
                       ) -> set[tuple[str, int, int | None]]:
    """(occurred_at, category id, staff id) of the store's incidents logged at one of
    ``times``: one query on the store's time index per few hundred times."""
    found: set[tuple[str, int, int | None]] = set()
    times = sorted(set(times))
    for at in range(0, len(times), _CHUNK):
        chunk = times[at:at + _CHUNK]
        found.update(tuple(row) for row in db.conn.execute(
            "SELECT occurred_at, category_id, staff_id FROM incidents WHERE store_id = ? "
            f"AND occurred_at IN ({', '.join('?' * len(chunk))})", [store_id, *chunk]))
    return found


def has_incidents(db: Database, store_id: int) -> bool:
    return db.conn.execute("SELECT 1 FROM incidents WHERE store_id = ? LIMIT 1",
                           [store_id]).fetchone() is not None


class CodeTaken(Exception):
    """A staged voucher code was given to another voucher after it was checked."""

    def __init__(self, code: str, line: int) -> None:
        super().__init__(code)
        self.code, self.line = code, line


def first_taken_code(db: Database) -> tuple[str, int] | None:
    """A staged voucher code some voucher in the database has already, with its line."""
    return db.conn.execute(
        "SELECT t.code, i.line FROM temp.import_vouchers t "
        "JOIN temp.import_incidents i ON i.n = t.incident_n "
        "WHERE t.code IN (SELECT code FROM main.vouchers) ORDER BY t.n LIMIT 1").fetchone()


def taken_code_between(db: Database, a: int, b: int, first_id: int) -> tuple[str, int] | None:
    """Of the staged vouchers ``a``..``b``, one whose code a voucher outside the import
    (an id below ``first_id``, or a newer one) has meanwhile, with its line."""
    return db.conn.execute(
        "SELECT t.code, i.line FROM temp.import_vouchers t "
        "JOIN temp.import_incidents i ON i.n = t.incident_n "
        "JOIN main.vouchers v ON v.code = t.code "
        "WHERE t.n BETWEEN ? AND ? AND v.id <> ? + t.n ORDER BY t.n LIMIT 1",
        [a, b, first_id - 1]).fetchone()


def counts(db: Database) -> dict[str, int]:
    """Staged rows per table: incidents, remedies, vouchers, followups."""
    return {name: db.conn.execute(f"SELECT count(*) FROM temp.import_{name}").fetchone()[0]
            for name in ("incidents", "remedies", "vouchers", "followups")}


def coverage(db: Database, store_id: int, base: dict[str, int], counts: dict[str, int]
             ) -> dict:
    """The coverage of the import's audit entry — the id ranges and digests of the rows as
    they will be stored (:func:`db.audit_chain.coverage_payload`'s form) — computed from
    the staged rows, outside any write lock. ``base``: the ids below each reserved block
    (:func:`db.import_staging.reserve`)."""
    conn = db.conn
    ranges = {name: [base[name] + 1, base[name] + counts[name]] if counts[name] else [0, -1]
              for name in ("incidents", "remedies", "vouchers")}
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
    return {"covers": ranges,
            "digests": {name: digest_rows(conn.execute(sql, p))
                        for name, sql in queries.items()}}


def digest_rows(cursor) -> str:
    """:func:`db.audit_chain.digest_cursor` of ``cursor`` (the same bytes, the same hash),
    a thousand rows per call of the JSON encoder rather than one: a compact JSON array of
    rows is its rows' arrays joined by ``,``, so each batch's array without its brackets
    is the next stretch of the whole one."""
    import hashlib

    from db.audit_chain import _COMPACT

    hasher = hashlib.sha256(b"[")
    comma = b""
    while batch := cursor.fetchmany(1000):
        hasher.update(comma + _COMPACT.encode(batch)[1:-1].encode())
        comma = b","
    hasher.update(b"]")
    return hasher.hexdigest()


def optimize(db: Database) -> None:
    """Fresh planner statistics after a big import (bounded work: analysis_limit). Best
    effort: a tap that commits meanwhile makes it give up, and the next close does it."""
    db.refresh_statistics()
