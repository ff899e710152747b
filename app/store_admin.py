"""Store settings changed from the back office, and first-run guesses from the system.

``update_settings`` is the one way the back office writes settings: owner only, every
value validated first (see :mod:`app.settings`), then only the changed ones written in one
transaction, each with an audit entry naming the old and new value.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app import admin, audit, catalog
from app import settings as settings_mod
from app.context import Context
from app.errors import ValidationError
from app.formatting import minor_digits
from app.i18n import LANGUAGES, _
from app.models import Changes
from db import catalog as catalog_db
from db import incidents as incidents_db

FALLBACK_TIMEZONE = "Europe/London"
DEFAULT_LOCALES = {"en": "en_GB", "nb": "nb_NO", "es": "es_ES", "nl": "nl_NL", "cs": "cs_CZ"}
#: `comeback init --language X` without --locale/--tz/--currency: the language's home.
INIT_DEFAULTS = {
    "en": ("en_GB", "Europe/London", "EUR"),
    "nb": ("nb_NO", "Europe/Oslo", "NOK"),
    "es": ("es_ES", "Europe/Madrid", "EUR"),
    "nl": ("nl_NL", "Europe/Amsterdam", "EUR"),
    "cs": ("cs_CZ", "Europe/Prague", "CZK"),
}
COMMON_CURRENCIES = ("NOK", "EUR", "CZK", "GBP", "USD", "SEK", "DKK", "CHF", "PLN")


def init_defaults(language: str | None) -> dict[str, str]:
    """Formats, time zone and currency for a new store in ``language`` (English's when the
    language is not given or not one of ours; ``init_store`` refuses an unknown one)."""
    locale, timezone, currency = INIT_DEFAULTS.get((language or "en").strip().lower()[:2],
                                                   INIT_DEFAULTS["en"])
    return {"locale": locale, "timezone": timezone, "currency": currency}


def update_settings(ctx: Context, by: int | None, values: Mapping[str, Any]) -> Changes:
    """Validate every value, then write those that changed, with an audit entry each."""
    admin.require(ctx, by, admin.SETTINGS)
    clean = {name: settings_mod.validate(name, value) for name, value in values.items()}
    current = ctx.settings()
    changed = {name: value for name, value in clean.items()
               if getattr(current, name) != value}
    if not changed:
        return Changes()
    if "preset" in changed:
        raise ValidationError("preset", _("Store type is chosen at first run; change the "
                                          "categories and remedies instead."))
    cashier = changed.get("cashier_limit", current.cashier_limit)
    if cashier > changed.get("manager_limit", current.manager_limit):
        raise ValidationError("cashier_limit", _(
            "The cashier limit cannot be above the manager limit."))
    old_currency = current.currency
    if "currency" in changed and incidents_db.count_incidents(ctx.db, ctx.store_id, True):
        raise ValidationError("currency", _(
            "Currency can only be changed before the first incident is logged: amounts "
            "already logged are in {currency}.").format(currency=old_currency))
    with ctx.db.atomic():
        settings_mod.write(ctx.db, ctx.store_id, changed)
        for name, value in changed.items():
            audit.record(ctx, by, "setting.changed", "setting", None, name=name,
                         old=getattr(current, name), new=value)
        if "currency" in changed:
            _rescale_remedies(ctx, old_currency, changed["currency"])
    return Changes(settings=True, catalog="currency" in changed)


def _rescale_remedies(ctx: Context, old: str, new: str) -> None:
    """Keep remedy values the same number of major units when minor digits differ."""
    shift = minor_digits(new) - minor_digits(old)
    if shift == 0:
        return
    for remedy in catalog.remedies(ctx, include_hidden=True):
        values = {"value_minor": _shift(remedy.value_minor, shift)}
        if remedy.approval_above_minor is not None:
            values["approval_above_minor"] = _shift(remedy.approval_above_minor, shift)
        catalog_db.update_remedy(ctx.db, ctx.store_id, remedy.id, values)


def _shift(minor: int, digits: int) -> int:
    return minor * 10**digits if digits > 0 else minor // 10**-digits


# -- first-run guesses --------------------------------------------------------------------
def guess_timezone(env: Mapping[str, str] | None = None,
                   etc_timezone: Path = Path("/etc/timezone"),
                   localtime: Path = Path("/etc/localtime")) -> str:
    """The system's time zone name: $TZ, /etc/timezone, or the /etc/localtime link."""
    env = os.environ if env is None else env
    candidates = [env.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(etc_timezone.read_text(encoding="utf-8").strip())
    with contextlib.suppress(OSError):
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and _known_zone(name):
            return name
    return FALLBACK_TIMEZONE


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def territory_of(timezone: str) -> str | None:
    from babel.core import get_global

    territory = get_global("zone_territories").get(timezone)
    return territory if territory and territory != "ZZ" else None


def suggest_for_timezone(timezone: str) -> dict[str, str]:
    """Currency, language and formats that most stores in this time zone would pick."""
    from babel.languages import get_official_languages
    from babel.numbers import get_territory_currencies

    territory = territory_of(timezone)
    currencies = get_territory_currencies(territory, tender=True) if territory else []
    language = "en"
    for code in get_official_languages(territory) if territory else ():
        code = "nb" if code in ("no", "nn") else code
        if code in LANGUAGES:
            language = code
            break
    return {"currency": currencies[0] if currencies else "EUR", "language": language,
            "locale": suggest_locale(language, timezone)}


def suggest_locale(language: str, timezone: str) -> str:
    """Formats for a language in the time zone's country (en + Europe/Oslo → en_NO)."""
    from babel.localedata import locale_identifiers

    territory = territory_of(timezone)
    if territory and f"{language}_{territory}" in locale_identifiers():
        return f"{language}_{territory}"
    return DEFAULT_LOCALES.get(language, "en_GB")


def timezones() -> list[str]:
    """Time zone names an owner may pick, Region/City style."""
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones()
                  if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/", "posix/",
                                                    "right/")))


