"""The week's notes (db.reports.note_rows) are counted and ranked from one range of
idx_incidents_noted alone (migration 0024: it holds the severity and the note); only the
rows printed are read from the table."""

from __future__ import annotations

import pytest

from db import reports


class _Statement:
    backend = "noted"

    def query(self, sql, params):
        self.sql, self.params = sql, params
        return iter(())


@pytest.mark.sqlite_only
def test_the_week_s_notes_are_counted_from_the_notes_index_and_only_printed_rows_read(ctx):
    statement = _Statement()
    reports.note_rows(statement, ctx.store_id, "2026-11-02T00:00:00+00:00",
                      "2026-11-09T00:00:00+00:00", 40)
    steps = [row[3] for row in ctx.db.execute("EXPLAIN QUERY PLAN " + statement.sql,
                                              statement.params)]
    assert any(step.startswith("SEARCH n USING COVERING INDEX idx_incidents_noted ")
               for step in steps), steps
    on_incidents = [step for step in steps if step.startswith(("SEARCH i ", "SCAN i"))]
    assert on_incidents == ["SEARCH i USING INTEGER PRIMARY KEY (rowid=?)"], steps
