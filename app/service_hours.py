"""The store's opening hours in its own time zone: is it open, when it opens and closes.

Hours come from the ``opening_hours`` setting: per weekday ``["HH:MM", "HH:MM"]`` or
``None`` (closed all day); ``"24:00"`` closes at midnight. The setting refuses hours that
cross midnight, so every service period lies inside one local date. All datetimes going in
and out are timezone-aware; results are in UTC, like everything the database stores.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from app.settings import WEEKDAYS, StoreSettings

# How far to look for the next opening or closing (a store closed longer has no reminders).
SEARCH_DAYS = 8


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class ServiceHours(NamedTuple):
    """Opening hours of one store: ``hours`` maps weekday index 0 (Monday)…6 to minutes."""

    tz: ZoneInfo
    hours: tuple[tuple[int, int] | None, ...]

    @classmethod
    def from_settings(cls, settings: StoreSettings) -> ServiceHours:
        table = settings.opening_hours or {}
        hours = []
        for day in WEEKDAYS:
            span = table.get(day)
            hours.append(None if not span else (_minutes(span[0]), _minutes(span[1])))
        return cls(ZoneInfo(settings.timezone), tuple(hours))

    # -- local days ------------------------------------------------------------------------
    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    def _at(self, day: date, minutes: int) -> datetime:
        local = datetime.combine(day, time(0), tzinfo=self.tz) + timedelta(minutes=minutes)
        if minutes >= 24 * 60:  # "24:00": midnight at the end of the day, in that day's zone
            local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        return local.astimezone(timezone.utc)

    def start_of_day(self, day: date) -> datetime:
        return self._at(day, 0)

    def period_on(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing instant (UTC) on a local date, or None when closed that day."""
        span = self.hours[day.weekday()]
        if span is None:
            return None
        return self._at(day, span[0]), self._at(day, span[1])

    # -- questions the follow-up rules ask --------------------------------------------------
    def is_open(self, at: datetime) -> bool:
        period = self.period_on(self.local_date(at))
        return period is not None and period[0] <= at < period[1]

    def closing_of_day(self, at: datetime) -> datetime:
        """When the service day of ``at`` ends: its closing time, or its start when closed.

        A follow-up due after closing (or on a closed day) has therefore already reached
        its closing: it is never alerted and is marked missed at the next sweep.
        """
        day = self.local_date(at)
        period = self.period_on(day)
        return period[1] if period else self.start_of_day(day)

    def next_opening(self, at: datetime) -> datetime | None:
        """``at`` itself when open, else the next opening (None if closed for a week)."""
        day = self.local_date(at)
        for offset in range(SEARCH_DAYS):
            period = self.period_on(day + timedelta(days=offset))
            if period is None or period[1] <= at:
                continue
            return max(period[0], at)
        return None

    def next_closing(self, at: datetime) -> datetime | None:
        """The first closing strictly after ``at``."""
        day = self.local_date(at)
        for offset in range(SEARCH_DAYS):
            period = self.period_on(day + timedelta(days=offset))
            if period is not None and period[1] > at:
                return period[1]
        return None

    def last_service_day(self, at: datetime) -> date | None:
        """The most recent local date whose service has ended by ``at`` (None if none in a week)."""
        day = self.local_date(at)
        for offset in range(SEARCH_DAYS):
            candidate = day - timedelta(days=offset)
            period = self.period_on(candidate)
            if period is not None and period[1] <= at:
                return candidate
        return None
