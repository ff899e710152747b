"""Approvals on paper, per store and UTC hour, kept by the database (migration 0030).

An import brings a store's history, and with it the approvals its paper records name
("on paper: Marco; imported by Ingrid"): ``incident_remedies.paper_approved_by``, and the
owner whose PIN let the file in, ``incidents.imported_by``. The weekly summary lists them
beside the approvers who signed in. They were counted from the week's incidents joined to
their remedies (db.reports.paper_approval_totals): on a store moved in by import, where
nearly every week of its history has some, ~3,800 index probes a week — on PostgreSQL at
1M incidents 10-17 ms on its own, 56 ms a summary on average in bench.summary_query and
up to 147 ms, a second round trip after the reads sent ahead.

``summary_paper`` keeps them added up per (store, hour of the incident, name on paper,
importing owner; ``imported_key`` 0: not recorded): approvals and their value. A week is
one short range of it, read with the summary's other reads (db.reports.rollup_paper).

As db.summary_rollup's tables, it is kept by triggers, so nothing can drift: a remedy
approved on paper added, changed or deleted moves its own share (when its incident is
live and visible: not in an import still being copied); an incident undone, moved to
another time or store, or deleted moves the shares of its paper remedies.

* SQLite: row triggers, each only for remedies with a name on paper (``WHEN``); an
  import's block is added at its switch, grouped with the rest of its rollup
  (db.import_rollup), or by the trigger on ``import_staging``.
* PostgreSQL: statement triggers with transition tables; each remedy finds its incident by
  id (a LATERAL lookup kept apart with ``OFFSET 0``, as db.pg_remedy_rollup) in the
  function the remedies' rollup triggers already call, and an incident moved finds its
  paper remedies by their incident's id.
"""

from __future__ import annotations

from db.import_staging import visible

TABLE = "summary_paper"
KEYS = ("store_id", "hour", "paper_name", "imported_key")
FIGURES = ("approvals", "value_minor")

_CREATE = (f"CREATE TABLE {TABLE} (store_id INTEGER NOT NULL, hour TEXT NOT NULL, "
           "paper_name TEXT NOT NULL, imported_key INTEGER NOT NULL, "
           "approvals INTEGER NOT NULL DEFAULT 0, value_minor INTEGER NOT NULL DEFAULT 0, "
           f"PRIMARY KEY ({', '.join(KEYS)}))")
_INSERT = f"INSERT INTO {TABLE} ({', '.join(KEYS + FIGURES)}) "
_UPSERT = (f"ON CONFLICT ({', '.join(KEYS)}) DO UPDATE SET "
           + ", ".join(f"{n} = {TABLE}.{n} + excluded.{n}" for n in FIGURES))


def _keys(i: str, r: str) -> tuple[str, ...]:
    """A paper remedy's key, from its incident ``i`` and itself ``r`` (prefixes with dots,
    or NEW./OLD.)."""
    return (f"{i}store_id", f"substr({i}occurred_at, 1, 13)", f"{r}paper_approved_by",
            f"coalesce({i}imported_by, 0)")


def paper_grouped(incidents: str, remedies: str, where: str = "", sign: int = 1) -> str:
    """SQL: add (``sign`` -1: take off) the shares of the paper remedies ``r`` of
    ``remedies`` on the live incidents ``i`` of ``incidents`` (tables, views or transition
    tables) matching ``where``."""
    keys = ", ".join(_keys("i.", "r."))
    condition = ("i.voided_at IS NULL AND r.paper_approved_by IS NOT NULL"
                 + (f" AND {where}" if where else ""))
    return (f"{_INSERT}SELECT {keys}, {sign} * count(*), {sign} * sum(r.amount_minor) "
            f"FROM {incidents} i JOIN {remedies} r ON r.incident_id = i.id "
            f"WHERE {condition} GROUP BY {keys} ORDER BY {keys} {_UPSERT}")


# -- SQLite: row triggers ---------------------------------------------------------------------

