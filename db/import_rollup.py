"""An import's share of the weekly summary's rollup (db.summary_rollup), counted from its
staged rows before the switch, so the switch only adds a few hundred grouped rows.

SQLite only (TEMP tables and views of the importing connection). Without this, deleting
the import's ``import_staging`` row at the switch makes the rollup's
``summary_rollup_import`` trigger group the whole block — every row of the import read
again while the write lock is held (~1 s per 100,000 incidents, in which a tap gives up
and goes to "not saved yet"). :func:`prepare` groups the staged rows into TEMP tables
outside any lock, with the very statements of :mod:`db.summary_rollup` (their
``SELECT … GROUP BY`` part, over views that show the staged rows as they will be
stored); :func:`apply` adds them in the switch transaction and empties the staging row's
range, so the trigger that follows finds nothing left to add.

The rollup's tables and triggers stay db.summary_rollup's (not changed here).
"""

from __future__ import annotations

from db import paper_rollup, summary_rollup
from db.connection import Database

#: The staged rows as the rollup's statements read incidents and remedies. Only the
#: columns they use; ``id`` / ``incident_id`` are the staged numbers (the join of the two
#: goes by the incidents' INTEGER PRIMARY KEY), never stored.
#: (The staff's ids only where they are counted: one lookup per row less for the others.)
_INCIDENTS = (
    "CREATE TEMP VIEW import_rollup_incidents AS SELECT n AS id, {store} AS store_id, "
    "occurred_at, category_id, severity, repeat_guest, remedy_count, cost_minor, "
    "followup_due_s, followup_done_s, followup_missed, escalations, outcome, noted, "
    "voided_at, {owner} AS imported_by FROM temp.import_incidents")
_STAFF = (
    "CREATE TEMP VIEW import_rollup_staff AS SELECT t.n AS id, {store} AS store_id, "
    "t.occurred_at, s.staff_id AS staff_id, t.cost_minor, t.voided_at "
    "FROM temp.import_incidents t LEFT JOIN temp.import_staff s ON s.key = t.staff_key")
_REMEDIES = (
    "CREATE TEMP VIEW import_rollup_remedies AS SELECT incident_n AS incident_id, remedy_id, "
    "kind, label, NULL AS approved_by, amount_minor, paper_approved_by "
    "FROM temp.import_remedies")


def _statements() -> dict[str, str]:
    """The rollup's grouped statements over the staged rows, by the TEMP table each one's
    result is kept in."""
    return {
        "import_rollup_hours": summary_rollup.add_grouped(
            "summary_hours", "temp.import_rollup_incidents"),
        "import_rollup_by_staff": summary_rollup.add_grouped(
            "summary_staff", "temp.import_rollup_staff"),
        "import_rollup_totals": summary_rollup.add_grouped(  # migration 0022
            "summary_totals", "temp.import_rollup_incidents"),
        "import_rollup_remedy": summary_rollup.remedies_grouped(
            "temp.import_rollup_incidents", "temp.import_rollup_remedies"),
        "import_rollup_paper": paper_rollup.paper_grouped(  # migration 0030
            "temp.import_rollup_incidents", "temp.import_rollup_remedies"),
    }


def _parts(sql: str) -> tuple[str, str, str]:
    """``INSERT INTO t (…) `` / ``SELECT … ORDER BY …`` / `` ON CONFLICT …`` of one of
    summary_rollup's grouped statements."""
    select = sql.index("SELECT ")
    conflict = sql.rindex(" ON CONFLICT")
    return sql[:select], sql[select:conflict], sql[conflict:]


def drop(db: Database) -> None:
    for name in _statements():
        db.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    for view in ("import_rollup_incidents", "import_rollup_staff", "import_rollup_remedies"):
        db.conn.execute(f"DROP VIEW IF EXISTS temp.{view}")


def prepare(db: Database, store_id: int, owner_id: int) -> None:
    """Group the staged rows (their staff resolved: after db.import_staging.reserve) into
    the import's rollup rows, outside any write lock. ``owner_id``: the owner importing
    (the rows' ``imported_by``)."""
    drop(db)
    conn = db.conn
    conn.execute(_INCIDENTS.format(store=int(store_id), owner=int(owner_id)))
    conn.execute(_STAFF.format(store=int(store_id)))
    conn.execute(_REMEDIES)
    for name, sql in _statements().items():
        _insert, select, _upsert = _parts(sql)
        conn.execute(f"CREATE TEMP TABLE {name} AS {select}")
    if conn.in_transaction:
        conn.commit()


def apply(db: Database, staging_id: int) -> None:
    """In the switch transaction: add the grouped rows to the rollup, and empty the range of
    the ``import_staging`` row about to be deleted (its trigger then adds nothing)."""
    conn = db.conn
    for name, sql in _statements().items():
        insert, _select, upsert = _parts(sql)
        conn.execute(f"{insert}SELECT * FROM temp.{name} WHERE true{upsert}")
    conn.execute("UPDATE import_staging SET first_incident = last_incident + 1 WHERE id = ?",
                 [staging_id])


#: The one kind of new incident the rollup's insert trigger need not look at (SQLite): a row
#: of an import's copy. It is in the import's block, invisible, and counted at the switch.
GUARD = "NEW.imported_by IS NULL"


def guard_insert_trigger(db) -> None:
    """Migration 0023 (SQLite): ``summary_rollup_insert`` as db.summary_rollup made it, with
    ``WHEN`` :data:`GUARD` (its body unchanged). Only the import's copy writes incidents
    with ``imported_by`` (db.import_staging), and those rows are always in a block that is
    not yet visible: the trigger skipped them anyway, after two subqueries per row."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                     "AND name = 'summary_rollup_insert'").fetchone()
    if row is None:
        return
    head, begin, body = row[0].partition(" BEGIN ")
    if not begin or " WHEN " in head.upper():
        return
    db.execute("DROP TRIGGER summary_rollup_insert")
    db.execute(f"{head} WHEN {GUARD}{begin}{body}")
