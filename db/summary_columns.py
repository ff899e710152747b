"""The weekly summary's columns on each incident, kept by the write paths (migration 0014).

The summary asks the same questions of every incident of a week: how many remedies and
what they cost, how its first follow-up went, how the guest's story ended (the latest
recorded outcome), whether it was escalated, and whether it has a note to print. Asking
them with subqueries per incident cost ~100 ms a week on a 1,000,000-incident store, so
each incident carries the answers:

===================  =====================================================================
``remedy_count``     remedies given on it (all of them, further remedies too)
``cost_minor``       their value, in minor units
``followup_due_s``   seconds from the incident to its first follow-up's *original* due
                     time (NULL: no follow-up)
``followup_done_s``  seconds from the incident to when that follow-up was closed
``followup_missed``  1 when the first follow-up was marked missed
``escalations``      follow-ups of the incident that were escalated
``outcome``          the latest recorded outcome (latest ``done_at``, then highest id)
``noted``            1 when the incident or that latest outcome had a note when written
===================  =====================================================================

``noted`` only narrows the search: erasing old notes (app.privacy) leaves it at 1, and the
summary reads the notes themselves. Everything else is exactly what the subqueries in
:data:`RECOMPUTE` say, kept inside the caller's transaction by the functions of
``db.incidents`` and ``db.followups`` that write: a new incident starts at its defaults
(``noted`` from its note), a new remedy adds itself (:func:`remedy_added`), a first
follow-up sets its due time (:func:`followup_added`) — the counter's tap pays for no more —
and every other change of a follow-up or of a note recomputes the incident from its rows
(:func:`refresh`). A CSV import recomputes the block it added (:func:`refresh_range`), the
migration every incident. tests/test_summary_columns.py holds the columns equal to
:data:`RECOMPUTE` after every write path.

``idx_incidents_summary`` holds them all after ``(store_id, occurred_at, id)`` for live
incidents, so one week's figures are ranges of one index, with no table row read
(``voided_at``, NULL in every entry, is its last column only so that SQLite sees the index
covers ``voided_at IS NULL``; undoing an incident takes it out of the index).

Portable SQL (SQLite and PostgreSQL): correlated scalar subqueries, ``CASE``, ``LIMIT``, and
integer arithmetic for the seconds (:func:`epoch_seconds`).
"""

from __future__ import annotations

from collections.abc import Iterable

COLUMNS = ("remedy_count", "cost_minor", "followup_due_s", "followup_done_s",
           "followup_missed", "escalations", "outcome", "noted")


def epoch_seconds(column: str) -> str:
    """SQL for the seconds since 1970 of a stored time (``2026-11-16T11:00:00+00:00``:
    UTC, as app.clock.to_iso writes every time), in integer arithmetic both engines do the
    same way (the civil-date formula of H. Hinnant's ``days_from_civil``; years >= 1)."""
    year = f"CAST(substr({column}, 1, 4) AS BIGINT)"  # PostgreSQL: past 2038 in 64 bits
    month = f"CAST(substr({column}, 6, 2) AS INTEGER)"
    y = f"({year} - CASE WHEN {month} <= 2 THEN 1 ELSE 0 END)"
    days = (f"(365 * {y} + {y} / 4 - {y} / 100 + {y} / 400 "
            f"+ (153 * (({month} + 9) % 12) + 2) / 5 "
            f"+ CAST(substr({column}, 9, 2) AS INTEGER) - 719469)")
    return (f"({days} * 86400 + CAST(substr({column}, 12, 2) AS INTEGER) * 3600 "
            f"+ CAST(substr({column}, 15, 2) AS INTEGER) * 60 "
            f"+ CAST(substr({column}, 18, 2) AS INTEGER))")


_OCCURRED = epoch_seconds("incidents.occurred_at")

_FIRST = "FROM followups f WHERE f.incident_id = incidents.id ORDER BY f.id LIMIT 1"
# The latest recorded outcome: latest done_at (a missing one last, on both engines), then id.
_LATEST = ("FROM followups f WHERE f.incident_id = incidents.id AND f.outcome IS NOT NULL "
           "ORDER BY CASE WHEN f.done_at IS NULL THEN 0 ELSE 1 END DESC, f.done_at DESC, "
           "f.id DESC LIMIT 1")

