"""The parts of Babel's locale data that Comeback formats with, derived from Babel once.

Babel loads a locale's whole CLDR data the first time anything is formatted: it unpickles
the locale, its parents and ``root`` and merges them (nb_NO: four files, ~12 ms), and a
currency's digits come from ``global.dat`` (470 kB, ~8 ms). ``comeback followups`` prints a
few dozen times and amounts. So the formats, symbols and names the app uses (:data:`KEYS`)
of the locales stores use most (:data:`LOCALES`) are taken from Babel by
``python -m app.locale_data`` into one file next to the catalogs (:data:`PATH`), with the
currencies' digits, stamped with Babel's version. :func:`locale` hands Babel a ``Locale``
whose data is that part: Babel still parses nothing by hand and formats everything itself,
with its own ``NumberPattern`` and ``DateTimePattern`` objects. Anything outside the part
(another key, another locale, another Babel version, no file) is Babel's own full data, so
the results are always Babel's; ``tests/test_locale_data.py`` holds them equal for every
locale here and every currency.

Unpickling that file imports Babel (its patterns are Babel's objects), and importing Babel
costs a reading command more than all it prints (~30 M instructions of ``comeback
followups``' ~300 M). So the three formats such a command prints - a short time, a medium
date, money - are also written, as plain data taken from those same Babel objects, into a
second file, of JSON lines, one for each locale (:data:`PLAIN_PATH`, :func:`plain`): the
pattern Babel compiled, the names Babel gives each text field (months, am/pm), the affixes,
grouping and symbols of the currency pattern; and what the weekly report formats (its
skeletons' and weekday patterns, the week's date range, a short date and time, the decimal
and percent patterns: :func:`_report_formats`). ``app.plain_formats`` applies them as
Babel's own code does, without importing Babel; anything it does not cover is Babel's, and
the tests compare the two (tests/test_plain_formats.py, tests/test_plain_report_formats.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

#: The file, committed; rebuilt by ``python -m app.locale_data`` (a test says when).
PATH = Path(__file__).resolve().parent.parent / "assets" / "locale" / "babel-subset.pickle"
#: The layout of the file; with Babel's version, what a file must say to be used.
FORMAT = 1
#: The locales stores use most (the interface's languages with their home countries, and
#: English in each of them for an English summary of a foreign store).
LOCALES = ("en_GB", "en_US", "en_IE", "en_NO", "en_ES", "en_NL", "en_CZ", "en_DE",
           "nb_NO", "es_ES", "nl_NL", "nl_BE", "cs_CZ", "da_DK", "sv_SE", "de_DE",
           "fr_FR", "nb", "es", "nl", "cs", "en")
#: The top-level keys of Babel's data that the app's formats read (app.formatting,
#: app.report_text, app.chain_text): money, numbers, percentages, times, dates, weeks,
#: date ranges. Small; a locale's time zone names (most of its data) are not among them.
KEYS = ("number_symbols", "decimal_formats", "currency_formats", "percent_formats",
        "currency_symbols", "default_numbering_system", "time_formats", "date_formats",
        "datetime_formats", "datetime_skeletons", "interval_formats", "months", "days",
        "day_periods", "eras", "quarters", "week_data", "plural_form", "currency_names",
        "currency_names_plural")

#: The plain part (app.plain_formats), JSON lines (:func:`plain_text`); rebuilt with the pickle.
PLAIN_PATH = PATH.with_name("babel-formats.jsonl")
PLAIN_FORMAT = 1

_FILE: dict | None = None
_PLAIN: dict | None = None
_PLAIN_LOCALES: dict[str, dict | None] = {}
_LOCALES: dict[str, Any] = {}
#: (locale, key) read from Babel's full data because the part did not hold it (tests).
MISSED: list[tuple[str, str]] = []


def _file() -> dict:
    """The file's contents when they were made by this Babel, else ``{}``."""
    global _FILE
    if _FILE is None:
        import pickle

        import babel

        try:
            with PATH.open("rb") as handle:
                found = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            found = {}
        if found.get("format") != FORMAT or found.get("babel") != babel.__version__:
            found = {}
        _FILE = found
    return _FILE


