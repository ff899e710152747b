"""When the store is closed, the logged bar says what will happen instead of a reminder
time that never comes; the demo store is open when it is made."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app import demo
from app.clock import FixedClock
from app.context import Context
from app.followups import service_hours
from db.connection import open_database

pytestmark = pytest.mark.gui


def _log(page):
    page.category_tile("cold_food").click()
    page.remedy_step.tile_for("remake").click()
    return page.confirm_bar.line_label.text()


def test_open_store_says_when_the_manager_checks_back(window):
    assert "manager checks back at 12:05" in _log(window.page("counter"))


def test_after_closing_the_bar_promises_no_reminder(window, clock):
    clock.set(datetime(2026, 11, 16, 21, 30, tzinfo=timezone.utc))  # 22:30 in Oslo
    line = _log(window.page("counter"))
    assert "checks back" not in line
    assert "store closed: no reminder — it is listed as left open in Follow-ups" in line


def test_before_opening_the_bar_says_the_reminder_comes_at_opening(window, clock):
    clock.set(datetime(2026, 11, 16, 7, 0, tzinfo=timezone.utc))  # 08:00 in Oslo
    line = _log(window.page("counter"))
    assert "store closed: the manager is reminded when it opens, 10:00" in line


def test_after_midnight_the_reminder_is_at_opening_the_same_day(window, clock):
    clock.set(datetime(2026, 11, 16, 23, 30, tzinfo=timezone.utc))  # 00:30 Tuesday
    line = _log(window.page("counter"))
    assert "reminded when it opens, 10:00" in line


@pytest.mark.parametrize("hour_utc", [6, 12, 21, 23])
def test_the_demo_store_is_open_at_the_moment_it_is_made(hour_utc):
    when = datetime(2026, 11, 30, hour_utc, 15, tzinfo=timezone.utc)
    db = open_database(None)
    try:
        ctx = Context(db=db, clock=FixedClock(when))
        demo.generate(ctx, weeks=1, seed=3)
        assert service_hours(ctx).is_open(when)
    finally:
        db.close()
