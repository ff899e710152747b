"""Weeks with a daylight-saving change keep every incident on its local day and hour.

Europe/Oslo springs forward on Sun 29 March 2026 (02:00 → 03:00, UTC+1 → UTC+2; week
2026-W13) and falls back on Sun 25 October 2026 (03:00 → 02:00; week 2026-W43).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app import incidents
from app.catalog import category_by_code, remedy_by_code
from app.models import RemedyRequest
from app.summary import Week, weekly_summary

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def log_at(ctx, clock, people):
    def log(utc: str, category: str = "cold_food") -> None:
        clock.set(datetime.fromisoformat(utc).replace(tzinfo=timezone.utc))
        incidents.log_incident(ctx, category_id=category_by_code(ctx, category).id,
                               remedies=[RemedyRequest(remedy_by_code(ctx, "remake").id)],
                               staff_id=people["Sam"])
    return log


def test_spring_forward_week_is_167_hours_from_local_midnight_to_local_midnight():
    start, end = Week(2026, 13).bounds(OSLO)
    assert start == datetime(2026, 3, 22, 23, 0, tzinfo=timezone.utc)  # Mon 00:00 +01:00
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=timezone.utc)  # Mon 00:00 +02:00
    assert end - start == timedelta(hours=167)


def test_fall_back_week_is_169_hours():
    start, end = Week(2026, 43).bounds(OSLO)
    assert end - start == timedelta(hours=169)


def test_spring_forward_week_puts_every_incident_on_its_local_day_and_hour(ctx, clock,
                                                                         log_at):
    log_at("2026-03-22T22:30:00")  # Sun 22 Mar 23:30 local: still W12
    log_at("2026-03-22T23:30:00")  # Mon 23 Mar 00:30 local: first hour of W13
    log_at("2026-03-29T00:30:00")  # Sun 29 Mar 01:30 +01:00, before the change
    log_at("2026-03-29T01:30:00")  # Sun 29 Mar 03:30 +02:00, after the change
    log_at("2026-03-29T21:30:00")  # Sun 29 Mar 23:30 +02:00: last hour of W13
    log_at("2026-03-29T22:30:00")  # Mon 30 Mar 00:30 +02:00: already W14
    clock.set(datetime(2026, 4, 8, 12, 0, tzinfo=timezone.utc))

    summary = weekly_summary(ctx, "2026-W13")

    assert summary.this.incidents == 4
    assert summary.this.by_day == (1, 0, 0, 0, 0, 0, 3)
    assert {h: n for h, n in enumerate(summary.this.by_hour) if n} == {0: 1, 1: 1, 3: 1,
                                                                      23: 1}
    assert summary.last.incidents == 1 and summary.last.by_day[6] == 1
    assert weekly_summary(ctx, "2026-W14").this.by_day[0] == 1


def test_fall_back_week_counts_the_repeated_hour_twice_on_sunday(ctx, clock, log_at):
    log_at("2026-10-25T00:30:00")  # Sun 02:30 +02:00 (first time round)
    log_at("2026-10-25T01:30:00")  # Sun 02:30 +01:00 (second time round)
    log_at("2026-10-25T22:30:00")  # Sun 23:30 +01:00: still W43
    log_at("2026-10-25T23:30:00")  # Mon 26 Oct 00:30: W44
    clock.set(datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc))

    summary = weekly_summary(ctx, "2026-W43")

    assert summary.this.incidents == 3
    assert summary.this.by_day == (0, 0, 0, 0, 0, 0, 3)
    assert summary.this.by_hour[2] == 2 and summary.this.by_hour[23] == 1
    assert weekly_summary(ctx, "2026-W44").this.by_day[0] == 1