def _plain_file() -> dict:
    """The plain file's first line (format, Babel's version, the currencies' digits) with
    its whole ``text``, when made by the Babel installed; else ``{}``. Each locale is a line
    of its own (:func:`plain_text`): a process parses the header and its locale's line."""
    global _PLAIN
    if _PLAIN is None:
        import json

        try:
            text = PLAIN_PATH.read_text(encoding="utf-8")
            found = json.loads(text.partition("\n")[0])
        except (OSError, ValueError):
            found = {}
        if not isinstance(found, dict) or found.get("format") != PLAIN_FORMAT or \
                not _is_installed_babel(found.get("babel")):
            found = {}
        else:
            found["text"] = text
        _PLAIN = found
    return _PLAIN


def _is_installed_babel(version: str | None) -> bool:
    """Whether ``import babel`` would load Babel ``version``: told without importing it by
    the distribution's metadata folder beside the package that import would find
    (``babel-2.19.0.dist-info``), else by importing it."""
    if not version:
        return False
    loaded = sys.modules.get("babel")
    if loaded is None:
        for entry in sys.path:
            entry = entry or "."
            if os.path.isdir(os.path.join(entry, "babel")):
                if any(os.path.isdir(os.path.join(entry, f"{name}-{version}.dist-info"))
                       for name in ("babel", "Babel")):
                    return True
                break  # another version, or installed another way: ask Babel itself
        import babel as loaded
    return loaded.__version__ == version


def plain(name: str) -> dict | None:
    """The plain formats of locale ``name`` (app.plain_formats), None when the plain file
    does not hold it (or was not made by the Babel installed)."""
    try:
        return _PLAIN_LOCALES[name]
    except KeyError:
        pass
    text = _plain_file().get("text", "")
    start = text.find(f"\n{_line_key(name)}")
    found = None
    if start >= 0:
        import json

        found = json.loads(text[start + 1:text.index("\n", start + 1)])[1]
    _PLAIN_LOCALES[name] = found
    return found


def _line_key(name: str) -> str:
    """How a locale's line begins: ``["nb_NO",{…}]``."""
    return f'["{name}",'


def currency_digits(currency: str) -> int:
    """Babel's ``get_currency_precision``: the currency's minor digits."""
    fractions = _plain_file().get("fractions") or _file().get("fractions")
    if fractions is None:
        from babel.numbers import get_currency_precision

        return get_currency_precision(currency)
    return fractions.get(currency, fractions["DEFAULT"])


def locale(name: str):
    """Babel's ``Locale.parse(name)``, parsed once per process; for a locale of the file, its
    data is the file's part (and Babel's full data for any other key)."""
    found = _LOCALES.get(name)
    if found is None:
        part = _file().get("locales", {}).get(name)
        if part is None:
            from babel import Locale

            found = Locale.parse(name)
        else:
            import pickle

            found = _part_locale(name, pickle.loads(part))
        _LOCALES[name] = found
    return found


def _part_locale(name: str, part: dict):
    from babel import Locale, localedata

    class PartData(localedata.LocaleDataDict):
        """The file's part; a key it lacks is read from Babel's full data (and noted)."""

        def __getitem__(self, key):
            try:
                return super().__getitem__(key)
            except KeyError:
                MISSED.append((name, key))
                return localedata.get_locale_data(part["identifier"])[key]

        def __contains__(self, key) -> bool:
            return key in self._data or key in localedata.get_locale_data(part["identifier"])

    class PartLocale(Locale):
        @property
        def _data(self):
            return self._part

    found = PartLocale(*part["components"])
    found._part = PartData(part["data"])
    return found


def _plain(value):
    """Babel's resolved data as plain dicts (aliases followed), patterns kept as objects."""
    from babel.localedata import LocaleDataDict

    if isinstance(value, (dict, LocaleDataDict)):
        return {key: _plain(value[key]) for key in value}
    return value


