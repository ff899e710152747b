"""The weekly report's weekdays, date ranges, percentages, whole numbers and whole amounts
as app.plain_formats gives them are Babel's own, byte for byte, in every locale of its file
(issue 13: the report process no longer imports Babel)."""

from __future__ import annotations

import statistics
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from babel import Locale, localedata
from babel.dates import format_date, format_datetime, format_interval, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal, format_percent, parse_pattern

from app import formatting, locale_data, plain_formats, report_text
from app.cli import main
from app.summary import _median
from tests.conftest import cli_init_store

ROOT = Path(__file__).resolve().parent.parent
LOCALES = locale_data.LOCALES
CURRENCIES = ("NOK", "EUR", "CZK", "GBP", "USD", "JPY", "BHD", "SEK", "DKK", "CHF", "XXX")
NUMBERS = (0, 1, 7, 12, 999, 1000, 1234, 12345, 1234567, -1, -1234, 0.0, 0.5, 1.5, 2.5, 12.5,
           12.25, 0.125, 0.0005, 0.0015, 1.0005, 2.0005, 1 / 3, 2 / 3, 0.1 + 0.2, 1e-05,
           1e-07, 1234.5678, 1e16, 1.5e17, 123456789.125, -0.0, -0.5, -2.5, -12.3456)
RATES = (0.0, 1.0, 0.5, 0.125, 0.005, 0.015, 0.025, 0.994999, 0.995, 0.9951, 1 / 3, 2 / 3,
         1 / 7, 0.0001, 1e-05, 12.345, 1.005, -0.25, 0.285, 0.145, 0.855)
AMOUNTS = (0, 1, 49, 50, 51, 99, 100, 149, 150, 151, 250, 350, 1250, 99949, 99950, 123450,
           158950, 1234567, 999999999, -1, -50, -150, -123450)


def _days():
    start = date(2024, 12, 23)
    for offset in range(0, 800, 3):
        yield start + timedelta(days=offset)


@pytest.mark.parametrize("name", LOCALES)
def test_skeletons_and_weekdays_are_babels(name):
    parsed = Locale.parse(name)
    for day in _days():
        for skeleton in ("Ed", "E", "d", "MMMEd"):
            assert plain_formats.pattern(skeleton, day, name) == \
                format_skeleton(skeleton, day, locale=parsed), (name, skeleton, day)
        assert plain_formats.pattern("pattern:EEEE", day, name) == \
            format_date(day, "EEEE", locale=parsed)
        assert plain_formats.pattern("pattern:EEEE", day, name) == \
            formatting.weekday_name(day, name, "wide")


@pytest.mark.parametrize("name", LOCALES)
def test_week_ranges_are_babels(name):
    parsed = Locale.parse(name)
    for day in _days():  # weeks across a month's end and a year's end among them
        for length in (1, 6, 40, 400):
            end = day + timedelta(days=length)
            assert plain_formats.interval(day, end, name) == \
                format_interval(day, end, "yMMMd", locale=parsed), (name, day, end)
    assert plain_formats.interval(date(2026, 1, 1), date(2026, 1, 1), name) is None


@pytest.mark.parametrize("name", LOCALES)
def test_short_dates_and_times_are_babels(name):
    parsed = Locale.parse(name)
    start = datetime(2026, 3, 28, tzinfo=timezone.utc)
    for tz in ("Europe/Oslo", "America/New_York", "UTC"):
        for hours in range(0, 60, 5):
            local = formatting.local_time(start + timedelta(hours=hours, minutes=7), tz)
            assert plain_formats.short_datetime(local, name) == \
                format_datetime(local, "short", locale=parsed), (name, local)
    for hour in range(24):
        assert plain_formats.short_time(time(hour, 0), name) == \
            format_time(time(hour, 0), format="short", locale=parsed)
        assert plain_formats.short_time(time(hour, 41), name) == \
            format_time(time(hour, 41), format="short", locale=parsed)
    assert plain_formats.short_datetime(datetime(2026, 1, 1, 12), name) is None  # naive


