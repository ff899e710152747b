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
``summary_remedies`` per (store, hour of the incident, remedy, its kind and label as given,
                   approver; ``approved_key`` 0: none): remedies given, their value, and
                   how many were approved on paper (an import's history)
``summary_totals`` per (store, hour) (migration 0022): the figures of summary_hours summed
                   over the categories — the eight weeks a summary adds up (this week's,
                   last week's, the trend's) are ~1,300 rows, not ~6,000 (rollup_weeks
                   went from ~8 ms to ~1 ms at 1M incidents)

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
  INSERT/UPDATE/DELETE, so a COPY of an import adds its block at once). Each grouped
  statement touches its rows in key order (ORDER BY), so two writers that both touch
  several rollup rows of one table take their row locks in the same order.

The remedies' rollup is kept by triggers on both tables: a remedy given, changed or
deleted moves its own share (when its incident is live); an incident undone, moved, or
deleted moves the shares of the remedies it has.

The triggers on ``incidents`` keep summary_hours, summary_staff and summary_totals in one
trigger body (SQLite) or one function (PostgreSQL), each grouped statement in the same table
order; migration 0022 made them again with the third table (:func:`keep`). Copies between
databases (db.store_copy) leave every rollup table (:data:`DERIVED`) to the target's triggers.

Rows whose figures fell back to 0 stay (a later incident in that hour reuses them); the
queries leave them out. tests/test_summary_rollup.py compares the tables with
:func:`recomputed` after every write path.
"""

from __future__ import annotations

from db import paper_rollup
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
    # Migration 0022: the same figures per (store, hour) without the category split, for the
    # eight weeks the summary sums (this week's, last week's and the trend's): ~170 rows a
    # week instead of ~800 (db.reports.rollup_weeks).
    "summary_totals": (("store_id", "hour"),
                       ("{p}store_id", "substr({p}occurred_at, 1, 13)"),
                       HOURS),
}
#: The tables migration 0018 made and kept (as shipped); 0022 added summary_totals.
TABLES_0018 = ("summary_hours", "summary_staff")
#: Every rollup table: what the triggers make of the incidents and remedies, never copied
#: from one database into another (db.store_copy: the target's triggers fill them in as the
#: rows arrive; a copy on top would count every incident twice).
DERIVED = ("summary_hours", "summary_staff", "summary_totals", "summary_remedies",
           "summary_paper")  # (db.paper_rollup, migration 0030)


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
            f"WHERE {condition} GROUP BY {', '.join(group)} ORDER BY {', '.join(group)} "
            f"{_upsert(table)}")


def move_grouped(table: str, old: str, new: str) -> str:
    """SQL: the net change an UPDATE made — the shares of the live incidents of ``new`` less
    those of ``old`` (transition tables) — in one grouped statement; keys whose figures did
    not change are not written (an update of what ``table`` does not count writes
    nothing to it)."""
    _keys, exprs, figures = _TABLES[table]
    keys = [f"k{n}" for n in range(len(exprs))]
    sums = [f"sum(f{n})" for n in range(len(figures))]

    def side(source: str, sign: int) -> str:
        columns = [f"{e.format(p='')} AS k{n}" for n, e in enumerate(exprs)]
        columns += [f"{sign} * ({share.format(p='')}) AS f{n}"
                    for n, (_name, share) in enumerate(figures)]
        return f"SELECT {', '.join(columns)} FROM {source} WHERE voided_at IS NULL"

    return (f"{_insert(table)}SELECT {', '.join(keys)}, {', '.join(sums)} "
            f"FROM ({side(new, 1)} UNION ALL {side(old, -1)}) d GROUP BY {', '.join(keys)} "
            f"HAVING {' OR '.join(f'{total} <> 0' for total in sums)} "
            f"ORDER BY {', '.join(keys)} {_upsert(table)}")


def _add_row(table: str, row: str, sign: int) -> str:
    """SQL (inside a SQLite trigger): add or take off the share of ``row`` (NEW or OLD)."""
    keys, exprs, figures = _TABLES[table]
    p = f"{row}."
    values = [e.format(p=p) for e in exprs]
    values += [f"{sign} * ({share.format(p=p)})" for _name, share in figures]
    return (f"{_insert(table)}SELECT {', '.join(values)} "
            f"WHERE {p}voided_at IS NULL AND {visible(p + 'id')} {_upsert(table)};")


_REMEDY_KEYS = ("store_id", "hour", "remedy_id", "kind", "label", "approved_key")
_REMEDY_FIGURES = ("given", "value_minor", "paper")
_REMEDY_UPSERT = (f"ON CONFLICT ({', '.join(_REMEDY_KEYS)}) DO UPDATE SET "
                  + ", ".join(f"{n} = summary_remedies.{n} + excluded.{n}"
                              for n in _REMEDY_FIGURES))
_REMEDY_INSERT = (f"INSERT INTO summary_remedies ({', '.join(_REMEDY_KEYS)}, "
                  f"{', '.join(_REMEDY_FIGURES)}) ")
_REMEDY_CREATE = ("CREATE TABLE summary_remedies (store_id INTEGER NOT NULL, "
                  "hour TEXT NOT NULL, remedy_id INTEGER NOT NULL, kind TEXT NOT NULL, "
                  "label TEXT NOT NULL, approved_key INTEGER NOT NULL, "
                  "given INTEGER NOT NULL DEFAULT 0, value_minor INTEGER NOT NULL DEFAULT 0, "
                  "paper INTEGER NOT NULL DEFAULT 0, "
                  f"PRIMARY KEY ({', '.join(_REMEDY_KEYS)}))")


_PAPER = "CASE WHEN {p}paper_approved_by IS NULL THEN 0 ELSE 1 END"


def remedies_grouped(incidents: str, remedies: str, where: str = "", sign: int = 1) -> str:
    """SQL: add (``sign`` -1: take off) the shares of the remedies ``r`` of ``remedies`` on
    the live incidents ``i`` of ``incidents`` (tables or transition tables) matching
    ``where``."""
    keys = ("i.store_id", "substr(i.occurred_at, 1, 13)", "r.remedy_id", "r.kind", "r.label",
            "coalesce(r.approved_by, 0)")
    condition = "i.voided_at IS NULL" + (f" AND {where}" if where else "")
    return (f"{_REMEDY_INSERT}SELECT {', '.join(keys)}, {sign} * count(*), "
            f"{sign} * sum(r.amount_minor), {sign} * sum({_PAPER.format(p='r.')}) "
            f"FROM {incidents} i "
            f"JOIN {remedies} r ON r.incident_id = i.id WHERE {condition} "
            f"GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)} {_REMEDY_UPSERT}")


def _remedy_row(row: str, sign: int) -> str:
    """SQL (inside a SQLite trigger on incident_remedies): the share of remedy ``row``."""
    p = f"{row}."
    return (f"{_REMEDY_INSERT}SELECT i.store_id, substr(i.occurred_at, 1, 13), "
            f"{p}remedy_id, {p}kind, {p}label, coalesce({p}approved_by, 0), {sign}, "
            f"{sign} * {p}amount_minor, {sign} * {_PAPER.format(p=p)} "
            f"FROM incidents i WHERE i.id = {p}incident_id "
            f"AND i.voided_at IS NULL AND {visible('i.id')} {_REMEDY_UPSERT};")


def _remedies_of(row: str, sign: int) -> str:
    """SQL (inside a SQLite trigger on incidents): the shares of the remedies of ``row``."""
    p = f"{row}."
    keys = "r.remedy_id, r.kind, r.label, coalesce(r.approved_by, 0)"
    return (f"{_REMEDY_INSERT}SELECT {p}store_id, substr({p}occurred_at, 1, 13), {keys}, "
            f"{sign} * count(*), {sign} * sum(r.amount_minor), "
            f"{sign} * sum({_PAPER.format(p='r.')}) FROM incident_remedies r "
            f"WHERE r.incident_id = {p}id AND {p}voided_at IS NULL AND {visible(p + 'id')} "
            f"GROUP BY {keys} {_REMEDY_UPSERT};")


def _sqlite_incident_triggers(tables: tuple[str, ...], guard: str = "") -> list[str]:
    """The SQLite triggers on ``incidents`` (and the import's switch) that keep ``tables``;
    ``guard``: the insert trigger's ``WHEN`` (db.import_rollup.GUARD, migration 0023)."""
    def body(*parts: tuple[str, int]) -> str:
        return " ".join(_add_row(table, row, sign) for row, sign in parts for table in tables)

    return [
        f"CREATE TRIGGER summary_rollup_insert AFTER INSERT ON incidents "
        f"{f'WHEN {guard} ' if guard else ''}BEGIN {body(('NEW', 1))} END",
        f"CREATE TRIGGER summary_rollup_delete AFTER DELETE ON incidents "
        f"BEGIN {body(('OLD', -1))} END",
        f"CREATE TRIGGER summary_rollup_update AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON incidents BEGIN {body(('OLD', -1), ('NEW', 1))} END",
        # An import's switch: its block becomes visible at once.
        "CREATE TRIGGER summary_rollup_import AFTER DELETE ON import_staging BEGIN "
        + " ".join(add_grouped(table, "incidents",
                               "id BETWEEN OLD.first_incident AND OLD.last_incident") + ";"
                   for table in tables)
        + " " + remedies_grouped("incidents", "incident_remedies",
                                 "i.id BETWEEN OLD.first_incident AND OLD.last_incident")
        + "; END",
    ]


#: The SQLite triggers of :func:`_sqlite_incident_triggers` (0022 makes them again).
_SQLITE_INCIDENT_TRIGGERS = ("summary_rollup_insert", "summary_rollup_delete",
                             "summary_rollup_update", "summary_rollup_import")


def _sqlite_triggers(tables: tuple[str, ...]) -> list[str]:
    return _sqlite_incident_triggers(tables) + [
        # The remedies: their own changes, and their incident's.
        f"CREATE TRIGGER summary_remedies_insert AFTER INSERT ON incident_remedies "
        f"BEGIN {_remedy_row('NEW', 1)} END",
        f"CREATE TRIGGER summary_remedies_delete AFTER DELETE ON incident_remedies "
        f"BEGIN {_remedy_row('OLD', -1)} END",
        "CREATE TRIGGER summary_remedies_update AFTER UPDATE OF incident_id, remedy_id, kind, "
        f"label, approved_by, amount_minor, paper_approved_by ON incident_remedies "
        f"BEGIN {_remedy_row('OLD', -1)} {_remedy_row('NEW', 1)} END",
        "CREATE TRIGGER summary_remedies_incident AFTER UPDATE OF store_id, occurred_at, "
        "voided_at ON incidents WHEN OLD.store_id IS NOT NEW.store_id "
        "OR OLD.occurred_at IS NOT NEW.occurred_at OR OLD.voided_at IS NOT NEW.voided_at "
        f"BEGIN {_remedies_of('OLD', -1)} {_remedies_of('NEW', 1)} END",
        "CREATE TRIGGER summary_remedies_incident_gone AFTER DELETE ON incidents "
        f"BEGIN {_remedies_of('OLD', -1)} END",
    ]


def _pg_function(tables: tuple[str, ...], net: bool = False) -> str:
    """The PostgreSQL function behind the statement triggers on ``incidents`` that keep
    ``tables`` (and summary_remedies). ``net`` (migration 0022): an UPDATE writes its net
    change per table in one statement (:func:`move_grouped`), not the old rows' shares taken
    off and the new rows' added in two."""
    def statements(source: str, sign: int) -> str:
        return " ".join(add_grouped(table, source, sign=sign) + ";" for table in tables)

    if net:
        moved = " ".join(move_grouped(table, "old_rows", "new_rows") + ";" for table in tables)
        rollup = (f"IF TG_OP = 'UPDATE' THEN {moved} "
                  f"ELSIF TG_OP = 'DELETE' THEN {statements('old_rows', -1)} "
                  f"ELSE {statements('new_rows', 1)} END IF; ")
    else:  # as migration 0018 made it
        rollup = (f"IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN {statements('old_rows', -1)} "
                  f"END IF; IF TG_OP = 'UPDATE' OR TG_OP = 'INSERT' THEN "
                  f"{statements('new_rows', 1)} END IF; ")
    return (
        "CREATE OR REPLACE FUNCTION comeback_summary_rollup() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN " + rollup +
        # the remedies of incidents undone, moved or deleted
        f"IF TG_OP = 'DELETE' THEN "
        f"{remedies_grouped('old_rows', 'incident_remedies', sign=-1)}; END IF; "
        f"IF TG_OP = 'UPDATE' THEN "
        f"{remedies_grouped('old_rows', 'incident_remedies', _moved('new_rows'), -1)}; "
        f"{remedies_grouped('new_rows', 'incident_remedies', _moved('old_rows'))}; "
        "END IF; RETURN NULL; END $$")


def _pg_triggers(tables: tuple[str, ...]) -> list[str]:
    function = _pg_function(tables)
    remedies = (
        "CREATE OR REPLACE FUNCTION comeback_summary_remedies() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN "
        f"{remedies_grouped('incidents', 'old_rows', sign=-1)}; END IF; "
        "IF TG_OP = 'UPDATE' OR TG_OP = 'INSERT' THEN "
        f"{remedies_grouped('incidents', 'new_rows')}; END IF; "
        "RETURN NULL; END $$")
    return [
        function, remedies,
        "CREATE TRIGGER summary_remedies_insert AFTER INSERT ON incident_remedies "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION comeback_summary_remedies()",
        "CREATE TRIGGER summary_remedies_delete AFTER DELETE ON incident_remedies "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION comeback_summary_remedies()",
        "CREATE TRIGGER summary_remedies_update AFTER UPDATE ON incident_remedies "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION comeback_summary_remedies()",
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


def _moved(other: str) -> str:
    """SQL: incident ``i`` changed store, time or voided state (its other version is in the
    transition table ``other``)."""
    return (f"EXISTS (SELECT 1 FROM {other} x WHERE x.id = i.id "
            "AND (x.store_id IS DISTINCT FROM i.store_id "
            "OR x.occurred_at IS DISTINCT FROM i.occurred_at "
            "OR x.voided_at IS DISTINCT FROM i.voided_at))")


#: "Guests to watch" groups the comps that name a guest over 37 days (db.reports.guest_flags):
#: from this index alone, not one table row each.
#: (``id`` for the order within a second, ``voided_at`` so SQLite sees it covers the query.)
GUEST_INDEX = ("CREATE INDEX idx_incidents_guest_comps ON incidents (store_id, occurred_at, "
               "id, guest_key, guest_name, guest_contact, cost_minor, voided_at) "
               "WHERE guest_key IS NOT NULL AND voided_at IS NULL AND cost_minor > 0")


def migrate(db) -> None:
    """Migration 0018: the tables, filled in from every live incident, and their triggers."""
    postgres = getattr(db, "backend", "sqlite") == "postgresql"
    # SQLite: the rows in key order (a week is one range of the table itself).
    clustered = "" if postgres else " WITHOUT ROWID"
    for table in TABLES_0018:
        db.execute(_create(table) + clustered)
        db.execute(add_grouped(table, "incidents", visible("id")))
    db.execute(_REMEDY_CREATE + clustered)
    db.execute(remedies_grouped("incidents", "incident_remedies", visible("i.id")))
    db.execute(GUEST_INDEX)
    for statement in (_pg_triggers(TABLES_0018) if postgres
                      else _sqlite_triggers(TABLES_0018)):
        db.execute(statement)


#: The minutes to the check and on time / late (db.reports.check_rows) read the week's done
#: first follow-ups from this index alone: narrow columns, not the sixteen of
#: idx_incidents_summary (``id`` for db.import_staging.visible; ``followup_missed`` and
#: ``voided_at``, the same in every entry, so that SQLite sees the index covers the query).
CHECKS_INDEX = ("CREATE INDEX idx_incidents_checks ON incidents (store_id, occurred_at, "
                "followup_done_s, followup_due_s, id, followup_missed, voided_at) "
                "WHERE voided_at IS NULL AND followup_done_s IS NOT NULL "
                "AND followup_missed = 0")


#: The week's notes (db.reports.note_rows) from the incidents flagged ``noted`` alone, not a
#: look at every incident of the week (``noted``: db.summary_columns).
NOTED_INDEX = ("CREATE INDEX idx_incidents_noted ON incidents (store_id, occurred_at) "
               "WHERE noted = 1 AND voided_at IS NULL")


#: Migration 0024: :data:`NOTED_INDEX` made again with what picks and counts the notes
#: printed (db.reports.note_rows): the severity (severe first) and the note itself (is there
#: one), so that a week's notes are counted and ranked from one range of this index, not
#: one table row per noted incident (~570 a week at 1M incidents, spread over as many
#: pages: ~20-50 ms read the first time). Only incidents with a note have an entry: a tap
#: without one writes nothing to it, one with a note one entry, as before. (The note is at
#: most 500 characters, app.incidents.NOTE_MAX: well inside PostgreSQL's index row limit.)
NOTES_INDEX = ("CREATE INDEX idx_incidents_noted ON incidents (store_id, occurred_at, id, "
               "severity, note, noted, voided_at) WHERE noted = 1 AND voided_at IS NULL")


def migrate_notes(db) -> None:
    """Migration 0024: idx_incidents_noted made again as :data:`NOTES_INDEX`."""
    db.execute("DROP INDEX idx_incidents_noted")
    db.execute(NOTES_INDEX)


def migrate_totals(db) -> None:
    """Migration 0022: ``summary_totals``, filled in from summary_hours (the same figures,
    summed over the categories: no incident read), the triggers on ``incidents`` made again
    to keep it too, :data:`CHECKS_INDEX` and :data:`NOTED_INDEX`."""
    postgres = getattr(db, "backend", "sqlite") == "postgresql"
    db.execute(_create("summary_totals") + ("" if postgres else " WITHOUT ROWID"))
    names = [name for name, _share in HOURS]
    db.execute(f"{_insert('summary_totals')}SELECT store_id, hour, "
               + ", ".join(f"sum({n})" for n in names) + " FROM summary_hours "
               "GROUP BY store_id, hour ORDER BY store_id, hour")
    db.execute(CHECKS_INDEX)
    db.execute(NOTED_INDEX)
    keep(db, tuple(_TABLES))


def keep(db, tables: tuple[str, ...], net: bool = True) -> None:
    """Make the triggers on ``incidents`` keep ``tables`` (of :data:`_TABLES`; the remedies'
    rollup is kept whatever), on PostgreSQL an UPDATE's ``net`` change in one statement per
    table: migration 0022; bench.summary_query's cost per tap (0018's: net False)."""
    if getattr(db, "backend", "sqlite") == "postgresql":
        db.execute(_pg_function(tables, net=net))  # the triggers call it by name
        return
    # An import's copied rows are counted at its switch (db.import_rollup, which migration
    # 0023 guards the insert trigger for): made again here (0022 on a file that has 0023
    # already, or before it), the trigger keeps that guard.
    from db.import_rollup import GUARD

    for trigger in _SQLITE_INCIDENT_TRIGGERS:
        db.execute(f"DROP TRIGGER {trigger}")
    for statement in _sqlite_incident_triggers(tables, GUARD):
        db.execute(statement)


def recomputed(db) -> dict[str, set[tuple]]:
    """Every rollup table as it should be, counted afresh from the live incidents
    (non-zero rows; what the tests compare :func:`kept` with)."""
    result = {}
    for table, (_keys, exprs, figures) in _TABLES.items():
        group = [e.format(p="") for e in exprs]
        sums = ["count(*)" if share == "1" else f"sum({share.format(p='')})"
                for _name, share in figures]
        result[table] = {tuple(row) for row in db.execute(
            f"SELECT {', '.join(group)}, {', '.join(sums)} FROM incidents "
            f"WHERE voided_at IS NULL AND {visible('id')} GROUP BY {', '.join(group)}")}
    keys = ("i.store_id", "substr(i.occurred_at, 1, 13)", "r.remedy_id", "r.kind", "r.label",
            "coalesce(r.approved_by, 0)")
    result["summary_remedies"] = {tuple(row) for row in db.execute(
        f"SELECT {', '.join(keys)}, count(*), sum(r.amount_minor), "
        f"sum({_PAPER.format(p='r.')}) FROM incidents i "
        "JOIN incident_remedies r ON r.incident_id = i.id "
        f"WHERE i.voided_at IS NULL AND {visible('i.id')} GROUP BY {', '.join(keys)}")}
    result["summary_paper"] = paper_rollup.recomputed(db)
    return result


def kept(db) -> dict[str, set[tuple]]:
    """Every rollup table's rows that hold anything."""
    result = {}
    for table, (keys, _exprs, figures) in _TABLES.items():
        names = [name for name, _share in figures]
        result[table] = {tuple(row) for row in db.execute(
            f"SELECT {', '.join(keys)}, {', '.join(names)} FROM {table} "
            f"WHERE {' OR '.join(f'{n} <> 0' for n in names)}")}
    result["summary_remedies"] = {tuple(row) for row in db.execute(
        f"SELECT {', '.join(_REMEDY_KEYS)}, {', '.join(_REMEDY_FIGURES)} FROM summary_remedies "
        "WHERE given <> 0 OR value_minor <> 0 OR paper <> 0")}
    result["summary_paper"] = paper_rollup.kept(db)
    return result


#: Migration 0029 (PostgreSQL only): a flagged guest's latest comp (db.reports.guest_flags:
#: its time, then the guest name and contact of that comp) is the last entry of the guest's
#: range here, one step back from ``:end``. SQLite walks ``idx_incidents_guest`` (guest_key,
#: occurred_at), whose entries end with the rowid: ordered as ``occurred_at DESC, id DESC``
#: asks, it stops at the first comp. A PostgreSQL index holds no row id in its order, so
#: there every lookup read each of the guest's incidents of the 37 days from the table and
#: sorted them: a busy week at 1M incidents, ten flagged guests × three lookups × ~410
#: rows, ~9,300 buffers, ~14 of guest_flags' ~20 ms. From this partial index (the comps that
#: name a guest, the same condition as :data:`GUEST_INDEX`) each lookup reads one entry and
#: no table row: ~235 buffers for the whole read. SQLite keeps its own plan (nothing made).
GUEST_LATEST_INDEX = (
    "CREATE INDEX idx_incidents_guest_latest ON incidents (store_id, guest_key, occurred_at, "
    "id) INCLUDE (guest_name, guest_contact) "
    "WHERE guest_key IS NOT NULL AND voided_at IS NULL AND cost_minor > 0")


def migrate_guest_latest(db) -> None:
    """Migration 0029: :data:`GUEST_LATEST_INDEX` on PostgreSQL; nothing on SQLite."""
    if getattr(db, "backend", "sqlite") == "postgresql":
        db.execute(GUEST_LATEST_INDEX)