def _remedy_row(row: str, sign: int) -> str:
    """The share of remedy ``row`` (NEW or OLD), its incident read by rowid."""
    p = f"{row}."
    return (f"{_INSERT}SELECT {', '.join(_keys('i.', p))}, {sign}, {sign} * {p}amount_minor "
            f"FROM incidents i WHERE i.id = {p}incident_id AND {p}paper_approved_by "
            f"IS NOT NULL AND i.voided_at IS NULL AND {visible('i.id')} {_UPSERT};")


def _remedies_of(row: str, sign: int) -> str:
    """The shares of the paper remedies of incident ``row`` (NEW or OLD)."""
    p = f"{row}."
    keys = ", ".join(_keys(p, "r."))
    return (f"{_INSERT}SELECT {keys}, {sign} * count(*), {sign} * sum(r.amount_minor) "
            f"FROM incident_remedies r WHERE r.incident_id = {p}id "
            f"AND r.paper_approved_by IS NOT NULL AND {p}voided_at IS NULL "
            f"AND {visible(p + 'id')} GROUP BY {keys} {_UPSERT};")


#: An incident's columns a paper share is keyed or kept by.
_MOVED = ("store_id", "occurred_at", "voided_at", "imported_by")
_PAPER_ROW = "{row}.paper_approved_by IS NOT NULL"

SQLITE_TRIGGERS = (
    "summary_paper_insert", "summary_paper_delete", "summary_paper_update",
    "summary_paper_incident", "summary_paper_incident_gone", "summary_paper_import")


def _sqlite_triggers() -> list[str]:
    moved = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _MOVED)
    return [
        f"CREATE TRIGGER summary_paper_insert AFTER INSERT ON incident_remedies "
        f"WHEN {_PAPER_ROW.format(row='NEW')} BEGIN {_remedy_row('NEW', 1)} END",
        f"CREATE TRIGGER summary_paper_delete AFTER DELETE ON incident_remedies "
        f"WHEN {_PAPER_ROW.format(row='OLD')} BEGIN {_remedy_row('OLD', -1)} END",
        "CREATE TRIGGER summary_paper_update AFTER UPDATE OF incident_id, amount_minor, "
        f"paper_approved_by ON incident_remedies WHEN {_PAPER_ROW.format(row='OLD')} "
        f"OR {_PAPER_ROW.format(row='NEW')} "
        f"BEGIN {_remedy_row('OLD', -1)} {_remedy_row('NEW', 1)} END",
        f"CREATE TRIGGER summary_paper_incident AFTER UPDATE OF {', '.join(_MOVED)} "
        f"ON incidents WHEN {moved} "
        f"BEGIN {_remedies_of('OLD', -1)} {_remedies_of('NEW', 1)} END",
        "CREATE TRIGGER summary_paper_incident_gone AFTER DELETE ON incidents "
        f"BEGIN {_remedies_of('OLD', -1)} END",
        # An import's switch: its block becomes visible at once (db.import_rollup adds it
        # before and empties the range, so this finds nothing then).
        "CREATE TRIGGER summary_paper_import AFTER DELETE ON import_staging BEGIN "
        + paper_grouped("incidents", "incident_remedies",
                        "i.id BETWEEN OLD.first_incident AND OLD.last_incident") + "; END",
    ]


# -- PostgreSQL: statement triggers -----------------------------------------------------------

def _by_remedy(remedies: str, sign: int) -> str:
    """The shares of the paper remedies of ``remedies`` (a transition table), each
    incident found by its id."""
    keys = ", ".join(_keys("i.", "r."))
    return (f"{_INSERT}SELECT {keys}, {sign} * count(*), {sign} * sum(r.amount_minor) "
            f"FROM {remedies} r, LATERAL (SELECT x.store_id, x.occurred_at, x.imported_by "
            f"FROM incidents x WHERE x.id = r.incident_id AND x.voided_at IS NULL "
            f"OFFSET 0) i WHERE r.paper_approved_by IS NOT NULL "
            f"GROUP BY {keys} ORDER BY {keys} {_UPSERT}")


