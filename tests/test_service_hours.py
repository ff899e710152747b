"""Opening hours in the store's time zone: open or not, next opening, closing of a day."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app.service_hours import ServiceHours
from app.settings import DEFAULT_HOURS, load

OSLO = ZoneInfo("Europe/Oslo")
HOURS = {**DEFAULT_HOURS, "sun": None, "fri": ["10:00", "24:00"]}


def _hours(ctx, table=HOURS) -> ServiceHours:
    return ServiceHours.from_settings(load(ctx.db, ctx.store_id)._replace(opening_hours=table))


def _oslo(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


@pytest.mark.parametrize(("when", "is_open"), [
    (_oslo(2026, 11, 16, 9, 59), False),
    (_oslo(2026, 11, 16, 10, 0), True),
    (_oslo(2026, 11, 16, 21, 59), True),
    (_oslo(2026, 11, 16, 22, 0), False),   # closing time itself is closed
    (_oslo(2026, 11, 20, 23, 59), True),   # Friday open until midnight ("24:00")
    (_oslo(2026, 11, 22, 12, 0), False),   # Sunday closed all day
])
def test_open_only_inside_the_days_hours_in_the_store_time_zone(ctx, when, is_open):
    assert _hours(ctx).is_open(when) is is_open


def test_next_opening_skips_a_closed_sunday(ctx):
    saturday_night = _oslo(2026, 11, 21, 23, 0)
    assert _hours(ctx).next_opening(saturday_night) == _oslo(2026, 11, 23, 10, 0)


def test_next_opening_is_now_when_open(ctx):
    noon = _oslo(2026, 11, 16, 12, 0)
    assert _hours(ctx).next_opening(noon) == noon


def test_closing_of_a_day_and_of_a_closed_day(ctx):
    hours = _hours(ctx)
    assert hours.closing_of_day(_oslo(2026, 11, 16, 8, 0)) == _oslo(2026, 11, 16, 22, 0)
    assert hours.closing_of_day(_oslo(2026, 11, 20, 23, 0)) == _oslo(2026, 11, 21, 0, 0)
    # Closed on Sunday: its service day is over before it starts.
    assert hours.closing_of_day(_oslo(2026, 11, 22, 12, 0)) == _oslo(2026, 11, 22, 0, 0)


def test_last_service_day_is_yesterday_in_the_morning_and_today_after_closing(ctx):
    hours = _hours(ctx)
    assert hours.last_service_day(_oslo(2026, 11, 17, 8, 0)) == date(2026, 11, 16)
    assert hours.last_service_day(_oslo(2026, 11, 17, 22, 30)) == date(2026, 11, 17)
    # Monday morning after a closed Sunday: Saturday was the last service.
    assert hours.last_service_day(_oslo(2026, 11, 23, 9, 0)) == date(2026, 11, 21)


def test_hours_follow_local_time_across_the_dst_change(ctx):
    hours = _hours(ctx, DEFAULT_HOURS)
    # Sunday 29 March 2026: clocks go forward in Oslo; 10:00 local is 08:00 UTC.
    assert hours.period_on(date(2026, 3, 29))[0] == datetime(2026, 3, 29, 8, 0,
                                                               tzinfo=timezone.utc)
    assert hours.period_on(date(2026, 3, 28))[0] == datetime(2026, 3, 28, 9, 0,
                                                               tzinfo=timezone.utc)


def test_a_store_closed_all_week_has_no_next_opening(ctx):
    hours = _hours(ctx, dict.fromkeys(DEFAULT_HOURS))
    assert hours.next_opening(_oslo(2026, 11, 16, 12, 0)) is None
    assert hours.last_service_day(_oslo(2026, 11, 16, 12, 0)) is None
