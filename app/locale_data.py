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
"""

from __future__ import annotations

import pickle
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

_FILE: dict | None = None
_LOCALES: dict[str, Any] = {}
#: (locale, key) read from Babel's full data because the part did not hold it (tests).
MISSED: list[tuple[str, str]] = []


def _file() -> dict:
    """The file's contents when they were made by this Babel, else ``{}``."""
    global _FILE
    if _FILE is None:
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


def currency_digits(currency: str) -> int:
    """Babel's ``get_currency_precision``: the currency's minor digits."""
    fractions = _file().get("fractions")
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


def write(path: Path = PATH) -> None:
    path.write_bytes(pickle.dumps(build(), protocol=4))


if __name__ == "__main__":
    write()
    print(f"{PATH}: {PATH.stat().st_size:,} bytes, Babel's data of {len(LOCALES)} locales")
