"""A short time, a medium date and money as Babel formats them, without importing Babel.

``comeback followups`` prints a few dozen times and amounts; importing Babel to format them
cost more than the rest of the command's work (~30 M instructions, and ~0.2 M a line in
Babel's general machinery). The patterns, names and symbols come from Babel itself
(``app.locale_data.plain``: what Babel compiled for each locale); this module applies them
the way Babel's ``DateTimePattern.apply`` and ``NumberPattern.apply`` do, for the fields and
forms those patterns use. Each function returns None when the locale is not in the plain
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
            fields[field] = names[value.hour >= 12] if char == "a" else names[value.month - 1]
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