def _of_incidents(incidents: str, other: str, sign: int) -> str:
    """The shares of the paper remedies of the live incidents of ``incidents`` (a
    transition table), only those moved (``other``: the UPDATE's other version; None: every
    one), each one's remedies found by its id."""
    keys = ", ".join(_keys("i.", "r."))
    moved = ""
    if other is not None:
        changed = " OR ".join(f"x.{c} IS DISTINCT FROM i.{c}" for c in _MOVED)
        moved = f" AND EXISTS (SELECT 1 FROM {other} x WHERE x.id = i.id AND ({changed}))"
    return (f"{_INSERT}SELECT {keys}, {sign} * count(*), {sign} * sum(r.amount_minor) "
            f"FROM {incidents} i, LATERAL (SELECT y.paper_approved_by, y.amount_minor "
            f"FROM incident_remedies y WHERE y.incident_id = i.id "
            f"AND y.paper_approved_by IS NOT NULL OFFSET 0) r "
            f"WHERE i.voided_at IS NULL{moved} GROUP BY {keys} ORDER BY {keys} {_UPSERT}")


def _pg_statements() -> list[str]:
    # The remedies' statement triggers (migration 0018) call comeback_summary_remedies by
    # name: made again (as migration 0025 made it) with the paper shares first, so a tap's
    # remedy fires no trigger more than before (a second statement trigger per remedy was
    # ~0.04 ms of a tap's ~1.4 ms). The paper rows are always locked before the other
    # rollup tables' (the incidents' trigger here fires before summary_rollup_update, by
    # name), so two writers take them in the same order.
    from db.pg_remedy_rollup import by_remedy

    return [
        "CREATE OR REPLACE FUNCTION comeback_summary_remedies() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN {_by_remedy('old_rows', -1)}; "
        f"{by_remedy('old_rows', -1)}; END IF; "
        f"IF TG_OP = 'UPDATE' OR TG_OP = 'INSERT' THEN {_by_remedy('new_rows', 1)}; "
        f"{by_remedy('new_rows', 1)}; END IF; "
        "RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION comeback_summary_paper_incidents() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN {_of_incidents('old_rows', None, -1)}; END IF; "
        f"IF TG_OP = 'UPDATE' THEN {_of_incidents('old_rows', 'new_rows', -1)}; "
        f"{_of_incidents('new_rows', 'old_rows', 1)}; END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER summary_paper_incident AFTER UPDATE ON incidents "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION comeback_summary_paper_incidents()",
        "CREATE TRIGGER summary_paper_incident_gone AFTER DELETE ON incidents "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION comeback_summary_paper_incidents()",
    ]


def migrate(db) -> None:
    """Migration 0030: the table, filled in from every live incident's paper remedies, and
    its triggers."""
    postgres = getattr(db, "backend", "sqlite") == "postgresql"
    db.execute(_CREATE + ("" if postgres else " WITHOUT ROWID"))
    db.execute(paper_grouped("incidents", "incident_remedies", visible("i.id")))
    for statement in _pg_statements() if postgres else _sqlite_triggers():
        db.execute(statement)


def recomputed(db) -> set[tuple]:
    """The table as it should be, counted afresh (what the tests compare :func:`kept`
    with)."""
    keys = ", ".join(_keys("i.", "r."))
    return {tuple(row) for row in db.execute(
        f"SELECT {keys}, count(*), sum(r.amount_minor) FROM incidents i "
        "JOIN incident_remedies r ON r.incident_id = i.id WHERE i.voided_at IS NULL "
        f"AND r.paper_approved_by IS NOT NULL AND {visible('i.id')} GROUP BY {keys}")}


def kept(db) -> set[tuple]:
    """The table's rows that hold anything."""
    return {tuple(row) for row in db.execute(
        f"SELECT {', '.join(KEYS + FIGURES)} FROM {TABLE} "
        "WHERE approvals <> 0 OR value_minor <> 0")}
