"""The weekly summary's figures per store and UTC hour, kept by the database (migration 0018).

A week of a 1,000,000-incident store has ~4,000 incidents; counting fifteen figures of each
of them (db.reports over ``idx_incidents_summary``), for this week, last week and the six
weeks of the trend line, cost ~60 ms. The figures only ever add up, so they are kept added
up, per store and UTC hour:

``summary_hours``  per (store, hour, category): incidents, remedies given, their value,
                   repeat guests, severe, escalated, the four outcomes (the latest recorded),
                   first follow-ups missed / pending, noted
``summary_staff``  per (store, hour, staff member; ``staff_key`` 0: not recorded):
                   incidents, comps (value > 0), value

``hour`` is ``occurred_at``'s first 13 characters (``2026-11-16T11``, UTC). Only live
incidents count (``voided_at`` NULL, not in an import still being copied). Every figure is
a sum over the incident's own summary columns (db.summary_columns), so the rollup is kept
by triggers on ``incidents``: whatever writes an incident (a tap, a remedy, a follow-up, an
undo, an erasure, an import, a migration), the old row's share is taken off and the new
row's added, in the same statement's transaction; nothing can drift.

* SQLite: row triggers (AFTER INSERT / DELETE / UPDATE OF the columns counted) skip rows
  of an import being copied (db.import_staging.visible); deleting the import's
  ``import_staging`` row (the switch) adds its whole block in one grouped statement.
* PostgreSQL: statement triggers with transition tables (one grouped statement per
  INSERT/UPDATE/DELETE, so a COPY of an import adds its block at once).

Rows whose figures fell back to 0 stay (a later incident in that hour reuses them); the
queries leave them out. tests/test_summary_rollup.py compares the tables with
:func:`recomputed` after every write path.
"""

from __future__ import annotations

from db.import_staging import visible

#: (column of summary_hours, one incident's share in terms of its columns, prefixed).
HOURS = (
    ("incidents", "1"),
    ("remedies", "{p}remedy_count"),
    ("value_minor", "{p}cost_minor"),
    ("repeat_guests", "coalesce({p}repeat_guest, 0)"),
    ("severe", "CASE WHEN {p}severity = 'high' THEN 1 ELSE 0 END"),
    ("escalated", "CASE WHEN {p}escalations > 0 THEN 1 ELSE 0 END"),
    ("delighted", "CASE WHEN {p}outcome = 'delighted' THEN 1 ELSE 0 END"),
    ("satisfied", "CASE WHEN {p}outcome = 'satisfied' THEN 1 ELSE 0 END"),
    ("unhappy", "CASE WHEN {p}outcome = 'unhappy' THEN 1 ELSE 0 END"),
    ("outcome_left", "CASE WHEN {p}outcome = 'left' THEN 1 ELSE 0 END"),
    ("missed", "{p}followup_missed"),
    ("pending", "CASE WHEN {p}followup_due_s IS NOT NULL AND {p}followup_missed = 0 "
                "AND {p}followup_done_s IS NULL THEN 1 ELSE 0 END"),
    ("noted", "{p}noted"),
)
STAFF = (
    ("incidents", "1"),
    ("comps", "CASE WHEN {p}cost_minor > 0 THEN 1 ELSE 0 END"),
    ("value_minor", "{p}cost_minor"),
)
#: The incident columns a share is made of (the SQLite UPDATE trigger watches these).
WATCHED = ("store_id", "occurred_at", "category_id", "staff_id", "severity", "repeat_guest",
           "remedy_count", "cost_minor", "followup_due_s", "followup_done_s",
           "followup_missed", "escalations", "outcome", "noted", "voided_at")

_TABLES = {
    # table: (key columns, key expressions in terms of the incident, figures)
    "summary_hours": (("store_id", "hour", "category_id"),
                      ("{p}store_id", "substr({p}occurred_at, 1, 13)", "{p}category_id"),
                      HOURS),
    "summary_staff": (("store_id", "hour", "staff_key"),
                      ("{p}store_id", "substr({p}occurred_at, 1, 13)",
                       "coalesce({p}staff_id, 0)"),
                      STAFF),
}


def _create(table: str) -> str:
    keys, _exprs, figures = _TABLES[table]
    kinds = {"store_id": "INTEGER NOT NULL", "hour": "TEXT NOT NULL",
             "category_id": "INTEGER NOT NULL", "staff_key": "INTEGER NOT NULL"}
    columns = [f"{key} {kinds[key]}" for key in keys]
    columns += [f"{name} INTEGER NOT NULL DEFAULT 0" for name, _share in figures]
    return (f"CREATE TABLE {table} ({', '.join(columns)}, "
            f"PRIMARY KEY ({', '.join(keys)}))")


def _upsert(table: str) -> str:
    keys, _exprs, figures = _TABLES[table]
    names = [name for name, _share in figures]
    return (f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
            + ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in names))


