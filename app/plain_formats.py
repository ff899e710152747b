"""Times, dates, money and numbers as Babel formats them, without importing Babel.

``comeback followups`` prints a few dozen times and amounts; importing Babel to format them
cost more than the rest of the command's work (~30 M instructions, and ~0.2 M a line in
Babel's general machinery). The patterns, names and symbols come from Babel itself
(``app.locale_data.plain``: what Babel compiled for each locale); this module applies them
the way Babel's ``DateTimePattern.apply`` and ``NumberPattern.apply`` do, for the fields and
forms those patterns use. The weekly report (app.report_text) formats its weekdays, date
range, percentages and whole numbers here too: importing Babel and loading its data was
~5 % of the report's process. Each function returns None when the locale is not in the plain
file (or its file is another Babel's): the caller (app.formatting) then asks Babel.
``tests/test_plain_formats.py`` compares every result with Babel's.
"""

from __future__ import annotations

from datetime import date, datetime

from app.locale_data import plain


def _padded(number: int, width: int) -> str:
    """Babel's ``DateTimeFormat.format``: ``'%0*d' % (width, number)``."""
    return str(number).zfill(width)


def _apply(entry: dict, value: date | datetime) -> str:
    """Babel's ``DateTimePattern.apply`` for the fields app.locale_data lets through."""
    texts = entry["texts"]
    fields = {}
    for field in entry["fields"]:
        names = texts.get(field)
        char, width = field[0], len(field)
        if names is not None:
            if char == "a":
                fields[field] = names[value.hour >= 12]
            elif char == "M":
                fields[field] = names[value.month - 1]
            else:  # a weekday's name ("E", "c")
                fields[field] = names[value.weekday()]
        elif char == "H":
            fields[field] = _padded(value.hour, width)
        elif char == "h":
            fields[field] = _padded(value.hour % 12 or 12, width)
        elif char == "m":
            fields[field] = _padded(value.minute, width)
        elif char == "d":
            fields[field] = _padded(value.day, width)
        elif char == "M":
            fields[field] = _padded(value.month, width)
        else:  # "y"
            year = _padded(value.year, width)
            fields[field] = year[-2:] if width == 2 else year
    return entry["format"] % fields


def short_time(local: datetime, locale: str) -> str | None:
    """``babel.dates.format_time(local, "short", locale)`` of a local time."""
    entry = plain(locale) if isinstance(locale, str) else None
    if entry is None or "short_time" not in entry:
        return None
    return _apply(entry["short_time"], local)


def medium_date(day: date, locale: str) -> str | None:
    """``babel.dates.format_date(day, "medium", locale)``."""
    entry = plain(locale) if isinstance(locale, str) else None
    if entry is None or "medium_date" not in entry:
        return None
    if isinstance(day, datetime):
        day = day.date()
    return _apply(entry["medium_date"], day)


def money(amount_minor: int, digits: int, currency: str, locale: str) -> str | None:
    """``babel.numbers.format_currency`` of ``amount_minor`` minor units of ``currency``
    (``digits`` of them to the unit) in the locale's standard currency pattern."""
    entry = plain(locale) if isinstance(locale, str) else None
    if entry is None or "money" not in entry or not isinstance(amount_minor, int):
        return None
    form = entry["money"]
    negative = 1 if amount_minor < 0 else 0
    whole, fraction = divmod(abs(amount_minor), 10 ** digits)
    number = _grouped(str(whole), form)
    if digits:
        number += form["decimal"] + str(fraction).zfill(digits)
    text = form["prefix"][negative] + number + form["suffix"][negative]
    if "¤" in text:
        text = text.replace("¤", form["symbols"].get(currency, currency))
    return None if "'" in text else text  # Babel would unquote it: its own result


def _grouped(digits: str, form: dict) -> str:
    """Babel's ``NumberPattern._format_int``."""
    if len(digits) < form["int_min"]:
        digits = "0" * (form["int_min"] - len(digits)) + digits
    size, then = form["grouping"]
    symbol = form["group"]
    done = ""
    while len(digits) > size:
        done = symbol + digits[-size:] + done
        digits = digits[:-size]
        size = then
    return digits + done


