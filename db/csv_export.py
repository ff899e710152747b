"""The incidents CSV export as one streaming query (the SQL side of app.csvio).

One row per incident, oldest first (ties in logging order): four cursors in that same
order — incidents, and the remedies, vouchers and follow-ups joined to them — which the
caller merges as it writes, so memory does not grow with the store's history. The plain
text columns are made safe for spreadsheets here (see :data:`RISKY_FIRST`).
"""

from __future__ import annotations

import sqlite3

from db.connection import Database
from db.import_staging import visible

# A cell starting with one of these is a formula in Excel/LibreOffice; export writes it
# with a leading apostrophe, and so also a cell that already starts with apostrophes
# followed by one of these (so that import, which removes one apostrophe, gives it back).
RISKY_FIRST = ("=", "+", "-", "@", "\t", "\r")
CACHE_KB = 32 * 1024


def _safe(column: str) -> str:
    risky = ", ".join(f"'{c}'" for c in RISKY_FIRST)  # tab and CR as themselves: portable
    return (f"CASE WHEN substr(ltrim({column}, ''''), 1, 1) IN ({risky}) "
            f"THEN '''' || {column} ELSE coalesce({column}, '') END")


_ORDER = f"WHERE i.store_id = ? AND {visible()} ORDER BY i.occurred_at, i.id"


def export_cursors(db: Database, store_id: int) -> tuple[sqlite3.Cursor, ...]:
    """The export as four cursors in the same order — incidents, then their remedies,
    vouchers and follow-ups, each ordered by (incident time, incident id, own id) — read in
    one snapshot (a read transaction; :func:`done` ends it). Each walks the incidents'
    time index and joins its rows by their incident index: no sort, no subquery per row.
    Categories, remedies, staff and terminals are named by id (:func:`names`, read in the
    same snapshot): a dictionary lookup per row instead of a join.

    incidents: id, occurred_at, category id, severity, staff id, table, guest name, guest
    contact, repeat_guest, note (text columns spreadsheet-safe), voided_at, terminal id;
    remedies: incident id, remedy id, amount (minor units), approver's staff id, approver
    on paper;
    vouchers: incident id, code, redeemed_at;
    follow-ups: incident id, original due, done, done by (staff id), missed, outcome,
    outcome note, escalated."""
    queries = (
        f"SELECT i.id, i.occurred_at, i.category_id, i.severity, i.staff_id, "
        f"{_safe('i.table_ref')}, {_safe('i.guest_name')}, {_safe('i.guest_contact')}, "
        f"i.repeat_guest, {_safe('i.note')}, i.voided_at, i.terminal_id FROM incidents i "
        f"{_ORDER}",
        "SELECT i.id, r.remedy_id, r.amount_minor, r.approved_by, r.paper_approved_by "
        "FROM incidents i JOIN incident_remedies r ON r.incident_id = i.id "
        f"{_ORDER}, r.id",
        f"SELECT i.id, v.code, v.redeemed_at FROM incidents i "
        f"JOIN vouchers v ON v.incident_id = i.id {_ORDER}, v.id",
        "SELECT i.id, f.original_due_at, f.done_at, f.done_by, f.missed_at, f.outcome, "
        "f.outcome_note, f.escalated_at FROM incidents i "
        f"JOIN followups f ON f.incident_id = i.id {_ORDER}, f.id",
    )
    return db.snapshot_cursors(queries, [store_id], cache_kb=CACHE_KB)


def names(db: Database) -> dict[str, dict[int, str]]:
    """Category and remedy codes, staff and terminal names, by id (small tables; call it
    after :func:`export_cursors`, in its snapshot)."""
    run = db.conn.execute
    return {"categories": dict(run("SELECT id, code FROM categories").fetchall()),
            "remedies": dict(run("SELECT id, code FROM remedies").fetchall()),
            "staff": dict(run("SELECT id, name FROM staff").fetchall()),
            "terminals": dict(run("SELECT id, name FROM terminals").fetchall())}


def done(db: Database) -> None:
    """The export's cursors are closed: end the read snapshot, give the page cache back."""
    db.end_snapshot()
