"""The reminder scheduler: one single-shot timer armed from the database, a slow backstop,
re-armed on every change; fake timers fired by hand, a fixed clock, never a real wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from app import catalog, followups, incidents
from app.models import RemedyRequest
from ui import scheduler as scheduler_mod
from ui.controller import Controller
from ui.scheduler import BACKSTOP_MS, MAX_INTERVAL_MS, RETRY_MS, ReminderScheduler

pytestmark = pytest.mark.gui


@pytest.fixture
def controller(ctx, qapp):
    return Controller(ctx)


@pytest.fixture
def scheduler(controller, fake_timers):
    return ReminderScheduler(controller, timer_factory=fake_timers)


def _log(controller, people, code="cold_food", **extra):
    ctx = controller.ctx
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, code).id, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)], **extra)
    controller.announce(logged.changes)
    return logged


def test_one_precise_single_shot_timer_for_the_next_due_plus_a_slow_backstop(
        scheduler, controller, people):
    _log(controller, people)
    scheduler.start()
    assert scheduler.timer.single_shot and scheduler.timer.isActive()
    assert scheduler.timer.timer_type == Qt.PreciseTimer
    assert scheduler.timer.interval() == 5 * 60 * 1000
    assert not scheduler.backstop.single_shot and scheduler.backstop.isActive()
    assert 30_000 <= scheduler.backstop.interval() == BACKSTOP_MS <= 60_000


def test_rearmed_after_every_change(scheduler, controller, clock, people):
    scheduler.start()
    assert not scheduler.timer.isActive()  # nothing open: idle, only the backstop
    _log(controller, people)
    assert scheduler.timer.interval() == 300_000
    clock.advance(minutes=1)
    _log(controller, people, "foreign_object", severity="medium")  # due in 3 minutes
    assert scheduler.timer.interval() == 180_000


def test_due_is_signalled_once_when_the_timer_fires(scheduler, controller, clock, people,
                                                    qtbot):
    logged = _log(controller, people, table_ref="7")
    scheduler.start()
    clock.advance(minutes=5)
    with qtbot.waitSignal(scheduler.due, timeout=0) as blocker:
        scheduler.timer.fire()
    assert [item.id for item in blocker.args[0]] == [logged.followup.id]
    # Re-armed for the escalation, not for the same due time again.
    grace = controller.ctx.settings().followup_grace_minutes
    assert scheduler.timer.interval() == grace * 60_000
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.backstop.fire()


def test_a_severe_incident_fires_at_once(scheduler, controller, people, qtbot):
    scheduler.start()
    logged = _log(controller, people, severity="high")
    assert scheduler.timer.interval() == 0
    with qtbot.waitSignal(scheduler.due, timeout=0) as blocker:
        scheduler.timer.fire()
    assert blocker.args[0][0].id == logged.followup.id


def test_the_backstop_catches_a_clock_jump(scheduler, controller, clock, people, qtbot):
    logged = _log(controller, people)
    scheduler.start()
    clock.advance(minutes=30)  # the wall clock jumped; the single shot would be late
    with qtbot.waitSignal(scheduler.due, timeout=0) as blocker:
        scheduler.backstop.fire()
    assert blocker.args[0][0].id == logged.followup.id


def test_escalation_is_signalled_after_the_grace_period(scheduler, controller, clock, people,
                                                        qtbot):
    logged = _log(controller, people)
    scheduler.start()
    clock.advance(minutes=5)
    scheduler.timer.fire()
    clock.advance(minutes=controller.ctx.settings().followup_grace_minutes)
    with qtbot.waitSignal(scheduler.escalated, timeout=0) as blocker:
        scheduler.timer.fire()
    assert blocker.args[0][0].id == logged.followup.id and blocker.args[0][0].escalated
    # Next: the closing sweep at 22:00 Oslo (21:00 UTC), ten hours after noon.
    assert scheduler.timer.interval() == (timedelta(hours=10) - timedelta(minutes=10)
                                          ).total_seconds() * 1000


def test_interval_is_clamped_to_what_qtimer_takes(scheduler, controller, clock, people):
    logged = _log(controller, people)
    followups.set_due_at(controller.ctx, logged.followup.id, clock.now() + timedelta(days=40))
    scheduler.start()
    assert scheduler.timer.interval() == MAX_INTERVAL_MS == 2**31 - 1


def test_start_sweeps_what_closing_left_open(scheduler, controller, clock, people, qtbot):
    logged = _log(controller, people)
    clock.advance(days=1)  # the app was off overnight
    with qtbot.waitSignal(controller.changed, timeout=0):
        scheduler.start()
    assert controller.ctx.db["followups"].get(logged.followup.id)["missed_at"]
    assert not scheduler.timer.isActive()


def test_never_a_busy_loop_when_a_moment_stays_in_the_past(scheduler, controller, clock,
                                                           people, monkeypatch):
    _log(controller, people)
    monkeypatch.setattr(scheduler_mod.followups, "next_due_at",
                        lambda ctx: clock.now() - timedelta(seconds=5))
    scheduler.start()
    assert scheduler.timer.interval() == RETRY_MS


def test_stopped_scheduler_ignores_changes_and_timers(scheduler, controller, clock, people,
                                                      qtbot):
    scheduler.start()
    scheduler.stop()
    _log(controller, people, severity="high")
    assert not scheduler.timer.isActive() and not scheduler.backstop.isActive()
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.timer.fire()
