"""app.locale_data: the part of Babel's data the app formats with gives Babel's own results."""

from __future__ import annotations

import pickle
from datetime import date, datetime, time, timezone
from decimal import Decimal

import pytest
from babel import Locale
from babel.dates import format_date, format_datetime, format_interval, format_skeleton, format_time
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    list_currencies,
)

from app import formatting, locale_data

MOMENTS = [datetime(2026, 1, 5, 0, 7, tzinfo=timezone.utc),
           datetime(2026, 3, 29, 13, 45, tzinfo=timezone.utc),
           datetime(2026, 10, 25, 23, 59, tzinfo=timezone.utc)]
AMOUNTS = [0, 5, 1250, -1999, 123456789]


def test_the_file_is_what_the_installed_babel_gives():
    # After a Babel upgrade the file is not used (its version differs): rebuild it with
    # ``python -m app.locale_data`` and commit it.
    stored = pickle.loads(locale_data.PATH.read_bytes())
    built = locale_data.build()
    assert stored["babel"] == built["babel"]
    assert stored["fractions"] == built["fractions"]
    assert stored["locales"].keys() == built["locales"].keys()
    for name, part in built["locales"].items():
        assert _comparable(pickle.loads(stored["locales"][name])) == _comparable(
            pickle.loads(part)), name
    assert locale_data._file(), "the file is not used"


def _comparable(value):
    """Babel's pattern and plural objects have no ``==``: their attributes instead."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_comparable(item) for item in value)
    if hasattr(value, "rules"):  # a PluralRule (slots)
        return type(value).__name__, value.rules
    if hasattr(value, "__dict__"):
        return type(value).__name__, _comparable(  # not caches such as a PluralRule's _func
            {key: item for key, item in vars(value).items() if not key.startswith("_")})
    return value


def test_currency_digits_are_babels_for_every_currency():
    for code in sorted(list_currencies()):
        assert formatting.minor_digits(code) == get_currency_precision(code), code


@pytest.mark.parametrize("name", locale_data.LOCALES)
def test_money_is_babels_for_every_currency(name):
    full = Locale.parse(name)
    part = formatting.babel_locale(name)
    assert part is not full and str(part) == str(full)
    for code in sorted(list_currencies()):
        digits = get_currency_precision(code)
        for minor in AMOUNTS:
            expected = format_currency(Decimal(minor).scaleb(-digits), code, locale=full)
            assert formatting.money(minor, code, name) == expected, (name, code, minor)
    assert locale_data.MISSED == []


@pytest.mark.parametrize("name", locale_data.LOCALES)
def test_dates_times_and_numbers_are_babels(name):
    from app.report_text import _whole_units

    full = Locale.parse(name)
    part = formatting.babel_locale(name)
    tz = "Europe/Oslo"
    for when in MOMENTS:
        local = formatting.local_time(when, tz)
        day = local.date()
        assert formatting.short_time(when, tz, name) == format_time(local, "short", locale=full)
        assert formatting.short_datetime(when, tz, name) == format_datetime(
            local, "short", locale=full)
        assert formatting.medium_date(day, name) == format_date(day, "medium", locale=full)
        assert formatting.long_date(day, name) == format_date(day, "long", locale=full)
        for width in ("abbreviated", "wide"):
            assert formatting.weekday_name(day, name, width) == format_date(
                day, "EEE" if width == "abbreviated" else "EEEE", locale=full)
        for skeleton in ("Ed", "E", "d", "MMMEd"):
            assert format_skeleton(skeleton, day, locale=part) == format_skeleton(
                skeleton, day, locale=full)
        assert format_interval(day, date(2026, 11, 1), "yMMMd", locale=part) == \
            format_interval(day, date(2026, 11, 1), "yMMMd", locale=full)
        assert format_time(time(local.hour, 0), "short", locale=part) == format_time(
            time(local.hour, 0), "short", locale=full)
    for value in (0, 7, 1234.5, 0.125, 1 / 3):
        assert format_decimal(value, locale=part) == format_decimal(value, locale=full)
        assert format_percent(value, locale=part) == format_percent(value, locale=full)
    whole = _whole_units(name)
    for code in ("NOK", "EUR", "CZK", "GBP", "USD", "JPY"):
        assert format_currency(Decimal(1590), code, format=whole, locale=part,
                               currency_digits=False) == format_currency(
            Decimal(1590), code, format=whole, locale=full, currency_digits=False)
    assert locale_data.MISSED == []
    assert part.first_week_day == full.first_week_day
    assert part.min_week_days == full.min_week_days


def test_a_locale_outside_the_file_is_babels_own():
    found = formatting.babel_locale("fr_CA")
    assert type(found) is Locale
    assert formatting.money(123450, "CAD", "fr_CA") == format_currency(
        Decimal("1234.50"), "CAD", locale="fr_CA")


def test_a_key_outside_the_part_is_read_from_babels_full_data():
    part = formatting.babel_locale("nb_NO")
    before = len(locale_data.MISSED)
    assert part.territories["NO"] == Locale.parse("nb_NO").territories["NO"] == "Norge"
    assert locale_data.MISSED[before:] == [("nb_NO", "territories")]
    del locale_data.MISSED[before:]


def test_a_file_of_another_babel_is_not_used(monkeypatch, tmp_path):
    stale = locale_data.build()
    stale["babel"] = "0.0"
    path = tmp_path / "babel-subset.pickle"
    path.write_bytes(pickle.dumps(stale))
    monkeypatch.setattr(locale_data, "PATH", path)
    monkeypatch.setattr(locale_data, "_FILE", None)
    monkeypatch.setattr(locale_data, "_LOCALES", {})
    assert type(locale_data.locale("nb_NO")) is Locale
    monkeypatch.setattr(locale_data, "PATH", tmp_path / "missing.pickle")
    monkeypatch.setattr(locale_data, "_FILE", None)
    monkeypatch.setattr(locale_data, "_LOCALES", {})
    assert type(locale_data.locale("nb_NO")) is Locale
    assert formatting.minor_digits("JPY") == 0