# -- docs/settings.md ---------------------------------------------------------------------
def _default_text(spec: settings_mod.Setting) -> str:
    if spec.kind == "hours":
        days = {tuple(v) if v else None for v in spec.default.values()}
        if len(days) == 1 and None not in days:
            opens, closes = next(iter(days))
            return f"every day {opens}–{closes}"
    if spec.kind == "bool":
        return "`true`" if spec.default else "`false`"
    if spec.kind == "folder":
        return "empty: `backups/` next to the database"
    if spec.default == "":
        return "empty"
    return f"`{spec.default}`"


def _allowed_text(spec: settings_mod.Setting) -> str:
    if spec.limits:
        return f"whole number {spec.limits[0]}–{spec.limits[1]}"
    return {"text": "1–80 characters", "choice": "`restaurant` or `retail`",
            "currency": "ISO 4217 code (NOK, EUR, CZK…)",
            "locale": "CLDR locale (nb_NO, es_ES, nl_NL, cs_CZ, en_GB…)",
            "language": ", ".join(f"`{c}`" for c in LANGUAGES),
            "timezone": "IANA name (Europe/Oslo…)", "bool": "`true` or `false`",
            "hours": "per weekday opening–closing (HH:MM), or closed",
            "printer": "empty, `network:HOST[:PORT]`, `usb:VID:PID`, `serial:DEV[:BAUD]`, "
                       "`system:NAME` or `pdf:FOLDER`",
            "paper": "`58` or `80`", "footer": "0–120 characters",
            "folder": "a full folder path, or empty"}.get(spec.kind, spec.kind)


def settings_markdown() -> str:
    """The table of every setting in docs/settings.md, generated from app.settings.SETTINGS."""
    lines = ["| Setting | Name | Default | Allowed | Who changes it | What it does |",
             "|---|---|---|---|---|---|"]
    for spec in settings_mod.SETTINGS:
        who = "set at first run" if spec.name == "preset" else "owner"
        lines.append(f"| {spec.title_text} | `{spec.name}` | {_default_text(spec)} | "
                     f"{_allowed_text(spec)} | {who} | {spec.help_text} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m app.store_admin  → prints the table for the docs
    print(settings_markdown(), end="")
