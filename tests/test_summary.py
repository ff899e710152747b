"""The weekly summary of a hand-built week: every figure worked out by hand.

The week (fixture ``hand_built_week`` in conftest.py), Oslo = UTC+1 in November:

====  =====================  ===========  =====================  ======  =========  ========
id    local time (W47)       category     remedies (NOK øre)     staff   check      outcome
====  =====================  ===========  =====================  ======  =========  ========
A     Mon 16 12:10           cold_food    remake 12000           Sam     +6 min     delighted
B     Mon 16 19:30 (Kari)    long_wait    free_drink 3500        Sam     +12 (late) satisfied
C     Tue 17 12:00           wrong_order  refund 25000           Sam     voided
D     Tue 17 18:00           long_wait    voucher 10000          Sam     +8 min     delighted
E     Wed 18 12:40 (Kari)    long_wait    free_drink 3500        Marco   +3 (due 0) unhappy
F     Fri 20 18:05           wrong_order  remake 12000 + dessert Sam     missed
G     Sat 21 13:00 severe    undercooked  comp_item 14000        Ingrid  +4 (due 0) left
H     Sun 22 23:30           long_wait    apology 0              Sam     never      -
====  =====================  ===========  =====================  ======  =========  ========

W46: long_wait free_drink 3500 Sam (+6, delighted); cold_food voucher 10000 Marco
(+20 late, satisfied; redeemed Sat 21 Nov, in W47); cold_food remake 12000 Sam (+5,
satisfied). D's voucher is redeemed Thu 19 Nov.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.errors import ValidationError
from app.summary import Week, last_complete_week, weekly_summary

OSLO = ZoneInfo("Europe/Oslo")
CZECH_NOTE = "Příliš dlouhé čekání u stolu 7, polévka vychladla, host odešel domů"


@pytest.fixture
def summary(ctx, hand_built_week):
    return weekly_summary(ctx, "2026-W47")


def test_incidents_are_counted_without_the_voided_one(summary):
    assert summary.this.incidents == 7
    assert summary.last.incidents == 3
    assert summary.complete and not summary.empty
    assert summary.days[0] == date(2026, 11, 16) and summary.days[-1] == date(2026, 11, 22)


def test_incidents_by_category_with_last_week(summary):
    rows = [(c.code, c.incidents, c.value_minor, c.incidents_before, c.value_before)
            for c in summary.categories]
    assert rows == [("long_wait", 4, 17000, 1, 3500),
                    ("wrong_order", 1, 18500, 0, 0),
                    ("undercooked", 1, 14000, 0, 0),
                    ("cold_food", 1, 12000, 2, 22000)]


def test_incidents_by_local_day_and_hour(summary):
    assert summary.this.by_day == (2, 1, 1, 0, 1, 1, 1)
    assert summary.last.by_day == (0, 1, 1, 1, 0, 0, 0)
    hours = {h: n for h, n in enumerate(summary.this.by_hour) if n}
    assert hours == {12: 2, 13: 1, 18: 2, 19: 1, 23: 1}


def test_remedies_given_and_their_value(summary):
    assert summary.this.remedies_given == 8
    assert summary.this.value_minor == 61500
    assert summary.last.remedies_given == 3 and summary.last.value_minor == 25500
    assert [(r.kind, r.given, r.value_minor, r.given_before) for r in summary.remedies] == [
        ("remake", 2, 24000, 1), ("comp_item", 1, 14000, 0), ("voucher", 1, 10000, 1),
        ("comp_item", 2, 7000, 1), ("comp_item", 1, 6500, 0), ("apology", 1, 0, 0)]
    assert [r.label for r in summary.remedies][:3] == ["Remake", "Comp the item", "Voucher"]


def test_value_per_staff_member_and_who_stands_out(summary):
    rows = [(s.name, s.incidents, s.comps, s.value_minor, s.value_before, s.stands_out)
            for s in summary.staff]
    # Median of 44000, 14000, 3500 is 14000; Sam's 44000 > 1.5 × 14000 with 4 comps.
    assert rows == [("Sam", 5, 4, 44000, 15500, True),
                    ("Ingrid", 1, 1, 14000, 0, False),
                    ("Marco", 1, 1, 3500, 10000, False)]
    assert summary.this.staff_to_watch == 1 and summary.last.staff_to_watch == 0


def test_followups_on_time_late_missed_and_median_minutes(summary):
    fu = summary.this.followups
    assert (fu.on_time, fu.late, fu.missed, fu.open, fu.escalated) == (4, 1, 2, 0, 0)
    assert fu.median_minutes == 6.0  # 3, 4, 6, 8, 12
    before = summary.last.followups
    assert (before.on_time, before.late, before.missed) == (2, 1, 0)
    assert before.median_minutes == 6.0  # 5, 6, 20


def test_outcomes_and_recovery_rate(summary):
    o = summary.this.outcomes
    assert (o.delighted, o.satisfied, o.unhappy, o.left) == (2, 1, 1, 1)
    assert o.followed_up == 5 and o.recovered == 3 and o.rate == pytest.approx(0.6)
    assert summary.last.outcomes.rate == pytest.approx(1.0)


def test_guests_who_came_back_are_vouchers_redeemed_during_the_week(summary):
    # D's voucher (this week) and W46's voucher, both redeemed in W47.
    assert summary.this.came_back == 2
    assert summary.last.came_back == 0


def test_repeat_guests_severe_and_guests_comped_twice_in_30_days(summary):
    assert summary.this.repeat_guests == 1 and summary.this.severe == 1
    assert summary.last.repeat_guests == 0 and summary.last.severe == 0
    assert [(g.name, g.comps, g.value_minor) for g in summary.guests_to_watch] == [
        ("Kari Nordmann", 2, 7000)]
    assert summary.this.guests_to_watch == 1 and summary.last.guests_to_watch == 0


def test_top_three_fixes_ranked_by_share_of_incidents_plus_share_of_cost(summary):
    fixes = [(f.rank, f.label, f.incidents, f.value_minor, f.score, f.trend)
             for f in summary.fixes]
    assert fixes == [
        (1, "Long wait", 4, 17000, round(4 / 7 + 17000 / 61500, 3), "up"),
        (2, "Wrong order", 1, 18500, round(1 / 7 + 18500 / 61500, 3), "new"),
        (3, "Undercooked", 1, 14000, round(1 / 7 + 14000 / 61500, 3), "new")]
    wrong_order = summary.fixes[1]
    assert (wrong_order.peak_weekday, wrong_order.peak_hour) == (4, 18)


def test_notes_list_severe_first_then_by_time_with_outcome_notes(summary):
    notes = [(n.category, n.severity, n.note, n.outcome, n.outcome_note, n.table_ref)
             for n in summary.notes]
    assert notes == [
        ("Undercooked", "high", "Kylling var rå i midten — kokken er varslet", "left", None,
         None),
        ("Cold food", "low", CZECH_NOTE, "delighted", None, "7"),
        ("Long wait", "medium", "", "unhappy", "Fortsatt misfornøyd med ventetiden", None)]
    assert summary.notes[1].at == datetime(2026, 11, 16, 12, 10, tzinfo=OSLO)


def test_recovery_rate_over_the_last_eight_weeks(summary):
    assert [str(p.week) for p in summary.trend] == [f"2026-W{n}" for n in range(40, 48)]
    assert [(p.followed_up, p.recovered) for p in summary.trend][-2:] == [(3, 3), (5, 3)]
    assert all(p.rate is None for p in summary.trend[:-2])


def test_an_unfinished_week_counts_open_followups_as_open_not_missed(ctx, hand_built_week):
    hand_built_week.set(datetime(2026, 11, 22, 22, 45, tzinfo=timezone.utc))
    fu = weekly_summary(ctx, "2026-W47").this.followups
    assert (fu.missed, fu.open) == (1, 1)


def test_an_empty_week_has_zero_figures_and_no_fixes(ctx, hand_built_week):
    summary = weekly_summary(ctx, Week(2026, 45))
    assert summary.empty and summary.this.incidents == 0
    assert summary.fixes == () and summary.this.outcomes.rate is None
    assert summary.this.followups.median_minutes is None


@pytest.mark.parametrize("text, week", [("2026-W47", Week(2026, 47)),
                                        (" 2026-w05 ", Week(2026, 5)),
                                        ("2020-W53", Week(2020, 53))])
def test_week_text_is_parsed(text, week):
    assert Week.parse(text) == week


@pytest.mark.parametrize("text", ["2026-47", "2026-W54", "2025-W53", "W47", "", "2026-W0"])
def test_bad_week_text_is_refused_naming_the_format(text):
    with pytest.raises(ValidationError, match="2026-W47"):
        Week.parse(text)


def test_default_week_is_the_last_complete_one(ctx):
    assert str(last_complete_week(ctx)) == "2026-W46"  # the clock is Mon 16 Nov 2026


def test_week_bounds_are_local_midnights_in_utc():
    start, end = Week(2026, 47).bounds(OSLO)
    assert start == datetime(2026, 11, 15, 23, 0, tzinfo=timezone.utc)
    assert end - start == timedelta(days=7)
