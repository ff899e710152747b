"""Staging an import set-wise (the SQL side of app.import_setwise; SQLite only: TEMP
tables on the importing connection).

The file's raw cells go into ``temp.import_raw`` with one ``executemany`` (the streaming
floor's own work); the columns of few distinct values are looked up in small TEMP tables
filled by the app (checked there, once per value); :func:`convert` fills db.csv_import's
staging tables with ``INSERT … SELECT`` — the same rows app.csv_rows.Checker would have
staged — and holds every row to strict rules while it converts the incidents. The rules
are stricter than the checker's: a row they do not accept may still be valid (a local
time format, a padded cell), so the caller then checks the whole file row by row
instead, with the checker's messages.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

from db import csv_import
from db.connection import Database

_LOOKUPS = """
CREATE TEMP TABLE import_categories (code TEXT PRIMARY KEY, id INTEGER, label TEXT,
    severity TEXT);
CREATE TEMP TABLE import_given (k INTEGER PRIMARY KEY, remedies TEXT, amounts TEXT,
    approvers TEXT, total TEXT, wanted INTEGER, n INTEGER, cost INTEGER,
    UNIQUE (remedies, amounts, approvers, total));
CREATE TEMP TABLE import_given_items (k INTEGER, i INTEGER, remedy_id INTEGER, kind TEXT,
    label TEXT, amount INTEGER, percent INTEGER, approver TEXT, PRIMARY KEY (k, i));
