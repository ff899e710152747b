"""The export streams from one cursor and folds several follow-ups into one row."""

from __future__ import annotations

import inspect

from app import catalog, followups, incidents
from app.csv_import import import_csv
from app.csvio import COLUMNS, ENCODING, export_bytes, export_rows
from app.models import Outcome, RemedyRequest
from tests.conftest import OWNER_PIN
from tests.test_csv import fresh_store, stream


def test_export_rows_is_a_stream_not_a_list(ctx):
    assert inspect.isgenerator(export_rows(ctx))


def test_a_second_check_back_gives_one_row_with_the_first_timing_and_the_final_outcome(
        ctx, clock, people):
    cold = catalog.category_by_code(ctx, "cold_food").id
    logged = incidents.log_incident(
        ctx, category_id=cold, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    first_due = logged.followup.due_at
    clock.advance(minutes=6)
    followups.record_outcome(ctx, logged.followup.id, Outcome.UNHAPPY, people["Marco"],
                             note="=still cold")
    first_done = clock.now()
    more = followups.further_remedy(
        ctx, logged.incident.id, [RemedyRequest(catalog.remedy_by_code(ctx, "free_dessert").id)],
        people["Marco"])
    clock.advance(minutes=7)
    followups.escalate_overdue(ctx)
    clock.advance(minutes=3)
    followups.record_outcome(ctx, more.followup.id, Outcome.DELIGHTED, people["Ingrid"],
                             note="-happy now")
    [row] = [dict(zip(COLUMNS, r, strict=True)) for r in export_rows(ctx)]
    assert row["remedies"] == "remake|free_dessert"
    assert row["followup_due_at"] == first_due.isoformat()
    assert row["followup_done_at"] == first_done.isoformat()
    assert row["followup_by"] == "Marco"
    assert (row["outcome"], row["outcome_note"]) == ("delighted", "'-happy now")
    exported = export_bytes(ctx)
    other = fresh_store(clock)
    import_csv(other, stream(exported.decode(ENCODING)), pin=OWNER_PIN)
    assert export_bytes(other) == exported
