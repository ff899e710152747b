"""ISO weeks in the store's time zone: parsing "2026-W47", bounds as UTC, this/last week.

A week runs from Monday 00:00 to the next Monday 00:00 *local* time; converting those
two midnights to UTC gives the query range, so a week with a daylight-saving change is
167 or 169 hours long and every incident still falls on its local day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from app.clock import from_iso, to_iso
from app.context import Context
from app.errors import ValidationError
from app.i18n import _


class Week(NamedTuple):
    """An ISO week: ``Week(2026, 47)``; text form ``2026-W47``."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        raw = (text or "").strip().upper().replace(" ", "")
        try:
            year, number = raw.split("-W")
            week = cls(int(year), int(number))
            week.monday()
        except ValueError:
            raise ValidationError("week", _(
                "Week must look like 2026-W47 (an ISO year, -W and a week number that "
                "exists in that year).")) from None
        return week

    @classmethod
    def containing(cls, day: date) -> Week:
        iso = day.isocalendar()
        return cls(iso[0], iso[1])

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def days(self) -> tuple[date, ...]:
        first = self.monday()
        return tuple(first + timedelta(days=n) for n in range(7))

    def shifted(self, weeks: int) -> Week:
        return Week.containing(self.monday() + timedelta(weeks=weeks))

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """Local Monday 00:00 and next Monday 00:00, as UTC-aware datetimes."""
        start = datetime.combine(self.monday(), time(0), tz)
        end = datetime.combine(self.monday() + timedelta(weeks=1), time(0), tz)
        return from_iso(to_iso(start)), from_iso(to_iso(end))

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"


def current_week(ctx: Context) -> Week:
    tz = ZoneInfo(ctx.settings().timezone)
    return Week.containing(ctx.clock.now().astimezone(tz).date())


def last_complete_week(ctx: Context) -> Week:
    return current_week(ctx).shifted(-1)
