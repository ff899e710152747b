"""The remedies' rollup on PostgreSQL read from the remedies written (migration 0025).

Migration 0018's statement trigger on ``incident_remedies`` adds a remedy's share to
``summary_remedies`` with ``FROM incidents i JOIN new_rows r ON r.incident_id = i.id``.
The transition table ``new_rows`` has no statistics and ``incidents`` of a new store few
(or none, before autovacuum's first ANALYZE), so the planner picked a plan that reads
*every* live incident of the table and matches each against the one remedy (an index-only
scan of ``idx_incidents_summary``, a nested loop with the remedy inside), and PL/pgSQL
keeps that plan for the connection's life: each tap cost more than the one before (1.7 ms
of a tap's ~4 ms on the server after 2,000 taps, found with auto_explain).

Here each remedy of the transition table looks up its own incident by id (a LATERAL
subquery kept apart with ``OFFSET 0``, so the planner cannot turn the join around
whatever it believes of the tables' sizes): one primary-key probe per remedy, at any size.
The rows it adds are the same (an inner join on the incidents' primary key, live
incidents only, the same keys and figures, in key order). SQLite's row triggers read their
incident by rowid already and are left as they are.
"""

from __future__ import annotations

from db.summary_rollup import _PAPER, _REMEDY_INSERT, _REMEDY_UPSERT

_KEYS = ("i.store_id", "substr(i.occurred_at, 1, 13)", "r.remedy_id", "r.kind", "r.label",
         "coalesce(r.approved_by, 0)")


def by_remedy(remedies: str, sign: int) -> str:
    """SQL: add (``sign`` -1: take off) the shares of the remedies ``r`` of ``remedies`` (a
    transition table) whose incident is live, each incident found by its id."""
    keys = ", ".join(_KEYS)
    return (f"{_REMEDY_INSERT}SELECT {keys}, {sign} * count(*), "
            f"{sign} * sum(r.amount_minor), {sign} * sum({_PAPER.format(p='r.')}) "
            f"FROM {remedies} r, LATERAL (SELECT x.store_id, x.occurred_at "
            f"FROM incidents x WHERE x.id = r.incident_id AND x.voided_at IS NULL "
            f"OFFSET 0) i GROUP BY {keys} ORDER BY {keys} {_REMEDY_UPSERT}")


#: The function behind migration 0018's three statement triggers on incident_remedies
#: (they call it by name): the same branches, each read from the transition table.
#: (Migration 0030 makes it again with the approvals on paper first: db.paper_rollup.)
FUNCTION = (
    "CREATE OR REPLACE FUNCTION comeback_summary_remedies() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN "
    f"{by_remedy('old_rows', -1)}; END IF; "
    "IF TG_OP = 'UPDATE' OR TG_OP = 'INSERT' THEN "
    f"{by_remedy('new_rows', 1)}; END IF; "
    "RETURN NULL; END $$")


def migrate(db) -> None:
    """Migration 0025 on PostgreSQL."""
    db.execute(FUNCTION)
