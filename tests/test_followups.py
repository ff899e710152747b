"""Follow-up rules with a fixed clock: due times, snooze, escalation, service hours, restart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import catalog, followups, incidents, settings
from app.clock import to_iso
from app.context import Context
from app.errors import StateError, ValidationError
from app.models import RemedyRequest, Severity
from app.setup import init_store
from db.connection import open_database
from tests.conftest import START


def _log(ctx, people, code="cold_food", remedy="remake", **extra):
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, code).id, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, remedy).id)], **extra)


def _audit(ctx, action):
    return list(ctx.db["audit_log"].rows_where("action = ?", [action]))


def _set(ctx, **values):
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, values)


def _ids(items):
    return [f.id for f in items]


# -- due times ------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "minutes"), [
    ("cold_food", 5), ("foreign_object", 3), ("allergen", 2), ("long_wait", 5)])
def test_due_time_follows_the_category(ctx, clock, people, code, minutes):
    logged = _log(ctx, people, code, severity="medium")
    assert logged.followup.due_at == START + timedelta(minutes=minutes)
    clock.advance(minutes=minutes, seconds=-1)
    assert followups.due_followups(ctx) == []
    clock.advance(seconds=1)
    assert _ids(followups.due_followups(ctx)) == [logged.followup.id]


def test_a_severe_incident_is_due_at_once(ctx, people):
    logged = _log(ctx, people, severity=Severity.HIGH)
    assert _ids(followups.due_followups(ctx)) == [logged.followup.id]


def test_next_due_at_is_the_earliest_alert_still_to_come(ctx, clock, people):
    assert followups.next_due_at(ctx) is None
    _log(ctx, people, "cold_food")                      # due 11:05
    clock.advance(minutes=1)
    _log(ctx, people, "foreign_object", severity="medium")  # due 11:04
    assert followups.next_due_at(ctx) == START + timedelta(minutes=4)


def test_once_announced_the_next_moment_is_the_escalation(ctx, clock, people):
    logged = _log(ctx, people)
    clock.advance(minutes=5)
    due = followups.due_followups(ctx)
    assert _ids(followups.mark_alerted(ctx, due)) == [logged.followup.id]
    grace = ctx.settings().followup_grace_minutes
    assert followups.next_due_at(ctx) == START + timedelta(minutes=5 + grace)


def test_an_undone_incident_has_nothing_due(ctx, clock, people):
    logged = _log(ctx, people, severity="high")
    clock.advance(seconds=10)
    incidents.void_incident(ctx, logged.incident.id, people["Sam"])
    assert followups.due_followups(ctx) == []
    assert followups.next_due_at(ctx) is None


# -- snooze ---------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [2, 5, 10])
def test_snooze_moves_the_due_time_counts_and_audits(ctx, clock, people, minutes):
    logged = _log(ctx, people)
    clock.advance(minutes=6)
    followups.mark_alerted(ctx, followups.due_followups(ctx))
    changes = followups.snooze(ctx, logged.followup.id, minutes, people["Marco"])
    row = ctx.db["followups"].get(logged.followup.id)
    assert row["due_at"] == to_iso(clock.now() + timedelta(minutes=minutes))
    assert row["snooze_count"] == 1 and row["alerted_at"] is None
    assert row["original_due_at"] == to_iso(START + timedelta(minutes=5))
    assert changes.followups and changes.followup_id == logged.followup.id
    entry = _audit(ctx, "followup.snoozed")[0]
    assert entry["staff_id"] == people["Marco"] and f'"minutes": {minutes}' in entry["detail"]
    assert followups.due_followups(ctx) == []
    clock.advance(minutes=minutes)
    # Due again at the new time, and announced again.
    assert _ids(followups.mark_alerted(ctx, followups.due_followups(ctx))) == [
        logged.followup.id]


@pytest.mark.parametrize("minutes", [0, 1, 3, 15, -5])
def test_snooze_only_for_2_5_or_10_minutes(ctx, people, minutes):
    logged = _log(ctx, people)
    with pytest.raises(ValidationError) as error:
        followups.snooze(ctx, logged.followup.id, minutes, people["Marco"])
    assert error.value.field == "minutes"
    assert ctx.db["followups"].get(logged.followup.id)["snooze_count"] == 0


def test_a_closed_followup_cannot_be_snoozed(ctx, people):
    logged = _log(ctx, people)
    followups.record_outcome(ctx, logged.followup.id, "delighted", people["Marco"])
    with pytest.raises(StateError):
        followups.snooze(ctx, logged.followup.id, 5, people["Marco"])


# -- escalation -----------------------------------------------------------------------------

def test_a_followup_ignored_past_the_grace_period_is_escalated_once(ctx, clock, people):
    _set(ctx, followup_grace_minutes=3)
    logged = _log(ctx, people)
    clock.advance(minutes=5 + 3, seconds=-1)
    assert followups.escalate_overdue(ctx) == []
    clock.advance(seconds=1)
    escalated = followups.escalate_overdue(ctx)
    assert _ids(escalated) == [logged.followup.id]
    assert escalated[0].escalated_at == clock.now()
    assert len(_audit(ctx, "followup.escalated")) == 1
    clock.advance(minutes=1)
    assert followups.escalate_overdue(ctx) == []  # idempotent
    assert len(_audit(ctx, "followup.escalated")) == 1
    # Still due and shown (now escalated) until the outcome is recorded.
    assert followups.due_followups(ctx)[0].escalated_at is not None


def test_snoozing_puts_escalation_off_too(ctx, clock, people):
    logged = _log(ctx, people)
    clock.advance(minutes=6)
    followups.snooze(ctx, logged.followup.id, 10, people["Marco"])
    clock.advance(minutes=10 + ctx.settings().followup_grace_minutes - 1)
    assert followups.escalate_overdue(ctx) == []


def test_a_closed_followup_is_never_escalated(ctx, clock, people):
    logged = _log(ctx, people)
    clock.advance(minutes=6)
    followups.record_outcome(ctx, logged.followup.id, "satisfied", people["Marco"])
    clock.advance(minutes=60)
    assert followups.escalate_overdue(ctx) == []


# -- service hours --------------------------------------------------------------------------

def test_no_reminder_before_opening_then_alerted_at_opening(ctx, clock, people):
    clock.set(START.replace(hour=8, minute=50))  # 09:50 in Oslo, opens 10:00
    logged = _log(ctx, people)                   # due 09:55 local
    clock.advance(minutes=6)
    assert followups.due_followups(ctx) == []
    assert followups.next_due_at(ctx) == START.replace(hour=9, minute=0)
    clock.set(START.replace(hour=9, minute=0))
    assert _ids(followups.due_followups(ctx)) == [logged.followup.id]


def test_no_reminder_after_closing_and_missed_at_once(ctx, clock, people):
    clock.set(START.replace(hour=20, minute=58))  # 21:58 in Oslo, closes 22:00
    logged = _log(ctx, people)                    # due 22:03 local: after closing
    assert followups.next_due_at(ctx) == START.replace(hour=21, minute=0)
    clock.set(START.replace(hour=21, minute=4))
    assert followups.due_followups(ctx) == []
    assert _ids(followups.sweep_missed(ctx)) == [logged.followup.id]


def test_followups_left_open_at_closing_are_missed_and_listed_next_morning(
        ctx, clock, people):
    first = _log(ctx, people)
    clock.advance(hours=2)
    second = _log(ctx, people, "long_wait")
    done = _log(ctx, people, "foreign_object")
    clock.advance(minutes=5)
    followups.record_outcome(ctx, done.followup.id, "delighted", people["Marco"])
    clock.set(START.replace(hour=20, minute=59, second=59))   # 21:59:59
    assert followups.sweep_missed(ctx) == []
    clock.set(START.replace(hour=21))                          # 22:00 closing
    missed = followups.sweep_missed(ctx)
    assert _ids(missed) == [first.followup.id, second.followup.id]
    assert {f.missed_at for f in missed} == {START.replace(hour=21)}
    assert len(_audit(ctx, "followup.missed")) == 2
    assert followups.sweep_missed(ctx) == []
    assert followups.open_followups(ctx) == []
    # Next morning, the manager sees what was left open yesterday.
    clock.set(START + timedelta(hours=20))                     # Tue 08:00 Oslo
    left = followups.left_open(ctx)
    assert left.day == START.date()
    assert _ids(left.followups) == [first.followup.id, second.followup.id]
    # And they count as missed: closed without an outcome.
    rows = [ctx.db["followups"].get(f.id) for f in missed]
    assert all(r["missed_at"] and r["outcome"] is None for r in rows)


def test_sweep_at_startup_catches_a_closing_the_app_slept_through(ctx, clock, people):
    logged = _log(ctx, people)
    clock.advance(days=1)  # the app was off at closing
    assert followups.due_followups(ctx) == []
    missed = followups.sweep_missed(ctx)
    assert _ids(missed) == [logged.followup.id]
    assert missed[0].missed_at == START.replace(hour=21)  # 22:00 in Oslo, the closing


def test_next_due_at_includes_the_closing_sweep(ctx, clock, people):
    logged = _log(ctx, people)
    clock.advance(minutes=5)
    followups.mark_alerted(ctx, followups.due_followups(ctx))
    clock.advance(minutes=ctx.settings().followup_grace_minutes)
    followups.escalate_overdue(ctx)
    assert followups.next_due_at(ctx) == START.replace(hour=21)
    assert logged.followup.id in _ids(followups.due_followups(ctx))


def test_no_reminders_on_a_closed_day(ctx, clock, people):
    _set(ctx, opening_hours={**ctx.settings().opening_hours, "mon": None})
    logged = _log(ctx, people)
    clock.advance(minutes=10)
    assert followups.due_followups(ctx) == []
    assert _ids(followups.sweep_missed(ctx)) == [logged.followup.id]


# -- restart / crash ------------------------------------------------------------------------

def test_restart_shows_every_overdue_followup_and_announces_each_only_once(tmp_path, clock):
    path = tmp_path / "store.db"
    first = Context(open_database(path), clock)
    init_store(first, store_name="Kafé", preset="restaurant", currency="NOK", locale="nb_NO",
               language="en", timezone="Europe/Oslo", owner_name="Ingrid", owner_pin="4821")
    cat = catalog.category_by_code(first, "cold_food").id
    remake = catalog.remedy_by_code(first, "remake").id
    ids = [incidents.log_incident(first, category_id=cat, staff_id=None,
                                  remedies=[RemedyRequest(remake)]).followup.id
           for _n in range(3)]
    clock.advance(minutes=6)
    announced = followups.mark_alerted(first, followups.due_followups(first)[:1])
    assert _ids(announced) == ids[:1]
    first.db.close()  # crash: two of three were never announced

    again = Context(open_database(path), clock)
    assert _ids(followups.due_followups(again)) == ids          # all shown
    assert _ids(followups.mark_alerted(again, followups.due_followups(again))) == ids[1:]
    again.db.close()

    third = Context(open_database(path), clock)
    assert _ids(followups.due_followups(third)) == ids          # still shown, once each
    assert followups.mark_alerted(third, followups.due_followups(third)) == []
    assert len(list(third.db["audit_log"].rows_where("action = 'followup.alerted'"))) == 3
    third.db.close()


# -- outcomes -------------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["delighted", "satisfied", "unhappy", "left"])
def test_outcome_is_recorded_with_note_staff_and_time(ctx, clock, people, outcome):
    logged = _log(ctx, people)
    clock.advance(minutes=6)
    followups.record_outcome(ctx, logged.followup.id, outcome, people["Marco"], note=" ok ")
    row = ctx.db["followups"].get(logged.followup.id)
    assert (row["outcome"], row["outcome_note"], row["done_by"]) == (
        outcome, "ok", people["Marco"])
    assert row["done_at"] == to_iso(clock.now())
    assert followups.due_followups(ctx) == [] and followups.next_due_at(ctx) is None


def test_outcome_refusals(ctx, clock, people):
    logged = _log(ctx, people)
    with pytest.raises(ValidationError):
        followups.record_outcome(ctx, logged.followup.id, "ecstatic", people["Marco"])
    with pytest.raises(ValidationError):
        followups.record_outcome(ctx, logged.followup.id, "left", people["Marco"], "x" * 501)
    followups.record_outcome(ctx, logged.followup.id, "left", people["Marco"])
    with pytest.raises(StateError):
        followups.record_outcome(ctx, logged.followup.id, "delighted", people["Marco"])
    other = _log(ctx, people)
    clock.advance(days=1)
    followups.sweep_missed(ctx)
    with pytest.raises(StateError, match="missed"):
        followups.record_outcome(ctx, other.followup.id, "delighted", people["Marco"])


def test_mark_missed_still_serves_the_demo_generator(ctx, people):
    logged = _log(ctx, people)
    followups.mark_missed(ctx, logged.followup.id)
    followups.mark_missed(ctx, logged.followup.id)
    assert ctx.db["followups"].get(logged.followup.id)["missed_at"] == to_iso(START)
    assert len(_audit(ctx, "followup.missed")) == 1
