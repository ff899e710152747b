"""The incidents CSV export as one streaming query (the SQL side of app.csvio).

One row per incident, oldest first (ties in logging order), with its remedies, vouchers
and follow-ups folded in by correlated subqueries on their incident indexes: the caller
iterates the cursor and writes each row as it comes, so memory does not grow with the
store's history. Amounts are formatted here (integer minor units → ``120.00``) and the
plain text columns are made safe for spreadsheets (see :data:`RISKY_FIRST`).
"""

from __future__ import annotations

import sqlite3

from db.connection import Database

# A cell starting with one of these is a formula in Excel/LibreOffice; export writes it
# with a leading apostrophe, and so also a cell that already starts with apostrophes
# followed by one of these (so that import, which removes one apostrophe, gives it back).
RISKY_FIRST = ("=", "+", "-", "@", "\t", "\r")
UNIT = "\x1e"  # separates the parts of a folded column (never in stored text we write)
RECORD = "\x1d"  # separates the follow-ups of one incident
CACHE_KB = 32 * 1024


def _safe(column: str) -> str:
    risky = ", ".join("char(9)" if c == "\t" else "char(13)" if c == "\r" else f"'{c}'"
                      for c in RISKY_FIRST)
    return (f"CASE WHEN substr(ltrim({column}, ''''), 1, 1) IN ({risky}) "
            f"THEN '''' || {column} ELSE coalesce({column}, '') END")


def _amount(expr: str, digits: int) -> str:
    if digits == 0:
        return f"CAST({expr} AS TEXT)"
    scale = 10 ** digits
    return (f"(CAST(({expr}) / {scale} AS INTEGER) || '.' || "
            f"substr('{'0' * digits}' || (CAST({expr} AS INTEGER) % {scale}), -{digits}))")


def export_cursor(db: Database, store_id: int, digits: int) -> sqlite3.Cursor:
    """Every incident of the store, voided ones too, oldest first. Each row holds:
    occurred_at, category code, severity, staff, table, guest name, guest contact,
    repeat_guest (0/1), note — the text columns already spreadsheet-safe — then three folded
    columns, NULL when there is nothing: remedies (codes, amounts, approvers or '' when
    none, total — split by :data:`UNIT`), vouchers (codes, redemptions or '' when none),
    follow-ups (one record per follow-up in id order, split by :data:`RECORD`, each
    holding original due, done, by, missed, outcome, outcome note, escalated); voided_at."""
    digits = int(digits)
    sql = f"""
    SELECT i.occurred_at, c.code, i.severity, {_safe('s.name')}, {_safe('i.table_ref')},
      {_safe('i.guest_name')}, {_safe('i.guest_contact')}, i.repeat_guest, {_safe('i.note')},
      (SELECT group_concat(code, '|') || char(30) || group_concat(amount, '|') || char(30)
              || CASE WHEN count(approver) THEN group_concat(coalesce(approver, ''), '|')
                 ELSE '' END || char(30) || {_amount('total(minor)', digits)}
         FROM (SELECT m.code AS code, {_amount('r.amount_minor', digits)} AS amount,
                      r.amount_minor AS minor, coalesce(a.name, r.paper_approved_by) AS approver
                 FROM incident_remedies r JOIN remedies m ON m.id = r.remedy_id
                 LEFT JOIN staff a ON a.id = r.approved_by
                WHERE r.incident_id = i.id ORDER BY r.id)),
      (SELECT group_concat(code, '|') || char(30)
              || CASE WHEN count(redeemed_at) THEN group_concat(coalesce(redeemed_at, ''), '|')
                 ELSE '' END
         FROM (SELECT code, redeemed_at FROM vouchers WHERE incident_id = i.id
                ORDER BY id)),
      (SELECT group_concat(record, char(29)) FROM (
          SELECT f.original_due_at || char(30) || coalesce(f.done_at, '') || char(30)
                 || coalesce(d.name, '') || char(30) || coalesce(f.missed_at, '') || char(30)
                 || coalesce(f.outcome, '') || char(30) || coalesce(f.outcome_note, '')
                 || char(30) || coalesce(f.escalated_at, '') AS record
            FROM followups f LEFT JOIN staff d ON d.id = f.done_by
           WHERE f.incident_id = i.id ORDER BY f.id)),
      i.voided_at
    FROM incidents i JOIN categories c ON c.id = i.category_id
    LEFT JOIN staff s ON s.id = i.staff_id
    WHERE i.store_id = ? ORDER BY i.occurred_at, i.id
    """
    # A bigger page cache for this walk (the subqueries revisit index pages); bounded.
    db.conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
    cursor = db.conn.cursor()
    cursor.arraysize = 500
    return cursor.execute(sql, [store_id])


def done(db: Database) -> None:
    """The export's cursor is closed: give the page cache back (SQLite's default)."""
    db.conn.execute("PRAGMA cache_size = -2000")
