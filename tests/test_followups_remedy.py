"""Still unhappy: a further remedy with the same approval rules and a new follow-up; and the
words the banner shows (where, what was given, the line to open with)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import approval, catalog, demo, followups, incidents
from app.errors import ApprovalRequired, StateError
from app.followup_items import (
    ago,
    countdown,
    due_items,
    given,
    open_items,
    opening_line,
    place,
)
from app.formatting import money
from app.models import RemedyRequest
from tests.conftest import MANAGER_PIN


def _rem(ctx, code):
    return RemedyRequest(catalog.remedy_by_code(ctx, code).id)


def _log(ctx, people, remedies=("remake",), **extra):
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
        staff_id=people["Sam"], remedies=[_rem(ctx, c) for c in remedies], **extra)


def _unhappy(ctx, clock, people):
    logged = _log(ctx, people)
    clock.advance(minutes=6)
    followups.record_outcome(ctx, logged.followup.id, "unhappy", people["Marco"], "still cold")
    return logged


def test_still_unhappy_gives_more_and_checks_back_in_one_go(ctx, clock, people):
    logged = _unhappy(ctx, clock, people)
    result = followups.further_remedy(ctx, logged.incident.id, [_rem(ctx, "free_dessert")],
                                      people["Marco"])
    given_rows = list(ctx.db["incident_remedies"].rows_where(
        "incident_id = ?", [logged.incident.id], order_by="id"))
    assert [r["label"] for r in given_rows] == ["Remake", "Free dessert"]
    assert given_rows[1]["given_at"] == clock.now().isoformat()
    rows = list(ctx.db["followups"].rows_where("incident_id = ?", [logged.incident.id],
                                               order_by="id"))
    assert [r["outcome"] for r in rows] == ["unhappy", None]
    assert result.followup.id == rows[1]["id"]
    assert result.followup.due_at == clock.now() + timedelta(minutes=5)
    assert result.changes.followups and result.changes.incidents
    entry = next(ctx.db["audit_log"].rows_where("action = 'incident.further_remedy'"))
    assert entry["staff_id"] == people["Marco"] and "free_dessert" in entry["detail"]


def test_further_remedy_above_threshold_needs_a_pin_and_writes_nothing_without(
        ctx, clock, people):
    logged = _unhappy(ctx, clock, people)
    before = ctx.db["incident_remedies"].count, ctx.db["followups"].count
    with pytest.raises(ApprovalRequired):
        followups.further_remedy(ctx, logged.incident.id, [_rem(ctx, "refund")],
                                 people["Sam"])
    assert (ctx.db["incident_remedies"].count, ctx.db["followups"].count) == before
    grant = approval.authorize(ctx, MANAGER_PIN, "further remedy")
    followups.further_remedy(ctx, logged.incident.id, [_rem(ctx, "refund")], people["Sam"],
                             approval=grant)
    last = list(ctx.db["incident_remedies"].rows_where("incident_id = ?",
                                                       [logged.incident.id], order_by="id"))
    assert last[-1]["approved_by"] == people["Marco"]


def test_further_voucher_gets_a_code(ctx, clock, people):
    logged = _unhappy(ctx, clock, people)
    result = followups.further_remedy(ctx, logged.incident.id, [_rem(ctx, "voucher")],
                                      people["Marco"])
    assert len(result.voucher_codes) == 1
    voucher = next(ctx.db["vouchers"].rows_where("code = ?", [result.voucher_codes[0]]))
    assert voucher["incident_id"] == logged.incident.id


def test_further_remedy_waits_for_the_open_check_to_be_recorded(ctx, people):
    logged = _log(ctx, people)
    with pytest.raises(StateError):
        followups.further_remedy(ctx, logged.incident.id, [_rem(ctx, "free_drink")],
                                 people["Marco"])
    assert ctx.db["incident_remedies"].count == 1


def test_no_further_remedy_on_an_undone_incident(ctx, clock, people):
    logged = _log(ctx, people)
    clock.advance(seconds=5)
    incidents.void_incident(ctx, logged.incident.id, people["Sam"])
    with pytest.raises(StateError):
        followups.further_remedy(ctx, logged.incident.id, [_rem(ctx, "free_drink")],
                                 people["Marco"])


# -- the words ------------------------------------------------------------------------------

def test_banner_words_say_where_what_was_given_and_how_long_ago(ctx, clock, people):
    _log(ctx, people, remedies=("remake", "free_dessert"), table_ref="7",
         guest_name="Kari Nordmann")
    clock.advance(minutes=7)
    [item] = due_items(ctx)
    assert place(item) == "Table 7 · Kari Nordmann"
    assert given(item) == "Remake ({a}) + Free dessert ({b})".format(
        a=money(12000, "NOK", "nb_NO"), b=money(6500, "NOK", "nb_NO"))
    assert opening_line(item) == "How is your new plate? Is it just right this time?"
    assert ago(item.seconds_since_incident(clock.now())) == "7 minutes ago"
    assert countdown(item.seconds_to_due(clock.now())) == "2:00 overdue"


@pytest.mark.parametrize(("remedies", "start"), [
    (("apology",), "How is everything now? Is there anything more"),
    (("free_drink",), "That one is on us."),
    (("refund", "free_drink"), "I've put the bill right"),
])
def test_opening_line_follows_the_most_telling_remedy(ctx, people, remedies, start):
    grant = approval.authorize(ctx, MANAGER_PIN)
    _log(ctx, people, remedies=remedies, approval=grant)
    assert opening_line(open_items(ctx)[0]).startswith(start)


def test_words_without_table_or_name_and_the_countdown(ctx, people):
    _log(ctx, people)
    item = open_items(ctx)[0]
    assert place(item) == "Logged 12:00 by Sam"  # the manager finds the cashier
    assert countdown(300) == "due in 5:00"
    assert countdown(-3725) == "1:02:05 overdue"
    assert ago(30) == "just now" and ago(3 * 3600) == "3 hours ago"


def test_demo_generator_still_records_outcomes_and_missed_followups(bare_ctx):
    ctx = bare_ctx
    demo.generate(ctx, weeks=1, seed=3)
    outcomes = {r["outcome"] for r in ctx.db["followups"].rows}
    assert {"delighted", "satisfied"} <= outcomes
    assert ctx.db["followups"].count_where("missed_at IS NOT NULL") > 0