@pytest.mark.parametrize("name", LOCALES)
def test_numbers_and_percentages_are_babels(name):
    parsed = Locale.parse(name)
    for value in NUMBERS:
        assert plain_formats.decimal(value, name) == format_decimal(value, locale=parsed), \
            (name, value)
    for value in (*RATES, *NUMBERS):
        assert plain_formats.percent(value, name) == format_percent(value, locale=parsed), \
            (name, value)
    for odd in (float("inf"), float("nan"), True, "12", Decimal("1.5")):
        assert plain_formats.decimal(odd, name) is None
        assert plain_formats.percent(odd, name) is None


def _babel_whole(minor: int, currency: str, locale: str) -> str:
    """Formats.money_whole as it was: Babel's format_currency of the rounded amount."""
    value = Decimal(minor).scaleb(-formatting.minor_digits(currency))
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return format_currency(value.quantize(Decimal(1), ROUND_HALF_UP), currency,
                           format=parse_pattern(pattern.replace(".00", "")), locale=locale,
                           currency_digits=False)


class _Summary:
    def __init__(self, locale: str, currency: str) -> None:
        self.locale, self.currency = locale, currency


@pytest.mark.parametrize("name", (*LOCALES, "fr_CA"))
def test_whole_amounts_numbers_and_rates_of_the_report_are_babels(name, monkeypatch):
    monkeypatch.setattr(report_text, "words_locale", lambda locale, language: locale)
    parsed = Locale.parse(name)
    for currency in CURRENCIES:
        fmt = report_text.Formats(_Summary(name, currency))
        for minor in AMOUNTS:
            assert fmt.money_whole(minor) == _babel_whole(minor, currency, name), \
                (name, currency, minor)
    fmt = report_text.Formats(_Summary(name, "EUR"))
    for value in NUMBERS:
        assert fmt.number(value) == format_decimal(value, locale=parsed)
    for rate in RATES:
        assert fmt.percent(rate) == format_percent(rate, locale=parsed)
    assert fmt.percent(None) == "–"


def _babel_words_locale(locale: str, language: str) -> str:
    store = Locale.parse(locale)
    if store.language == language:
        return locale
    regional = f"{language}_{store.territory}" if store.territory else language
    return regional if localedata.exists(regional) else language


def test_the_words_locale_is_as_babel_said():
    for locale in (*LOCALES, "fr_CA", "de_AT", "sv_FI", "pt_BR"):
        for language in ("en", "nb", "es", "nl", "cs", "de", "fr", "sv"):
            assert report_text.words_locale(locale, language) == \
                _babel_words_locale(locale, language), (locale, language)


def test_the_staff_median_is_statistics_median():
    for values in ([5], [1, 2], [3, 1, 2], [4, 1, 3, 2], [0, 0, 7, 7], [1250, 990, 40, 40, 3],
                   list(range(11)), [2, 2, 2, 9]):
        assert _median(values) == statistics.median(values)
        assert type(_median(values)) is type(statistics.median(values))


def test_the_weekly_report_process_does_not_import_babel(tmp_path, monkeypatch):
    from app.clock import SystemClock

    # Logged on a fixed clock: the machine's date (date.today(), in its own time zone) is
    # not always the store's week (late on a Sunday in UTC it is Monday in Oslo).
    monkeypatch.setattr(SystemClock, "now",
                        lambda self: datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc))
    path = tmp_path / "store.db"
    cli_init_store(path)
    out = tmp_path / "week.pdf"
    assert main(["log", "--db", str(path), "--category", "cold_food", "--remedy", "remake",
                 "--remedy", "free_dessert:45", "--table", "7"]) == 0
    week = "2026-W48"  # the week the incident is in (Tuesday 24 November 2026)
    code = (f"import sys\nfrom app.cli import main\n"
            f"assert main(['report', '--db', {str(path)!r}, '--week', {week!r}, "
            f"'--out', {str(out)!r}]) == 0\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in "
            f"('babel', 'statistics', 'decimal')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
    assert out.read_bytes().startswith(b"%PDF")