#: ``UPDATE incidents SET`` every summary column from the incident's own rows.
RECOMPUTE = f"""UPDATE incidents SET
    remedy_count = (SELECT count(*) FROM incident_remedies r WHERE r.incident_id = incidents.id),
    cost_minor = (SELECT coalesce(sum(r.amount_minor), 0) FROM incident_remedies r
                  WHERE r.incident_id = incidents.id),
    followup_due_s = (SELECT {epoch_seconds("f.original_due_at")} {_FIRST}) - {_OCCURRED},
    followup_done_s = (SELECT {epoch_seconds("f.done_at")} {_FIRST}) - {_OCCURRED},
    followup_missed = coalesce((SELECT CASE WHEN f.missed_at IS NULL THEN 0 ELSE 1 END
                                {_FIRST}), 0),
    escalations = (SELECT count(*) FROM followups e WHERE e.incident_id = incidents.id
                   AND e.escalated_at IS NOT NULL),
    outcome = (SELECT f.outcome {_LATEST}),
    noted = CASE WHEN incidents.note IS NOT NULL
                 OR (SELECT f.outcome_note {_LATEST}) IS NOT NULL THEN 1 ELSE 0 END"""

#: Migration 0014: the columns, their index, and every existing incident filled in.
MIGRATION = f"""
ALTER TABLE incidents ADD COLUMN remedy_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN cost_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN followup_due_s INTEGER;
ALTER TABLE incidents ADD COLUMN followup_done_s INTEGER;
ALTER TABLE incidents ADD COLUMN followup_missed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN outcome TEXT;
ALTER TABLE incidents ADD COLUMN noted INTEGER NOT NULL DEFAULT 0;
{RECOMPUTE};
CREATE INDEX idx_incidents_summary ON incidents (store_id, occurred_at, id, category_id,
    staff_id, severity, repeat_guest, remedy_count, cost_minor, followup_due_s,
    followup_done_s, followup_missed, escalations, outcome, noted, voided_at)
    WHERE voided_at IS NULL;
"""


def remedy_added(db, incident_id: int, amount_minor: int) -> None:
    """One remedy was just given on the incident: one more, worth ``amount_minor`` (what
    :data:`RECOMPUTE` would make of it, without reading the incident's remedies)."""
    db.execute("UPDATE incidents SET remedy_count = remedy_count + 1, "
               "cost_minor = cost_minor + ? WHERE id = ?", [amount_minor, incident_id])


def followup_added(db, incident_id: int, due_at: str) -> None:
    """A follow-up was just made for the incident; if it is its first, it is the one the
    columns describe (not done, not missed). Escalations and the outcome do not change."""
    db.execute(f"UPDATE incidents SET followup_due_s = {epoch_seconds(':due')} - {_OCCURRED}, "
               "followup_done_s = NULL, followup_missed = 0 "
               "WHERE id = :id AND followup_due_s IS NULL", {"due": due_at, "id": incident_id})


def refresh(db, incident_ids: Iterable[int]) -> None:
    """Recompute the summary columns of these incidents (inside the caller's transaction)."""
    ids = list(dict.fromkeys(incident_ids))
    if ids:
        db.execute(f"{RECOMPUTE} WHERE id IN ({','.join('?' * len(ids))})", ids)


def refresh_of_followups(db, followup_ids: Iterable[int]) -> None:
    """Recompute the summary columns of the incidents these follow-ups belong to."""
    ids = list(dict.fromkeys(followup_ids))
    if ids:
        db.execute(f"{RECOMPUTE} WHERE id IN (SELECT incident_id FROM followups "
                   f"WHERE id IN ({','.join('?' * len(ids))}))", ids)


def refresh_range(conn, first_id: int, last_id: int) -> None:
    """Recompute the incidents with ``first_id <= id <= last_id`` (a CSV import's block;
    ``conn`` is the import's own connection, inside its transaction)."""
    conn.execute(f"{RECOMPUTE} WHERE id >= ? AND id <= ?", [first_id, last_id])


def refresh_all(conn) -> None:
    """Recompute every incident (a database filled by bulk INSERTs: the summary bench)."""
    conn.execute(RECOMPUTE)