def pattern(key: str, value: date | datetime, locale: str) -> str | None:
    """``babel.dates.format_skeleton(key, value, locale)`` of a date, or, for a key
    "pattern:P", ``format_date(value, P, locale)`` (app.locale_data.REPORT_PATTERNS)."""
    entry = plain(locale) if isinstance(locale, str) else None
    found = entry and entry.get("patterns", {}).get(key)
    if not found:
        return None
    return _apply(found, value)


def interval(start: date, end: date, locale: str) -> str | None:
    """``babel.dates.format_interval(start, end, "yMMMd", locale)`` of two different days:
    the parts of the interval pattern of the largest field that differs."""
    entry = plain(locale) if isinstance(locale, str) else None
    found = entry and entry.get("interval")
    if not found or start == end or isinstance(start, datetime) or isinstance(end, datetime):
        return None
    for field in found["order"]:
        if _field(start, field) != _field(end, field):
            first, second = found[field]
            return _apply(first, start) + _apply(second, end)
    return None


def _field(day: date, field: str) -> int:
    """Babel's ``DateTimeFormat.extract`` of a date (app.locale_data.INTERVAL_FIELDS)."""
    return day.year if field == "y" else day.month if field == "M" else day.day


def short_datetime(local: datetime, locale: str) -> str | None:
    """``babel.dates.format_datetime(local, "short", locale)`` of a local, aware time."""
    entry = plain(locale) if isinstance(locale, str) else None
    if entry is None or "short_datetime" not in entry or "short_time" not in entry or \
            not isinstance(local, datetime) or local.tzinfo is None:
        return None
    return entry["short_datetime"].replace("{0}", _apply(entry["short_time"], local))\
        .replace("{1}", _apply(entry["short_date"], local))


def decimal(value: int | float, locale: str) -> str | None:
    """``babel.numbers.format_decimal(value, locale=locale)``."""
    return _number(value, locale, "decimal")


def percent(value: int | float, locale: str) -> str | None:
    """``babel.numbers.format_percent(value, locale=locale)``."""
    return _number(value, locale, "percent")


def _number(value, locale: str, kind: str) -> str | None:
    """Babel's ``NumberPattern.apply`` of an int or a float: ``Decimal(str(value))``,
    scaled, rounded half to even to the pattern's most fraction digits, grouped, its
    fraction cut to its fewest; done on the decimal digits of ``str(value)`` exactly."""
    entry = plain(locale) if isinstance(locale, str) else None
    form = entry and entry.get(kind)
    if not form or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    digits = _decimal_digits(str(value))
    if digits is None:  # inf, nan
        return None
    negative, mantissa, exponent = digits
    exponent += form["scale"]
    low, high = form["frac"]
    # mantissa * 10**exponent, rounded half to even at 10**-high
    shift = exponent + high
    if shift >= 0:
        rounded = mantissa * 10 ** shift
    else:
        rounded, rest = divmod(mantissa, 10 ** -shift)
        twice = 2 * rest
        if twice > 10 ** -shift or (twice == 10 ** -shift and rounded % 2):
            rounded += 1
    whole, fraction = divmod(rounded, 10 ** high)
    number = _grouped(str(whole), form)
    fraction_text = str(fraction).zfill(high) if high else "0"
    if len(fraction_text) < low:
        fraction_text += "0" * (low - len(fraction_text))
    if high and not (low == 0 and int(fraction_text) == 0):
        while len(fraction_text) > low and fraction_text[-1] == "0":
            fraction_text = fraction_text[:-1]
        number += form["decimal"] + fraction_text
    return form["prefix"][negative] + number + form["suffix"][negative]


def _decimal_digits(text: str) -> tuple[int, int, int] | None:
    """(negative, mantissa, exponent) of a number's decimal text: "-12.5e-3" is
    (1, 125, -4); None for what is not a finite number."""
    negative = 1 if text.startswith("-") else 0
    text = text.lstrip("+-")
    number, _e, power = text.lower().partition("e")
    whole, _dot, fraction = number.partition(".")
    digits = whole + fraction
    if not digits.isdigit() or not digits.isascii() or (power and not power.lstrip(
            "+-").isdigit()):
        return None
    return negative, int(digits), (int(power) if power else 0) - len(fraction)
