"""app.plain_formats gives Babel's own results, byte for byte, without importing Babel."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, get_currency_precision

from app import formatting, locale_data, plain_formats

ROOT = Path(__file__).resolve().parent.parent
#: The interface's languages and their home countries, English and an American English.
NAMED = ("en", "en_US", "en_GB", "nb", "nb_NO", "es", "es_ES", "nl", "nl_NL", "cs", "cs_CZ")
CURRENCIES = ("NOK", "EUR", "CZK", "GBP", "USD", "JPY", "BHD", "SEK", "DKK", "CHF", "XXX")
AMOUNTS = (0, 1, 5, 99, 100, 650, 1200, 1250, 99999, 100000, 123450, 1234567, 999999999,
           -1, -650, -123450)
ZONES = ("Europe/Oslo", "Europe/Madrid", "America/New_York", "UTC")


def _moments():
    """Every hour of two days around each change of summer time, at several minutes."""
    for start in (datetime(2026, 3, 28, tzinfo=timezone.utc),
                  datetime(2026, 10, 24, tzinfo=timezone.utc)):
        for hours in range(0, 48):
            for minute in (0, 1, 9, 30, 59):
                yield start + timedelta(hours=hours, minutes=minute)


def _days():
    for year in (2001, 2026, 2099):
        for month in range(1, 13):
            for day in (1, 9, 10, 28):
                yield date(year, month, day)


@pytest.mark.parametrize("name", sorted(set(NAMED) | set(locale_data.LOCALES)))
def test_short_times_are_babels(name):
    assert locale_data.plain(name) is not None, name
    babel_locale = Locale.parse(name)
    for tz in ZONES:
        for when in _moments():
            local = formatting.local_time(when, tz)
            expected = format_time(local, "short", locale=babel_locale)
            assert plain_formats.short_time(local, name) == expected, (name, tz, when)
            assert formatting.short_time(when, tz, name) == expected
    for hour in range(24):
        local = datetime(2026, 6, 1, hour, 5, tzinfo=timezone.utc)
        assert plain_formats.short_time(local, name) == format_time(
            time(hour, 5), "short", locale=babel_locale)


@pytest.mark.parametrize("name", sorted(set(NAMED) | set(locale_data.LOCALES)))
def test_medium_dates_are_babels(name):
    babel_locale = Locale.parse(name)
    for day in _days():
        expected = format_date(day, "medium", locale=babel_locale)
        assert plain_formats.medium_date(day, name) == expected, (name, day)
        assert formatting.medium_date(day, name) == expected


@pytest.mark.parametrize("name", sorted(set(NAMED) | set(locale_data.LOCALES)))
def test_money_is_babels(name):
    babel_locale = Locale.parse(name)
    for code in CURRENCIES:
        digits = get_currency_precision(code)
        for minor in AMOUNTS:
            expected = format_currency(Decimal(minor).scaleb(-digits), code,
                                       locale=babel_locale)
            assert plain_formats.money(minor, digits, code, name) == expected, (name, code)
            assert formatting.money(minor, code, name) == expected


def test_a_locale_outside_the_file_is_left_to_babel():
    assert plain_formats.short_time(datetime(2026, 1, 1, 12, tzinfo=timezone.utc),
                                    "fr_CA") is None
    assert plain_formats.money(100, 2, "CAD", "fr_CA") is None
    assert formatting.money(123450, "CAD", "fr_CA") == format_currency(
        Decimal("1234.50"), "CAD", locale="fr_CA")


def test_the_plain_file_is_what_the_installed_babel_gives():
    # After a Babel upgrade: ``python -m app.locale_data`` rebuilds both files; commit them.
    assert locale_data.PLAIN_PATH.read_text(encoding="utf-8") == locale_data.plain_text()
    assert locale_data.plain("nb_NO") is not None, "the file is not used"


def test_a_plain_file_of_another_babel_is_not_used(monkeypatch, tmp_path):
    header, _newline, lines = locale_data.plain_text().partition("\n")
    stale = json.loads(header)
    stale["babel"] = "0.0"
    path = tmp_path / "babel-formats.jsonl"
    path.write_text(json.dumps(stale) + "\n" + lines, encoding="utf-8")
    monkeypatch.setattr(locale_data, "PLAIN_PATH", path)
    monkeypatch.setattr(locale_data, "_PLAIN", None)
    monkeypatch.setattr(locale_data, "_PLAIN_LOCALES", {})
    assert locale_data.plain("nb_NO") is None
    assert formatting.money(123450, "NOK", "nb_NO") == "1\xa0234,50\xa0kr"
    assert locale_data.plain("nb_NO") is None


def test_a_list_of_follow_ups_is_formatted_without_importing_babel():
    code = (
        "import sys\n"
        "from datetime import date, datetime, timezone\n"
        "from app.formatting import medium_date, money, short_time\n"
        "print(short_time(datetime(2026, 11, 30, 11, 5, tzinfo=timezone.utc), "
        "'Europe/Oslo', 'nb_NO'), money(123450, 'NOK', 'nb_NO'), "
        "medium_date(date(2026, 11, 29), 'nb_NO'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('babel', 'pickle')))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == ["12:05 1\xa0234,50\xa0kr 29. nov. 2026", "[]"]