CREATE TEMP TABLE import_people (cell TEXT PRIMARY KEY, key TEXT);
CREATE TEMP TABLE import_terminal_cells (cell TEXT PRIMARY KEY, name TEXT);
"""
_TABLES = ("import_raw", "import_categories", "import_given", "import_given_items",
           "import_people", "import_terminal_cells")


@cache
def _space() -> str:
    """Every character Python's str.strip() removes: a cell that starts or ends with one is
    left to the row-by-row check (SQL's trim() alone removes only spaces). Found when first
    needed: the walk over every code point is ~90 ms, which an import of a small file (or
    any module importing this one) need not pay."""
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


#: The page cache while the file is staged set-wise (KiB): SQLite's sorter (the GROUP BY
#: of :func:`people`) takes up to a cache's worth of memory, and staging needs none of the
#: import's big cache for the copy (db.csv_import.CACHE_KB, given back by :func:`drop`).
CACHE_KB = 4 * 1024


def start(db: Database, width: int) -> None:
    """The raw table for a file of ``width`` columns and the empty lookup tables."""
    drop(db)
    db.staging_cache(CACHE_KB)
    cells = ", ".join(f"c{i} TEXT" for i in range(width))
    db.conn.execute(f"CREATE TEMP TABLE import_raw (line INTEGER, {cells})")
    for statement in _LOOKUPS.split(";"):
        if statement.strip():
            db.conn.execute(statement)


def stage_raw(db: Database, width: int, rows: Iterable[tuple]) -> bool:
    """``rows`` ((first line, cell, …), each of ``width`` cells) into the raw table, in one
    transaction; False when a row has another number of cells (nothing kept then)."""
    conn = db.conn
    marks = ", ".join("?" * (width + 1))
    try:
        conn.executemany(f"INSERT INTO temp.import_raw VALUES ({marks})", rows)
    except sqlite3.ProgrammingError:  # "Incorrect number of bindings supplied"
        conn.rollback()
        return False
    conn.commit()
    return True


def distinct(db: Database, cells: Sequence[str], where: str = "") -> list[tuple]:
    """The distinct combinations of ``cells`` (SQL of ``r.cN`` columns) in the file."""
    return db.conn.execute(f"SELECT DISTINCT {', '.join(cells)} FROM temp.import_raw r"
                           + (f" WHERE {where}" if where else "")).fetchall()


def people(db: Database, staff: str, by: str, due: str) -> list[str]:
    """The distinct staff and follow-up names of the file in the order the rows name them
    first (the order the row-by-row check meets them: new staff get their ids in it)."""
    return [row[0] for row in db.conn.execute(
        f"SELECT cell FROM (SELECT {staff} AS cell, r.rowid * 2 AS k FROM temp.import_raw r "
        f"WHERE {staff} <> '' UNION ALL SELECT {by}, r.rowid * 2 + 1 FROM temp.import_raw r "
        f"WHERE {by} <> '' AND {due} <> '') GROUP BY cell ORDER BY min(k)")]


def fill(db: Database, table: str, rows: Sequence[tuple]) -> None:
    if rows:
        db.conn.executemany(f"INSERT INTO temp.{table} VALUES "
                            f"({', '.join('?' * len(rows[0]))})", rows)
    db.conn.commit()


#: A time in the stored form (what export writes): its shape, then its fields in range; a
#: day after the 28th is checked against its month (SQLite's date() of a text keeps
#: 2026-02-30 as it is; of its julian day, it gives 2026-03-02).
_STORED = "[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]+00:00"


def _time(cell: str, optional: bool = True) -> str:
    rule = (f"{cell} GLOB '{_STORED}' AND substr({cell}, 6, 2) BETWEEN '01' AND '12' "
            f"AND substr({cell}, 9, 2) <> '00' AND substr({cell}, 12, 2) <= '23' "
            f"AND (substr({cell}, 9, 2) <= '28' OR date(julianday(substr({cell}, 1, 10))) = "
            f"substr({cell}, 1, 10)) AND {cell} <= :latest")
    return f"({cell} = '' OR ({rule}))" if optional else f"({rule})"


def _text(cell: str, limit: int) -> str:
    """A free-text cell as the checker keeps it: no space to strip at either end (of any
    kind), not made safe by a spreadsheet (a leading quote), at most ``limit`` long (and
    no NUL, which SQLite's length() stops at)."""
    return (f"({cell} = '' OR (length({cell}) <= {limit} AND {cell} = trim({cell}, :space) "
            f"AND substr({cell}, 1, 1) <> '''' AND instr({cell}, char(0)) = 0))")


def _given_join(col: dict[str, str], left: str = "") -> str:
    return (f"{left}JOIN temp.import_given g ON g.remedies = {col['remedies']} AND g.amounts "
            f"= {col['remedy_amounts']} AND g.approvers = {col['approved_by']} "
            f"AND g.total = {col['total']}")


def _rules(col: dict[str, str], limits: dict[str, int]) -> list[str]:
    """What a row must be for the set-wise way (``c``, ``g``, ``p``, ``pb``, ``t``: its
    category, remedies, staff, follow-up staff and terminal, looked up)."""
    due, done = col["followup_due_at"], col["followup_done_at"]
    return [
        _time(col["occurred_at"], optional=False),
        "c.id IS NOT NULL", "g.k IS NOT NULL",
        f"(p.key IS NOT NULL OR {col['staff']} = '')",
        f"(t.name IS NOT NULL OR {col['terminal']} = '')",
        f"{col['severity']} IN ('', 'low', 'medium', 'high')",
        f"{col['currency']} IN ('', :currency)",
        f"{col['repeat_guest']} IN ('', '0', '1')",
        *(_text(col[name], limit) for name, limit in limits.items()),
        _time(col["voided_at"]),
        # a follow-up: its due time, or none of its cells
        f"(({due} <> '' AND {_time(due)} AND {_time(done)} AND "
        f"{_time(col['followup_missed_at'])} AND {_time(col['followup_escalated_at'])} AND "
        f"({done} = '' OR {done} >= {col['occurred_at']}) AND "
        f"{col['outcome']} IN ('', 'delighted', 'satisfied', 'unhappy', 'left') AND "
        f"({col['outcome']} = '' OR {done} <> '') AND "
        f"(pb.key IS NOT NULL OR {col['followup_by']} = '')) OR ({due} = '' AND {done} = '' "
        f"AND {col['followup_by']} = '' AND {col['outcome']} = '' AND "
        f"{col['outcome_note']} = '' AND {col['followup_missed_at']} = '' AND "
        f"{col['followup_escalated_at']} = ''))",
    ]


def convert(db: Database, col: dict[str, str], currency: str, latest: str,
            limits: dict[str, int]) -> bool:
    """Fill db.csv_import's staging tables from the raw rows — incidents (their summary
    columns as app.csv_rows computes them), remedies and follow-ups, numbered in the
    file's order — when every row keeps the strict rules (``limits``: the free-text
    columns' lengths), checked while the incidents are converted. False when a row does
    not (the staging tables are left for :func:`clear_staged`). ``col`` maps each column
    of app.csvio.COLUMNS to its cell (``r.cN``, or ``''`` for a column the file leaves
    out). The connection needs the ``guest_key(name, contact)`` function."""
    conn = db.conn
    occ, due, done = col["occurred_at"], col["followup_due_at"], col["followup_done_at"]

    def epoch(cell: str) -> str:
        return f"CAST(strftime('%s', {cell}) AS INTEGER)"

    def text(name: str) -> str:
        return f"nullif({col[name]}, '')"

    # A row the rules do not accept is staged with its line negated, and found after.
    conn.execute(
        f"INSERT INTO temp.import_incidents SELECT r.rowid, CASE WHEN "
        f"{' AND '.join(_rules(col, limits))} THEN r.line ELSE -r.line END, c.id, c.label, "
        f"p.key, {occ}, coalesce(nullif({col['severity']}, ''), c.severity), "
        f"{text('table')}, {text('guest_name')}, {text('guest_contact')}, "
        f"CASE WHEN {col['guest_name']} = '' AND {col['guest_contact']} = '' THEN NULL "
        f"ELSE guest_key({text('guest_name')}, {text('guest_contact')}) END, {text('note')}, "
        f"CASE WHEN {col['repeat_guest']} = '1' THEN 1 ELSE 0 END, {text('voided_at')}, "
        "t.name, g.n, g.cost, "
        f"CASE WHEN {due} = '' THEN NULL ELSE {epoch(due)} - {epoch(occ)} END, "
        f"CASE WHEN {due} = '' OR {done} = '' THEN NULL ELSE {epoch(done)} - {epoch(occ)} "
        f"END, CASE WHEN {due} <> '' AND {col['followup_missed_at']} <> '' THEN 1 ELSE 0 END,"
        f" CASE WHEN {due} <> '' AND {col['followup_escalated_at']} <> '' THEN 1 ELSE 0 END, "
        f"CASE WHEN {due} = '' THEN NULL ELSE {text('outcome')} END, "
        f"CASE WHEN {col['note']} <> '' OR ({due} <> '' AND {col['outcome']} <> '' AND "
        f"{col['outcome_note']} <> '') THEN 1 ELSE 0 END FROM temp.import_raw r "
        f"LEFT JOIN temp.import_categories c ON c.code = {col['category']} "
        f"{_given_join(col, 'LEFT ')} "
        f"LEFT JOIN temp.import_people p ON p.cell = {col['staff']} "
        f"LEFT JOIN temp.import_people pb ON pb.cell = {col['followup_by']} "
        f"LEFT JOIN temp.import_terminal_cells t ON t.cell = {col['terminal']} "
        "ORDER BY r.rowid", {"latest": latest, "currency": currency, "space": _space()})
    if conn.execute("SELECT 1 FROM temp.import_incidents WHERE line < 0 LIMIT 1").fetchone():
        return False
    conn.execute(
        "INSERT INTO temp.import_remedies (incident_n, remedy_id, kind, label, amount_minor, "
        "percent, paper_approved_by, given_at) SELECT r.rowid, i.remedy_id, i.kind, i.label, "
        f"i.amount, i.percent, i.approver, {occ} FROM temp.import_raw r {_given_join(col)} "
        "JOIN temp.import_given_items i ON i.k = g.k ORDER BY r.rowid, i.i")
    conn.execute(
        "INSERT INTO temp.import_followups (incident_n, created_at, original_due_at, "
        "done_at, done_by_key, outcome, outcome_note, missed_at, escalated_at) "
        f"SELECT r.rowid, {occ}, {due}, {text('followup_done_at')}, p.key, {text('outcome')}, "
        f"{text('outcome_note')}, {text('followup_missed_at')}, "
        f"{text('followup_escalated_at')} FROM temp.import_raw r "
        f"LEFT JOIN temp.import_people p ON p.cell = {col['followup_by']} "
        f"WHERE {due} <> '' ORDER BY r.rowid")
    conn.commit()
    return True


def voucher_rows(db: Database, col: dict[str, str]) -> Iterator[tuple]:
    """(incident n, line, codes cell, redeemed cell, vouchers wanted, occurred_at) of each
    row that gives a voucher or names a code, in the file's order (a cursor)."""
    return db.conn.execute(
        f"SELECT r.rowid, r.line, {col['voucher_codes']}, {col['vouchers_redeemed_at']}, "
        f"g.wanted, {col['occurred_at']} FROM temp.import_raw r {_given_join(col)} "
        f"WHERE g.wanted > 0 OR {col['voucher_codes']} <> '' "
        f"OR {col['vouchers_redeemed_at']} <> '' ORDER BY r.rowid")


def voucher_remedies(db: Database) -> Iterator[tuple[int, int, int]]:
    """(incident n, remedy n, amount) of each staged voucher remedy, in order (a cursor)."""
    return db.conn.execute("SELECT incident_n, n, amount_minor FROM temp.import_remedies "
                           "WHERE kind = 'voucher' ORDER BY n")


def stage_vouchers(db: Database, rows: Sequence[tuple]) -> None:
    """A batch of vouchers into db.csv_import's staging table, while :func:`voucher_rows`
    is read (committed by :func:`commit`)."""
    db.conn.executemany("INSERT INTO temp.import_vouchers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        rows)


def commit(db: Database) -> None:
    db.conn.commit()


def drop(db: Database) -> None:
    """Remove the raw and lookup tables (the staging tables stay: db.csv_import's) and
    give the import its page cache back."""
    if db.conn.in_transaction:
        db.conn.rollback()
    for table in _TABLES:
        db.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    db.staging_cache(csv_import.CACHE_KB)


def clear_staged(db: Database) -> None:
    """Empty db.csv_import's staging tables (before the row-by-row check stages again)."""
    if db.conn.in_transaction:
        db.conn.rollback()
    for table in ("import_incidents", "import_remedies", "import_vouchers",
                  "import_followups"):
        db.conn.execute(f"DELETE FROM temp.{table}")
    db.conn.commit()