def _insert(table: str) -> str:
    keys, _exprs, figures = _TABLES[table]
    return f"INSERT INTO {table} ({', '.join(keys)}, {', '.join(n for n, _s in figures)}) "


def add_grouped(table: str, source: str, where: str = "", sign: int = 1) -> str:
    """SQL: add (``sign`` -1: take off) the shares of the live incidents of ``source`` (a
    table or transition table with the incidents' columns) matching ``where``."""
    keys, exprs, figures = _TABLES[table]
    group = [e.format(p="") for e in exprs]
    sums = [f"{sign} * count(*)" if share == "1" else f"{sign} * sum({share.format(p='')})"
            for _name, share in figures]
    condition = "voided_at IS NULL" + (f" AND {where}" if where else "")
    return (f"{_insert(table)}SELECT {', '.join(group)}, {', '.join(sums)} FROM {source} "
            f"WHERE {condition} GROUP BY {', '.join(group)} {_upsert(table)}")


def _add_row(table: str, row: str, sign: int) -> str:
    """SQL (inside a SQLite trigger): add or take off the share of ``row`` (NEW or OLD)."""
    keys, exprs, figures = _TABLES[table]
    p = f"{row}."
    values = [e.format(p=p) for e in exprs]
    values += [f"{sign} * ({share.format(p=p)})" for _name, share in figures]
    return (f"{_insert(table)}SELECT {', '.join(values)} "
            f"WHERE {p}voided_at IS NULL AND {visible(p + 'id')} {_upsert(table)};")


def _sqlite_triggers() -> list[str]:
    def body(*parts: tuple[str, int]) -> str:
        return " ".join(_add_row(table, row, sign) for row, sign in parts for table in _TABLES)

    return [
        f"CREATE TRIGGER summary_rollup_insert AFTER INSERT ON incidents "
        f"BEGIN {body(('NEW', 1))} END",
        f"CREATE TRIGGER summary_rollup_delete AFTER DELETE ON incidents "
        f"BEGIN {body(('OLD', -1))} END",
        f"CREATE TRIGGER summary_rollup_update AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON incidents BEGIN {body(('OLD', -1), ('NEW', 1))} END",
        # An import's switch: its block becomes visible at once.
        "CREATE TRIGGER summary_rollup_import AFTER DELETE ON import_staging BEGIN "
        + " ".join(add_grouped(table, "incidents",
                               "id BETWEEN OLD.first_incident AND OLD.last_incident") + ";"
                   for table in _TABLES) + " END",
    ]


def _pg_triggers() -> list[str]:
    def statements(source: str, sign: int) -> str:
        return " ".join(add_grouped(table, source, sign=sign) + ";" for table in _TABLES)

    function = (
        "CREATE OR REPLACE FUNCTION comeback_summary_rollup() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN {statements('old_rows', -1)} END IF; "
        f"IF TG_OP = 'UPDATE' OR TG_OP = 'INSERT' THEN {statements('new_rows', 1)} END IF; "
        "RETURN NULL; END $$")
    return [
        function,
        "CREATE TRIGGER summary_rollup_insert AFTER INSERT ON incidents "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION comeback_summary_rollup()",
        "CREATE TRIGGER summary_rollup_delete AFTER DELETE ON incidents "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION comeback_summary_rollup()",
        "CREATE TRIGGER summary_rollup_update AFTER UPDATE ON incidents "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION comeback_summary_rollup()",
    ]


def migrate(db) -> None:
    """Migration 0018: the tables, filled in from every live incident, and their triggers."""
    for table in _TABLES:
        db.execute(_create(table))
        db.execute(add_grouped(table, "incidents", visible("id")))
    postgres = getattr(db, "backend", "sqlite") == "postgresql"
    for statement in _pg_triggers() if postgres else _sqlite_triggers():
        db.execute(statement)


def recomputed(db) -> dict[str, set[tuple]]:
    """Both tables as they should be, counted afresh from the live incidents (non-zero rows;
    what the tests compare :func:`kept` with)."""
    result = {}
    for table, (_keys, exprs, figures) in _TABLES.items():
        group = [e.format(p="") for e in exprs]
        sums = ["count(*)" if share == "1" else f"sum({share.format(p='')})"
                for _name, share in figures]
        result[table] = {tuple(row) for row in db.execute(
            f"SELECT {', '.join(group)}, {', '.join(sums)} FROM incidents "
            f"WHERE voided_at IS NULL AND {visible('id')} GROUP BY {', '.join(group)}")}
    return result


def kept(db) -> dict[str, set[tuple]]:
    """Both tables' rows that hold anything."""
    result = {}
    for table, (keys, _exprs, figures) in _TABLES.items():
        names = [name for name, _share in figures]
        result[table] = {tuple(row) for row in db.execute(
            f"SELECT {', '.join(keys)}, {', '.join(names)} FROM {table} "
            f"WHERE {' OR '.join(f'{n} <> 0' for n in names)}")}
    return result
