"""app.summary._Hours: each UTC hour (or minute) of the rows on its local weekday and hour,
with the zone's offset looked up once per UTC date, gives what converting each bucket on
its own gives (the way it was done before), in zones with whole-hour, half-hour and
45-minute offsets and across their changes; and the one pass over the rows counts by day,
by hour, per category and the peaks as the separate walks did."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.summary import _Hours

ZONES = ("Europe/Oslo", "America/New_York", "America/St_Johns", "Asia/Kolkata",
         "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "UTC")


def _each_bucket(rows, tz, width):
    """The conversion as it was: each bucket's first and last second, each on its own."""
    first, last = (":00:00+00:00", ":59:59+00:00") if width == 13 else (":00+00:00", ":59+00:00")
    local = {}
    for row in rows:
        a = datetime.fromisoformat(row[0] + first).astimezone(tz)
        b = datetime.fromisoformat(row[0] + last).astimezone(tz)
        if (a.weekday(), a.hour) != (b.weekday(), b.hour):
            return None
        local[row[0]] = (a.weekday(), a.hour)
    return local


def _buckets(start: datetime, hours: int, width: int, step_minutes: int = 60) -> list[tuple]:
    at, rows = start, []
    for _n in range(hours * 60 // step_minutes):
        rows.append((at.isoformat()[:width], 1, 1, 10))
        at += timedelta(minutes=step_minutes)
    return rows


@pytest.mark.parametrize("zone", ZONES)
def test_the_offset_per_date_is_each_buckets_own(zone):
    tz = ZoneInfo(zone)
    # Two years of whole hours (every change of both years), and minutes around them.
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    hourly = _buckets(start, 2 * 366 * 24, 13)
    assert _Hours._local(hourly, tz, 13) == _each_bucket(hourly, tz, 13)
    for days in range(0, 2 * 366, 7):  # each week of minutes (a quarter of each hour)
        week = _buckets(start + timedelta(days=days), 8 * 24, 16, step_minutes=15)
        assert _Hours._local(week, tz, 16) == _each_bucket(week, tz, 16)


def _hours_of(rows, split, monkeypatch) -> _Hours:
    """_Hours of ``rows`` (as rollup_hours gives them), with no database."""
    from db import reports

    monkeypatch.setattr(reports, "rollup_hours", lambda *_a: rows)
    monkeypatch.setattr(reports, "category_names",
                        lambda *_a: [(cid, f"c{cid}", f"Category {cid % 3}") for cid in range(9)])
    ctx = type("Ctx", (), {"db": None, "store_id": 1})()
    return _Hours(ctx, ZoneInfo("Europe/Oslo"), rows[0][0] + ":00:00+00:00", split, "", hourly=True)


def test_one_pass_counts_as_the_separate_walks(monkeypatch):
    import random

    rng = random.Random(5)
    at, rows = datetime(2026, 3, 16, tzinfo=timezone.utc), []
    for _hour in range(14 * 24):
        for cid in sorted(rng.sample(range(9), rng.randrange(0, 4))):
            rows.append((at.isoformat()[:13], cid, rng.randrange(1, 4), rng.randrange(0, 900)))
        at += timedelta(hours=1)
    split = "2026-03-22T23:00:00+00:00"
    hours = _hours_of(rows, split, monkeypatch)
    tz = ZoneInfo("Europe/Oslo")
    local = _each_bucket(rows, tz, 13)
    walked = [(int(r[0] >= split[:13]), *local[r[0]], r[1], r[2], r[3]) for r in rows]
    for this in (0, 1):
        by_day, by_hour = [0] * 7, [0] * 24
        for week, day, hour, _cid, count, _value in walked:
            if week == this:
                by_day[day] += count
                by_hour[hour] += count
        assert hours.by_day_and_hour(this) == (tuple(by_day), tuple(by_hour))
    buckets = (defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]))
    for week, _day, _hour, cid, count, value in walked:
        buckets[week][cid][0] += count
        buckets[week][cid][1] += value
    before, now = buckets
    expected = sorted(((cid, f"c{cid}", f"Category {cid % 3}", now[cid][0], now[cid][1],
                        before[cid][0], before[cid][1]) for cid in {**now, **before}),
                      key=lambda f: (-f[3], -f[4], -f[5], f[2]))
    assert [tuple(f) for f in hours.categories()] == expected
    for cid in {cid for week, *_x, cid, _c, _v in walked if week == 1}:
        days, hrs = Counter(), Counter()
        for week, day, hour, c, count, _value in walked:
            if week == 1 and c == cid:
                days[day] += count
                hrs[hour] += count
        assert hours.peaks(cid) == (days.most_common(1)[0][0], hrs.most_common(1)[0][0])
