"""Money, numbers, dates and weeks in the store's locale (Babel / CLDR).

Babel rather than hand-written code: it knows every currency's minor units and symbol
placement (``1 234,50 kr``, ``1.234,50 €``, ``€ 1.234,50``, ``1 234,50 Kč``; CLDR's
spaces are no-break ones) and localised weekday names. Babel is imported by the function
that formats (~25 ms and its locale data): a command with nothing to format never loads it.
Each locale is parsed once per process (:func:`babel_locale`) and that ``Locale`` handed to
Babel: given a name, Babel parses it again on every call (a list of 50 follow-ups formats
~100 values: 4 µs a time instead of 23). For the locales stores use most, that ``Locale``
reads the few parts of Babel's data the app formats with from one small file instead of
loading the locale's whole data (app.locale_data); Babel still does all the formatting.
A short time, a medium date and money - what a list of follow-ups prints - are first asked
of app.plain_formats, which gives Babel's result from Babel's patterns without importing
Babel (that import was most of such a command's cost); anything it does not hold is Babel's.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_CURRENCY_PATTERNS: dict[tuple[str, int], object] = {}


def babel_locale(locale: str):
    """Babel's ``Locale`` for ``locale`` (e.g. ``nb_NO``), parsed once per process; its data
    is loaded on first use, once (app.locale_data). Anything but a name is handed on as it
    is."""
    if not isinstance(locale, str):
        return locale
    from app.locale_data import locale as parsed

    return parsed(locale)


def minor_digits(currency: str) -> int:
    """The currency's minor digits, as Babel's ``get_currency_precision`` says."""
    from app.locale_data import currency_digits

    return currency_digits(currency)


def _currency_pattern(locale: str, digits: int):
    """The locale's standard currency pattern with the currency's digits: what Babel's
    ``format_currency`` applies with ``currency_digits=True``, without reading the
    currencies' digits from Babel's global data at each process (app.locale_data)."""
    key = (locale, digits)
    found = _CURRENCY_PATTERNS.get(key)
    if found is None:
        from copy import copy

        found = copy(babel_locale(locale).currency_formats["standard"])
        found.frac_prec = (digits, digits)
        _CURRENCY_PATTERNS[key] = found
    return found


def money(amount_minor: int, currency: str, locale: str) -> str:
    """Format integer minor units: money(123450, 'NOK', 'nb_NO') == '1\xa0234,50\xa0kr'."""
    digits = minor_digits(currency)
    from app import plain_formats

    text = plain_formats.money(amount_minor, digits, currency, locale)
    if text is not None:
        return text
    from decimal import Decimal

    from babel.numbers import format_currency

    value = Decimal(amount_minor).scaleb(-digits)
    return format_currency(value, currency, format=_currency_pattern(locale, digits),
                           locale=babel_locale(locale), currency_digits=False)


def parse_money(text: str, currency: str, locale: str) -> int:
    """Parse '12,50' (in the locale) into minor units; raises ValueError."""
    from decimal import Decimal, InvalidOperation

    from babel.numbers import parse_decimal

    try:
        value = parse_decimal(text.strip(), locale=babel_locale(locale))
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
    from app import plain_formats

    local = local_time(when, tz)
    text = plain_formats.short_time(local, locale)
    if text is not None:
        return text
    from babel.dates import format_time

    return format_time(local, format="short", locale=babel_locale(locale))


def short_datetime(when: datetime, tz: str, locale: str) -> str:
    from babel.dates import format_datetime

    return format_datetime(local_time(when, tz), format="short",
                           locale=babel_locale(locale))


def long_date(day: date, locale: str) -> str:
    from babel.dates import format_date

    return format_date(day, format="long", locale=babel_locale(locale))


def medium_date(day: date, locale: str) -> str:
    from app import plain_formats

    text = plain_formats.medium_date(day, locale)
    if text is not None:
        return text
    from babel.dates import format_date

    return format_date(day, format="medium", locale=babel_locale(locale))


def weekday_name(day: date, locale: str, width: str = "abbreviated") -> str:
    from babel.dates import format_date

    return format_date(day, format="EEE" if width == "abbreviated" else "EEEE",
                       locale=babel_locale(locale))
