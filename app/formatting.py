"""Money, numbers, dates and weeks in the store's locale (Babel / CLDR).

Babel rather than hand-written code: it knows every currency's minor units and symbol
placement (``1 234,50 kr``, ``1.234,50 €``, ``€ 1.234,50``, ``1 234,50 Kč``; CLDR's
spaces are no-break ones) and localised weekday names. Babel is imported by the function
that formats (~25 ms and its locale data): a command with nothing to format never loads it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def minor_digits(currency: str) -> int:
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


def money(amount_minor: int, currency: str, locale: str) -> str:
    """Format integer minor units: money(123450, 'NOK', 'nb_NO') == '1\xa0234,50\xa0kr'."""
    digits = minor_digits(currency)
    from decimal import Decimal

    from babel.numbers import format_currency

    value = Decimal(amount_minor).scaleb(-digits)
    return format_currency(value, currency, locale=locale)


def parse_money(text: str, currency: str, locale: str) -> int:
    """Parse '12,50' (in the locale) into minor units; raises ValueError."""
    from decimal import Decimal, InvalidOperation

    from babel.numbers import parse_decimal

    try:
        value = parse_decimal(text.strip(), locale=locale)
    except Exception as exc:  # babel raises NumberFormatError (a ValueError)
        raise ValueError(text) from exc
    try:
        scaled = (Decimal(value).scaleb(minor_digits(currency))).to_integral_exact()
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    return int(scaled)


def local_time(when: datetime, tz: str) -> datetime:
    return when.astimezone(ZoneInfo(tz))


def short_time(when: datetime, tz: str, locale: str) -> str:
    from babel.dates import format_time

    return format_time(local_time(when, tz), format="short", locale=locale)


def short_datetime(when: datetime, tz: str, locale: str) -> str:
    from babel.dates import format_datetime

    return format_datetime(local_time(when, tz), format="short", locale=locale)


def long_date(day: date, locale: str) -> str:
    from babel.dates import format_date

    return format_date(day, format="long", locale=locale)


def medium_date(day: date, locale: str) -> str:
    from babel.dates import format_date

    return format_date(day, format="medium", locale=locale)


def weekday_name(day: date, locale: str, width: str = "abbreviated") -> str:
    from babel.dates import format_date

    return format_date(day, format="EEE" if width == "abbreviated" else "EEEE", locale=locale)