def build() -> dict:
    """The file's contents, from the Babel installed."""
    import pickle

    import babel
    from babel import Locale
    from babel.core import get_global

    locales = {}
    for name in LOCALES:
        parsed = Locale.parse(name)
        data = parsed._data  # Babel's merged data of the locale, aliases resolved on reading
        locales[name] = pickle.dumps({  # each on its own: a process unpickles only its own
            "components": (parsed.language, parsed.territory, parsed.script, parsed.variant,
                           parsed.modifier),
            "identifier": str(parsed).partition("@")[0],
            "data": {key: _plain(data[key]) for key in KEYS if key in data}}, protocol=4)
    fractions = {code: digits[0] for code, digits in get_global("currency_fractions").items()}
    return {"format": FORMAT, "babel": babel.__version__, "fractions": fractions,
            "locales": locales}


def plain_text() -> str:
    """The plain file (app.plain_formats), from the Babel installed: a first line with the
    file's format, Babel's version and the currencies' digits, then a line for each locale
    with its short time and medium date patterns and its standard currency pattern as plain
    data, each left out when it uses what app.plain_formats does not do."""
    import babel
    from babel import Locale
    from babel.core import get_global

    fractions = {code: digits[0] for code, digits in get_global("currency_fractions").items()}
    lines = [json_text({"format": PLAIN_FORMAT, "babel": babel.__version__,
                        "fractions": fractions})]
    for name in LOCALES:
        parsed = Locale.parse(name)
        entry = {"short_time": _plain_pattern(parsed, parsed.time_formats["short"]),
                 "medium_date": _plain_pattern(parsed, parsed.date_formats["medium"]),
                 "money": _plain_money(parsed),
                 **_report_formats(parsed)}
        line = json_text([name, {key: value for key, value in entry.items()
                                 if value is not None}])
        assert line.startswith(_line_key(name))
        lines.append(line)
    return "\n".join(lines) + "\n"


def json_text(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


#: The pattern fields app.plain_formats computes itself (numbers: hours, minutes, days,
#: months, years, as Babel's DateTimeFormat does) or looks up in names Babel gave (TEXT:
#: a month's, am/pm, a weekday's - which depend on the month, the hour or the weekday alone).
NUMERIC_FIELDS = {"H": 2, "h": 2, "m": 2, "d": 2, "M": 2, "y": 4}
TEXT_FIELDS = {"M": (3, 4, 5), "a": (1, 2, 3, 4, 5), "E": (1, 2, 3, 4, 5, 6),
               "c": (3, 4, 5, 6)}
#: The skeletons and patterns the weekly summary's dates are formatted with
#: (app.report_text.Formats): the key each takes in a locale's line, and what Babel is
#: asked (``format_skeleton(skeleton)``, or ``format_date(pattern)`` for "pattern:…").
REPORT_PATTERNS = ("Ed", "E", "d", "MMMEd", "pattern:EEEE")
#: The skeleton of the week's date range (``format_interval``) and the fields whose change
#: app.plain_formats can tell (Babel's ``DateTimeFormat.extract`` of a date).
INTERVAL_SKELETON = "yMMMd"
INTERVAL_FIELDS = ("y", "M", "d")


def _plain_pattern(parsed, pattern) -> dict | None:
    """Babel's compiled ``%``-format of a date or time pattern and the names its text
    fields take (Babel's own: each month's, am and pm); None for other fields."""
    import re
    from datetime import date, time

    from babel.dates import DateTimeFormat

    fields = sorted(set(re.findall(r"%\((\w+)\)s", pattern.format)))
    texts = {}
    for field in fields:
        char, width = field[0], len(field)
        if field != char * width:
            return None
        if width in TEXT_FIELDS.get(char, ()):
            if char == "M":
                texts[field] = [DateTimeFormat(date(2001, month, 1), parsed)[field]
                                for month in range(1, 13)]
            elif char in "Ec":  # by weekday, Monday first (1 January 2001 was a Monday)
                texts[field] = [DateTimeFormat(date(2001, 1, day), parsed)[field]
                                for day in range(1, 8)]
            else:
                texts[field] = [DateTimeFormat(time(hour), parsed)[field] for hour in (0, 12)]
        elif width > NUMERIC_FIELDS.get(char, 0):
            return None
    return {"format": pattern.format, "fields": fields, "texts": texts}


def _report_formats(parsed) -> dict:
    """What the weekly summary formats besides times, dates and money (app.report_text):
    its skeletons' patterns, the week's date range, a short date and time, whole numbers
    and percentages; each left out when it uses what app.plain_formats does not do."""
    from babel.dates import PATTERN_CHAR_ORDER, match_skeleton, parse_pattern

    patterns = {}
    for key in REPORT_PATTERNS:
        if key.startswith("pattern:"):
            pattern = parse_pattern(key.partition(":")[2])
        else:
            skeletons = parsed.datetime_skeletons
            found = key if key in skeletons else match_skeleton(key, skeletons)
            pattern = skeletons[found] if found else None
        plain = pattern and _plain_pattern(parsed, pattern)
        if plain:
            patterns[key] = plain
    found = {"components": [parsed.language, parsed.territory], "patterns": patterns}
    intervals = parsed.interval_formats.get(INTERVAL_SKELETON)
    if intervals:
        order = [field for field in PATTERN_CHAR_ORDER if field in intervals]
        parts = {field: [_plain_pattern(parsed, parse_pattern(text))
                         for text in intervals[field]] for field in order}
        if set(order) <= set(INTERVAL_FIELDS) and all(
                len(two) == 2 and all(two) for two in parts.values()):
            found["interval"] = {"order": order, **parts}
    short_date = _plain_pattern(parsed, parsed.date_formats["short"])
    if short_date:
        found["short_date"] = short_date
        found["short_datetime"] = str(parsed.datetime_formats["short"]).replace("'", "")
    for key, pattern in (("decimal", parsed.decimal_formats[None]),
                         ("percent", parsed.percent_formats[None])):
        number = _plain_number(parsed, pattern)
        if number:
            found[key] = number
    return found


def _plain_number(parsed, pattern) -> dict | None:
    """A decimal or percent pattern's parts that NumberPattern.apply uses (as
    :func:`_plain_money`, with the pattern's own fraction digits and scale)."""
    affixes = (*pattern.prefix, *pattern.suffix)
    if pattern.exp_prec or "@" in pattern.pattern or not pattern.number_pattern or \
            any("'" in a or "¤" in a for a in affixes):
        return None
    symbols = parsed.number_symbols["latn"]
    return {"prefix": list(pattern.prefix), "suffix": list(pattern.suffix),
            "grouping": list(pattern.grouping), "int_min": pattern.int_prec[0],
            "frac": list(pattern.frac_prec), "scale": pattern.scale,
            "group": symbols.get("group", ","), "decimal": symbols.get("decimal", ".")}


def _plain_money(parsed) -> dict | None:
    """The standard currency pattern's parts that NumberPattern.apply uses for money (no
    scientific, significant-digit, percent or quoted forms: those are Babel's)."""
    pattern = parsed.currency_formats["standard"]
    affixes = (*pattern.prefix, *pattern.suffix)
    if pattern.exp_prec or "@" in pattern.pattern or pattern.scale or \
            not pattern.number_pattern or any("'" in a or "¤¤" in a for a in affixes):
        return None
    symbols = parsed.number_symbols["latn"]
    return {"prefix": list(pattern.prefix), "suffix": list(pattern.suffix),
            "grouping": list(pattern.grouping), "int_min": pattern.int_prec[0],
            "group": symbols.get("group", ","), "decimal": symbols.get("decimal", "."),
            "symbols": dict(parsed.currency_symbols)}


def write(path: Path = PATH, plain_path: Path = PLAIN_PATH) -> None:
    import pickle

    path.write_bytes(pickle.dumps(build(), protocol=4))
    plain_path.write_text(plain_text(), encoding="utf-8")


if __name__ == "__main__":
    write()
    print(f"{PATH}: {PATH.stat().st_size:,} bytes, Babel's data of {len(LOCALES)} locales")
    print(f"{PLAIN_PATH}: {PLAIN_PATH.stat().st_size:,} bytes, their plain formats")
